"""Every limit on hostile or runaway input, in one place: named, documented, and checked before the
work it bounds (a zip's declared sizes before unzipping, a table's grid before expanding spans, a
file's size before reading it), so a bomb is refused in milliseconds instead of filling memory.

Each limit can be raised with an environment variable (and the memory and time limits with a
command-line option); the error names the limit and how to raise it, on one line. The table in
docs/OUTPUT.md ("Limits") lists them; ``report-extract limits`` prints them with their values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import ReportError


@dataclass(frozen=True)
class Limit:
    key: str  # short name, used in messages
    env: str  # environment variable that overrides the default
    default: int
    unit: str  # "MB" (value in mebibytes, compared in bytes), or a noun ("cells", "pages", ...)
    meaning: str
    option: str | None = None  # a command-line option that sets it too

    @property
    def value(self) -> int:
        """The limit in force: the environment variable if it holds a positive integer."""
        raw = os.environ.get(self.env, "").strip()
        if raw.isdigit() and int(raw) > 0:
            return int(raw)
        return self.default

    @property
    def amount(self) -> int:
        """The limit in the unit compared: bytes for MB limits."""
        return self.value * (1 << 20) if self.unit == "MB" else self.value

    @property
    def raised_with(self) -> dict:
        """How to raise it, as the facts of a failure (``reasons`` words them: ``raise it with
        --timeout or REPORT_EXTRACT_TIMEOUT=N``)."""
        return {"env": self.env, "option": self.option}

    def error(self, code: str, path: str | None = None, **facts) -> ReportError:
        """A one-line error: what was found (``code`` of ``reasons.REASONS`` and its facts), which
        limit, how to raise it."""
        return ReportError(code, path, limit=self.key, most=self.value, unit=self.unit, **self.raised_with, **facts)

    def check(self, amount: int, code: str, path: str | None = None, **facts) -> None:
        if amount > self.amount:
            raise self.error(code, path, **facts)


INPUT_SIZE = Limit("input size", "REPORT_EXTRACT_MAX_INPUT_MB", 256, "MB",
                   "bytes of one input file (or of stdin); checked with stat before reading")
TEXT_SIZE = Limit("text size", "REPORT_EXTRACT_MAX_TEXT_MB", 32, "MB",
                  "bytes of a text, markdown or HTML input (of the HTML part of an MHTML file)")
UNZIPPED_SIZE = Limit("unzipped size", "REPORT_EXTRACT_MAX_UNZIPPED_MB", 256, "MB",
                      "uncompressed bytes of all members of a DOCX or OFD (zip), from its directory, before unzipping; "
                      "for an OFD also the bytes of the parts its pages read, a part counted each time it is read")
XML_PART_SIZE = Limit("XML part size", "REPORT_EXTRACT_MAX_XML_MB", 64, "MB",
                      "uncompressed bytes of one XML member of a DOCX (word/document.xml) or an OFD (a page's "
                      "Content.xml), before parsing")
ZIP_MEMBERS = Limit("zip member count", "REPORT_EXTRACT_MAX_ZIP_MEMBERS", 10_000, "members",
                    "members of a DOCX or OFD (zip)")
TABLE_CELLS = Limit("table cells", "REPORT_EXTRACT_MAX_TABLE_CELLS", 200_000, "cells",
                    "grid positions of one table after rowspan/colspan expansion, counted before expanding")
DOCUMENT_CELLS = Limit("document cells", "REPORT_EXTRACT_MAX_CELLS", 100_000, "cells",
                       "table cells of one document, all tables together (a report has about 400)")
DOCUMENT_BLOCKS = Limit("document blocks", "REPORT_EXTRACT_MAX_BLOCKS", 200_000, "paragraphs and rows",
                        "paragraphs and table rows of one document (lines of a text file)")
SPAN = Limit("cell span", "REPORT_EXTRACT_MAX_SPAN", 1_000, "rows or columns",
             "rowspan or colspan of one cell (larger spans are clamped to it, as browsers clamp colspan)")
NESTING = Limit("nesting depth", "REPORT_EXTRACT_MAX_NESTING", 200, "levels",
                "nested multipart containers of an MHTML file, nested PDF form XObjects, an OFD page's nested "
                "PageBlocks and CompositeObjects (HTML, DOCX and OFD XML: "
                "libxml2's own bound of 256 elements, refused in one line)")
PAGES = Limit("page count", "REPORT_EXTRACT_MAX_PAGES", 2_000, "pages", "pages of a PDF or an OFD")
IMAGE_PAGES = Limit("image page count", "REPORT_EXTRACT_MAX_IMAGE_PAGES", 100, "pages",
                    "pages of a TIFF, or page images of one report (a zip, or files grouped by name), each "
                    "read by OCR at seconds a page; counted before decoding")
PIXELS = Limit("image pixels", "REPORT_EXTRACT_MAX_PIXELS", 60_000_000, "pixels",
               "pixels of one page image, from its header before it is decoded (a decompression bomb is refused; "
               "an A4 page at 600 dpi has about 35 million)")
STREAM_SIZE = Limit("stream size", "REPORT_EXTRACT_MAX_STREAM_MB", 256, "MB",
                    "bytes one compressed PDF stream inflates to, measured (and not kept) before pdfium loads it")
PAGE_OBJECTS = Limit("page objects", "REPORT_EXTRACT_MAX_PAGE_OBJECTS", 200_000, "objects",
                     "drawing objects of one PDF page, with those inside form XObjects; paths a content stream "
                     "paints are counted before pdfium loads the page (a page of 400,000 paths takes ~18 s, a "
                     "real report's page a few thousand); of an OFD page, its objects and TextCodes counted in "
                     "its bytes before it is parsed, and its path segments")
NUMBER_DIGITS = Limit("number digits", "REPORT_EXTRACT_MAX_DIGITS", 30, "digits",
                      "digits of one number in a cell; a longer run of digits is text (not_a_number), "
                      "the report is still read")
MEMORY = Limit("memory", "REPORT_EXTRACT_MAX_MEMORY_MB", 1_536, "MB",
               "memory of the process reading one input (a batch worker, or extract's reading process)",
               option="--max-memory")
TIME = Limit("time", "REPORT_EXTRACT_TIMEOUT", 900, "seconds",
             "seconds extract may spend on one input (room for a scan read by OCR); batch: --timeout, 60 by "
             "default, at least 60 a page for OCR", option="--timeout")

ALL: tuple[Limit, ...] = (INPUT_SIZE, TEXT_SIZE, UNZIPPED_SIZE, XML_PART_SIZE, ZIP_MEMBERS, TABLE_CELLS, DOCUMENT_CELLS, DOCUMENT_BLOCKS, SPAN,
                          NESTING, PAGES, IMAGE_PAGES, PIXELS, STREAM_SIZE, PAGE_OBJECTS, NUMBER_DIGITS, MEMORY, TIME)


def mb(n: int) -> float:
    """Bytes in mebibytes, as the failures say them (``{mb:,.1f} MB``)."""
    return n / (1 << 20)
