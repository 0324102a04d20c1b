"""Readers: one module per format, each ``read(data, name) -> Document``.

The format is chosen by content (magic bytes), so a file misnamed still reads as what it is; a
file whose name promises a PDF or a Word file but whose content is not one gets a clear error.
Format libraries are imported only when a file of that format is read, which keeps ``--help`` fast.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import PurePath

from ..document import Document
from ..errors import ReportError

_PROMISED = {".pdf": "pdf", ".ofd": "ofd", ".docx": "docx", ".doc": "doc", ".wps": "doc", ".png": "image", ".jpg": "image",
             ".jpeg": "image", ".tif": "image", ".tiff": "image"}
# PNG, JPEG, TIFF (little- and big-endian, and BigTIFF)
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
OCR_MODES = ("auto", "always", "never")
# what archivers add to a zip beside its files (macOS resource forks, Finder and Explorer files)
_ZIP_CLUTTER = re.compile(r"(?:^|/)(?:__MACOSX/|\.|Thumbs\.db$|desktop\.ini$)", re.I)


def sniff(data: bytes, name: str) -> str:
    head = data[:2048].lstrip()
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError) as exc:  # NotImplementedError:
            # a member needing a zip version (or compression) zipfile does not know
            promised = _PROMISED.get(PurePath(name).suffix.lower())
            if promised in ("docx", "doc"):
                raise ReportError("damaged_docx_zip", name, detail=str(exc)) from None
            raise ReportError("damaged_ofd_zip" if promised == "ofd" else "damaged_zip", name, detail=str(exc)) from None
        if "word/document.xml" in names:
            return "docx"
        if any(n.lstrip("/").casefold() == "ofd.xml" for n in names):
            return "ofd"
        from ..pages import is_image_name

        kept = [n for n in names if not n.endswith("/") and not _ZIP_CLUTTER.search(n)]
        if kept and all(is_image_name(n) for n in kept):
            return "pages"
        promised = _PROMISED.get(PurePath(name).suffix.lower())
        if promised in ("docx", "doc"):
            raise ReportError("zip_not_word", name)
        raise ReportError("zip_not_ofd" if promised == "ofd" else "zip_unknown", name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    lowered = head[:1024].lower()
    if name.lower().endswith((".mht", ".mhtml")) or b"mime-version:" in lowered[:300]:
        return "html"
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or looks_like_html(data[:8192]):
        return "html"
    return "text"


# a tag that starts an HTML page or fragment (a CMS body starts straight with <p> or <table>)
_FIRST_TAG = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!--|!doctype|html|head|body|meta|title|style|p|div|table|tbody|tr|"
                        rb"span|font|center|h[1-6]|section|article|strong|b|br|ul|ol|img|a)[\s>/]", re.I)
# a whole table written as HTML inside markdown (MinerU: <html><body><table>…), and any table block
_EMBEDDED_PAGE = re.compile(rb"<html[^>]*>\s*<body[^>]*>\s*<table", re.I)
_TABLE_BLOCK = re.compile(rb"<table.*?(?:</table>|$)", re.I | re.S)
_PIPE_ROW = re.compile(rb"^[ \t]*\|.*$", re.M)  # markdown table rows hold <br> for line breaks in cells
_PAGE_TAG = re.compile(rb"<(?:html|body)[\s>]", re.I)
_PROSE_TAG = re.compile(rb"</p>|<br\s*/?>|</div>", re.I)
# what only markdown and plain text separate their paragraphs and headings with
_BLANK_LINE = re.compile(rb"\n[ \t]*\r?\n")
_MD_HEADING = re.compile(rb"^#{1,6}[ \t]+\S", re.M)


def looks_like_html(head: bytes) -> bool:
    """HTML by content, whatever the file's name: a page (maybe after a crawler's header), or a
    fragment that starts with a tag or sets its prose in <p>/<br>/<div>. Markdown and text that
    carry HTML tables (pandoc, MinerU) stay text: tags inside their table blocks and pipe rows do
    not count, and neither do a few <br> in prose whose paragraphs are separated by blank lines or
    that has markdown headings (a converter's line breaks)."""
    if _FIRST_TAG.match(head):
        return True
    outside_tables = _PIPE_ROW.sub(b"", _TABLE_BLOCK.sub(b"", _EMBEDDED_PAGE.sub(b"<table", head)))
    if _PAGE_TAG.search(outside_tables[:1024]):
        return True
    prose_tags = len(_PROSE_TAG.findall(outside_tables))
    return (prose_tags >= 3 and prose_tags >= len(_BLANK_LINE.findall(outside_tables))
            and not _MD_HEADING.search(outside_tables))


def read(data: bytes, name: str, ocr: str = "auto", on_ocr_page=None) -> Document:
    """``ocr``: auto (pages without a usable text layer and images), always (every PDF page too),
    never (no OCR: an image or a scanned PDF is an error). ``on_ocr_page()``: called as OCR starts
    on each page."""
    if not data.strip(b" \t\r\n\x00"):  # whatever the name promises
        raise ReportError("empty", name)
    kind = sniff(data, name)
    promised = _PROMISED.get(PurePath(name).suffix.lower())
    if promised and kind != promised and (promised, kind) not in (("doc", "docx"), ("image", "pages")):
        raise ReportError("misnamed", name, promised=promised, kind=kind)
    if kind == "text":
        from . import text

        return text.read(data, name)
    if kind == "pdf":
        from . import pdf

        return pdf.read(data, name, ocr, on_ocr_page)
    if kind == "ofd":
        from . import ofd

        return ofd.read(data, name, ocr, on_ocr_page)
    if kind == "docx":
        from . import docx

        return docx.read(data, name)
    if kind == "html":
        from . import html

        return html.read(data, name)
    if kind == "doc":
        from . import doc

        return doc.read(data, name)
    if kind == "image":
        if ocr == "never":
            raise ReportError("image_needs_ocr", name)
        from . import image

        return image.read(data, name, on_ocr_page)
    if kind == "pages":
        if ocr == "never":
            raise ReportError("pages_need_ocr", name)
        from . import image

        return image.read_bundle(data, name, _ZIP_CLUTTER, on_ocr_page)
    raise ReportError("unsupported", name, kind=kind)
