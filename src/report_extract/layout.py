"""Tables without rules (or with some), read from the layout of positioned text.

The lattice rebuilds a table from its ruling lines; a three-line table, one with horizontal rules
only, or one with no rules at all, gives it nothing to work with. Its text still stands in columns:
this module finds such blocks among the lines no ruled table took, for any source of positioned
text (PDF characters, OCR boxes), and turns each into a ``Table`` of the document model.

- A *value line* is a line whose words (runs of characters without a column gap) end in numbers
  or placeholders: row labels on the left, then the cells. Blocks are runs of value lines joined
  by lines that stand wholly in the label area (wrapped labels) or that are table headers; a line
  of prose or a heading crossing into the value area ends a block.
- Value columns come from the gaps between the words of the cell area across all value lines of
  the block: numbers are left-, right- or centre-aligned in their column, so the words of a column
  overlap each other and leave a gap before the next column. A row whose cells cannot all be put
  in a column of their own (two words in one column) keeps its cells in order without empty ones,
  so the template mapping places them only where the count decides and reports the row.
- Label columns from where the label words start. A row starts at each value line; a label column's
  text continues downwards over the lines below (cells are top-aligned), and a label that begins
  with an ordinal (``一、`` ``（二）`` ``3.``) goes on over a following value line whose text in that
  column has no ordinal of its own (a label spanning rows, such as 三、本年度办理结果).

Which table of the template a block is, and which row each of its rows is, is decided later from
the labels, as for every other table (tables.py, mapping.py): nothing here knows a label.
"""

from __future__ import annotations

import re

from . import numbers
from .document import Cell, Table
from .lattice import TEXT, X0, X1, Char, Line, cell_text

# a gap wider than this many type sizes between two characters is a column gap (a CJK punctuation
# mark's box is narrower than the em it takes, so a gap beside one counts that much less)
COLUMN_GAP = 0.9
_PUNCTUATION = frozenset("，、。；：！？（）《》“”‘’「」【】")
_PUNCT_ROOM = 0.8
_ORDINAL = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|\d{1,2}\s*[.．、])")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*、")
_SENTENCE_END = ("。", "；", "！", "？")
MIN_SINGLE_LINE_VALUES = 5  # one value line alone is a table only with this many numbers (table 四: 15)


Word = tuple[float, float, str, list[Char]]  # x0, x1, text, chars


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
    return run[0][X0], max(c[X1] for c in run), "".join(c[TEXT] for c in run).strip(), run


def _is_value(text: str) -> bool:
    return numbers.parse(text, "money").status in (numbers.NUMBER, numbers.PLACEHOLDER) or (
        text[:1].isdigit() and numbers.parse(text, "money").status == numbers.TEXT and _lead_number(text))


def _lead_number(text: str) -> bool:
    """A number with a note after it: ``22（其中修订16件）``."""
    return re.match(r"^\d[\d,.]*\s*[（(]", text) is not None


def _first_value(ws: list[Word]) -> int | None:
    """Index of the first word of the cells of a value line, or None for another line."""
    values = [i for i, w in enumerate(ws) if _is_value(w[2])]
    if not values:
        return None
    first = values[0]
    if first == 0 and len(values) < 2:
        return None  # a lone number: a page number, a figure in a line of its own
    if len(values) < (len(ws) - first) / 2:
        return None  # mostly text after the first number: prose
    return first


def read(lines: list[Line], page: int | None = None) -> tuple[list[tuple[float, Table]], list[Line]]:
    """Tables laid out without (full) rules among a page's lines (top to bottom), as (top, table),
    and the lines that are not in them."""
    candidates = [i for i, ln in enumerate(lines) if any(ch.isdigit() or ch in "/—-－" for ch in ln.text)]
    if len(candidates) < 1:
        return [], lines
    split: dict[int, list[Word]] = {}
    firsts: dict[int, int] = {}
    for i in candidates:
        ws = split[i] = words(lines[i])
        first = _first_value(ws)
        if first is not None:
            firsts[i] = first
    if not firsts:
        return [], lines
    for i in range(len(lines)):
        if i not in split:
            split[i] = words(lines[i])
    tables, taken = [], set()
    for block in _blocks(lines, split, firsts):
        table = _table(lines, split, firsts, block, page)
        if table is not None:
            tables.append((lines[block[0]].top, table))
            taken.update(block)
    return tables, [ln for i, ln in enumerate(lines) if i not in taken]


