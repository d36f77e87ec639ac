"""DOCX → PDF through LibreOffice (headless), for every module that offers a PDF of a Party document.

Each conversion runs in a private profile and directory, so conversions may run in parallel. Without
LibreOffice on the server a PDF is refused with a message offering the DOCX."""

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
    """DOCX → PDF with LibreOffice headless, in a private profile and directory (safe to run in parallel)."""
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
