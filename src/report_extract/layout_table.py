"""The table of one block of a page's lines, for ``layout``: the value columns found from the gaps
between the cell words, the label text cut into labels (ordinals, wrapped text) and set beside the
value lines, and the rows of cells made; with the words, label area and open end that ``layout``
measures blocks in. ``layout`` (which lines make a block) imports this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from . import numbers
from .document import Cell, Table
from .labels import ORDINAL
from .lattice import Char, Line, cell_text

_NOTED_NUMBER = re.compile(r"^\d[\d,.]*\s*[（(]")
MIN_ONE_COLUMN_ROWS = 3  # a table of one column of numbers has at least this many rows
LINE_PITCH = 1.8  # type sizes: consecutive lines of one paragraph or cell are at most this far apart
# wrapped label text: how far (type sizes) it may stand left of / right of the label above it, how
# much wider it may be, and how far its centre may be off the label's (centred text)
WRAP_LEFT = 0.5
WRAP_RIGHT = 1.0
WRAP_WIDER = 1.0
WRAP_CENTRE = 0.5
BESIDE = 0.5  # type sizes: a label beside a value line starts at most this far below it / ends above it
CONTINUED_SHIFT = 1.0  # type sizes: cells of a table going on from the page before start this close


class Word(NamedTuple):
    """A run of a line's characters without a column gap (a NamedTuple: a page makes hundreds, and
    sorting words sorts them by ``x0``)."""

    x0: float
    x1: float
    text: str
    chars: list[Char]


class LabelArea(NamedTuple):
    """Where the cells of a table start (the left edge of its first cells) and how far a wrapped
    label may reach into them (their right edge)."""

    cells: float
    reach: float


class OpenEnd(NamedTuple):
    """Where a table that ends a page stands, for its rest on the next page: its label area, and
    its value columns (the rest may have no number in one of them)."""

    area: LabelArea
    columns: list[tuple[float, float]]


@dataclass(slots=True)
class _Row:
    """A row being built: its top, label chars per label column (by their left edge), cell chars
    per value column, the words of its cells, and whether they could not all be put in columns of
    their own (``loose``)."""

    top: float
    labels: list[tuple[float, list[Char]]] = field(default_factory=list)
    cells: dict[int | None, list[Char]] = field(default_factory=dict)
    words: list[Word] = field(default_factory=list)
    loose: bool = False


@dataclass(slots=True)
class _LabelUnit:
    """The label text of one cell, gathered line by line: its chars, the lines they stand on,
    whether it starts with an ordinal, the span of all its words and of its last one."""

    chars: list[Char]
    lines: list[int]
    ordinal: bool
    x0: float
    x1: float
    last_x0: float
    last_x1: float


def is_value(text: str) -> bool:
    """A number (``22（其中修订16件）`` too: a number with a note) or a placeholder."""
    status = numbers.parse(text, "money").status
    return status in (numbers.NUMBER, numbers.PLACEHOLDER) or (
        status == numbers.TEXT and _NOTED_NUMBER.match(text) is not None)


def value_start(split: dict[int, list[Word]], firsts: dict[int, int], rows: list[int]) -> LabelArea:
    """Where the cells of a block start (the median left edge of the value lines' first cells: a
    row shifted by a cell too many or too few does not move it), and how far a wrapped label may
    reach (the right edge of the first cells)."""
    lefts = sorted(split[i][firsts[i]].x0 for i in rows)
    rights = sorted(split[i][firsts[i]].x1 for i in rows)
    return LabelArea(lefts[(len(lefts) - 1) // 2], rights[(len(rights) - 1) // 2])


def lines_near(lines: list[Line], above: int, below: int, sizes: float = LINE_PITCH) -> bool:
    """Whether two lines are at most ``sizes`` type sizes apart (line to line)."""
    return lines[above].top - lines[below].top <= sizes * max(lines[above].size, lines[below].size)


def _wrapped_cells(row: _Row, ws: list[Word], start: float) -> bool:
    """Whether the words of a line in the cells' area go on text cells of the row above (a cell
    that holds words, wrapped), not a header line."""
    texts = [w for w in row.words if not is_value(w.text)]
    if len(texts) == len(row.words):
        return False  # a row of text only is a header; the line below is another
    cells = [w for w in ws if w.x0 >= start]
    return bool(texts) and all(any(w.x0 < t.x1 and w.x1 > t.x0 for t in texts) for w in cells)


def _label_units(lines, split, firsts, block, headers, in_cells, size) -> list[_LabelUnit]:
    """The label text of the block cut into the labels of cells, top to bottom.

    A label begins at an ordinal (一、 （二） 3.). A word on the next line goes on with a label
    standing above it when it is wrapped text of it: inside the line above (left- or right-aligned
    text never wraps wider) or centred under it. A label without an ordinal holds one value line
    at most (single-line labels one under the other, 行政许可 and 行政处罚); one with an ordinal may
    span several (三、本年度办理结果, beside the rows it heads)."""
    units: list[_LabelUnit] = []
    open_units: list[_LabelUnit] = []
    for i in block:
        if i in headers and i not in firsts:  # a header line: its labels are the header row's
            open_units = []
            continue
        for k, w in enumerate(split[i]):
            if in_cells(i, k, w):
                continue
            ordinal = ORDINAL.match(w.text) is not None
            unit = None if ordinal else next((u for u in open_units if _wraps(u, w, i, lines, size) and (
                u.ordinal or i not in firsts or not any(j in firsts for j in range(u.lines[0], i)))), None)
            if unit is None:
                unit = _LabelUnit([], [], ordinal, w.x0, w.x1, w.x0, w.x1)
                units.append(unit)
            # text that stands under another label cuts it off
            open_units = [u for u in open_units if u is unit or not (w.x0 < u.last_x1 and w.x1 > u.last_x0)]
            if unit not in open_units:
                open_units.append(unit)
            unit.chars.extend(w.chars)
            unit.lines.append(i)
            unit.last_x0, unit.last_x1 = w.x0, w.x1
            unit.x0, unit.x1 = min(unit.x0, w.x0), max(unit.x1, w.x1)
    return units


def _wraps(unit: _LabelUnit, w: Word, i: int, lines: list[Line], size: float) -> bool:
    """Whether word ``w`` on line ``i`` is wrapped text of the label ``unit`` (whose lines so far
    span unit.x0 to unit.x1)."""
    if unit.lines[-1] == i or not lines_near(lines, unit.lines[-1], i):
        return False
    x0, x1 = unit.x0, unit.x1
    if w.x1 - w.x0 > x1 - x0 + WRAP_WIDER * size:
        return False  # wrapped text is never wider than the line it wraps from
    inside = w.x0 >= x0 - WRAP_LEFT * size and w.x1 <= x1 + WRAP_RIGHT * size
    return inside or abs((w.x0 + w.x1) / 2 - (x0 + x1) / 2) <= WRAP_CENTRE * size


def _columns(spans: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """x-ranges of the columns from the cell words' spans of each value line: where the words of
    at least two lines overlap (of one, for a table of one line). A cell of a row shifted by a
    cell too many or too few stands alone and makes no column."""
    least = 2 if len(spans) >= 2 else 1
    events = sorted([(a, 1) for row in spans for a, _ in row] + [(b, -1) for row in spans for _, b in row],
                    key=lambda e: (e[0], -e[1]))
    out: list[tuple[float, float]] = []
    depth, opened = 0, 0.0
    for x, step in events:
        if step > 0:
            depth += 1
            if depth == least:
                opened = x
        else:
            if depth == least:
                out.append((opened, x))
            depth -= 1
    return out


def _lone_columns(cols: list[tuple[float, float]], spans: list[list[tuple[float, float]]],
                  guides: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Columns where one value line alone has a cell (no column: the others are blank there), each
    under a guide (a header word, or a column of the table's part on the page before) that stands
    over no column found: the cell's span, or the guide's where no row has a cell in it."""
    def clear(span, taken):
        return not any(span[0] < b and span[1] > a for a, b in taken)

    added: list[tuple[float, float]] = []
    for guide in guides:
        if not clear(guide, cols + added):
            continue
        cells = [c for row in spans for c in row if c[0] < guide[1] and c[1] > guide[0]]
        if len(cells) <= 1 and all(clear(c, cols + added) for c in cells):
            added.append(cells[0] if cells else guide)
    return sorted(cols + added)


