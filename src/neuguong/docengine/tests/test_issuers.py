"""The one rule for who issues, signs and receives a document (Hướng dẫn 36-HD/VPTW), over every kind."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuguong.docengine import issuers
from neuguong.docengine.issuers import committee_name, party_issuer

DAY = dt.date(2026, 4, 7)
ROOT = "Đảng bộ Khối Các cơ quan tỉnh"

# kind, name, superior's name → superior line, issuing body, authority, reports to, file copy
CASES = [
    (
        issuers.SUPERIOR,
        ROOT,
        "ĐẢNG BỘ TỈNH NGHỆ AN",
        "ĐẢNG BỘ TỈNH NGHỆ AN",
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
        "T/M BAN THƯỜNG VỤ",
        "Ban Thường vụ Tỉnh ủy Nghệ An",
        "Lưu Văn phòng",
    ),
    (
        issuers.GRASSROOTS_COMMITTEE,
        "Đảng bộ Sở Tài chính",
        ROOT,
        "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH",
        "ĐẢNG ỦY SỞ TÀI CHÍNH",
        "T/M ĐẢNG ỦY",
        "Đảng ủy Khối Các cơ quan tỉnh",
        "Lưu",
    ),
    (
        issuers.PARTIAL_COMMITTEE,
        "Đảng bộ bộ phận Phòng Kế hoạch",
        "Đảng bộ Sở Tài chính",
        "ĐẢNG BỘ SỞ TÀI CHÍNH",
        "ĐẢNG ỦY BỘ PHẬN PHÒNG KẾ HOẠCH",
        "T/M ĐẢNG ỦY",
        "Đảng ủy Sở Tài chính",
        "Lưu",
    ),
    (
        issuers.GRASSROOTS_BRANCH,
        "Chi bộ Sở Tư pháp",
        ROOT,
        "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH",
        "CHI BỘ SỞ TƯ PHÁP",
        "T/M CHI BỘ",
        "Đảng ủy Khối Các cơ quan tỉnh",
        "Lưu",
    ),
    (
        issuers.BRANCH,
        "Chi bộ Phòng Ngân sách",
        "Đảng bộ Sở Tài chính",
        "ĐẢNG BỘ SỞ TÀI CHÍNH",
        "CHI BỘ PHÒNG NGÂN SÁCH",
        "T/M CHI BỘ",
        "Đảng ủy Sở Tài chính",
        "Lưu",
    ),
]


@pytest.mark.parametrize(
    ("kind", "name", "superior", "line", "body", "authority", "report_to", "archive"), CASES
)
def test_each_kind_is_issued_and_signed_by_its_own_body(
    kind, name, superior, line, body, authority, report_to, archive
):
    issuer = party_issuer(kind=kind, name=name, superior_name=superior, on=DAY)
    assert (issuer.superior_body, issuer.issuing_body) == (line, body)
    assert (issuer.signing_authority, issuer.signer_position) == (authority, "BÍ THƯ")
    assert issuer.recipients() == [f"{report_to} (để báo cáo)", archive]

    deputy = party_issuer(kind=kind, name=name, superior_name=superior, on=DAY, deputy=True)
    assert deputy.signing_authority.split("\n") == [authority, "K/T BÍ THƯ"]
    assert deputy.signer_position == "PHÓ BÍ THƯ"


def test_a_chi_bo_signs_for_the_chi_bo_and_reports_to_the_dang_uy():
    """The known wrong result: a chi bộ's report was signed T/M BAN THƯỜNG VỤ and sent to 'Đảng bộ Khối…'."""
    issuer = party_issuer(
        kind=issuers.GRASSROOTS_BRANCH, name="Chi bộ Sở Tư pháp", superior_name=ROOT, on=DAY
    )
    assert [issuer.signing_authority, issuer.signer_position] == ["T/M CHI BỘ", "BÍ THƯ"]
    assert issuer.recipients("Các đảng viên")[0] == "Đảng ủy Khối Các cơ quan tỉnh (để báo cáo)"


@pytest.mark.parametrize("kind", issuers.COMMITTEE_KINDS)
def test_the_inspection_commission_issues_under_its_committee(kind):
    name = ROOT if kind == issuers.SUPERIOR else "Đảng bộ Sở Tài chính"
    issuer = party_issuer(kind=kind, name=name, superior_name="ĐẢNG BỘ TỈNH NGHỆ AN", on=DAY, commission=True)
    committee = committee_name(name).upper()
    assert (issuer.superior_body, issuer.issuing_body) == (committee, "ỦY BAN KIỂM TRA")
    assert (issuer.signing_authority, issuer.signer_position) == ("T/M ỦY BAN KIỂM TRA", "CHỦ NHIỆM")
    assert issuer.decides_line.split("\n")[-1].endswith("QUYẾT ĐỊNH:")
    assert " ".join(issuer.decides_line.split()) == f"ỦY BAN KIỂM TRA {committee} QUYẾT ĐỊNH:"
    deputy = party_issuer(kind=kind, name=name, superior_name="", on=DAY, commission=True, deputy=True)
    assert deputy.signing_authority.split("\n") == ["T/M ỦY BAN KIỂM TRA", "K/T CHỦ NHIỆM"]
    assert deputy.signer_position == "PHÓ CHỦ NHIỆM"


