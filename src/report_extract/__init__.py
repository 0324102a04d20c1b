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
__all__ = ["extract", "ReportError", "__version__"]


def extract(path, data: bytes | None = None, ocr: str = "auto") -> "Report":
    """Read one report file (PDF, DOCX, HTML, text, or a PNG/JPEG/TIFF page image) into a
    :class:`report_extract.model.Report`. ``ocr``: ``auto`` reads scanned PDF pages and images by
    OCR (needs ``pip install 'report-extract[ocr]'``), ``always`` every PDF page, ``never`` none.

    Raises :class:`ReportError` when the input cannot be read as a report.
    """
    from .pipeline import extract as _extract

    return _extract(path, data, ocr=ocr)
