import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from neuguong.core.errors import BusinessError
from neuguong.core.uploads import MSG_FILE_CONTENT, MSG_FILE_EMPTY, MSG_FILE_SIZE, MSG_FILE_TYPE, check_upload


def zipped(members: dict[str, bytes], first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first), members.pop(first))
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.pdf", b"%PDF-1.7 ...", "application/pdf"),
        ("a.JPG", b"\xff\xd8\xff\xe0....", "image/jpeg"),
        (
            "a.docx",
            zipped({"word/document.xml": b"<w/>"}),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "a.xlsx",
            zipped({"xl/workbook.xml": b"<x/>"}),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "a.odt",
            zipped(
                {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"}, "mimetype"
            ),
            "application/vnd.oasis.opendocument.text",
        ),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "application/msword"),
    ],
)
def test_allowed_files_pass_with_their_content_type(name, content, expected):
    assert check_upload(SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", MSG_FILE_TYPE.format(name="virus.exe")),
        ("no-extension", b"%PDF-", MSG_FILE_TYPE.format(name="no-extension")),
        ("fake.pdf", b"MZ\x90\x00", MSG_FILE_CONTENT.format(name="fake.pdf")),
        ("fake.docx", zipped({"xl/workbook.xml": b"<x/>"}), MSG_FILE_CONTENT.format(name="fake.docx")),
        ("fake.xlsx", b"PK\x03\x04 broken zip", MSG_FILE_CONTENT.format(name="fake.xlsx")),
        ("empty.pdf", b"", MSG_FILE_EMPTY.format(name="empty.pdf")),
    ],
)
def test_refused_files_get_a_vietnamese_message(name, content, message):
    with pytest.raises(BusinessError) as error:
        check_upload(SimpleUploadedFile(name, content), field="file")
    assert error.value.message == message
    assert error.value.field == "file"


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_files_over_the_limit_are_refused():
    with pytest.raises(BusinessError) as error:
        check_upload(SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * (1024 * 1024)))
    assert error.value.message == MSG_FILE_SIZE.format(name="lon.pdf", limit=1)