@pytest.mark.parametrize("kind", [issuers.GRASSROOTS_BRANCH, issuers.BRANCH, "tổ đảng"])
def test_a_chi_bo_has_no_commission_and_an_unknown_kind_is_refused(kind):
    with pytest.raises(ValueError, match="Loại tổ chức đảng không hợp lệ"):
        party_issuer(kind=kind, name="Chi bộ A", superior_name=ROOT, on=DAY, commission=True)


def test_the_deciding_body_says_who_decides():
    def line(kind, name):
        return " ".join(party_issuer(kind=kind, name=name, superior_name=ROOT, on=DAY).decides_line.split())

    assert line(issuers.SUPERIOR, ROOT) == "BAN THƯỜNG VỤ ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH QUYẾT ĐỊNH:"
    assert line(issuers.GRASSROOTS_COMMITTEE, "Đảng bộ Sở Tài chính") == "ĐẢNG ỦY SỞ TÀI CHÍNH QUYẾT ĐỊNH:"
    assert line(issuers.BRANCH, "Chi bộ Phòng Ngân sách") == "CHI BỘ PHÒNG NGÂN SÁCH QUYẾT ĐỊNH:"
    # A short one stays on one line; a long one puts "QUYẾT ĐỊNH:" on its own line, never split in two.
    assert (
        "\n"
        not in party_issuer(kind=issuers.BRANCH, name="Chi bộ A", superior_name=ROOT, on=DAY).decides_line
    )
    long = party_issuer(kind=issuers.SUPERIOR, name=ROOT, superior_name="", on=DAY).decides_line
    assert long.split("\n")[1] == "QUYẾT ĐỊNH:"


@pytest.mark.parametrize(
    ("day", "number"),
    [
        (dt.date(2010, 5, 1), None),
        (dt.date(2011, 11, 1), "46-QĐ/TW"),
        (dt.date(2016, 7, 25), "46-QĐ/TW"),
        (dt.date(2016, 7, 26), "30-QĐ/TW"),
        (dt.date(2021, 7, 28), "22-QĐ/TW"),
        (dt.date(2025, 2, 3), "262-QĐ/TW"),
        (dt.date(2025, 5, 29), "262-QĐ/TW"),
        (dt.date(2025, 5, 30), "296-QĐ/TW"),
        (dt.date(2030, 1, 1), "296-QĐ/TW"),
    ],
)
def test_a_decision_cites_the_charter_and_the_regulation_in_force_on_its_date(day, number):
    issuer = party_issuer(kind=issuers.SUPERIOR, name=ROOT, superior_name="", on=day, commission=True)
    bases = issuer.inspection_bases(program="Chương trình kiểm tra, giám sát năm 2026.")
    assert bases[0] == "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"
    assert "Chương VII" in bases[1] and "Chương VIII" in bases[1] and bases[1].endswith(";")
    if number:
        assert number in bases[1]
    assert bases[2] == "Căn cứ Chương trình kiểm tra, giám sát năm 2026;"


@pytest.mark.parametrize(
    ("name", "committee"),
    [
        ("Đảng bộ Khối Các cơ quan tỉnh", "Đảng ủy Khối Các cơ quan tỉnh"),
        ("ĐẢNG BỘ TỈNH NGHỆ AN", "Tỉnh ủy Nghệ An"),
        ("Đảng bộ thành phố Vinh", "Thành ủy Vinh"),
        ("ĐẢNG BỘ KHỐI DOANH NGHIỆP", "Đảng ủy Khối doanh nghiệp"),
        ("Chi bộ Sở Tư pháp", "Chi bộ Sở Tư pháp"),
    ],
)
def test_committee_name_names_the_committee_that_leads_a_dang_bo(name, committee):
    assert committee_name(name) == committee


names = st.text(alphabet="abcdeđơưạảấầẩẫậ ĐẠÂ", min_size=1, max_size=30).filter(str.strip)


@given(
    kind=st.sampled_from(issuers.KINDS),
    name=names,
    superior=st.one_of(st.just(""), names),
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
    deputy=st.booleans(),
)
def test_every_issuer_reads_as_the_party_format_says(kind, name, superior, day, deputy):
    for prefix in ("Chi bộ ", "Đảng bộ "):
        issuer = party_issuer(kind=kind, name=prefix + name, superior_name=superior, on=day, deputy=deputy)
        authority = issuer.signing_authority.split("\n")
        assert (
            authority[0]
            == {
                issuers.SUPERIOR: "T/M BAN THƯỜNG VỤ",
                issuers.GRASSROOTS_COMMITTEE: "T/M ĐẢNG ỦY",
                issuers.PARTIAL_COMMITTEE: "T/M ĐẢNG ỦY",
                issuers.GRASSROOTS_BRANCH: "T/M CHI BỘ",
                issuers.BRANCH: "T/M CHI BỘ",
            }[kind]
        )
        assert authority[1:] == (["K/T BÍ THƯ"] if deputy else [])
        assert issuer.signer_position == ("PHÓ BÍ THƯ" if deputy else "BÍ THƯ")
        assert issuer.issuing_body == issuer.issuing_body.upper() and issuer.issuing_body.strip()
        assert issuer.superior_body == " ".join(superior.split()).upper()
        recipients = issuer.recipients("Các chi bộ trực thuộc")
        assert recipients[-1].startswith("Lưu") and "Các chi bộ trực thuộc" in recipients
        # Reports go to a committee, never to a đảng bộ as such.
        assert not recipients[0].casefold().startswith("đảng bộ")
        assert (recipients[0].endswith("(để báo cáo)")) == bool(superior.strip())
        assert issuer.decides_line.replace("\n", " ").endswith(" QUYẾT ĐỊNH:")
