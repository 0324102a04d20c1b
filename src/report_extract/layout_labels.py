"""The row labels of a table read from the layout of its text, for ``layout_table``: the label text
of a block cut into the labels of cells, and each label set beside the line of numbers it belongs to.

A label begins at an ordinal (一、 （二） 3.). A word on a line below goes on with a label above it
when it is that label's wrapped text: inside its width (left- or right-aligned text never wraps
wider) or centred under it, no rule drawn between them, and the label not already a whole label
of the template that the word would not go on (``templates.ends_label``: 二、上年结转政府信息公开申请
数量 ends; the 三 set under it in a narrow column begins 三、本年度办理结果).

Each label is then set beside a line of numbers. Where horizontal rules are drawn, a row is what
lies between two of them: the label's lines and the numbers between the same two rules are one
row, whatever the vertical alignment of either; a label between two rules that hold several rows
drawn apart (a merged cell, （三）不予公开 over its eight rows) heads the first of them. Without
rules, a label is beside the line of numbers its lines stand around: top-aligned labels start on
it, bottom-aligned ones end on it, centred ones stand above and below it.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from .labels import ORDINAL
from .templates import begins_label, ends_label
from .text_lines import Y0, Y1, Char, Line

Rule = tuple[float, float, float]  # a horizontal rule: (y, x0, x1), PDF space
# a line of one paragraph or cell is at most this many type sizes below the one before
LINE_PITCH = 1.8
# wrapped label text: how far (type sizes) it may stand left of / right of the label above it, how
# much wider it may be, and how far its centre may be off the label's (centred text)
WRAP_LEFT = 0.5
WRAP_RIGHT = 1.0
WRAP_WIDER = 1.0
WRAP_CENTRE = 0.5
BESIDE = 0.5  # type sizes: a label beside a value line starts at most this far below it / ends above it
RULE_SLACK = 0.5  # points: a rule this close to a line of text still lies between it and the next
PAIR_REACH = 2.0  # type sizes: a label paired with numbers away from it ends at most this far into the cells


@dataclass(slots=True)
class LabelUnit:
    """The label text of one cell, gathered line by line: its chars and text, the lines they stand
    on, whether it starts with an ordinal, the span of all its words and of its last one, and the
    bottom of its last word (for the rules below it)."""

    chars: list[Char]
    text: str
    lines: list[int]
    ordinal: bool
    x0: float
    x1: float
    last_x0: float
    last_x1: float
    bottom: float


def lines_near(lines: list[Line], above: int, below: int, sizes: float = LINE_PITCH) -> bool:
    """Whether two lines are at most ``sizes`` type sizes apart (line to line)."""
    return lines[above].top - lines[below].top <= sizes * max(lines[above].size, lines[below].size)


def ruled_between(rules: list[Rule], upper: float, lower: float, x0: float, x1: float) -> bool:
    """Whether a rule runs between the bottom of text at ``upper`` and the top of text at ``lower``
    across some of x0…x1."""
    return any(lower - RULE_SLACK <= y <= upper + RULE_SLACK and a < x1 - 1 and b > x0 + 1 for y, a, b in rules)


def label_units(lines, split, firsts, block, headers, in_cells, size, rules: list[Rule]) -> list[LabelUnit]:
    """The label text of the block cut into the labels of cells, top to bottom. A label without an
    ordinal holds one value line at most (single-line labels one under the other, 行政许可 and
    行政处罚); one with an ordinal may span several (三、本年度办理结果, beside the rows it heads)."""
    units: list[LabelUnit] = []
    open_units: list[LabelUnit] = []
    for i in block:
        if i in headers and i not in firsts:  # a header line: its labels are the header row's
            open_units = []
            continue
        for k, w in enumerate(split[i]):
            if in_cells(i, k, w):
                continue
            top, bottom = max(ch[Y1] for ch in w.chars), min(ch[Y0] for ch in w.chars)
            unit = None
            if ORDINAL.match(w.text) is None:
                fits = [u for u in open_units if _wraps(u, w, i, lines, size) and (
                    u.ordinal or i not in firsts or not any(j in firsts for j in range(u.lines[0], i)))
                    and not ruled_between(rules, u.bottom, top, w.x0, w.x1) and not ends_label(u.text, w.text)]
                # the nearest label above, then the one it stands most under
                unit = max(fits, key=lambda u: (u.lines[-1], min(u.last_x1, w.x1) - max(u.last_x0, w.x0)),
                           default=None)
            if unit is None:
                unit = LabelUnit([], "", [], ORDINAL.match(w.text) is not None, w.x0, w.x1, w.x0, w.x1, bottom)
                units.append(unit)
            # text that stands under another label cuts it off
            open_units = [u for u in open_units if u is unit or not (w.x0 < u.last_x1 and w.x1 > u.last_x0)]
            if unit not in open_units:
                open_units.append(unit)
            unit.chars.extend(w.chars)
            unit.text += w.text
            unit.lines.append(i)
            unit.last_x0, unit.last_x1, unit.bottom = w.x0, w.x1, bottom
            unit.x0, unit.x1 = min(unit.x0, w.x0), max(unit.x1, w.x1)
    return units


def _wraps(unit: LabelUnit, w, i: int, lines: list[Line], size: float) -> bool:
    """Whether word ``w`` on line ``i`` is wrapped text of the label ``unit`` (whose lines so far
    span unit.x0 to unit.x1)."""
    if unit.lines[-1] == i or not lines_near(lines, unit.lines[-1], i):
        return False
    x0, x1 = unit.x0, unit.x1
    if w.x1 - w.x0 > x1 - x0 + WRAP_WIDER * size:
        return False  # wrapped text is never wider than the line it wraps from
    inside = w.x0 >= x0 - WRAP_LEFT * size and w.x1 <= x1 + WRAP_RIGHT * size
    return inside or abs((w.x0 + w.x1) / 2 - (x0 + x1) / 2) <= WRAP_CENTRE * size


class RowBands:
    """The rows of a block as its horizontal rules draw them: the rules across its cells cut it
    into bands, each band one row where the rules part every row (horizontal rules only), or a
    run of rows (three-line tables: the body between the header's rule and the bottom one; no
    rules: the whole block)."""

    def __init__(self, lines: list[Line], values: list[int], cells: tuple[float, float], rules: list[Rule],
                 size: float):
        x0, x1 = cells
        across = (x1 - x0) / 2
        self.lines, self.values, self.size, self.cells = lines, values, size, x0
        self.cuts = sorted(-y for y, a, b in rules if min(b, x1) - max(a, x0) >= across)  # top first, negated
        self.rows: dict[int, list[int]] = {}  # band -> its value lines
        for i in values:
            self.rows.setdefault(self.band(_middle(lines[i])), []).append(i)

    def band(self, y: float) -> int:
        """The band a height lies in: how many cuts stand above it."""
        return bisect_left(self.cuts, -y)

    def place(self, unit: LabelUnit) -> int | tuple[str, int] | None:
        """The value line whose row a label is in; ("band", k) for a row of labels only between
        two rules (the end of a label cut by a page break, a caption); None for a label beside no
        numbers where no rules part the rows (a row of its own, or a group's label)."""
        bands = sorted({self.band(_middle(self.lines[i])) for i in unit.lines})
        for k in bands:  # the first row it stands in (a group's label: the first it stands beside)
            found = self.rows.get(k, [])
            if len(found) == 1 and self._bounded(k):
                return found[0]
            if found:  # rows not drawn apart: the one its lines stand around
                return self._beside(unit, found)
        if self._bounded(bands[0]):
            return "band", bands[0]
        return None

    def pair(self, units: list[LabelUnit], placed: dict[int, object], headers: set[int], goes_on: bool) -> None:
        """Labels beside no value line where no rules part the rows (rows set taller than their
        text, the label at the top and the numbers in the middle, or the other way about), each
        set in ``placed`` beside the nearest value line on one side of it: the side that pairs
        the most of them with a value line that has no label where theirs stands, the same side
        for the whole block (a table aligns its cells alike). Never across a header line; where
        the table goes on from the page before (``goes_on``), a label above its first row only
        where it begins one (not the end of a label the page break cut)."""
        # a caption set across the cells is a row of its own, never a row's label
        reach = self.cells + PAIR_REACH * self.size
        orphans = [u for u in units if placed[id(u)] is None and u.x1 <= reach]
        if not orphans:
            return
        found = [self._pairs(orphans, units, placed, headers, side, goes_on) for side in (-1, 1)]
        pairs = max(found, key=lambda p: (len(p), -sum(d for d, _, _ in p)))
        for _, unit, value in pairs:
            placed[id(unit)] = value

    def _pairs(self, orphans, units, placed, headers, side: int, goes_on: bool) -> list[tuple[float, LabelUnit, int]]:
        """(distance, label, value line) of the orphans paired on one side (-1: the value line
        below, 1: above), nearest first, no two labels of one column on one value line."""
        lines = self.lines
        near = []
        for u in orphans:
            first, last = lines[u.lines[0]].top, lines[u.lines[-1]].top
            band = self.rows.get(self.band(_middle(lines[u.lines[0]])), [])
            if side < 0:
                v = next((i for i in band if lines[i].top < last), None)
                if goes_on and v is not None and v == self.values[0] and not begins_label(u.text):
                    v = None
            else:
                v = next((i for i in reversed(band) if lines[i].top > first), None)
            if v is None:
                continue
            low, high = sorted((u.lines[0], v))
            if any(h in headers for h in range(low, high + 1) if h != v):
                continue
            near.append(((last - lines[v].top) if side < 0 else (lines[v].top - first), u, v))
        near.sort(key=lambda n: n[0])
        beside = {v: [(u.x0, u.x1) for u in units if placed[id(u)] == v] for v in self.values}
        out = []
        for distance, u, v in near:
            if any(a < u.x1 and b > u.x0 for a, b in beside[v]):
                continue
            beside[v].append((u.x0, u.x1))
            out.append((distance, u, v))
        return out

    def _bounded(self, k: int) -> bool:
        """Whether band k lies between two rules (not above the first or below the last)."""
        return 0 < k < len(self.cuts)

    def _beside(self, unit: LabelUnit, values: list[int]) -> int | None:
        """Top-aligned labels start on their value line, bottom-aligned ones end on it, centred
        ones stand above and below it."""
        top, bottom = self.lines[unit.lines[0]].top, self.lines[unit.lines[-1]].top
        margin = BESIDE * self.size
        return next((i for i in values if top + margin >= self.lines[i].top >= bottom - margin), None)


def _middle(line: Line) -> float:
    return line.top - line.size / 2
