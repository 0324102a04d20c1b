"""Tables without rules (or with some), read from the layout of positioned text.

The lattice rebuilds a table from its ruling lines; a three-line table, one with horizontal rules
only, or one with no rules at all, gives it nothing to work with. Its text still stands in columns:
this module finds such blocks among the lines no ruled table took, for any source of positioned
text (PDF characters, OCR boxes), and turns each into a ``Table`` of the document model.

- A *value line* is a line whose words (runs of characters without a column gap) end in numbers
  or placeholders: row labels on the left, then the cells; a line of one number is one where its
  label stands beside it on the line above or below (行政事业|36.92|性收费). Blocks are runs of
  value lines joined by lines that stand wholly in the label area (wrapped labels), table headers
  or captions set across the table (第二十条第（六）项); a line of prose or a heading crossing into
  the value area ends a block, and so does a gap wider than any between the rows of a table (a
  page footer) unless a horizontal rule parts the two lines (rows drawn apart, set that tall).
- Words of side-by-side cells set half a line apart (a label centred in a tall cell beside one
  that is not) make lines of their own (``split_offset``), before any of this.
- Value columns come from the gaps between the words of the cell area across all value lines of
  the block: numbers are left-, right- or centre-aligned in their column, so the words of a column
  overlap each other and leave a gap before the next column. A row whose cells cannot all be put
  in a column of their own (two words in one column) keeps its cells in order without empty ones,
  so the template mapping places them only where the count decides and reports the row.
- Rows: each value line is a row (so is each header line). The label text is cut into labels and
  each set in the row it belongs to: between the same two horizontal rules where they are drawn,
  beside the value line its lines stand around where not (``layout_labels``).

Which table of the template a block is, and which row each of its rows is, is decided later from
the labels, as for every other table (tables.py, mapping.py); the template's words tell only
where a label wrapped in a narrow column ends (``templates.ends_label``).

This module finds the blocks among a page's lines; the table of each block (its columns, labels
and cells) is made by ``layout_table``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Cell, Table
from .labels import HEADING_ORDINAL, ORDINAL, SENTENCE_END, SENTENCE_MARKS
from .lattice import joined
from .layout_labels import LINE_PITCH, Rule, lines_near, ruled_between
from .layout_table import LabelArea, OpenEnd, Word, block_table, chars_cell, is_value, value_start
from .sections import named_heading
from .text_lines import TEXT, X0, X1, Y0, Y1, Char, Line
from .text_lines import lines as text_lines

# a gap wider than this many type sizes between two characters is a column gap (a CJK punctuation
# mark's box is narrower than the em it takes, so a gap beside one counts that much less)
COLUMN_GAP = 0.9
_PUNCTUATION = frozenset("，、。；：！？（）《》“”‘’「」【】")
_PUNCT_ROOM = 0.8
_CLAUSE = re.compile(f"[，{SENTENCE_MARKS}]")  # a clause of a sentence ends here
_CAPTION_BREAK = re.compile(f"[，,、;{SENTENCE_MARKS}]")  # a caption has no clauses
# a number standing apart in a line's text (a line's text has a space at every gap after an ASCII
# character): the cheap test that keeps pages of prose, and of ruled tables, from the rest of the work
_STANDALONE = re.compile(r"(?:^|\s)[+\-－]?\d[\d,.]*(?=$|\s|[（(])")
_PLACEHOLDER_CHARS = frozenset("/／\\—–-－―─×*无空")
ROW_GAP = 3.5  # type sizes: lines of one table are never farther apart (a page footer is)
RULED_GAP = 8.0  # type sizes: ... unless a rule parts them (a row of a ruled table set that tall)
MAX_CARRIED_LINES = 6  # label lines at the top of a page that may end a label cut by the page break
MIN_SINGLE_LINE_VALUES = 5  # one value line alone is a table only with this many numbers (table 四: 15)
MAX_CAPTION_CHARS = 20  # a lone word above a table is its caption (第二十条第（一）项) up to this length
ROW_PITCH_SLACK = 1.1  # a header line may stand this share of the lowest row's height above the next line
OFFSET_STEP = 0.3  # type sizes: words of one line whose middles differ more stand in different lines



def words(line: Line) -> list[Word]:
    """A line's characters (sorted left to right) in runs separated by column gaps. Kept on the
    line (its words are asked for by each step of the layout reader), made again if its characters
    or type size have changed since."""
    key = (len(line.chars), line.size)
    kept = line.__dict__.get("_words")
    if kept is not None and kept[0] == key:
        return kept[1]
    out = _words(line)
    line.__dict__["_words"] = (key, out)
    return out


def _words(line: Line) -> list[Word]:
    out: list[Word] = []
    limit = COLUMN_GAP * line.size
    room = _PUNCT_ROOM * line.size
    punctuation = _PUNCTUATION
    run: list[Char] = []
    end = 0.0
    last = ""  # the text of the run's last character
    for ch in line.chars:
        text = ch[TEXT]
        if text.isspace():
            continue
        if run:
            gap = ch[X0] - end
            if text in punctuation or last in punctuation:
                gap -= room
            if gap > limit:
                out.append(_word(run))
                run = []
        if run:
            run.append(ch)
            if ch[X1] > end:
                end = ch[X1]
        else:
            run = [ch]
            end = ch[X1]
        last = text
    if run:
        out.append(_word(run))
    return out


def split_offset(lines: list[Line]) -> list[Line]:
    """Lines (top to bottom) with the words of side-by-side cells set at different heights taken
    apart: a label centred in a tall cell stands half a line off the label beside it, and the
    characters of both overlap enough to make one line of the page. A step between two words
    next to each other is an offset (a skewed line drifts, it does not step); the words on each
    side of the steps make a line each, one line where their middles agree again."""
    if not any(_STANDALONE.search(ln.text) for ln in lines):
        return lines  # no number stands apart: no table for the layout reader (most pages)
    out: list[Line] = []
    for line in lines:
        step = OFFSET_STEP * line.size
        doubled = [ch[Y0] + ch[Y1] for ch in line.chars]  # twice each character's middle
        if max(doubled) - min(doubled) <= 2 * step:  # no two of its words' middles can differ more
            out.append(line)
            continue
        ws = words(line)
        middles = [_middle(w) for w in ws]
        if all(abs(a - b) <= step for a, b in zip(middles, middles[1:])):
            out.append(line)
            continue
        groups: list[tuple[float, list[Char]]] = []
        for w, middle in zip(ws, middles):
            group = next((g for g in groups if abs(g[0] - middle) <= step), None)
            if group is None:
                groups.append((middle, list(w.chars)))
            else:
                group[1].extend(w.chars)
        out += [part for _, chars in groups for part in text_lines(chars)]
    out.sort(key=lambda ln: -ln.top)
    return out


def _middle(w: Word) -> float:
    """The height of a word's middle: the median of its characters' middles."""
    middles = sorted(ch[Y0] + ch[Y1] for ch in w.chars)
    return middles[len(middles) // 2] / 2


def _word(run: list[Char]) -> Word:
    return Word(run[0][X0], max([c[X1] for c in run]), "".join([c[TEXT] for c in run]).strip(), run)


def _first_value(ws: list[Word]) -> int | None:
    """Index of the first word of the cells of a value line, or None for another line."""
    values = [i for i, w in enumerate(ws) if is_value(w.text)]
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
         reading=None, rules: list[Rule] = ()) -> PageTables:
    """Tables laid out without (full) rules among a page's lines (top to bottom), and the lines
    that are not in them. ``continued``: where a table that ended the page before stands;
    label text at the top of this page that stands in it is the end of a label the page break cut
    (a row of its own, as a ruled table gives it, for the mapping to join). ``reading``: called
    with each cell made and the characters it was made of (OCR keeps each cell's confidence);
    ``rules``: the page's horizontal rules (y, x0, x1), the bounds of rows where they are drawn."""
    result = _read(lines, page, continued, joined(rules) if rules else [])
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


def header_tail(lines: list[Line]) -> int:
    """How many of a page's last lines (top to bottom, its footer left out) may be the header of
    a table that begins on the next page: lines of words, no number, no sentence, no heading,
    each near the next, two of them or more with words set apart in columns."""
    n = spread = 0
    for k in range(len(lines) - 1, -1, -1):
        ws = words(lines[k])
        if not ws or HEADING_ORDINAL.match(ws[0].text) or any(
                w.text.endswith(SENTENCE_END) or is_value(w.text) for w in ws):
            break
        if n and not lines_near(lines, k, k + 1):
            break
        n += 1
        spread += len(ws) >= 2
    return n if spread >= 2 else 0


def header_rows(lines: list[Line]) -> list[list[Cell]]:
    """The rows of header lines: a cell a word."""
    return [[Cell(w.text, col=k) for k, w in enumerate(words(line))] for line in lines]


def _carried(lines: list[Line], area: LabelArea, page: int | None) -> tuple[Table, list[Line]] | None:
    """A table piece of the label lines at the top of a page that go on from the page before."""
    taken: list[Line] = []
    for k, line in enumerate(lines[:MAX_CARRIED_LINES]):
        ws = words(line)
        if not ws or HEADING_ORDINAL.match(ws[0].text) or ws[-1].text.endswith(SENTENCE_END) or ORDINAL.match(ws[0].text):
            break
        if not all(w.x0 < area.cells - 1 and w.x1 <= area.reach + 1 for w in ws) or k and not lines_near(lines, k - 1, k):
            break
        taken.append(line)
    if not taken:
        return None
    chars = [ch for line in taken for ch in line.chars]
    return Table([[chars_cell(chars)]], page=page, pages=[page]), taken


def _read(lines: list[Line], page: int | None, continued: OpenEnd | None = None, rules: list[Rule] = ()) -> PageTables:
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
    lone = {i for i in candidates if i not in firsts and _lone_number(lines, split, i)}
    firsts.update(dict.fromkeys(lone, 0))
    tables, taken = [], set()
    open_end = None
    for n, block in enumerate(_blocks(lines, split, firsts, lone, rules)):
        # the first block goes on with the table that ended the page before when nothing but the
        # end of a label the break cut stands above it
        tops = n == 0 and continued is not None and block[0] <= MAX_CARRIED_LINES and all(
            _label_only(split, k, continued.area) for k in range(block[0]))
        made = block_table(lines, split, firsts, block, page, continued if tops else None, rules)
        if made is not None:
            table, cols = made
            tables.append((lines[block[0]].top, table))
            taken.update(block)
            last = block[-1]
            # nothing after it on the page but a footer: its last row may go on overleaf
            ends_page = last + 1 == len(lines) or not lines_near(lines, last, last + 1, ROW_GAP)
            open_end = OpenEnd(value_start(split, firsts, [i for i in block if i in firsts]), cols) if ends_page else None
    return PageTables(tables, [ln for i, ln in enumerate(lines) if i not in taken], open_end)


def _lone_number(lines: list[Line], split: dict[int, list[Word]], i: int) -> bool:
    """A line of one number whose label stands beside it on the line above or below (a label
    wrapped over lines with the number set in the middle of its row, 行政事业|36.92|性收费): a row
    of a table, not a page number or a figure on a line of its own."""
    ws = split[i]
    if len(ws) != 1 or not is_value(ws[0].text):
        return False
    for j in (i - 1, i + 1):
        if 0 <= j < len(lines) and lines_near(lines, min(i, j), max(i, j)) and split[j] and all(
                w.x1 < ws[0].x0 and not is_value(w.text) for w in split[j]) and not split[j][-1].text.endswith(SENTENCE_END):
            return True
    return False


def _close(lines: list[Line], above: int, below: int, rules: list[Rule]) -> bool:
    """Whether two lines between value lines may be of one table: no farther apart than ROW_GAP,
    or than RULED_GAP with a rule across them between (rows drawn apart, set taller than their
    text)."""
    if lines_near(lines, above, below, ROW_GAP):
        return True
    upper, lower = lines[above], lines[below]
    return lines_near(lines, above, below, RULED_GAP) and ruled_between(
        rules, min(ch[Y0] for ch in upper.chars), lower.top, min(upper.x0, lower.x0), max(upper.x1, lower.x1))


def _blocks(lines: list[Line], split: dict[int, list[Word]], firsts: dict[int, int],
            lone: set[int] = frozenset(), rules: list[Rule] = ()) -> list[list[int]]:
    """Runs of line indices that make a table: value lines, the lines between them, headers above
    and wrapped labels below."""
    value_lines = sorted(firsts)
    runs: list[list[int]] = []
    for i in value_lines:
        if runs:
            last = runs[-1][-1]
            start = value_start(split, firsts, [last, i])
            between = range(last + 1, i)
            if all(_close(lines, k - 1, k, rules) for k in range(last + 1, i + 1)) and all(
                    _inside(split, firsts, k, start) or _caption(split[k]) for k in between):
                runs[-1] += [*between, i]
                continue
        runs.append([i])
    out = []
    for run in runs:
        values = [i for i in run if i in firsts]
        if len(values) < 2 and len(split[values[0]]) - firsts[values[0]] < MIN_SINGLE_LINE_VALUES:
            continue
        if len(values) >= 2 and max(len(split[i]) - firsts[i] for i in values) < 2 and not _labelled(firsts, values, lone):
            continue
        start = value_start(split, firsts, values)
        near = _row_pitch(lines, values)
        k = run[0] - 1
        taken = {j for r in out for j in r}
        while k >= 0 and k not in taken and k not in firsts and _header(lines, split, firsts, k, k + 1, start, near):
            run.insert(0, k)
            k -= 1
        k = run[-1] + 1
        while (k < len(lines) and k not in firsts and lines_near(lines, k - 1, k) and _label_only(split, k, start)
               and not HEADING_ORDINAL.match(split[k][0].text)):  # wrapped text never starts 一、: a heading
            run.append(k)
            k += 1
        out.append(run)
    return out


def _labelled(firsts: dict[int, int], values: list[int], lone: set[int]) -> bool:
    """Rows of one number each are a table only where each has a label before it (or beside it)."""
    return all(firsts[i] > 0 or i in lone for i in values)


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


def _caption(ws: list[Word]) -> bool:
    """A caption row inside a table (第二十条第（六）项, set across all its columns): one short
    word, no ordinal, no clause (text of a cell), and not a section's heading: a heading between
    two tables is numbered, or names its section in the format's words where its numeral was lost
    (OCR), and parts the two tables."""
    return len(ws) == 1 and len(ws[0].text) <= MAX_CAPTION_CHARS and not ORDINAL.match(ws[0].text) and (
        not _CAPTION_BREAK.search(ws[0].text)) and named_heading(ws[0].text) is None


def _header_words(ws: list[Word], start: LabelArea) -> bool:
    """Column headings (or cell text wrapped): a word in the cells' area after a first one, or a
    line that starts there; no sentence, no heading."""
    if not ws or any(w.text.endswith(SENTENCE_END) or HEADING_ORDINAL.match(w.text) for w in ws):
        return False
    # a heading centred over its column may start left of the numbers under it
    return ws[0].x0 >= start.cells - 1 or any(w.x1 > start.cells + 1 for w in ws[1:])


def _row_pitch(lines: list[Line], values: list[int]) -> float:
    """How far apart (type sizes) the lines of a table's header may stand: as far as its lowest
    row is high (rows of a set height, taller than their text), at least LINE_PITCH."""
    gaps = [(lines[a].top - lines[b].top) / max(lines[a].size, lines[b].size) for a, b in zip(values, values[1:])]
    return max(LINE_PITCH, min(gaps, default=0.0) * ROW_PITCH_SLACK)


def _header(lines: list[Line], split: dict[int, list[Word]], firsts: dict[int, int], k: int, below: int,
            start: LabelArea, near: float = LINE_PITCH) -> bool:
    """A line above a table that is part of it: a header line, a caption of the table's first row,
    or the end of a label cut by the page break; ``near``: how far apart its lines may stand."""
    if not lines_near(lines, k, below, near):
        return False
    ws = split[k]
    if not ws:
        return False
    if HEADING_ORDINAL.match(ws[0].text):  # a heading, or the first line of a label centred on the row below
        return below in firsts and _label_only(split, k, start)
    if _header_words(ws, start) or _label_only(split, k, start):
        return True
    return len(ws) == 1 and len(ws[0].text) <= MAX_CAPTION_CHARS and not ws[0].text.endswith(SENTENCE_END) and (
        named_heading(ws[0].text) is None)  # a section's heading that lost its numeral heads no table
