"""Observed rows -> canonical values: row alignment, columns, numbers, and the problems met on the way.

Rows are matched to the template by an order-preserving alignment (the template's row order is
fixed) scored by label similarity, so ``1.`` ``2.`` … that repeat in every group, labels cut in
pieces, typos and rows without any label (their label pulled out of the table by a converter) all
find their place. A row without a label is placed only where the labelled rows around it leave
exactly as many template rows as there are unlabelled rows.

A row's cells are read into values by ``row_values`` (numbers, alignment of extra or missing cells,
glued digits, units); glued rows the row sums leave undecided are decided here, by the columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import product

from . import numbers
from .labels import MATCH, similarity, split_ordinal
from .model import Problem
from .problems import is_reading_limit, problem, restate
from .row_values import column_unit, in_unit, ocr_readings, read_values
from .status import REPORT
from .tables import ObservedRow, cell_kind
from .templates import COUNT, MONEY, REVIEW, Column, Row, TableSpec

UNLABELLED = 0.3  # what a row without a label may score (only as a gap filler)
# a label is a header word from this score (and only where no row label scores more): stricter
# than MATCH, as a row taken for a header is dropped
HEADER_MATCH = 0.75
# ordinals of one style (2. and 3., (二) and (三)) that agree add ORDINAL_AGREES to a label's score,
# ones that disagree take ORDINAL_DISAGREES off (1. 2. 3. repeat in every group: a label's words find
# rows that look alike, 2.其他法律… and 3.其他, and its ordinal tells which)
ORDINAL_AGREES = 0.2
ORDINAL_DISAGREES = 0.4
# a row whose labels above its leaf match the template row's group this well (（三）不予公开 over
# 1.属于国家秘密) gains GROUP_AGREES
GROUP_MATCH = 0.6
GROUP_AGREES = 0.1
# table 四 is one row of 15 cells (行政复议 5, 行政诉讼 10); a row with at least WHOLE_REVIEW_ROW of them
# filled is the whole row (a cell or two may be blank), fewer may be a piece a page break cut off
REVIEW_CELLS = 15
WHOLE_REVIEW_ROW = 13


@dataclass
class TableResult:
    values: dict[str, dict[str, int | Decimal | None]] = field(default_factory=dict)
    # flat key -> the fields of its Provenance, as a plain dict: a report has hundreds, and the
    # Report model validates them all at once
    provenance: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    row_pages: dict[str, int | None] = field(default_factory=dict)
    undecided: dict[str, list[list]] = field(default_factory=dict)  # glued rows with several readings
    unknown: set[str] = field(default_factory=set)  # flat keys whose number could not be read


# --- which observed row is which template row ----------------------------------------------------
def is_header(row: ObservedRow, spec: TableSpec) -> bool:
    """A header or caption row: no number anywhere, and its labels are mostly header words
    (column labels, 信息内容, the 第二十条 captions), not row labels or fragments of them."""
    if any(numbers.parse(v).status in (numbers.NUMBER, numbers.PLACEHOLDER) for v in row.values):
        return False
    return bool(row.labels) and _header_labels(tuple(row.labels), spec)


_HEADER_LABELS: dict[tuple[int, tuple[str, ...]], bool] = {}


def _header_labels(labels: tuple[str, ...], spec: TableSpec) -> bool:
    """Whether most labels are header words (cached: the same labels come back in every report)."""
    def compute() -> bool:
        words = _header_words(spec)
        hits = 0
        for label in labels:
            as_header = max(similarity(label, w) for w in words)
            as_row = max(similarity(label, r.label) for r in spec.rows)
            if as_header >= HEADER_MATCH and as_header > as_row and split_ordinal(label)[0] is None:
                hits += 1
        return hits > 0 and hits >= len(labels) / 2

    return _memo(_HEADER_LABELS, (id(spec), labels), compute)


def _memo(store: dict, key, compute):
    """``store[key]``, computed once; the store is emptied when it grows past 65,536 entries."""
    if key not in store:
        if len(store) > 65536:
            store.clear()
        store[key] = compute()
    return store[key]


_HEADER_WORDS: dict[int, tuple[str, ...]] = {}


def _header_words(spec: TableSpec) -> tuple[str, ...]:
    """Header words, column labels and 第二十条 captions of a template table (specs are module
    constants: cached by identity)."""
    if id(spec) not in _HEADER_WORDS:
        columns = {c.label for r in spec.rows for c in spec.columns_of(r)}
        captions = {r.group for r in spec.rows if r.group.startswith("第二十条")}
        _HEADER_WORDS[id(spec)] = tuple(spec.header_words) + tuple(sorted(columns | captions))
    return _HEADER_WORDS[id(spec)]


def label_score(row: ObservedRow, target: Row) -> float:
    """How well a row's labels name a template row: the leaf label (or all labels together, for a
    label cut in pieces), the ordinal (1. 2. … must agree when both have one), the group label."""
    return _label_score(tuple(row.labels), target.label, target.group)


@lru_cache(maxsize=65536)
def _label_score(labels: tuple[str, ...], label: str, group: str) -> float:
    if not labels:
        return 0.0
    leaf = labels[-1]
    score = max(similarity(leaf, label), similarity(" ".join(x for x in labels if x), label))
    ord_seen, _ = split_ordinal(leaf)
    ord_want, _ = split_ordinal(label)
    if ord_seen and ord_want and ord_seen[0] == "(" and ord_want[0] == "(" or (
            ord_seen and ord_want and ord_seen[0] != "(" and ord_want[0] != "(" and
            ord_seen.isdigit() == ord_want.isdigit()):
        score += ORDINAL_AGREES if ord_seen == ord_want else -ORDINAL_DISAGREES
    if group and len(labels) >= 2:
        if max(similarity(x, group) for x in labels[:-1]) >= GROUP_MATCH:
            score += GROUP_AGREES
    return score


def align(rows: list[ObservedRow], spec: TableSpec) -> list[Row | None]:
    """For each observed row, its template row (or None), in order."""
    n, m = len(rows), len(spec.rows)
    scores = [_pair_scores(o, spec) for o in rows]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 0: skip row, 1: skip template row, 2: pair
    for i in range(n - 1, -1, -1):
        here, below, pair_scores = best[i], best[i + 1], scores[i]
        here[m] = below[m]
        for j in range(m - 1, -1, -1):  # the best of the three moves; a tie goes to the later move
            value, step = below[j], 0
            if here[j + 1] >= value:
                value, step = here[j + 1], 1
            if pair_scores[j] is not None and below[j + 1] + pair_scores[j] >= value:
                value, step = below[j + 1] + pair_scores[j], 2
            here[j], move[i][j] = value, step
    out: list[Row | None] = [None] * n
    i = j = 0
    while i < n and j <= m:
        step = move[i][j]
        if step == 2:
            out[i] = spec.rows[j]
            i, j = i + 1, j + 1
        elif step == 1:
            j += 1
        else:
            i += 1
    return _check_gap_fillers(rows, out, spec)


def glue_broken_rows(rows: list[ObservedRow], spec: TableSpec) -> list[ObservedRow]:
    """A row broken by a page break stands as two rows, one on each side of the break, one of them
    without numbers: glue them when the joined label names a template row better than either part."""
    out: list[ObservedRow] = []
    anchor = None  # index in out of the row a row of the next piece may go on from
    for k, row in enumerate(rows):
        prev = out[anchor] if anchor is not None else None
        after = rows[k + 1] if k + 1 < len(rows) else None
        if (prev is not None and prev.table_index != row.table_index and not _has_numbers(row) and after is not None
                and after.table_index == row.table_index and not _has_numbers(after) and not _starts_a_row(after)):
            out.append(row)  # a header repeated atop the next page: the end of a cut label is under it
            continue
        if (prev is not None and prev.table_index != row.table_index and not prev.glued and not row.glued
                and (not _has_numbers(prev) or not _has_numbers(row)) and prev.labels and row.labels):
            joined = ObservedRow(prev.labels[:-1] + [prev.labels[-1] + row.labels[-1]],
                                 prev.values if _has_numbers(prev) else row.values,
                                 prev.page if _has_numbers(prev) else row.page, prev.table_index)
            best = max(label_score(joined, t) for t in spec.rows)
            if best > max(max(label_score(prev, t), label_score(row, t)) for t in spec.rows):
                out[anchor] = joined
                continue
        anchor = len(out)
        out.append(row)
    return out


def _starts_a_row(row: ObservedRow) -> bool:
    """A row whose label begins with an ordinal (3.危及…) starts a template row of its own: it is not
    the end of a label cut by the page break, even when it has no numbers (a scan whose numbers OCR
    lost)."""
    return bool(row.labels) and split_ordinal(row.labels[-1])[0] is not None


def _has_numbers(row: ObservedRow) -> bool:
    return any(numbers.parse(v).status == numbers.NUMBER for v in row.values)


def match_best(rows: list[ObservedRow], spec: TableSpec) -> list[Row | None]:
    """For tables whose labels are all different (二): each template row takes its best-scoring
    observed row, whatever the order (converters move loose rows around)."""
    pairs = sorted(((label_score(o, t), i, j) for i, o in enumerate(rows) for j, t in enumerate(spec.rows)
                    if o.labels), reverse=True)
    out: list[Row | None] = [None] * len(rows)
    taken: set[int] = set()
    for score, i, j in pairs:
        if score < MATCH or out[i] is not None or j in taken:
            continue
        out[i] = spec.rows[j]
        taken.add(j)
    return out


def _pair_scores(row: ObservedRow, spec: TableSpec) -> list[float | None]:
    """The row's score against each template row; None where the pair may not be made."""
    if not row.labels:
        return [None if target.replaces else UNLABELLED for target in spec.rows]
    labels = tuple(row.labels)

    def compute() -> list[float | None]:
        scores = [_label_score(labels, target.label, target.group) for target in spec.rows]
        return [score if score >= MATCH else None for score in scores]

    return _memo(_PAIR_SCORES, (id(spec), labels), compute)  # the same labels come back in every report


