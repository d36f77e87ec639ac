"""Evidence files: the type is checked by extension AND by the file's first bytes; size is capped."""

import io
import os
import zipfile

from django.conf import settings

from neuguong.core.errors import BusinessError

MSG_FILE_TYPE = (
    "Tệp «{name}» không được chấp nhận: chỉ nhận PDF, ảnh (JPG, PNG, WEBP, HEIC), Word (DOCX), Excel (XLSX)."
)
MSG_FILE_CONTENT = "Nội dung tệp «{name}» không khớp với phần mở rộng của tệp."
MSG_FILE_SIZE = "Tệp «{name}» vượt quá dung lượng cho phép ({limit} MB)."
MSG_FILE_EMPTY = "Tệp «{name}» rỗng."
MSG_TOO_MANY_FILES = "Mỗi lần báo cáo gửi tối đa {limit} tệp minh chứng."
MAX_FILES_PER_REPORT = 10


def _is_zip_with(head: bytes, upload, member_prefix: str) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            return any(name.startswith(member_prefix) for name in archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def _sniff_pdf(head, upload):
    return head.startswith(b"%PDF-")


def _sniff_jpeg(head, upload):
    return head.startswith(b"\xff\xd8\xff")


def _sniff_png(head, upload):
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _sniff_webp(head, upload):
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _sniff_heic(head, upload):
    return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc")


def _sniff_docx(head, upload):
    return _is_zip_with(head, upload, "word/")


def _sniff_xlsx(head, upload):
    return _is_zip_with(head, upload, "xl/")


ALLOWED = {
    ".pdf": ("application/pdf", _sniff_pdf),
    ".jpg": ("image/jpeg", _sniff_jpeg),
    ".jpeg": ("image/jpeg", _sniff_jpeg),
    ".png": ("image/png", _sniff_png),
    ".webp": ("image/webp", _sniff_webp),
    ".heic": ("image/heic", _sniff_heic),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _sniff_docx),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _sniff_xlsx),
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
