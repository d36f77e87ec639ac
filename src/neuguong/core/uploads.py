"""The one upload policy for evidence and documents: type by extension AND by the file's first bytes
(a renamed executable is refused), size capped by settings.UPLOAD_MAX_BYTES, empty files refused.

Files are then stored by each module through Django's storage API under a generated name.
"""

import os
import zipfile

from django.conf import settings

from neuguong.core.errors import BusinessError

MSG_FILE_TYPE = (
    "Tệp «{name}» không được chấp nhận: chỉ nhận PDF, ảnh (JPG, PNG, WEBP, HEIC), Word (DOCX, DOC, ODT), "
    "Excel (XLSX, XLS, ODS)."
)
MSG_FILE_CONTENT = "Nội dung tệp «{name}» không khớp với phần mở rộng của tệp."
MSG_FILE_SIZE = "Tệp «{name}» vượt quá dung lượng cho phép ({limit} MB)."
MSG_FILE_EMPTY = "Tệp «{name}» rỗng."

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls compound files


def _zip_members(upload) -> list[str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
    finally:
        upload.seek(0)


def _zip_with(prefix: str):
    def sniff(head: bytes, upload) -> bool:
        return head.startswith(b"PK\x03\x04") and any(n.startswith(prefix) for n in _zip_members(upload))

    return sniff


def _odf(kind: bytes):
    # An OpenDocument file is a zip whose first member, stored uncompressed, is "mimetype".
    def sniff(head: bytes, upload) -> bool:
        upload.seek(0)
        start = upload.read(100)
        upload.seek(0)
        return head.startswith(b"PK\x03\x04") and b"mimetype" in start and kind in start

    return sniff


def _starts(*signatures: bytes):
    def sniff(head: bytes, upload) -> bool:
        return any(head.startswith(signature) for signature in signatures)

    return sniff


def _sniff_webp(head: bytes, upload) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _sniff_heic(head: bytes, upload) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc")


ALLOWED = {
    ".pdf": ("application/pdf", _starts(b"%PDF-")),
    ".jpg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    ".png": ("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    ".webp": ("image/webp", _sniff_webp),
    ".heic": ("image/heic", _sniff_heic),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _zip_with("word/")),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip_with("xl/")),
    ".odt": ("application/vnd.oasis.opendocument.text", _odf(b"opendocument.text")),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _odf(b"opendocument.spreadsheet")),
    ".doc": ("application/msword", _starts(_OLE)),
    ".xls": ("application/vnd.ms-excel", _starts(_OLE)),
}


def check_upload(upload, *, field: str = "files") -> str:
    """Validate one uploaded file; return the content type to store. Raise BusinessError otherwise."""
    name = os.path.basename(upload.name or "")[:255] or "tệp"
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED:
        raise BusinessError(MSG_FILE_TYPE.format(name=name), field=field)
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise BusinessError(MSG_FILE_SIZE.format(name=name, limit=limit // (1024 * 1024) or 1), field=field)
    if not upload.size:
        raise BusinessError(MSG_FILE_EMPTY.format(name=name), field=field)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type, sniff = ALLOWED[extension]
    if not sniff(head, upload):
        raise BusinessError(MSG_FILE_CONTENT.format(name=name), field=field)
    return content_type
