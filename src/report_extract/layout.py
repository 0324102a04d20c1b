"""Tables without rules (or with some), read from the layout of positioned text.

The lattice rebuilds a table from its ruling lines; a three-line table, one with horizontal rules
only, or one with no rules at all, gives it nothing to work with. Its text still stands in columns:
this module finds such blocks among the lines no ruled table took, for any source of positioned
text (PDF characters, OCR boxes), and turns each into a ``Table`` of the document model.

- A *value line* is a line whose words (runs of characters without a column gap) end in numbers
  or placeholders: row labels on the left, then the cells. Blocks are runs of value lines joined
  by lines that stand wholly in the label area (wrapped labels) or that are table headers; a line
  of prose or a heading crossing into the value area ends a block, and so does a gap wider than
  any between the rows of a table (a page footer).
- Value columns come from the gaps between the words of the cell area across all value lines of
  the block: numbers are left-, right- or centre-aligned in their column, so the words of a column
  overlap each other and leave a gap before the next column. A row whose cells cannot all be put
  in a column of their own (two words in one column) keeps its cells in order without empty ones,
  so the template mapping places them only where the count decides and reports the row.
- Rows: each value line is a row (so is each header line). The label text is cut into labels: one
  begins at an ordinal (``一、`` ``（二）`` ``3.``), and a word on the next line goes on with the
  label above it when it is that label's wrapped text (inside its width, or centred under it).
  A label is set beside the value line its lines stand around: top-aligned labels start on it,
  centred ones stand above and below it. A label beside several value lines (三、本年度办理结果,
  a group's label) is the first one's; one beside none is a row of its own (a caption, the end
  of a label cut by a page break), which the mapping joins or leaves.

Which table of the template a block is, and which row each of its rows is, is decided later from
the labels, as for every other table (tables.py, mapping.py): nothing here knows a label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from . import numbers
from .document import Cell, Table
from .labels import HEADING_ORDINAL, ORDINAL, SENTENCE_END, SENTENCE_MARKS
from .lattice import TEXT, X0, X1, Char, Line, cell_text

# a gap wider than this many type sizes between two characters is a column gap (a CJK punctuation
# mark's box is narrower than the em it takes, so a gap beside one counts that much less)
COLUMN_GAP = 0.9
_PUNCTUATION = frozenset("，、。；：！？（）《》“”‘’「」【】")
_PUNCT_ROOM = 0.8
_CLAUSE = re.compile(f"[，{SENTENCE_MARKS}]")  # a clause of a sentence ends here
# a number standing apart in a line's text (a line's text has a space at every gap after an ASCII
# character): the cheap test that keeps pages of prose, and of ruled tables, from the rest of the work
_STANDALONE = re.compile(r"(?:^|\s)[+\-－]?\d[\d,.]*(?=$|\s|[（(])")
_PLACEHOLDER_CHARS = frozenset("/／\\—–-－―─×*无空")
_NOTED_NUMBER = re.compile(r"^\d[\d,.]*\s*[（(]")
ROW_GAP = 3.5  # type sizes: lines of one table are never farther apart (a page footer is)
MIN_ONE_COLUMN_ROWS = 3  # a table of one column of numbers has at least this many rows
MAX_CARRIED_LINES = 6  # label lines at the top of a page that may end a label cut by the page break
MIN_SINGLE_LINE_VALUES = 5  # one value line alone is a table only with this many numbers (table 四: 15)
LINE_PITCH = 1.8  # type sizes: consecutive lines of one paragraph or cell are at most this far apart
MAX_CAPTION_CHARS = 20  # a lone word above a table is its caption (第二十条第（一）项) up to this length
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


def words(line: Line) -> list[Word]:
    """A line's characters (sorted left to right) in runs separated by column gaps."""
    out: list[Word] = []
    limit = COLUMN_GAP * line.size
    room = _PUNCT_ROOM * line.size
    run: list[Char] = []
    end = 0.0
    for ch in line.chars:
        if ch[TEXT].isspace():
            continue
        if run:
            gap = ch[X0] - end
            if ch[TEXT] in _PUNCTUATION or run[-1][TEXT] in _PUNCTUATION:
                gap -= room
            if gap > limit:
                out.append(_word(run))
                run = []
        run.append(ch)
        end = max(end, ch[X1]) if len(run) > 1 else ch[X1]
    if run:
        out.append(_word(run))
    return out


