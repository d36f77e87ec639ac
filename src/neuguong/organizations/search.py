"""The word index of organisations' names (PostgreSQL): see `neuguong.core.search`. An organisation's
scope column is its own id, so a search limited to some subtrees lists their organisations' ids."""

from neuguong.core.search import NameIndex

ORGANIZATION_NAMES = NameIndex(
    source="organizations_organization", name="name", folded="name_folded", scope="id"
)


def install_name_index(sender=None, **kwargs) -> None:
    """post_migrate: the triggers, and the table rebuilt when its layout changed."""
    ORGANIZATION_NAMES.ensure_installed()
