"""Shared table geometry, for vector rules (PDF) and raster rules (scans) alike.

A *lattice* table is rebuilt from its ruling lines: rules snapped to shared lines, borders that a
table style leaves out supplied where the other rules show them, a cell from every crossing that is
the top-left corner of a box ruled on all four sides, spans from the grid lines a cell covers. Text
comes as positioned pieces (``Char``: a PDF character, or an OCR text box), each placed in the cell
that holds its centre; what no cell holds becomes lines, then paragraphs.

Coordinates are PDF space (y grows upwards); a reader whose source counts y downwards (an image)
flips it before calling in. Everything here is pure Python on tuples: a page has a thousand
characters and tuples cost a fraction of objects to make, sort and read. The text no cell holds
is made into lines and paragraphs by ``text_lines``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .document import Cell, Table
from .text_lines import TEXT, X0, X1, Y0, Y1, Char, cell_text

TOL = 1.5  # points: rules closer than this are the same line
# points: a stroked or dark-filled bar thinner than this is one rule along its middle (a thick
# border, drawn by LibreOffice as a stroked rectangle), never a box: no table row is that low
THICK = 6.0


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


def place(chars: list[Char], grids: list[Grid]) -> tuple[list[list[list[Char]]], list[Char]]:
    """Each character into the cell that holds its centre (the first grid's, where grids
    overlap), or into the free text. Characters come in reading order, most often several to a
    cell, so the previous character's cell is tried first where grids do not overlap."""
    in_cells: list[list[list[Char]]] = [[[] for _ in g.cells] for g in grids]
    areas = [(*g.bbox, g, bucket) for g, bucket in zip(grids, in_cells)]
    reuse = not any(a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
                    for k, a in enumerate(areas) for b in areas[k + 1:])
    free: list[Char] = []
    left = right = bottom = top = 0.0
    last: list[Char] | None = None  # the cell the previous character went to
    for ch in chars:
        x, y = (ch[X0] + ch[X1]) * 0.5, (ch[Y0] + ch[Y1]) * 0.5
        if last is not None and left <= x < right and bottom <= y < top:
            last.append(ch)
            continue
        for x0, y0, x1, y1, g, bucket in areas:
            if x0 <= x <= x1 and y0 <= y <= y1:
                # the cell at (x, y): grid lines found by bisection, spans by the slot map
                row = bisect_left(g.neg_ys, -y) - 1
                col = bisect_right(g.xs, x) - 1
                last_col = len(g.xs) - 2
                index = g.slot.get((row if row > 0 else 0, col if col < last_col else last_col))
                if index is not None:
                    bucket[index].append(ch)
                    if reuse:
                        row, col, rowspan, colspan = g.cells[index]
                        left, right, bottom, top = g.xs[col], g.xs[col + colspan], g.ys[row + rowspan], g.ys[row]
                        last = bucket[index]
                    break
        else:
            free.append(ch)
            last = None
    return in_cells, free



# --- ruling lines -> grids ----------------------------------------------------------------------

# a fill whose every channel (0-255) is above this is white or near it: a cell background, no rule
LIGHT = 200


def is_light(r: float, g: float, b: float, alpha: float = 255) -> bool:
    """Whether a fill of this colour draws no rule: invisible, white or near white."""
    return alpha == 0 or min(r, g, b) > LIGHT


def add_rules(horizontal: list[tuple[float, float, float]], vertical: list[tuple[float, float, float]],
              x0: float, y0: float, x1: float, y1: float, stroked: bool) -> None:
    """The rules a drawn box stands for, added to ``horizontal`` (y, x0, x1) and ``vertical``
    (x, y0, y1): a box thinner than THICK one way and long the other is one rule along its middle
    (a stroked line, a thick border drawn as a bar); a larger stroked box is its four sides. A
    reader passes only boxes that are drawn as rules: stroked, or filled thin and dark (a filled
    cell background is no rule)."""
    w, h = x1 - x0, y1 - y0
    if h < THICK and w > 2 and w >= 2 * h:
        horizontal.append(((y0 + y1) / 2, x0, x1))
    elif w < THICK and h > 2 and h >= 2 * w:
        vertical.append(((x0 + x1) / 2, y0, y1))
    elif stroked and w > 2 and h > 2:
        horizontal += [(y0, x0, x1), (y1, x0, x1)]
        vertical += [(x0, y0, y1), (x1, y0, y1)]


