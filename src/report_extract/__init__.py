"""report-extract: Chinese government information-disclosure annual reports -> structured data.

    >>> import report_extract
    >>> report = report_extract.extract("report.pdf")
    >>> report.tables["applications"]["new_received"]["total"]

The command line (``report-extract``) is a thin layer over this API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ReportError

if TYPE_CHECKING:  # pragma: no cover
    from .model import Report

__version__ = "0.1.0"
__all__ = ["extract", "extract_pages", "ReportError", "__version__"]


def extract(path, data: bytes | None = None, ocr: str = "auto") -> "Report":
    """Read one report file (PDF, DOCX, HTML, text, or a PNG/JPEG/TIFF page image) into a
    :class:`report_extract.model.Report`. ``ocr``: ``auto`` reads scanned PDF pages and images by
    OCR (needs ``pip install 'report-extract[ocr]'``), ``always`` every PDF page, ``never`` none.

    Raises :class:`ReportError` when the input cannot be read as a report.
    """
    from .pipeline import extract as _extract

    return _extract(path, data, ocr=ocr)


def extract_pages(paths, ocr: str = "auto") -> "Report":
    """Read the page images of one report (``scan-p1.jpg``, ``scan-p2.jpg``, …: one file a page),
    in the order given, as one report; ``source.page_files`` names the file of each page. (The
    command line finds such groups by their names: :func:`report_extract.pages.group`.)"""
    from .errors import UsageError
    from .pages import label, read_group
    from .pipeline import extract as _extract

    if isinstance(paths, (str, bytes)):
        raise TypeError("paths must be a list of the page images' paths, not one path: use extract() for one file")
    paths = [str(p) for p in paths]
    if not paths:
        raise UsageError("no_page_images")
    if len(paths) == 1:
        return _extract(paths[0], ocr=ocr)
    return _extract(label(paths), read_group(paths), ocr=ocr)
