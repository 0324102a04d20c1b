"""A page of positioned text, as the PDF (``pdf``), OFD (``ofd``) and scan (``scan``) readers make it.

They fill a ``PageContent`` (lines of text, ruled tables with the characters of each cell,
tables read from the layout of the text), from a PDF's text layer, an OFD page's text objects or
OCR of a page image (``page_content``); what follows is the same for all: whether a page's text layer carries its text (``usable``),
running headers, footers and page numbers left out (``drop_running_lines``), and the page as
blocks of the document model (``PageContent.blocks``).

Nothing here opens a file, renders a page or knows OCR: the readers import this module, and none
imports another's page model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from .. import lattice, layout, text_lines
from ..document import Document, Table
from ..errors import ReportError
from ..lattice import Grid
from ..layout import OpenEnd
from ..text_lines import TEXT, Char, Line
from .text import PAGE_MARK

# A text layer is unreadable when more than this share of its characters have no Unicode mapping
# (a font that maps none: the text is glyph numbers), and more than UNMAPPED_FLOOR of them: a few
# symbols in a private font (a bullet, a logo) never make a page unreadable.
UNMAPPED_SHARE = 0.3
UNMAPPED_FLOOR = 20
# a page's text layer carries its text with at least this many visible characters (a page number
# or a stray mark on a scanned page's layer is fewer)
MIN_VISIBLE = 20
# characters of a page number (-4-, 第 4 页, 4/12), not counted as visible text
_PAGE_NUMBER_CHARS = "-—–第页/ "
# a line this close to the top or bottom of a page (a share of its height) stands in the margin,
# where running headers, footers and page numbers are
_BOTTOM_EDGE = 0.9
_TOP_EDGE = 0.12
_BARE_PAGE_NUMBER = re.compile(r"[-—–\s]*\d{1,3}[-—–\s]*")
# a character a font gives no Unicode for: a control or private-use character, or U+FFFD
UNMAPPED = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")


@dataclass
class PageContent:
    number: int
    height: float
    lines: list[Line]
    tables: list[tuple[Grid, list[list[Char]]]]  # grid and the chars of each cell
    n_chars: int = 0
    bad_chars: int = 0
    layout_tables: list[tuple[float, Table]] = field(default_factory=list)  # (top, table) read from text layout
    layout_lines: list[Line] = field(default_factory=list)  # the lines those tables were made of
    layout_open_end: OpenEnd | None = None  # where a layout table that ends the page stands
    ocr: dict | None = None  # read by OCR: each text box (a Char) -> its scan.BoxReading
    blank: bool = False  # a page image with no ink

    def blocks(self):
        """Paragraphs and tables of the page, top to bottom."""
        items = [(grid.bbox[3], "table", (grid, chars)) for grid, chars in self.tables]
        items += [(line.top, "line", line) for line in self.lines]
        items += [(top, "layout", table) for top, table in self.layout_tables]
        items.sort(key=lambda item: -item[0])
        lines: list[Line] = []
        for _, kind, item in items:
            if kind == "line":
                lines.append(item)
                continue
            yield from text_lines.paragraphs(lines, self.number)
            lines = []
            yield item if kind == "layout" else lattice.to_table(*item, self.number)
        yield from text_lines.paragraphs(lines, self.number)

    def chars(self) -> Iterator[Char]:
        """Every character of the page: its lines, the lines of its layout tables, its cells."""
        for line in self.lines + self.layout_lines:
            yield from line.chars
        for _, cells in self.tables:
            for chars in cells:
                yield from chars


def page_content(number: int, height: float, chars: list[Char], edges, bad_chars: int = 0,
                 continued: OpenEnd | None = None) -> PageContent:
    """A page of positioned characters and rules (PDF points, y up) as the page model: ruled
    tables from the rules (``lattice``), tables drawn with partial or no rules from the layout of
    the text no ruled table took (``layout``), the rest as lines. ``edges``: (horizontal (y, x0,
    x1), vertical (x, y0, y1)) rules; ``continued``: the open end of a layout table that ended the
    page before."""
    grids = [g for g in lattice.grids(edges) if len(g.cells) >= 2]
    in_cells, free = lattice.place(chars, grids)
    lines = layout.split_offset(text_lines.lines(free))
    found = layout.read(lines, number, continued, rules=edges[0])
    kept = {id(ln) for ln in found.rest}
    taken = [ln for ln in lines if id(ln) not in kept] if found.tables else []
    return PageContent(number, height, found.rest, list(zip(grids, in_cells)), len(chars), bad_chars, found.tables,
                       taken, found.open_end)


def document(pages: list[PageContent], name: str, fmt: str, ocr_blocks) -> Document:
    """The Document of a fixed-layout file's pages (``fmt``: pdf, ofd), some maybe read by OCR:
    its text layer checked where no page was, running headers, footers and page numbers left out,
    each page's blocks in order (``ocr_blocks(page)`` for a page read by OCR: ``scan.page_blocks``)."""
    ocr_pages = [p.number for p in pages if p.ocr is not None]
    if not ocr_pages:
        check_text_layer(pages, name, fmt)
    elif not any(p.n_chars for p in pages):
        raise ReportError("ofd_ocr_no_text" if fmt == "ofd" else "pdf_ocr_no_text", name)
    drop_running_lines(pages)
    headers_overleaf(pages)
    blocks = []
    for page in pages:
        blocks += page.blocks() if page.ocr is None else ocr_blocks(page)
    return Document(blocks=blocks, format=fmt, pages=len(pages), ocr_pages=ocr_pages)