def _word(run: list[Char]) -> Word:
    return Word(run[0][X0], max(c[X1] for c in run), "".join(c[TEXT] for c in run).strip(), run)


def _is_value(text: str) -> bool:
    """A number (``22（其中修订16件）`` too: a number with a note) or a placeholder."""
    status = numbers.parse(text, "money").status
    return status in (numbers.NUMBER, numbers.PLACEHOLDER) or (
        status == numbers.TEXT and _NOTED_NUMBER.match(text) is not None)


def _first_value(ws: list[Word]) -> int | None:
    """Index of the first word of the cells of a value line, or None for another line."""
    values = [i for i, w in enumerate(ws) if _is_value(w.text)]
    if not values:
        return None
    first = values[0]
    if first == 0 and sum(ws[i].text[:1].isdigit() for i in values) < 2:
        return None  # no label and one number: a page number (- 2 -), a figure on a line of its own
    if len(values) < (len(ws) - first) / 2 or any(_CLAUSE.search(w.text) for w in ws[first:]):
        return None  # mostly text after the first number, or a clause of a sentence: prose
    return first


@dataclass
class PageTables:
    tables: list[tuple[float, Table]]  # (top, table), top to bottom
    rest: list[Line]  # the lines in no table
    open_end: OpenEnd | None = None  # where a table that ends the page stands


def read(lines: list[Line], page: int | None = None, continued: OpenEnd | None = None,
         reading=None) -> PageTables:
    """Tables laid out without (full) rules among a page's lines (top to bottom), and the lines
    that are not in them. ``continued``: where a table that ended the page before stands;
    label text at the top of this page that stands in it is the end of a label the page break cut
    (a row of its own, as a ruled table gives it, for the mapping to join). ``reading``: called
    with each cell made and the characters it was made of (OCR keeps each cell's confidence)."""
    result = _read(lines, page, continued)
    if continued and lines and result.rest and result.rest[0] is lines[0]:  # no table of this page took it
        carried = _carried(result.rest, continued.area, page)
        if carried:
            table, taken = carried
            result.rest = result.rest[len(taken):]
            result.tables.insert(0, (taken[0].top, table))
    if reading is not None:
        for _, table in result.tables:
            for row in table.rows:
                for cell in row:
                    reading(cell, getattr(cell, "chars", []))
    for _, table in result.tables:
        for row in table.rows:
            for cell in row:
                cell.__dict__.pop("chars", None)
    return result


def _carried(lines: list[Line], area: LabelArea, page: int | None) -> tuple[Table, list[Line]] | None:
    """A table piece of the label lines at the top of a page that go on from the page before."""
    taken: list[Line] = []
    for k, line in enumerate(lines[:MAX_CARRIED_LINES]):
        ws = words(line)
        if not ws or HEADING_ORDINAL.match(ws[0].text) or ws[-1].text.endswith(SENTENCE_END) or ORDINAL.match(ws[0].text):
            break
        if not all(w.x0 < area.cells - 1 and w.x1 <= area.reach + 1 for w in ws) or k and not _near(lines, k - 1, k):
            break
        taken.append(line)
    if not taken:
        return None
    chars = [ch for line in taken for ch in line.chars]
    return Table([[_cell(chars)]], page=page, pages=[page]), taken


