"""DOCX → PDF with LibreOffice headless, for every module that offers its documents as PDF.

In a private profile and directory per call, so conversions may run in parallel. When LibreOffice is not
installed `pdf_available()` is False (pages hide the PDF button) and `docx_to_pdf` answers a Vietnamese
message instead of a 500."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from neuguong.core.errors import BusinessError

MSG_PDF_UNAVAILABLE = "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản DOCX."
MSG_PDF_FAILED = "Không chuyển được sang PDF; hãy tải bản DOCX."


def pdf_available() -> bool:
    return shutil.which("soffice") is not None


def docx_to_pdf(data: bytes, timeout: int = 120) -> bytes:
    """The PDF of a DOCX document (BusinessError on field "format" when it cannot be made)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise BusinessError(MSG_PDF_UNAVAILABLE, field="format")
    with tempfile.TemporaryDirectory(prefix="ng-pdf-") as tmp:
        source = Path(tmp) / "van-ban.docx"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603
        except subprocess.TimeoutExpired as exc:
            raise BusinessError(MSG_PDF_FAILED, field="format") from exc
        target = Path(tmp) / "van-ban.pdf"
        if not target.exists():
            raise BusinessError(MSG_PDF_FAILED, field="format")
        return target.read_bytes()