def headers_overleaf(pages: list[PageContent]) -> None:
    """A table's header at the foot of a page, its rows atop the next: the header lines are the
    first rows of that table (on their own page), not prose; in place. Only where the table is
    the first thing on the next page (its running header aside)."""
    for before, after in zip(pages, pages[1:]):
        if not after.layout_tables or not before.lines:
            continue
        top, table = after.layout_tables[0]
        n = layout.header_tail(before.lines)
        if not n or any(line.top > top for line in after.lines):
            continue
        tail = before.lines[-n:]
        before.lines = before.lines[:-n]
        before.layout_lines += tail
        table.rows[:0] = layout.header_rows(tail)
        table.pages[:0] = [before.number] * n
        table.page = before.number


def check_text_layer(pages: list[PageContent], name: str, fmt: str) -> None:
    """Refuse a document (``fmt``: pdf, ofd, whose reasons they are) whose text cannot be read
    without OCR: fonts without a Unicode mapping, or no text at all."""
    ofd = fmt == "ofd"
    total = sum(p.n_chars for p in pages)
    bad = sum(p.bad_chars for p in pages)
    if mostly_unmapped(total, bad):
        raise ReportError("ofd_no_unicode" if ofd else "pdf_no_unicode", name)
    visible = (ch for p in pages for ch in p.chars() if not ch[TEXT].isspace())
    if next(islice(visible, MIN_VISIBLE - 1, None), None) is None:  # fewer than MIN_VISIBLE visible characters
        raise ReportError("ofd_no_text_layer" if ofd else "pdf_no_text_layer", name)


def mostly_unmapped(n_chars: int, bad_chars: int) -> bool:
    """Whether a text layer of ``n_chars`` characters and ``bad_chars`` without a Unicode mapping
    cannot be read (see UNMAPPED_SHARE)."""
    return bad_chars > max(UNMAPPED_FLOOR, UNMAPPED_SHARE * (n_chars + bad_chars))


def usable(page: PageContent) -> bool:
    """A page whose text layer carries its text: MIN_VISIBLE visible characters beyond page
    numbers, most of them mapped to Unicode."""
    if mostly_unmapped(page.n_chars, page.bad_chars):
        return False
    visible = 0
    for ch in page.chars():
        if not ch[TEXT].isspace() and not ch[TEXT].isdigit() and ch[TEXT] not in _PAGE_NUMBER_CHARS:
            visible += 1
            if visible >= MIN_VISIBLE:
                return True
    return False


def drop_running_lines(pages: list[PageContent]) -> None:
    """Page numbers (-4-, — 4 —, 第 4 页, a bare number) and lines repeated at the same height on
    most pages (running headers and footers) are not the report's text: left out of each page's
    lines, in place."""
    def key(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text.replace(" ", "")), round(line.top / 4)

    counts = Counter(key(ln) for p in pages for ln in p.lines)
    repeated = {k for k, n in counts.items() if len(pages) >= 3 and n >= max(3, len(pages) * 0.6)}
    for page in pages:
        kept = []
        for line in page.lines:
            edge = line.top > page.height * _BOTTOM_EDGE or line.top < page.height * _TOP_EDGE
            stripped = line.text.strip()
            if PAGE_MARK.match(stripped) or (edge and _BARE_PAGE_NUMBER.fullmatch(stripped)):
                continue
            if key(line) in repeated and edge:
                continue
            kept.append(line)
        page.lines = kept