def _read(lines: list[Line], page: int | None, continued: OpenEnd | None = None) -> PageTables:
    if not any(_STANDALONE.search(ln.text) for ln in lines):
        return PageTables([], lines)  # no number stands apart: prose (most pages, and those with ruled tables)
    candidates = [i for i, ln in enumerate(lines) if any(ch.isdigit() or ch in _PLACEHOLDER_CHARS for ch in ln.text)]
    split: dict[int, list[Word]] = {}
    firsts: dict[int, int] = {}
    for i in candidates:
        ws = split[i] = words(lines[i])
        first = _first_value(ws)
        if first is not None:
            firsts[i] = first
    if not firsts:
        return PageTables([], lines)
    for i in range(len(lines)):
        if i not in split:
            split[i] = words(lines[i])
    tables, taken = [], set()
    open_end = None
    for n, block in enumerate(_blocks(lines, split, firsts)):
        # the first block goes on with the table that ended the page before when nothing but the
        # end of a label the break cut stands above it
        tops = n == 0 and continued is not None and block[0] <= MAX_CARRIED_LINES and all(
            _label_only(split, k, continued.area) for k in range(block[0]))
        made = _table(lines, split, firsts, block, page, continued if tops else None)
        if made is not None:
            table, cols = made
            tables.append((lines[block[0]].top, table))
            taken.update(block)
            last = block[-1]
            # nothing after it on the page but a footer: its last row may go on overleaf
            ends_page = last + 1 == len(lines) or not _near(lines, last, last + 1, ROW_GAP)
            open_end = OpenEnd(_value_start(split, firsts, [i for i in block if i in firsts]), cols) if ends_page else None
    return PageTables(tables, [ln for i, ln in enumerate(lines) if i not in taken], open_end)


