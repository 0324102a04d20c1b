"""Positioned characters made into lines of text, and lines into paragraphs; the text of a cell.

A character is a plain tuple (``Char``: a PDF character, an OFD text code or an OCR text box) in PDF
space (y grows upwards). Characters whose boxes overlap by half their height make one line; a
small mark (a full stop, a comma) is placed afterwards, in the line of the characters beside it.
Lines become paragraphs at an indent, after a short line, and at a numbered line. ``lattice``
(ruled tables), ``layout`` (tables without rules) and the page readers share these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter

from .document import Paragraph
from .labels import ITEM_ORDINAL

_ASCII = re.compile(r"[\x00-\x7f]")
# a space between two CJK characters or punctuation is layout (justified text), not text
_WIDE_SPACE = re.compile(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])")


# A character is a plain tuple (x0, y0, x1, y1, text) in PDF space (y grows upwards): a page has
# a thousand of them, and tuples cost a fraction of objects to make, sort and read.
Char = tuple[float, float, float, float, str]
X0, Y0, X1, Y1, TEXT = range(5)


@dataclass
class Line:
    chars: list[Char]
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0  # y of the line's top (PDF space: larger is higher)
    size: float = 10.0



def cell_text(chars: list[Char]) -> str:
    """A cell's lines joined: no space between CJK characters (labels wrapped, or set one
    character a line), a space between Latin words and between numbers."""
    if len(chars) <= 1:
        return chars[0][TEXT].strip() if chars else ""
    middles = [c[Y0] + c[Y1] for c in chars]  # twice the centres
    first = chars[0]
    height = first[Y1] - first[Y0]
    if max(middles) - min(middles) < height:  # one line: a number, a short label
        chars.sort(key=_BY_LEFT)
        if len(chars) <= 12:  # most often a number: its characters close together, no space
            gap = 0.45 * max(height, 1.0)
            previous = None
            for ch in chars:
                if previous is not None and ch[X0] - previous > gap:
                    break
                previous = ch[X1]
            else:
                return "".join([c[TEXT] for c in chars]).strip()
        return _cell_line(chars)
    out = ""
    for row in _rows(chars):
        row.sort(key=_BY_LEFT)
        text = _cell_line(row)
        if not text:
            continue
        if out and (out[-1].isascii() and out[-1].isalnum() and text[0].isascii() and text[0].isalnum()):
            out += " "
        out += text
    return out


# --- lines and paragraphs --------------------------------------------------------------------
_SPACES = frozenset(chr(code) for code in range(0x3001) if chr(code).isspace())
# a character less high than this share of the page's median one is a mark (a full stop, a comma,
# a dash), placed in a line by the characters beside it once the lines are made
SMALL_MARK = 0.35
_BY_TOP = itemgetter(Y1)
_BY_LEFT = itemgetter(X0)


def lines(chars: list[Char]) -> list[Line]:
    """Characters -> lines (top to bottom), with a space where a gap stands between characters."""
    return [_line(row) for row in _rows(chars)]


def _rows(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped in lines, top to bottom (each line's characters in no set order)."""
    rows: list[list[Char]] = []
    extents: list[list[float]] = []  # [low, high] of each row
    row: list[Char] = []
    extent = [0.0, 0.0]  # vertical extent of the line being built
    heights = sorted([c[Y1] - c[Y0] for c in chars])
    small = SMALL_MARK * heights[len(heights) // 2] if heights else 0.0
    marks: list[Char] = []
    for ch in sorted(chars, key=_BY_TOP, reverse=True):
        y0, y1 = ch[Y0], ch[Y1]
        height = y1 - y0
        if height < small:
            marks.append(ch)
            continue
        low, high = extent
        # a character joins the line its box overlaps by half its height: a comma's glyph sits
        # low inside the line, the next line lies wholly below it
        if row and (high if high < y1 else y1) - (low if low > y0 else y0) >= 0.5 * (
                height if height < high - low else high - low):
            row.append(ch)
            if high - low < 2 * height and y1 > high:
                extent[1] = y1
            if y0 < low:
                extent[0] = y0
            continue
        row = [ch]
        rows.append(row)
        extent = [y0, y1]
        extents.append(extent)
    for ch in marks:
        _place_mark(ch, rows, extents, small)
    return rows


def _place_mark(ch: Char, rows: list[list[Char]], extents: list[list[float]], reach: float) -> None:
    """A small mark (a full stop, a comma, a dash) into the line its centre lies in (or within
    ``reach`` of: a comma may hang below the line); where two lines stand there (labels of
    side-by-side cells set half a line apart), the one with a character nearest beside it: the
    full stop of 36.92 belongs with its digits, not with the label beside them that stands a
    little lower. A mark near no line starts one of its own."""
    middle = (ch[Y0] + ch[Y1]) * 0.5
    near: list[tuple[float, int]] = []
    for k, (low, high) in enumerate(extents):
        off = low - middle if middle < low else middle - high if middle > high else 0.0
        if off <= reach:
            near.append((off, k))
    if near:
        # the nearest line by height first (a comma hanging below its own line is nearer to it
        # than to the line below, whose characters may stand right under it), then the one with
        # the nearest character (across and down: a line's extent may hold a character of a cell
        # beside it set half a line higher)
        least = min(near)[0]
        ties = [k for off, k in near if off == least]
        best = ties[0] if len(ties) == 1 else min(ties, key=lambda k: _distance(ch, rows[k]))
        rows[best].append(ch)
        return
    k = 0
    while k < len(extents) and extents[k][1] >= ch[Y1]:
        k += 1
    rows.insert(k, [ch])
    extents.insert(k, [ch[Y0], ch[Y1]])


def _distance(ch: Char, row: list[Char]) -> float:
    """The squared distance from a character to the nearest character of a line, box to box."""
    x0, y0, x1, y1 = ch[X0], ch[Y0], ch[X1], ch[Y1]
    return min([max(c[X0] - x1, x0 - c[X1], 0.0) ** 2 + max(c[Y0] - y1, y0 - c[Y1], 0.0) ** 2 for c in row])


def _line(row: list[Char]) -> Line:
    row.sort(key=_BY_LEFT)
    text, size = _line_text(row)
    return Line(row, text, row[0][X0], max([c[X1] for c in row]), max([c[Y1] for c in row]), size)


def _cell_line(row: list[Char]) -> str:
    """One line of a cell (characters sorted left to right), stripped. A line with no ASCII
    character is its characters joined: spaces between CJK characters are layout, never text."""
    text = "".join([c[TEXT] for c in row])
    if _ASCII.search(text) is None:
        return text.strip()
    return _line_text(row)[0].strip()


def _line_text(row: list[Char]) -> tuple[str, float]:
    """The text of one line's characters (sorted left to right) and its type size."""
    sizes = sorted([c[Y1] - c[Y0] for c in row if c[TEXT] not in _SPACES]) or [10.0]
    size = sizes[len(sizes) // 2] or 10.0
    gap = 0.45 * size
    parts = []
    previous_end = None
    for x0, _, x1, _, text in row:
        if previous_end is not None and x0 - previous_end > gap and text != " " and parts[-1] != " ":
            parts.append(" ")
        parts.append(text)
        previous_end = x1
    text = "".join(parts)
    if "  " in text:
        text = re.sub(r" {2,}", " ", text)
    if " " in text:
        text = _WIDE_SPACE.sub("", text)
    return text, size


def paragraphs(lines: list[Line], page: int):
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
        if current and (indent or short_before or ITEM_ORDINAL.match(text)):
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