def _value_start(split: dict[int, list[Word]], firsts: dict[int, int], rows: list[int]) -> tuple[float, float]:
    """Where the cells of a block start (the median left edge of the value lines' first cells: a
    row shifted by a cell too many or too few does not move it), and how far a wrapped label may
    reach (the right edge of the first cells)."""
    lefts = sorted(split[i][firsts[i]][0] for i in rows)
    rights = sorted(split[i][firsts[i]][1] for i in rows)
    return lefts[(len(lefts) - 1) // 2], rights[len(rights) // 2]


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
            if all(_inside(lines, split, k, start) for k in between):
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
        while k >= 0 and k not in taken and k not in firsts and _header(lines, split, k, k + 1, start):
            run.insert(0, k)
            k -= 1
        k = run[-1] + 1
        while k < len(lines) and k not in firsts and _near(lines, k - 1, k) and _label_only(split, k, start):
            run.append(k)
            k += 1
        out.append(run)
    return out


def _labelled(split, firsts, values) -> bool:
    """Rows of one number each are a table only where each has a label before it."""
    return all(firsts[i] > 0 for i in values)


def _near(lines: list[Line], above: int, below: int) -> bool:
    return lines[above].top - lines[below].top <= 1.8 * max(lines[above].size, lines[below].size)


def _label_only(split: dict[int, list[Word]], k: int, start: tuple[float, float]) -> bool:
    """A line of label text only: every word starts before the cells and none runs past the
    first column of cells (a label wider than its cell may reach into it; prose runs on)."""
    ws = split[k]
    return bool(ws) and all(w[0] < start[0] - 1 and w[1] <= start[1] + 1 for w in ws) and not ws[-1][
        2].endswith(_SENTENCE_END)


def _inside(lines: list[Line], split: dict[int, list[Word]], k: int, start: tuple[float, float]) -> bool:
    """A line between two value lines that belongs to their table: wrapped labels, or a header."""
    return _label_only(split, k, start) or _header_words(split[k], start)


def _header_words(ws: list[Word], start: tuple[float, float]) -> bool:
    """Column headings (or cell text wrapped): several words or one in the cells' area, none a
    sentence or a heading."""
    return ((len(ws) >= 2 or ws and ws[0][0] >= start[0] - 1) and any(w[0] >= start[0] - 1 for w in ws)
            and not any(w[2].endswith(_SENTENCE_END) or _HEADING.match(w[2]) for w in ws))


def _header(lines: list[Line], split: dict[int, list[Word]], k: int, below: int, start: tuple[float, float]) -> bool:
    """A line above a table that is part of it: a header line, a caption of the table's first row,
    or the end of a label cut by the page break."""
    if not _near(lines, k, below):
        return False
    ws = split[k]
    if not ws or _HEADING.match(ws[0][2]):
        return False
    if _header_words(ws, start) or _label_only(split, k, start):
        return True
    return len(ws) == 1 and len(ws[0][2]) <= 20 and not ws[0][2].endswith(_SENTENCE_END)


def _wrapped_cells(row: dict, ws: list[Word], start: float) -> bool:
    """Whether the words of a line in the cells' area go on text cells of the row above (a cell
    that holds words, wrapped), not a header line."""
    texts = [w for w in row.get("words", []) if not _is_value(w[2])]
    cells = [w for w in ws if w[0] >= start]
    return bool(texts) and all(any(w[0] < t[1] and w[1] > t[0] for t in texts) for w in cells)


def _row() -> dict:
    """A row being built: label chars per label column (with where each column's text last
    stood, and whether it began with an ordinal), cell chars per value column, the cell words."""
    return {"labels": {}, "cells": {}, "loose": False, "words": [], "ordinal": {}, "right": {}, "line": {}}


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


def _label_columns(starts: list[float], size: float) -> list[float]:
    """Left edges of the label columns: where label words start, clustered."""
    edges: list[float] = []
    for x in sorted(starts):
        if not edges or x - edges[-1] > size:
            edges.append(x)
    return edges


def _table(lines: list[Line], split: dict[int, list[Word]], firsts: dict[int, int], block: list[int],
           page: int | None) -> Table | None:
    values = [i for i in block if i in firsts]
    start = _value_start(split, firsts, values)[0] - 1
    cols = _columns([[(w[0], w[1]) for w in split[i][firsts[i]:]] for i in values])
    size = sorted(lines[i].size for i in block)[len(block) // 2]

    def in_cells(i: int, k: int, w: Word) -> bool:
        return k >= firsts[i] if i in firsts else w[0] >= start

    label_words = [w for i in block for k, w in enumerate(split[i]) if not in_cells(i, k, w)]
    edges = _label_columns([w[0] for w in label_words], size)
    n_labels = len(edges)

    def label_col(x: float) -> int:
        col = 0
        for k, edge in enumerate(edges):
            if x >= edge - size / 2:
                col = k
        return col

    def value_col(word: Word) -> int | None:
        """The one column the word overlaps, or None (none, or two)."""
        hits = [k for k, (a, b) in enumerate(cols) if word[0] < b + 0.5 and word[1] > a - 0.5]
        return hits[0] if len(hits) == 1 else None

    rows: list[dict] = []
    current: dict = {}
    open_units: dict[int, dict] = {}  # label column -> the row whose label it holds last
    for i in block:
        ws = split[i]
        is_value_line = i in firsts
        header = not is_value_line and any(w[0] >= start for w in ws) and not _wrapped_cells(current, ws, start)
        if is_value_line or header or not rows:
            current = _row()
            rows.append(current)
        for k, w in enumerate(ws):
            if in_cells(i, k, w):
                current["words"].append(w)
                col = value_col(w)
                if col is None or col in current["cells"] and is_value_line:
                    current["loose"] = True
                current["cells"].setdefault(col, []).extend(w[3])
                continue
            col = label_col(w[0])
            unit = open_units.get(col)
            ordinal = _ORDINAL.match(w[2]) is not None
            # wrapped text is never wider than the line it continues
            fits = unit is not None and w[1] <= unit["right"][col] + size and _near(
                lines, unit["line"][col], i)
            if is_value_line or header:
                # a label spanning rows goes on over a value line whose text here is no new label
                spans = fits and unit is not current and not header and not ordinal and unit["ordinal"][col]
                target = unit if spans else current
            elif fits and not ordinal:
                target = unit
            elif col not in current["labels"] and not current["cells"]:
                target = current
            else:  # a label line of its own: a row without numbers (a caption, a blank row)
                target = current = _row()
                rows.append(current)
            if col not in target["labels"]:
                target["ordinal"][col] = ordinal
            target["labels"].setdefault(col, []).extend(w[3])
            target["right"][col], target["line"][col] = w[1], i
            open_units[col] = target
    out: list[list[Cell]] = []
    for row in rows:
        cells = [Cell(cell_text(list(chars)), col=col) for col, chars in sorted(row["labels"].items())]
        if row["loose"]:
            cells += [Cell(w[2], col=n_labels + k) for k, w in enumerate(sorted(row["words"]))]
        elif row["cells"]:
            cells += [Cell(cell_text(list(row["cells"].get(k, []))), col=n_labels + k) for k in range(len(cols))]
        if cells:
            out.append(cells)
    if not out:
        return None
    return Table(out, page=page, pages=[page] * len(out))
