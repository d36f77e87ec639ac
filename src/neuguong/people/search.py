"""The word index of people's names (PostgreSQL): see `neuguong.core.search`."""

from neuguong.core.search import NameIndex

PERSON_NAMES = NameIndex(
    source="people_person", name="full_name", folded="name_folded", scope="organization_id"
)


def install_name_index(sender=None, **kwargs) -> None:
    """post_migrate: the triggers, and the table rebuilt when its layout changed."""
    PERSON_NAMES.ensure_installed()