_PAIR_SCORES: dict[tuple[int, tuple[str, ...]], list[float | None]] = {}


def _check_gap_fillers(rows: list[ObservedRow], out: list[Row | None], spec: TableSpec) -> list[Row | None]:
    """An unlabelled row keeps its place only where the labelled rows around it leave exactly as
    many template rows as there are unlabelled rows between them; otherwise nothing is guessed."""
    slots = {r.key: i for i, r in enumerate(r for r in spec.rows if not r.replaces)}
    anchors = [(i, slots[out[i].key]) for i in range(len(rows))
               if out[i] is not None and rows[i].labels and out[i].key in slots]
    for i, target in enumerate(out):
        if target is None or rows[i].labels:
            continue
        before = max(((k, s) for k, s in anchors if k < i), default=(-1, -1))
        after = min(((k, s) for k, s in anchors if k > i), default=(len(rows), len(slots)))
        unlabelled = sum(1 for k in range(before[0] + 1, after[0]) if not rows[k].labels)
        if after[1] - before[1] - 1 != unlabelled or target.key not in slots:
            out[i] = None
    return out


def map_table(rows: list[ObservedRow], spec: TableSpec) -> TableResult:
    result = TableResult()
    data = glue_broken_rows([r for r in rows if not is_header(r, spec)], spec)
    if spec.key == REVIEW.key:
        return _map_review(data, spec, result)
    data = [r for r in data if r.labels or any(v.strip() for v in r.values)]  # spacer rows say nothing
    matched = align(data, spec) if spec.ordered else match_best(data, spec)
    blanks = 0
    extra_n = 0
    last_columns = spec.columns_of(spec.rows[0])
    seen: set[str] = set()
    for row, target in zip(data, matched):
        has_numbers = any(cell_kind(v) == "value" and v.strip() for v in row.values)
        if target is None:
            if row.labels and has_numbers:
                extra_n += 1
                key = f"extra_{extra_n}"
                where = {"table": spec.key, "row": key, "label": row.label, "page": row.page}
                result.problems.append(problem("unknown_row", **where))
                blanks += _store(result, spec, key, last_columns, row, where)
            continue
        if target.key in seen:
            continue
        seen.add(target.key)
        last_columns = spec.columns_of(target)
        where = {"table": spec.key, "row": target.key, "label": row.label or None, "page": row.page}
        blanks += _store(result, spec, target.key, last_columns, row, where)
    _missing_rows(result, spec, seen)
    if spec.key == "applications":
        _decide_by_columns(result, spec)
    if blanks:
        result.problems.append(problem("blank_cells", table=spec.key, count=blanks))
    return result


