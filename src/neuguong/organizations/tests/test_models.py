"""Organisation names are searchable however the rows were written."""

import importlib

from django.apps import apps as django_apps

from neuguong.organizations.models import Agency, Organization, OrgKind


def test_bulk_created_organisations_and_agencies_are_found_by_name(tree):
    Organization.objects.bulk_create(
        [
            Organization(
                code="VP",
                name="Chi bộ  Văn phòng",
                kind=OrgKind.BRANCH,
                parent=tree.org_a,
                path="/x/",
                depth=2,
            )
        ]
    )
    Agency.objects.bulk_create([Agency(code="CQ1", name="Sở Y tế", organization=tree.org_a)])
    assert Organization.objects.get(code="VP").name == "Chi bộ Văn phòng"
    assert list(Organization.objects.search("chi bo van phong").values_list("code", flat=True)) == ["VP"]
    assert Agency.objects.get(code="CQ1").name_folded == "so y te"


def test_the_migration_fills_empty_search_keys(tree):
    Organization.objects.filter(pk=tree.org_b.pk).update(name_folded="")
    migration = importlib.import_module("neuguong.organizations.migrations.0003_fill_folded_names")
    migration.fill(django_apps, None)
    tree.org_b.refresh_from_db()
    assert tree.org_b.name_folded == "chi bo so tu phap"
