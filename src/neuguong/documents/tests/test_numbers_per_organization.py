"""Numbers belong to the issuing organisation and its term, not to an abbreviation that many share
(issue 19.8: organisation A was refused "01-KH/ĐU" because B had used it, and was told B's next number)."""

import datetime as dt

import pytest

from neuguong.core.errors import BusinessError
from neuguong.documents import services
from neuguong.reports.services import propose_number as propose_report_number

DAY = dt.date(2026, 3, 1)


@pytest.fixture
def two_dang_uy(tree):
    tree.org_b.abbreviation = "ĐU"  # both grassroots committees sign as «Đảng ủy»
    tree.org_b.save()
    return tree.org_a, tree.org_b


def register(tree, organization, **kw):
    values = {
        "actor": tree.staff,
        "organization": organization,
        "doc_type": "plan",
        "issued_on": DAY,
        "summary": "Kế hoạch học tập nghị quyết",
        "today": DAY,
    }
    return services.document_register(**(values | kw))


def test_two_organisations_with_the_same_abbreviation_each_have_their_01(tree, two_dang_uy):
    a, b = two_dang_uy
    register(tree, b, number_text="01-KH/ĐU")
    assert register(tree, a, number_text="01-KH/ĐU").number_text == "01-KH/ĐU"


def test_the_next_number_proposed_is_the_organisations_own(tree, two_dang_uy):
    a, b = two_dang_uy
    for n in range(1, 6):
        register(tree, b, number_text=f"{n:02d}-KH/ĐU")
    assert services.propose_number(organization=a, doc_type="plan", issued_on=DAY) == "01-KH/ĐU"
    register(tree, a)
    with pytest.raises(BusinessError) as caught:
        register(tree, a, number_text="01-KH/ĐU")
    assert caught.value.message == services.MSG_NUMBER_TAKEN.format(
        number="01-KH/ĐU", label="kế hoạch", issuer="ĐU", term="2026", next="02-KH/ĐU"
    )


def test_the_report_number_is_proposed_from_the_organisations_own_register(tree, two_dang_uy):
    a, b = two_dang_uy
    register(tree, b, number_text="07-BC/ĐU", doc_type="report")
    assert propose_report_number(a, DAY).number == "01-BC/ĐU"
    assert propose_report_number(b, DAY).number == "08-BC/ĐU"