def _value_start(split: dict[int, list[Word]], firsts: dict[int, int], rows: list[int]) -> LabelArea:
    """Where the cells of a block start (the median left edge of the value lines' first cells: a
    row shifted by a cell too many or too few does not move it), and how far a wrapped label may
    reach (the right edge of the first cells)."""
    lefts = sorted(split[i][firsts[i]].x0 for i in rows)
    rights = sorted(split[i][firsts[i]].x1 for i in rows)
    return LabelArea(lefts[(len(lefts) - 1) // 2], rights[(len(rights) - 1) // 2])


def _blocks(lines: list[Line], split: dict[int, list[Word]], firsts: dict[int, int]) -> list[list[int]]:
    """Runs of line indices that make a table: value lines, the lines between them, headers above
    and wrapped labels below."""
    value_lines = sorted(firsts)
    runs: list[list[int]] = []
    for i in value_lines:
        if runs:
            last = runs[-1][-1]
            start = _value_start(split, firsts, [last, i])
            between = range(last + 1, i)
            if all(_near(lines, k - 1, k, ROW_GAP) for k in range(last + 1, i + 1)) and all(
                    _inside(split, firsts, k, start) for k in between):
                runs[-1] += [*between, i]
                continue
        runs.append([i])
    out = []
    for run in runs:
        values = [i for i in run if i in firsts]
        if len(values) < 2 and len(split[values[0]]) - firsts[values[0]] < MIN_SINGLE_LINE_VALUES:
            continue
        if len(values) >= 2 and max(len(split[i]) - firsts[i] for i in values) < 2 and not _labelled(split, firsts, values):
            continue
        start = _value_start(split, firsts, values)
        k = run[0] - 1
        taken = {j for r in out for j in r}
        while k >= 0 and k not in taken and k not in firsts and _header(lines, split, firsts, k, k + 1, start):
            run.insert(0, k)
            k -= 1
        k = run[-1] + 1
        while (k < len(lines) and k not in firsts and _near(lines, k - 1, k) and _label_only(split, k, start)
               and not HEADING_ORDINAL.match(split[k][0].text)):  # wrapped text never starts 一、: a heading
            run.append(k)
            k += 1
        out.append(run)
    return out


def _labelled(split, firsts, values) -> bool:
    """Rows of one number each are a table only where each has a label before it."""
    return all(firsts[i] > 0 for i in values)


def _near(lines: list[Line], above: int, below: int, sizes: float = LINE_PITCH) -> bool:
    """Whether two lines are at most ``sizes`` type sizes apart (line to line)."""
    return lines[above].top - lines[below].top <= sizes * max(lines[above].size, lines[below].size)


def _label_only(split: dict[int, list[Word]], k: int, start: LabelArea) -> bool:
    """A line of label text only: every word starts before the cells and none runs past the
    first column of cells (a label wider than its cell may reach into it; prose runs on)."""
    ws = split[k]
    return bool(ws) and all(w.x0 < start.cells - 1 and w.x1 <= start.reach + 1 for w in ws) and not ws[
        -1].text.endswith(SENTENCE_END)


def _inside(split: dict[int, list[Word]], firsts: dict[int, int], k: int, start: LabelArea) -> bool:
    """A line between two value lines that belongs to their table: wrapped labels, or a header.
    A numbered line (一、…) is a label only right above a value line (centred on its row), else
    a heading between two tables."""
    if split[k] and HEADING_ORDINAL.match(split[k][0].text) and not (k + 1 in firsts or k + 2 in firsts):
        return False
    return _label_only(split, k, start) or _header_words(split[k], start)


def _header_words(ws: list[Word], start: LabelArea) -> bool:
    """Column headings (or cell text wrapped): a word in the cells' area after a first one, or a
    line that starts there; no sentence, no heading."""
    if not ws or any(w.text.endswith(SENTENCE_END) or HEADING_ORDINAL.match(w.text) for w in ws):
        return False
    # a heading centred over its column may start left of the numbers under it
    return ws[0].x0 >= start.cells - 1 or any(w.x1 > start.cells + 1 for w in ws[1:])


def _header(lines: list[Line], split: dict[int, list[Word]], firsts: dict[int, int], k: int, below: int,
            start: LabelArea) -> bool:
    """A line above a table that is part of it: a header line, a caption of the table's first row,
    or the end of a label cut by the page break."""
    if not _near(lines, k, below):
        return False
    ws = split[k]
    if not ws:
        return False
    if HEADING_ORDINAL.match(ws[0].text):  # a heading, or the first line of a label centred on the row below
        return below in firsts and _label_only(split, k, start)
    if _header_words(ws, start) or _label_only(split, k, start):
        return True
    return len(ws) == 1 and len(ws[0].text) <= MAX_CAPTION_CHARS and not ws[0].text.endswith(SENTENCE_END)


def _wrapped_cells(row: _Row, ws: list[Word], start: float) -> bool:
    """Whether the words of a line in the cells' area go on text cells of the row above (a cell
    that holds words, wrapped), not a header line."""
    texts = [w for w in row.words if not _is_value(w.text)]
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
    if unit.lines[-1] == i or not _near(lines, unit.lines[-1], i):
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


def _cell(chars: list[Char], col: int = 0, text: str | None = None) -> Cell:
    """A cell of its characters' text (or ``text``: a word's as written), the characters kept
    beside it until ``read`` returns."""
    cell = Cell(cell_text(chars) if text is None else text, col=col)
    cell.chars = chars
    return cell


def _table(lines: list[Line], split: dict[int, list[Word]], firsts: dict[int, int], block: list[int],
           page: int | None, continued: OpenEnd | None = None
           ) -> tuple[Table, list[tuple[float, float]]] | None:
    """The table of a block; ``continued``: where a table that ended the page before stands,
    when the block starts the page (its rows may be few: the rest of that table). Returns the
    table and its value columns."""
    values = [i for i in block if i in firsts]
    start = _value_start(split, firsts, values).cells - 1
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
        cells = [_cell(chars, k, text) for k, (text, chars) in enumerate(made)]
        if cells:
            out.append(cells)
    if not out:
        return None
    return Table(out, page=page, pages=[page] * len(out)), cols