def _closures(horizontal: list[tuple[float, float, float]],
              vertical: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """A table cut by a page break often lacks its last (or first) horizontal rule, and a table
    drawn without outer borders lacks both: where three or more vertical rules end at the same
    height, that height is a rule too. It runs as far as the horizontal rules lying across those
    verticals (to the table's own edges where its outer side borders are missing)."""
    columns = {round(x) + d for x, _, _ in vertical for d in (-1, 0, 1)}
    open_ends = any(round(x0) not in columns or round(x1) not in columns for _, x0, x1 in horizontal)
    out = []
    for end in (1, 2):
        groups: dict[float, list[tuple[float, float, float]]] = {}
        snapped = _snap([v[end] for v in vertical])
        for v in vertical:
            groups.setdefault(snapped[v[end]], []).append(v)
        for y, ends in groups.items():
            if len(ends) < 3:
                continue
            left, right = min(v[0] for v in ends), max(v[0] for v in ends)
            bottom, top = min(v[1] for v in ends), max(v[2] for v in ends)
            across = [(x0, x1) for hy, x0, x1 in horizontal  # (none to look at where every side is ruled)
                      if open_ends and bottom - TOL <= hy <= top + TOL and x0 <= right and x1 >= left]
            if across:  # the table's own edges, where no border is drawn
                edge = min(x0 for x0, _ in across)
                if edge < left and not _ruled(vertical, edge, y):
                    left = edge
                edge = max(x1 for _, x1 in across)
                if edge > right and not _ruled(vertical, edge, y):
                    right = edge
            out.append((y, left, right))
    return out


def _ruled(vertical: list[tuple[float, float, float]], x: float, y: float) -> bool:
    """Whether a vertical rule runs at x and reaches height y."""
    return any(abs(vx - x) <= TOL and y0 - TOL <= y <= y1 + TOL for vx, y0, y1 in vertical)


def _open_sides(hseg: dict, vseg: dict) -> dict:
    """A table drawn without its outer left or right border: where two horizontal rules end at
    the same x and an inner vertical rule joins them (they bound a row of one table), that x is a
    rule between them. Rules that no vertical joins (page separators, two tables one above the
    other) are left open."""
    ends: dict[float, list[tuple[float, float, float]]] = {}
    for y, spans in hseg.items():
        for a, b in spans:
            ends.setdefault(a, []).append((y, a, b))
            ends.setdefault(b, []).append((y, a, b))
    added: dict[float, list[tuple[float, float]]] = {}
    for x, rules in ends.items():
        rules.sort()
        for (y0, a0, b0), (y1, a1, b1) in zip(rules, rules[1:]):
            if x in vseg and _covers(vseg[x], y0, y1):
                continue
            low, high = max(a0, a1), min(b0, b1)  # the x-range both rules run over
            if any(low + TOL < vx < high - TOL and _covers(spans, y0, y1) for vx, spans in vseg.items()):
                added.setdefault(x, []).append((y0, y1))
    if not added:
        return vseg
    return _merge({x: list(vseg.get(x, [])) + added.get(x, []) for x in vseg.keys() | added.keys()})


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


def joined(horizontal: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Horizontal rules (y, x0, x1) drawn in pieces joined where they meet at one height: Word
    draws a row's rule cell by cell, LibreOffice in one stroke."""
    ys = _snap([y for y, _, _ in horizontal])
    spans: dict[float, list[tuple[float, float]]] = {}
    for y, x0, x1 in horizontal:
        spans.setdefault(ys[y], []).append((x0, x1))
    return [(y, a, b) for y, runs in _merge(spans).items() for a, b in runs]


def grids(edges) -> list[Grid]:
    """Tables of a page from its rules: rules snapped to shared lines, missing borders supplied,
    a cell from each crossing that is the top-left corner of a box ruled on all four sides."""
    horizontal, vertical = edges
    if not horizontal or not vertical:
        return []
    horizontal = horizontal + _closures(horizontal, vertical)
    ys = _snap([y for y, _, _ in horizontal] + [y for _, y0, y1 in vertical for y in (y0, y1)])
    xs = _snap([x for x, _, _ in vertical] + [x for _, x0, x1 in horizontal for x in (x0, x1)])
    hseg: dict[float, list] = {}
    for y, x0, x1 in horizontal:
        hseg.setdefault(ys[y], []).append((xs[x0], xs[x1]))
    vseg: dict[float, list] = {}
    for x, y0, y1 in vertical:
        vseg.setdefault(xs[x], []).append((ys[y0], ys[y1]))
    hseg, vseg = _merge(hseg), _merge(vseg)
    vseg = _open_sides(hseg, vseg)
    points = _intersections(hseg, vseg)
    by_row: dict[float, list[float]] = {}
    by_col: dict[float, list[float]] = {}
    for x, y in points:
        by_row.setdefault(y, []).append(x)
        by_col.setdefault(x, []).append(y)
    for row in by_row.values():
        row.sort()
    for col in by_col.values():
        col.sort()
    boxes = []
    for x, y in points:  # (x, y) is a cell's top-left corner: y is its top
        row, col = by_row[y], by_col[x]
        rights = row[bisect_right(row, x):]
        downs = col[:bisect_left(col, y)][::-1]
        box = _smallest_cell(x, y, rights, downs, points, hseg, vseg)
        if box:
            boxes.append(box)
    return _group(boxes)


def _intersections(hseg: dict, vseg: dict) -> set[tuple[float, float]]:
    """Points where a horizontal and a vertical rule meet (or one ends on the other)."""
    columns = sorted(vseg)
    points = set()
    for y, spans in hseg.items():
        for a, b in spans:
            for x in columns[bisect_left(columns, a - TOL):bisect_right(columns, b + TOL)]:
                if _covers(vseg[x], y, y):
                    points.add((x, y))
    return points


def _smallest_cell(x, y, rights, downs, points, hseg, vseg):
    """The smallest box with (x, y) as its top-left corner and a rule along each of its sides."""
    if not rights:  # a point on a table's right edge starts no cell
        return None
    top, left = hseg[y], vseg[x]
    for y2 in downs:
        if not _covers(left, y2, y):
            break
        for x2 in rights:
            if not _covers(top, x, x2):
                break
            if (x2, y2) in points and _covers(hseg[y2], x, x2) and _covers(vseg[x2], y2, y):
                return (x, y2, x2, y)
    return None


def _group(boxes: list[tuple[float, float, float, float]]) -> list[Grid]:
    """Cells that share corners are one table; each table gets its grid of lines and spans."""
    parent = list(range(len(boxes)))  # union-find over the boxes, through the corners they share
    corner_owner: dict[tuple[float, float], int] = {}
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        root = i
        for corner in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
            other = corner_owner.setdefault(corner, i)
            while parent[other] != other:
                other = parent[other]
            if other < root:  # the older set takes the newer one in: trees stay shallow
                parent[root] = root = other
            elif other > root:
                parent[other] = root
    groups: dict[int, list[tuple[float, float, float, float]]] = {}
    for i, box in enumerate(boxes):
        while parent[i] != i:
            parent[i] = i = parent[parent[i]]
        groups.setdefault(i, []).append(box)
    return [_grid(members) for members in groups.values()]


def _grid(boxes: list[tuple[float, float, float, float]]) -> Grid:
    xs = sorted({v for b in boxes for v in (b[0], b[2])})
    ys = sorted({v for b in boxes for v in (b[1], b[3])}, reverse=True)
    column = {x: k for k, x in enumerate(xs)}
    line = {y: k for k, y in enumerate(ys)}
    # (row, col, rowspan, colspan), row by row and left to right
    cells = sorted([(line[y1], column[x0], line[y0] - line[y1], column[x1] - column[x0])
                    for x0, y0, x1, y1 in boxes])
    slot: dict[tuple[int, int], int] = {}
    for index, (row, col, rowspan, colspan) in enumerate(cells):
        if rowspan == 1 and colspan == 1:
            slot[(row, col)] = index
            continue
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                slot[(r, c)] = index
    return Grid(xs, ys, cells, slot, neg_ys=[-v for v in ys])




def to_table(grid: Grid, cell_chars: list[list[Char]], page: int) -> Table:
    rows: list[list[Cell]] = [[] for _ in range(len(grid.ys) - 1)]
    for (row, col, rowspan, colspan), chars in zip(grid.cells, cell_chars):
        text = chars[0][TEXT].strip() if len(chars) == 1 else cell_text(chars)  # a digit, most often
        rows[row].append(Cell(text, col=col, rowspan=rowspan, colspan=colspan))
    rows = [r for r in rows if r]  # grid.cells run row by row, left to right
    return Table(rows, page=page, pages=[page] * len(rows))
