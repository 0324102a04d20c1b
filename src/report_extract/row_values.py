"""One observed row's cells -> its values: cells parsed by their column's kind, a row with extra or
missing cells aligned, digits glued in one cell split by the row's sums, the OCR reading of each
cell, and money converted between the units a column may be written in. ``mapping`` (which row is
which template row, and the table's result) imports this module.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import combinations
from typing import Callable

from . import numbers
from .document import OcrReading
from .model import Problem
from .problems import problem
from .tables import ObservedRow, cell_kind
from .templates import REVIEW, Column, TableSpec


def row_relation(spec: TableSpec) -> tuple[Callable | None, Callable | None]:
    """(accept, prune) of a full row's numbers: the template's per-row sums."""
    if spec.key == "applications":
        return (lambda v: v[6] == sum(v[:6])), None
    if spec.key == REVIEW.key:
        def accept(v):
            return all(v[g + 4] == sum(v[g:g + 4]) for g in (0, 5, 10))

        def prune(v):
            return any(len(v) >= g + 5 and v[g + 4] != sum(v[g:g + 4]) for g in (0, 5, 10))
        return accept, prune
    return None, None


def read_values(row: ObservedRow, columns: tuple[Column, ...], spec: TableSpec, where: dict):
    """(parsed values, raw cells, problems, glued readings left undecided or None) of one row."""
    expected = len(columns)
    kinds = [c.kind for c in columns]
    if row.glued:
        return _glued_values(row.values[0] if row.values else "", kinds, spec, where, row)
    cells = list(row.values)
    while len(cells) > expected and cells and not cells[-1].strip():
        cells.pop()
    while len(cells) > expected and cells and not cells[0].strip():
        cells.pop(0)
    tokens = " ".join(c for c in cells if c.strip()).split()
    if len(cells) < expected and len(tokens) == expected and all(cell_kind(t) == "value" for t in tokens):
        cells = tokens  # several numbers in one cell (text that lost its tabs)
    elif len(cells) < expected and len([c for c in cells if c.strip()]) == 1 and numbers.looks_glued(
            tokens[0], expected):
        # one cell, digits glued; a row with a cell for every column holds its one number in its own cell
        # (a scanned row OCR read blank but for one cell)
        return _glued_values(" ".join(tokens), kinds, spec, where, row)
    problems: list[Problem] = []
    if len(cells) > expected:
        problems.append(problem("extra_cells", **where, expected=expected, found=len(cells)))
        values = _agreed_alignment(cells, kinds, spec)
        return values, cells, problems, None
    if len(cells) < expected:
        problems.append(problem("missing_cells", **where, expected=expected, found=len(cells), cells=list(cells)))
        values, raw = _missing_alignment(cells, kinds)
        return values, raw, problems, None
    return [numbers.parse(c, k) for c, k in zip(cells, kinds)], cells, problems, None


def _missing_alignment(cells: list[str], kinds: list[str]):
    """A row that lost cells (a converter pulled a multi-line cell out of the table, or dropped an
    empty one): the label fixes the first cell and the table's edge the last, so the cells lost
    lie between them; each way of placing the cells between is a reading, and a value is kept
    where every reading agrees. With fewer than two cells nothing can be placed."""
    n = len(kinds)
    unknown = numbers.Parsed(None, numbers.TEXT, note="cannot be placed")
    if len(cells) < 2:
        return [unknown] * n, cells + [""] * (n - len(cells))
    readings = []
    for slots in combinations(range(1, n - 1), len(cells) - 2):
        places = [0, *slots, n - 1]
        reading = [unknown] * n
        for place, cell in zip(places, cells):
            reading[place] = numbers.parse(cell, kinds[place])
        readings.append(reading)
    values = [column[0] if all(p == column[0] for p in column) else unknown for column in zip(*readings)]
    raw = [""] * n
    raw[0], raw[-1] = cells[0], cells[-1]
    for place, value in enumerate(values):
        if 0 < place < n - 1 and value is not unknown:
            raw[place] = next(c for c in cells[1:-1] if numbers.parse(c, kinds[place]) == value)
    return values, raw


def _agreed_alignment(cells: list[str], kinds: list[str], spec: TableSpec):
    """Values of a row with extra cells: each way of dropping the extra cells is a reading; a
    value is kept where every reading that fits the row's sums agrees (all of them when none fits)."""
    extra = len(cells) - len(kinds)
    if extra > 3:
        return [numbers.Parsed(None, numbers.TEXT)] * len(kinds)
    readings = []
    for dropped in combinations(range(len(cells)), extra):
        kept = [c for i, c in enumerate(cells) if i not in dropped]
        readings.append([numbers.parse(c, k) for c, k in zip(kept, kinds)])
    accept, _ = row_relation(spec)
    if accept:
        fitting = [r for r in readings if all(p.value is not None for p in r) and accept([p.value for p in r])]
        readings = fitting or readings
    out = []
    for position in zip(*readings):
        same = all(p.value == position[0].value and p.status == position[0].status for p in position)
        out.append(position[0] if same else numbers.Parsed(None, numbers.TEXT, note="cannot be placed"))
    return out


