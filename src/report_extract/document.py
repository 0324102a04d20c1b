"""The format-neutral document every reader produces: paragraphs and tables, in order, with pages.

Tables hold only the cells that exist: a merged cell appears once, at its top-left grid position,
with its spans; the grid positions it covers hold nothing. Everything after a reader works on this.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OcrReading:
    """How OCR read a cell: the lowest confidence of its text boxes (None: no text found) and
    their box (x0, y0, x1, y1) in pixels of the upright page image, y down."""
    confidence: float | None
    box: tuple[int, int, int, int] | None
    page: int | None = None


@dataclass
class Cell:
    text: str
    col: int = 0  # grid column of the cell's left edge, where the reader knows it
    rowspan: int = 1
    colspan: int = 1
    ocr: OcrReading | None = None  # the cell was read by OCR


@dataclass
class Table:
    rows: list[list[Cell]]
    page: int | None = None
    pages: list[int] = field(default_factory=list)  # one per row, where the format has pages


@dataclass
class Paragraph:
    text: str
    page: int | None = None
    heading: bool = False  # the source marked it as a heading (markdown #, Word heading style)
    lines: tuple[str, ...] = ()  # the source lines a reader joined into this paragraph, where it joined several


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block]
    format: str  # pdf | docx | doc | html | text
    pages: int | None = None
    title_hint: str | None = None  # a title the container gives (a crawler's header, <title>)
    date_hint: str | None = None  # the publishing date the container gives (a crawler's 发布时间, a PubDate meta)
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (1-based)
    page_files: list[str] | None = None  # the image file of each page, for a report of several page images


def table_from_texts(rows: list[list[str]], page: int | None = None) -> Table:
    """A table from rows of cell texts, as text formats give them (no spans)."""
    return Table([[Cell(text, col=i) for i, text in enumerate(row)] for row in rows], page=page,
                 pages=[page] * len(rows) if page is not None else [])


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines: no space between CJK characters, one between Latin words."""
    out = ""
    for part in parts:
        if out and _needs_space(out[-1], part[0]):
            out += " "
        out += part
    return out


def _needs_space(left: str, right: str) -> bool:
    return left.isascii() and right.isascii() and left.isalnum() and right.isalnum()
