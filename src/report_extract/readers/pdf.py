"""PDF (made with Word, WPS, LibreOffice): text and ruled tables from pdfium, in one fast pass.

pdfium (pypdfium2, which comes with pdfplumber) gives every character with its box and every path
object with its bounds, 40–50 times faster than pdfplumber's layout pass. Tables are rebuilt from
the stroked ruling lines (lattice): cells from the intersections of horizontal and vertical rules,
spans from the grid lines a cell covers, text from the characters whose centre falls inside a cell.
Filled rectangles (white or coloured cell backgrounds, highlight boxes) are not rules. What is not
in a table becomes lines, then paragraphs; page numbers and running headers and footers are left out.
"""

from __future__ import annotations

import bisect
import ctypes
import re
from collections import Counter
from dataclasses import dataclass, field

from ..document import Cell, Document, Paragraph, Table
from ..errors import ReportError
from .text import PAGE_MARK

TOL = 1.5  # points: rules closer than this are the same line
_ITEM = re.compile(r"^(?:[一二三四五六七八九十]{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）])")
# a space between two CJK characters or punctuation is layout (justified text), not text
_WIDE_SPACE = re.compile(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])")


class Char:
    __slots__ = ("text", "x0", "y0", "x1", "y1", "cx", "cy", "height")

    def __init__(self, text: str, x0: float, y0: float, x1: float, y1: float):
        self.text, self.x0, self.y0, self.x1, self.y1 = text, x0, y0, x1, y1
        self.cx, self.cy, self.height = (x0 + x1) / 2, (y0 + y1) / 2, y1 - y0


@dataclass
class Line:
    chars: list[Char]
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0  # y of the line's top (PDF space: larger is higher)
    size: float = 10.0


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]  # descending (top first)
    cells: list[tuple[int, int, int, int]]  # (row, col, rowspan, colspan)
    slot: dict[tuple[int, int], int] = field(default_factory=dict)  # grid slot -> cell index
    neg_ys: list[float] = field(default_factory=list)  # -ys, ascending, for bisect

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[-1], self.xs[-1], self.ys[0]


def read(data: bytes, name: str = "<stdin>") -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReportError(_open_error(str(exc)), name) from None
    try:
        pages = [_read_page(pdf[i], i + 1) for i in range(len(pdf))]
    finally:
        pdf.close()
    if not pages:
        raise ReportError("a PDF with no pages", name)
    _check_text_layer(pages, name)
    _drop_running_lines(pages)
    blocks = []
    for page in pages:
        blocks += page.blocks()
    return Document(blocks=blocks, format="pdf", pages=len(pages))


def _open_error(message: str) -> str:
    lowered = message.lower()
    if "password" in lowered:
        return "an encrypted PDF that needs a password; remove the password (e.g. qpdf --decrypt) and try again"
    if "format" in lowered or "data" in lowered or "file" in lowered:
        return f"a damaged or truncated PDF file ({message})"
    return f"a PDF that cannot be opened ({message})"


@dataclass
class PageContent:
    number: int
    height: float
    lines: list[Line]
    tables: list[tuple[Grid, list[list[Char]]]]  # grid and the chars of each cell
    n_chars: int = 0
    bad_chars: int = 0

    def blocks(self):
        """Paragraphs and tables of the page, top to bottom."""
        items = [(grid.bbox[3], "table", (grid, chars)) for grid, chars in self.tables]
        items += [(line.top, "line", line) for line in self.lines]
        items.sort(key=lambda item: -item[0])
        lines: list[Line] = []
        for _, kind, item in items:
            if kind == "line":
                lines.append(item)
                continue
            yield from _paragraphs(lines, self.number)
            lines = []
            yield _table(*item, self.number)
        yield from _paragraphs(lines, self.number)


def _read_page(page, number: int) -> PageContent:
    height = page.get_height()
    chars, bad = _chars(page)
    grids = [g for g in _grids(_edges(page)) if len(g.cells) >= 2]
    in_cells: list[list[list[Char]]] = [[[] for _ in g.cells] for g in grids]
    boxes = [(g.bbox, g, bucket) for g, bucket in zip(grids, in_cells)]
    free: list[Char] = []
    for ch in chars:
        x, y = ch.cx, ch.cy
        for (x0, y0, x1, y1), g, bucket in boxes:
            if x0 <= x <= x1 and y0 <= y <= y1:
                index = _locate(g, x, y)
                if index is not None:
                    bucket[index].append(ch)
                    break
        else:
            free.append(ch)
    content = PageContent(number, height, _lines(free), list(zip(grids, in_cells)), len(chars), bad)
    page.close()
    return content


