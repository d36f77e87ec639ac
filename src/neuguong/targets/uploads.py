"""Evidence files are checked before they are stored: allowed type (by name AND by first bytes) and size."""

from django.conf import settings

from neuguong.core.errors import BusinessError

MSG_FILE_EMPTY = "Tệp «{name}» rỗng."
MSG_FILE_TOO_LARGE = "Tệp «{name}» quá lớn (tối đa {limit} MB)."
MSG_FILE_TYPE = "Tệp «{name}»: chỉ nhận PDF, Word, Excel, OpenDocument hoặc ảnh JPG/PNG."
MSG_FILE_CONTENT = "Nội dung tệp «{name}» không khớp với đuôi tệp «.{suffix}»."

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# Suffix -> accepted leading bytes: a renamed executable or script is refused.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "doc": _OLE,
    "xls": _OLE,
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def file_suffix(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(upload) -> None:
    """Raise BusinessError (field "files") unless the upload is a non-empty allowed file within the limit."""
    name = (upload.name or "")[:100]
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise BusinessError(MSG_FILE_EMPTY.format(name=name), field="files")
    if upload.size > limit:
        raise BusinessError(MSG_FILE_TOO_LARGE.format(name=name, limit=limit // (1024 * 1024)), field="files")
    suffix = file_suffix(name)
    if suffix not in SIGNATURES:
        raise BusinessError(MSG_FILE_TYPE.format(name=name), field="files")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[suffix]):
        raise BusinessError(MSG_FILE_CONTENT.format(name=name, suffix=suffix), field="files")
