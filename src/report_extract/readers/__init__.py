"""Readers: one module per format, each ``read(data, name) -> Document``.

The format is chosen by content (magic bytes), the extension only breaking ties, so a PDF named
``.txt`` is read as a PDF and a binary file named ``.txt`` gets a clear error. Format libraries are
imported only when a file of that format is read, which keeps ``--help`` fast.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from ..document import Document
from ..errors import ReportError

FORMATS = ("pdf", "docx", "doc", "html", "text")


def sniff(data: bytes, name: str) -> str:
    head = data[:2048].lstrip()
    lower_name = name.lower()
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile as exc:
            raise ReportError(f"a damaged or truncated zip/DOCX file ({exc})", name) from None
        if "word/document.xml" in names:
            return "docx"
        raise ReportError("a zip archive that is not a Word document", name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    lowered = head[:1024].lower()
    if lower_name.endswith((".mht", ".mhtml")) or b"mime-version:" in lowered[:300]:
        return "html"
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<body" in lowered:
        return "html"
    return "text"


def read(data: bytes, name: str) -> Document:
    kind = sniff(data, name)
    if kind == "text":
        from . import text

        return text.read(data, name)
    if kind == "pdf":
        from . import pdf

        return pdf.read(data, name)
    if kind == "docx":
        from . import docx

        return docx.read(data, name)
    if kind == "doc":
        raise ReportError("a legacy Word .doc/.wps file; this version reads DOCX, PDF, HTML and text. "
                          "Convert it first: soffice --headless --convert-to docx FILE", name)
    raise ReportError(f"{kind.upper()} files are not supported by this version yet", name)