def _chars(page) -> tuple[list[Char], int]:
    """Every character with its box, through pdfium's C API (the Python wrappers cost more than
    pdfium itself at a thousand characters a page)."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    text = textpage.get_text_range(0, count) if count > 0 else ""
    aligned = len(text) == count
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    refs = (ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
    get_box = raw.FPDFText_GetCharBox
    chars, bad = [], 0
    for i in range(max(count, 0)):
        ch = text[i] if aligned else textpage.get_text_range(i, 1)
        if not ch or ch in "\r\n":
            continue
        code = ord(ch[0])
        if code < 32 or 0xE000 <= code <= 0xF8FF or code == 0xFFFD or 0x7F <= code < 0xA0:
            bad += 1  # control or private-use characters: a font without a Unicode mapping
            continue
        get_box(handle, i, *refs)
        x0, x1, y0, y1 = left.value, right.value, bottom.value, top.value
        if x1 <= x0 or y1 <= y0:
            if ch.isspace():
                continue
            x1, y1 = max(x1, x0 + 0.1), max(y1, y0 + 0.1)
        chars.append(Char(ch, x0, y0, x1, y1))
    textpage.close()
    return chars, bad


def _check_text_layer(pages: list[PageContent], name: str) -> None:
    total = sum(p.n_chars for p in pages)
    bad = sum(p.bad_chars for p in pages)
    if bad > max(20, 0.3 * (total + bad)):
        raise ReportError("the PDF's fonts have no Unicode mapping, so its text cannot be read "
                          "(only OCR could); OCR is not available in report-extract", name)
    if sum(1 for p in pages for ch in _iter_chars(p) if not ch.text.isspace()) < 20:
        raise ReportError("the PDF has no text layer (a scanned report?); OCR is not available in "
                          "report-extract", name)


def _iter_chars(page: PageContent):
    for line in page.lines:
        yield from line.chars
    for _, cells in page.tables:
        for chars in cells:
            yield from chars


# --- ruling lines -> grids ----------------------------------------------------------------------
def _path_objects(container, count_fn, get_fn, depth: int = 0):
    """Path objects of a page, and of the form XObjects in it (raw pdfium handles)."""
    import pypdfium2.raw as raw

    for i in range(count_fn(container)):
        obj = get_fn(container, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_PATH:
            yield obj
        elif kind == raw.FPDF_PAGEOBJ_FORM and depth < 8:
            yield from _path_objects(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, depth + 1)


def _edges(page) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """(horizontal (y, x0, x1), vertical (x, y0, y1)) rules: stroked paths and thin dark fills.

    Positions of objects inside form XObjects are taken as pdfium reports them (page space for
    the forms Word, WPS and LibreOffice write)."""
    import pypdfium2.raw as raw

    horizontal, vertical = [], []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    bounds = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    for obj in _path_objects(page.raw, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject):
        raw.FPDFPageObj_GetBounds(obj, *bounds)
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        w, h = x1 - x0, y1 - y0
        raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
        if stroke.value:
            pass
        elif fill.value and min(w, h) < 2.5:
            raw.FPDFPageObj_GetFillColor(obj, *(ctypes.byref(v) for v in (r, g, b, a)))
            if a.value == 0 or min(r.value, g.value, b.value) > 200:
                continue  # a white or invisible thin fill is no rule
        else:
            continue  # a filled box: a cell background, not a rule
        if h < 2.5 and w > 2:
            horizontal.append(((y0 + y1) / 2, x0, x1))
        elif w < 2.5 and h > 2:
            vertical.append(((x0 + x1) / 2, y0, y1))
        elif stroke.value and w > 2 and h > 2:  # a stroked rectangle: its four sides
            horizontal += [(y0, x0, x1), (y1, x0, x1)]
            vertical += [(x0, y0, y1), (x1, y0, y1)]
    return horizontal, vertical


def _closures(vertical: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """A table cut by a page break often lacks its last (or first) horizontal rule: where three or
    more vertical rules end at the same height, that height is a rule too."""
    out = []
    for end in (1, 2):
        groups: dict[float, list[float]] = {}
        snapped = _snap([v[end] for v in vertical])
        for v in vertical:
            groups.setdefault(snapped[v[end]], []).append(v[0])
        out += [(y, min(xs), max(xs)) for y, xs in groups.items() if len(xs) >= 3]
    return out


def _snap(values: list[float]) -> dict[float, float]:
    """Each value -> the first of its cluster (values closer than TOL are one line)."""
    out: dict[float, float] = {}
    anchor = None
    for v in sorted(set(values)):
        if anchor is None or v - anchor > TOL:
            anchor = v
        out[v] = anchor
    return out


def _merge(segments: dict[float, list[tuple[float, float]]]) -> dict[float, list[tuple[float, float]]]:
    merged = {}
    for pos, spans in segments.items():
        spans.sort()
        out = [list(spans[0])]
        for a, b in spans[1:]:
            if a <= out[-1][1] + TOL:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        merged[pos] = [tuple(s) for s in out]
    return merged


def _covers(spans: list[tuple[float, float]], a: float, b: float) -> bool:
    for start, end in spans:
        if start <= a + TOL and end >= b - TOL:
            return True
    return False


def _grids(edges) -> list[Grid]:
    horizontal, vertical = edges
    if not horizontal or not vertical:
        return []
    horizontal = horizontal + _closures(vertical)
    ys = _snap([y for y, _, _ in horizontal] + [y for _, y0, y1 in vertical for y in (y0, y1)])
    xs = _snap([x for x, _, _ in vertical] + [x for _, x0, x1 in horizontal for x in (x0, x1)])
    hseg: dict[float, list] = {}
    for y, x0, x1 in horizontal:
        hseg.setdefault(ys[y], []).append((xs[x0], xs[x1]))
    vseg: dict[float, list] = {}
    for x, y0, y1 in vertical:
        vseg.setdefault(xs[x], []).append((ys[y0], ys[y1]))
    hseg, vseg = _merge(hseg), _merge(vseg)
    points = {(x, y) for y, hs in hseg.items() for x, vs in vseg.items()
              if _covers(hs, x, x) and _covers(vs, y, y)}
    by_row: dict[float, list[float]] = {}
    by_col: dict[float, list[float]] = {}
    for x, y in points:
        by_row.setdefault(y, []).append(x)
        by_col.setdefault(x, []).append(y)
    boxes = []
    for x, y in points:  # (x, y) is a cell's top-left corner: y is its top
        rights = sorted(v for v in by_row[y] if v > x)
        downs = sorted((v for v in by_col[x] if v < y), reverse=True)
        box = _smallest_cell(x, y, rights, downs, points, hseg, vseg)
        if box:
            boxes.append(box)
    return _group(boxes)


def _smallest_cell(x, y, rights, downs, points, hseg, vseg):
    for y2 in downs:
        if not _covers(vseg[x], y2, y):
            break
        for x2 in rights:
            if not _covers(hseg[y], x, x2):
                break
            if (x2, y2) in points and _covers(hseg[y2], x, x2) and _covers(vseg[x2], y2, y):
                return (x, y2, x2, y)
    return None


def _group(boxes: list[tuple[float, float, float, float]]) -> list[Grid]:
    """Cells that share corners are one table; each table gets its grid of lines and spans."""
    parent = list(range(len(boxes)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    corner_owner: dict[tuple[float, float], int] = {}
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        for corner in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
            if corner in corner_owner:
                parent[find(i)] = find(corner_owner[corner])
            else:
                corner_owner[corner] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        groups.setdefault(find(i), []).append(i)
    grids = []
    for members in groups.values():
        cells_boxes = [boxes[i] for i in members]
        xs = sorted({v for b in cells_boxes for v in (b[0], b[2])})
        ys = sorted({v for b in cells_boxes for v in (b[1], b[3])}, reverse=True)
        grid = Grid(xs, ys, [], neg_ys=[-v for v in ys])
        for x0, y0, x1, y1 in sorted(cells_boxes, key=lambda b: (-b[3], b[0])):
            row, col = ys.index(y1), xs.index(x0)
            rowspan, colspan = ys.index(y0) - row, xs.index(x1) - col
            index = len(grid.cells)
            grid.cells.append((row, col, rowspan, colspan))
            for r in range(row, row + rowspan):
                for c in range(col, col + colspan):
                    grid.slot[(r, c)] = index
        grids.append(grid)
    return grids


def _locate(grid: Grid, x: float, y: float) -> int | None:
    x0, y0, x1, y1 = grid.bbox
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return None
    col = bisect.bisect_right(grid.xs, x) - 1
    row = bisect.bisect_left(grid.neg_ys, -y) - 1
    return grid.slot.get((max(row, 0), min(col, len(grid.xs) - 2)))


def _table(grid: Grid, cell_chars: list[list[Char]], page: int) -> Table:
    rows: list[list[Cell]] = [[] for _ in range(len(grid.ys) - 1)]
    for (row, col, rowspan, colspan), chars in zip(grid.cells, cell_chars):
        rows[row].append(Cell(_cell_text(chars), col=col, rowspan=rowspan, colspan=colspan))
    rows = [sorted(r, key=lambda c: c.col) for r in rows if r]
    return Table(rows, page=page, pages=[page] * len(rows))


def _cell_text(chars: list[Char]) -> str:
    """A cell's lines joined: no space between CJK characters (labels wrapped, or set one
    character a line), a space between Latin words and between numbers."""
    if not chars:
        return ""
    if len(chars) <= 12 and max(c.cy for c in chars) - min(c.cy for c in chars) < 0.5 * chars[0].height:
        ordered = sorted(chars, key=lambda c: c.x0)  # one short line: a number, most often
        if all(b.x0 - a.x1 <= 0.45 * max(a.height, 1.0) for a, b in zip(ordered, ordered[1:])):
            return "".join(c.text for c in ordered).strip()
    lines = _lines(chars)
    out = ""
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if out and (out[-1].isascii() and out[-1].isalnum() and text[0].isascii() and text[0].isalnum()):
            out += " "
        out += text
    return out


# --- lines and paragraphs --------------------------------------------------------------------
def _lines(chars: list[Char]) -> list[Line]:
    """Characters -> lines (top to bottom), with a space where a gap stands between characters."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: -c.y1)
    rows: list[list[Char]] = []
    low = high = 0.0  # vertical extent of the line being built
    for ch in ordered:
        # a character joins the line its box overlaps by half its height: a comma's glyph sits
        # low inside the line, the next line lies wholly below it
        if rows and min(high, ch.y1) - max(low, ch.y0) >= 0.5 * min(ch.height, high - low):
            rows[-1].append(ch)
            low, high = min(low, ch.y0), max(high, ch.y1) if high - low < 2 * ch.height else high
            continue
        rows.append([ch])
        low, high = ch.y0, ch.y1
    lines = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        sizes = sorted(c.height for c in row if not c.text.isspace()) or [10.0]
        size = sizes[len(sizes) // 2] or 10.0
        text = ""
        prev = None
        for ch in row:
            if prev is not None and ch.x0 - prev.x1 > 0.45 * size and not text.endswith(" ") and ch.text != " ":
                text += " "
            text += ch.text
            prev = ch
        text = _WIDE_SPACE.sub("", re.sub(r" {2,}", " ", text))
        lines.append(Line(row, text, min(c.x0 for c in row), max(c.x1 for c in row), max(c.y1 for c in row), size))
    return lines


def _paragraphs(lines: list[Line], page: int):
    """Lines -> paragraphs: a new one at an indented line, after a line that stops short of the
    right margin, and at a numbered or heading-like line."""
    lines = [ln for ln in lines if ln.text.strip()]
    if not lines:
        return
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    current: list[str] = []
    previous: Line | None = None
    for line in lines:
        text = line.text.strip()
        indent = line.x0 - left > 1.2 * line.size
        short_before = previous is not None and right - previous.x1 > 2.5 * previous.size
        if current and (indent or short_before or _ITEM.match(text)):
            yield Paragraph(_join(current), page)
            current = []
        current.append(text)
        previous = line
    if current:
        yield Paragraph(_join(current), page)


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def _drop_running_lines(pages: list[PageContent]) -> None:
    """Page numbers (-4-, — 4 —, 第 4 页, a bare number) and lines repeated at the same height on
    most pages (running headers and footers) are not the report's text."""
    def key(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text.replace(" ", "")), round(line.top / 4)

    counts = Counter(key(ln) for p in pages for ln in p.lines)
    repeated = {k for k, n in counts.items() if len(pages) >= 3 and n >= max(3, len(pages) * 0.6)}
    for page in pages:
        kept = []
        for line in page.lines:
            edge = line.top > page.height * 0.9 or line.top < page.height * 0.12
            stripped = line.text.strip()
            if PAGE_MARK.match(stripped) or (edge and re.fullmatch(r"[-—–\s]*\d{1,3}[-—–\s]*", stripped)):
                continue
            if key(line) in repeated and edge:
                continue
            kept.append(line)
        page.lines = kept