def _store(result: TableResult, spec: TableSpec, key: str, columns, row: ObservedRow, where: dict) -> int:
    parsed, raw, problems, readings = read_values(row, columns, spec, where)
    unread = sum(cell.status == numbers.TEXT for cell in parsed)  # glued digits no sum splits, cells not placed
    for p in problems:
        if not is_reading_limit(p):
            continue
        if unread:  # left null: we could not read or place them
            p.limited_cells = unread
        else:  # every cell found its column: the number too many is the report's own (problems.CODES)
            p.kind = REPORT
    result.problems += problems
    if readings:
        result.undecided[key] = readings
    values = result.values[key] = {}
    result.row_pages[key] = row.page
    misaligned = any(p.code in ("extra_cells", "missing_cells") for p in problems)
    prefix, label = f"{spec.key}.{key}.", row.label
    blanks = 0
    readings = ocr_readings(row, raw) if row.ocr else [None] * len(raw)
    for col, cell, text, reading in zip(columns, parsed, raw, readings):
        flat = prefix + col.key
        value, status = cell.value, cell.status
        values[col.key] = value
        result.provenance[flat] = {"raw": text, "label": label, "page": row.page, "table": row.table_index,
                                   "note": cell.note or None if status == numbers.NUMBER else None}
        if reading is not None:
            result.provenance[flat]["ocr"] = {"confidence": reading.confidence,
                                              "box": list(reading.box) if reading.box else None}
        if status == numbers.TEXT:
            result.unknown.add(flat)
        if status in (numbers.BLANK, numbers.PLACEHOLDER):
            blanks += 1
        elif status == numbers.TEXT and text.strip() and not row.glued and not misaligned:
            result.problems.append(problem("not_a_number", **where, column=col.key, raw=text.strip()))
        if value is not None and value < 0 and col.kind in (COUNT, MONEY):
            result.problems.append(problem("negative_value", **where, column=col.key, found=value, value=value))
        unit = cell.unit or (row.unit if row.glued else "")
        if col.kind == MONEY and unit:
            fixed = column_unit(col)
            if fixed and unit != fixed and value is not None:
                values[col.key] = value = in_unit(value, unit, fixed)
                written = text.strip() if text.strip().endswith(unit) else f"{text.strip()}{unit}"
                result.problems.append(problem("unit_converted", **where, column=col.key, found=cell.value,
                                               expected=value, written=written, unit=unit, fixed=fixed,
                                               value=value))
                unit = fixed
            result.units[flat] = unit
    return blanks


