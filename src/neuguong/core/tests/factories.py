import datetime as dt

import factory
from django.contrib.auth import get_user_model

from neuguong.access.models import Role, RoleAssignment
from neuguong.organizations.models import Organization, OrgKind
from neuguong.people.models import Membership, Person, PersonStatus, Sex


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "Matkhau@123")
        if create:
            obj.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    """Builds an organisation with a correct tree path (as the service would)."""

    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.Sequence(lambda n: f"Chi bộ số {n}")
    kind = OrgKind.BRANCH
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.get("parent")
        if parent is None:
            kwargs["kind"] = OrgKind.SUPERIOR
        org = super()._create(model_class, *args, **kwargs)
        org.path = f"{parent.path if parent else '/'}{org.pk}/"
        org.depth = parent.depth + 1 if parent else 0
        org.save(update_fields=["path", "depth"])
        return org


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    sex = Sex.MALE
    date_of_birth = dt.date(1980, 5, 17)
    admitted_on = dt.date(2005, 3, 3)
    official_on = dt.date(2006, 3, 3)
    card_number = factory.Sequence(lambda n: f"{90000000 + n}")
    citizen_id = factory.Sequence(lambda n: f"{40000000000 + n:012d}")
    status = PersonStatus.OFFICIAL
    organization = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create:
            Membership.objects.create(
                person=obj, organization=obj.organization, started_on=obj.admitted_on or dt.date(2020, 1, 1)
            )


def created_on(obj, day: dt.date):
    """Make a record created on `day` (noon, Vietnam time), for tests that pass a simulated `today`."""
    from django.utils import timezone

    from neuguong.core.dates import LOCAL_ZONE

    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)), LOCAL_ZONE)
    type(obj).objects.filter(pk=obj.pk).update(created_at=moment)
    obj.created_at = moment
    return obj


def grant(user, role: str, organization: Organization) -> None:
    RoleAssignment.objects.create(user=user, role=role, organization=organization)
    if hasattr(user, "_neuguong_scope"):
        del user._neuguong_scope


__all__ = ["OrganizationFactory", "PersonFactory", "Role", "UserFactory", "created_on", "grant"]
