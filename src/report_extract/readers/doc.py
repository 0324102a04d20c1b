"""Legacy Word .doc and WPS .wps: converted to DOCX by LibreOffice, then read as DOCX.

LibreOffice is not a dependency of report-extract: where it is missing, the error says how to
install it or convert the file by hand.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..document import Document
from ..errors import ReportError
from . import docx

TIMEOUT = 120  # seconds for one conversion


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(data: bytes, name: str = "<stdin>") -> Document:
    binary = soffice()
    if binary is None:
        raise ReportError("a legacy Word .doc/.wps file, which needs LibreOffice to convert: install it "
                          "(apt-get install libreoffice-writer-nogui) or convert the file to DOCX or PDF "
                          "yourself (soffice --headless --convert-to docx FILE)", name)
    with tempfile.TemporaryDirectory(prefix="report-extract-") as tmp:
        source = Path(tmp) / "input.doc"
        source.write_bytes(data)
        try:
            subprocess.run([binary, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "docx", "--outdir", tmp, str(source)],
                           capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"LibreOffice did not convert the .doc file within {TIMEOUT} s", name) from None
        converted = Path(tmp) / "input.docx"
        if not converted.exists():
            raise ReportError("LibreOffice could not convert the .doc/.wps file (damaged or not a Word file)", name)
        document = docx.read(converted.read_bytes(), name)
    document.format = "doc"
    return document