MAX_JOINT_READINGS = 4096  # combinations of undecided glued rows tried together; above it, row by row
_APPLICATION_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                        "legal_service_agency", "other_org", "total")


def _decide_by_columns(result: TableResult, spec: TableSpec) -> None:
    """Glued rows the row sums could not split: a row's reading is kept when it is the only one that,
    with some reading of the other undecided rows, makes every column sum of table 三 hold that
    can be checked (R1 and R2). Undecided rows are tried together (``220000022`` in 本年新收 and in
    总计 are decided by the outcome rows through 总计); otherwise the values stay null."""
    from .templates import OUTCOME_ROWS

    table = result.values
    changed = True
    while changed and result.undecided:
        changed = False
        keys = list(result.undecided)
        joint = math.prod(len(result.undecided[k]) for k in keys) <= MAX_JOINT_READINGS
        for group in ([keys] if joint else [[k] for k in keys]):
            fitting = [dict(zip(group, combination)) for combination in
                       product(*(result.undecided[k] for k in group))]
            fitting = [c for c in fitting if _columns_hold(table, c, OUTCOME_ROWS)]
            for key in group:
                choices = {tuple(c[key]) for c in fitting}
                if len(choices) == 1:
                    _decide(result, spec, key, list(choices.pop()))
                    changed = True
            if changed:
                break