def _glued_values(run: str, kinds: list[str], spec: TableSpec, where: dict, row: ObservedRow):
    expected = len(kinds)
    run = run.strip()
    raw = [run] + [""] * (expected - 1)
    if not run:
        return [numbers.Parsed(None, numbers.BLANK)] * expected, raw, [], None
    if numbers.parse(run).status == numbers.PLACEHOLDER and expected == 1:
        return [numbers.Parsed(None, numbers.PLACEHOLDER)], raw, [], None
    chunks = run.split()
    readings = numbers.split_glued(run, kinds)
    accept, prune = row_relation(spec)
    by_relation = len(readings) != 1 and accept is not None
    if by_relation:
        readings = numbers.split_glued(run, kinds, accept, prune)
    if len(readings) == 1:
        problems = []
        if len(chunks) != expected:
            problems.append(problem("glued_digits", **where, run=run, values=readings[0],
                                    by="row" if by_relation else None))
        return [numbers.Parsed(v, numbers.NUMBER) for v in readings[0]], raw, problems, None
    agreed = numbers.agreed(readings) if readings else [None] * expected
    problems = [problem("ambiguous_digits", **where, run=run, count=expected, ways=len(readings) or None)]
    return [numbers.Parsed(v, numbers.NUMBER) if v is not None else numbers.Parsed(None, numbers.TEXT)
            for v in agreed], raw, problems, readings


def ocr_readings(row: ObservedRow, raw: list[str]) -> list:
    """The OCR reading of each raw cell: the row's value cells, where the raw cells are a run of
    them (a row whose cells were re-aligned or split has no reading a cell, but each of its cells
    was still read by OCR: the lowest confidence of the row stands for each)."""
    values, ocr = row.values, row.ocr or []
    for start in range(len(values) - len(raw) + 1):
        if values[start:start + len(raw)] == raw:
            return ocr[start:start + len(raw)]
    known = [r.confidence for r in ocr if r is not None and r.confidence is not None]
    return [OcrReading(min(known) if known else None, None, row.page)] * len(raw)


# how many yuan each unit a money cell may be written in stands for
YUAN_IN = {"元": 1, "万元": 10000}
_COLUMN_UNIT = re.compile(r"单位[:：]\s*(万元|元)")


def column_unit(col: Column) -> str:
    """The unit a money column's label fixes (``本年收费金额（单位：万元）``), or "" for none."""
    match = _COLUMN_UNIT.search(col.label)
    return match.group(1) if match else ""


def in_unit(value, written: str, wanted: str):
    """A money value written in one unit, in another (exactly: 989400 元 is 98.94 万元)."""
    converted = Decimal(value) * YUAN_IN[written] / YUAN_IN[wanted]
    return int(converted) if converted == converted.to_integral_value() else converted.normalize()