def _carried_columns(cols: list[tuple[float, float]], before: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The columns of the table's part on the page before, where this part's columns stand under
    them one to one (the same table going on): guides for a column with no number on this page."""
    if not cols or len(before) <= len(cols):
        return []
    hits = [[k for k, (a, b) in enumerate(before) if x0 < b and x1 > a] for x0, x1 in cols]
    if any(len(h) != 1 for h in hits) or len({h[0] for h in hits}) != len(cols):
        return []
    return before


def chars_cell(chars: list[Char], col: int = 0, text: str | None = None) -> Cell:
    """A cell of its characters' text (or ``text``: a word's as written), the characters kept
    beside it until ``read`` returns."""
    cell = Cell(cell_text(chars) if text is None else text, col=col)
    cell.chars = chars
    return cell


def block_table(lines: list[Line], split: dict[int, list[Word]], firsts: dict[int, int], block: list[int],
           page: int | None, continued: OpenEnd | None = None
           ) -> tuple[Table, list[tuple[float, float]]] | None:
    """The table of a block; ``continued``: where a table that ended the page before stands,
    when the block starts the page (its rows may be few: the rest of that table). Returns the
    table and its value columns."""
    values = [i for i in block if i in firsts]
    start = value_start(split, firsts, values).cells - 1
    spans = [[(w.x0, w.x1) for w in split[i][firsts[i]:]] for i in values]
    cols = _columns(spans)
    size = sorted(lines[i].size for i in block)[len(block) // 2]
    goes_on = continued is not None and abs(start + 1 - continued.area.cells) <= CONTINUED_SHIFT * size
    headed = [i for i in block if i not in firsts and i < values[0] and any(w.x0 >= start for w in split[i])]
    guides = [(w.x0, w.x1) for i in headed for w in split[i] if w.x0 >= start]
    if goes_on and not headed:
        guides += _carried_columns(cols, continued.columns)
    cols = _lone_columns(cols, spans, guides)
    if len(cols) < 2 and len(values) < MIN_ONE_COLUMN_ROWS and not goes_on:
        # two lines of a label and a number (联系电话 …, 邮政编码 …) are prose, unless they go on
        # with a table that ended the page before, its cells where that table's were
        return None

    def in_cells(i: int, k: int, w: Word) -> bool:
        return k >= firsts[i] if i in firsts else w.x0 >= start

    def value_col(word: Word) -> int | None:
        """The one column the word overlaps, or None (none, or two)."""
        hits = [k for k, (a, b) in enumerate(cols) if word.x0 < b + 0.5 and word.x1 > a - 0.5]
        return hits[0] if len(hits) == 1 else None

    # cells: each value line is a row, each header line too; cell text wrapped onto a line below
    # goes with the row above
    rows: list[_Row] = []
    by_line: dict[int, _Row] = {}
    current = _Row(0.0)
    for i in block:
        ws = split[i]
        header = i not in firsts and any(w.x0 >= start for w in ws) and not _wrapped_cells(current, ws, start)
        if i in firsts or header:
            current = by_line[i] = _Row(lines[i].top)
            rows.append(current)
        for k, w in enumerate(ws):
            if (in_cells(i, k, w) or header) and (i in by_line or current.words):
                if header and not in_cells(i, k, w):
                    current.labels.append((w.x0, w.chars))
                    continue
                current.words.append(w)
                col = value_col(w)
                if col is None or col in current.cells and i in firsts:
                    current.loose = True
                current.cells.setdefault(col, []).extend(w.chars)
    # labels: the text of each label column in units, each the label of the value line it stands
    # beside (top-aligned, or centred on it), or a row of its own
    for unit in _label_units(lines, split, firsts, block, by_line, in_cells, size):
        top, bottom = lines[unit.lines[0]].top, lines[unit.lines[-1]].top
        beside = [i for i in block if i in firsts and top + BESIDE * size >= lines[i].top >= bottom - BESIDE * size]
        if beside:
            row = by_line[beside[0]]
        else:
            row = _Row(top)
            rows.append(row)
        row.labels.append((unit.x0, unit.chars))
    rows.sort(key=lambda row: -row.top)
    out: list[list[Cell]] = []
    for row in rows:
        made = [(None, list(chars)) for _, chars in sorted(row.labels, key=lambda label: label[0])]
        if row.loose:
            made += [(w.text, list(w.chars)) for w in sorted(row.words)]
        elif row.cells:
            made += [(None, list(row.cells.get(k, []))) for k in range(len(cols))]
        cells = [chars_cell(chars, k, text) for k, (text, chars) in enumerate(made)]
        if cells:
            out.append(cells)
    if not out:
        return None
    return Table(out, page=page, pages=[page] * len(out)), cols