def _decide(result: TableResult, spec: TableSpec, key: str, reading: list) -> None:
    for col, value in zip(spec.columns, reading):
        result.values[key][col.key] = value
        result.unknown.discard(f"{spec.key}.{key}.{col.key}")
    del result.undecided[key]
    for p in result.problems:
        if p.code == "ambiguous_digits" and p.row == key:
            restate(p, "glued_digits", run=result.provenance[f"{spec.key}.{key}.{spec.columns[0].key}"]["raw"],
                    values=reading, by="column")


def _columns_hold(table: dict, assigned: dict[str, list], outcome_rows: tuple[str, ...]) -> bool:
    """Whether the readings ``assigned`` (row key -> values) keep R1 and R2 in every column where
    all the cells of a relation that involves them are known."""
    rows = [r for r in outcome_rows if r in table]
    relations = [(rows, ["outcome_total"]),
                 (["new_received", "carried_over"], ["outcome_total", "carried_forward"])]
    relations = [(left, right) for left, right in relations if any(k in left + right for k in assigned)]
    for c, col in enumerate(_APPLICATION_COLUMNS):
        def cell(row, c=c, col=col):
            return assigned[row][c] if row in assigned else table.get(row, {}).get(col)
        for left, right in relations:
            cells = [cell(r) for r in left + right]
            if any(v is None for v in cells):
                continue
            if sum(cells[:len(left)]) != sum(cells[len(left):]):
                return False
    return True


def _review_row(candidates: list[ObservedRow]) -> ObservedRow:
    """The row of 15 numbers; a page that breaks it in two (review 5, litigation 10) gives it back
    joined."""
    last = candidates[-1]
    if last.glued or len([v for v in last.values if v.strip()]) >= WHOLE_REVIEW_ROW:
        return last
    values, rows = [], []
    for row in reversed(candidates):
        if row.glued or len([v for v in row.values if v.strip()]) >= WHOLE_REVIEW_ROW:
            break
        rows.insert(0, row)
        values = list(row.values) + values
        if len([v for v in values if v.strip()]) >= REVIEW_CELLS:
            break
    if len([v for v in values if v.strip()]) == REVIEW_CELLS:
        return ObservedRow([], values, rows[0].page, rows[0].table_index)
    return last


def _missing_rows(result: TableResult, spec: TableSpec, seen: set[str]) -> None:
    """Template rows the report lacks. A row that only mixed reports keep (``replaces``) is never
    required; when a report keeps it, the rows it stands for are the missing ones."""
    replaced = {k for r in spec.rows if r.replaces and r.key in seen for k in r.replaces}
    for row in spec.rows:
        if row.key in seen or row.replaces:
            continue
        result.problems.append(problem("missing_row", table=spec.key, row=row.key, label=row.label,
                                       replaced=row.key in replaced))


def _map_review(data: list[ObservedRow], spec: TableSpec, result: TableResult) -> TableResult:
    """Table 四 is one row of 15 numbers (review 5, direct 5, after review 5), no row label."""
    candidates = [r for r in data if len(r.values) >= 5 or r.glued]
    if not candidates:
        result.problems.append(problem("missing_row", table=spec.key))
        return result
    row = _review_row(candidates)
    columns = tuple(Column(f"{g.key}.{c.key}", c.label, c.kind) for g in spec.rows for c in spec.columns)
    flat_spec = TableSpec(spec.key, spec.title, (Row("all", "", columns=columns),), columns)
    scratch = TableResult()
    where = {"table": spec.key, "row": None, "label": None, "page": row.page}
    blanks = _store(scratch, flat_spec, "all", columns, row, where)
    for g in spec.rows:
        result.values[g.key] = {c.key: scratch.values["all"][f"{g.key}.{c.key}"] for c in spec.columns}
        result.row_pages[g.key] = row.page
        for c in spec.columns:
            prov = scratch.provenance[f"{spec.key}.all.{g.key}.{c.key}"]
            result.provenance[f"{spec.key}.{g.key}.{c.key}"] = {**prov, "label": g.label}
    for p in scratch.problems:
        if p.column and "." in p.column:
            p.row, p.column = p.column.split(".")
        result.problems.append(p)
    if blanks:
        result.problems.append(problem("blank_cells", table=spec.key, count=blanks))
    return result


