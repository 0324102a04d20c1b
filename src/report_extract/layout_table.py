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
from .layout_labels import RowBands, Rule, label_units, lines_near
from .text_lines import Char, Line, cell_text

_NOTED_NUMBER = re.compile(r"^\d[\d,.]*\s*[（(]")
MIN_ONE_COLUMN_ROWS = 3  # a table of one column of numbers has at least this many rows
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


def _wrapped_cells(row: _Row, ws: list[Word], start: float) -> bool:
    """Whether the words of a line in the cells' area go on text cells of the row above (a cell
    that holds words, wrapped), not a header line."""
    texts = [w for w in row.words if not is_value(w.text)]
    if len(texts) == len(row.words):
        return False  # a row of text only is a header; the line below is another
    cells = [w for w in ws if w.x0 >= start]
    return bool(texts) and all(any(w.x0 < t.x1 and w.x1 > t.x0 for t in texts) for w in cells)


def _leading_cells(lines: list[Line], split: dict[int, list[Word]], firsts: dict[int, int], block: list[int],
                   start: float) -> set[int]:
    """Lines whose words in the cells' area are the first lines of text cells of the value line
    below (a cell of words wrapped and set at the bottom of its row, 见附|件 beside its numbers):
    each such word stands over a word of text of the line below, itself one of these or a value
    line."""
    out: set[int] = set()
    below: int | None = None
    for i in reversed(block):
        if i in firsts or below is None or not lines_near(lines, i, below):
            below = i if i in firsts else None
            continue
        cells = [w for w in split[i] if w.x0 >= start]
        under = [w for w in split[below] if w.x0 >= start and (below in out or not is_value(w.text))]
        if cells and all(any(w.x0 < u.x1 and w.x1 > u.x0 for u in under) for w in cells):
            out.add(i)
            below = i
        else:
            below = None
    return out


def _overlap(lines: list[Line], a, b) -> bool:
    """Whether two labels of different columns stand beside each other (share a height)."""
    return (a.x1 <= b.x0 or b.x1 <= a.x0) and lines[a.lines[0]].top >= lines[b.lines[-1]].top and (
        lines[b.lines[0]].top >= lines[a.lines[-1]].top)


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
                page: int | None, continued: OpenEnd | None = None, rules: list[Rule] = ()
                ) -> tuple[Table, list[tuple[float, float]]] | None:
    """The table of a block; ``continued``: where a table that ended the page before stands,
    when the block starts the page (its rows may be few: the rest of that table); ``rules``: the
    page's horizontal rules, the bounds of rows where they are drawn. Returns the table and its
    value columns."""
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

    def over_cells(w: Word, columns: list[tuple[float, float]]) -> bool:
        return any(w.x0 < b and w.x1 > a for a, b in columns)

    # cells: each value line is a row, each header line too (a word in the cells' area, or a word
    # over a column of them: a header set across a merged cell may start left of its numbers; a
    # label wider than its cell may reach into the first column, never further); cell text
    # wrapped onto a line below goes with the row above
    rows: list[_Row] = []
    by_line: dict[int, _Row] = {}
    current = _Row(0.0)
    leading = _leading_cells(lines, split, firsts, block, start)
    pending: list[Word] = []  # the first lines of text cells of the value line below
    for i in block:
        ws = split[i]
        if i in leading:
            pending += [w for w in ws if w.x0 >= start]
            continue
        header = i not in firsts and (any(w.x0 >= start or over_cells(w, cols[1:]) for w in ws) or any(
            over_cells(w, cols) for w in ws[1:])) and not _wrapped_cells(current, ws, start)
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
        if i in firsts:
            for w in pending:  # beside the words below them (their order in a cell is by height)
                current.cells.setdefault(value_col(w), []).extend(w.chars)
        if i in firsts or header:
            pending = []
    # labels: the text of each label column in units, each the label of the value line whose
    # row it is in (between the same rules, or beside it), or a row of its own
    bands = RowBands(lines, values, (start, max(split[i][-1].x1 for i in values)), rules, size)
    units = label_units(lines, split, firsts, block, by_line, in_cells, size, rules)
    placed = {id(u): bands.place(u) for u in units}
    bands.pair(units, placed, {i for i in by_line if i not in firsts}, goes_on)
    band_rows: dict[tuple[str, int], _Row] = {}
    for unit in units:
        beside = placed[id(unit)]
        if beside is None:  # a group's label beside no numbers heads the row of a label it stands beside
            beside = next((placed[id(u)] for u in units if placed[id(u)] is not None and _overlap(lines, u, unit)), None)
        row = by_line.get(beside) if isinstance(beside, int) else band_rows.get(beside)
        if row is None:  # a row of its own, or the first label of a row of labels between two rules
            row = _Row(lines[unit.lines[0]].top)
            rows.append(row)
            if beside is not None:
                band_rows[beside] = row
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
