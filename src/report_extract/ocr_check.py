"""Doubtful OCR digits weighed against the table relations (R1–R4): corrected where exactly one
single-character correction of one doubtful cell makes every relation hold, flagged otherwise.

A cell read by OCR is *doubtful* when the recogniser's confidence in it is below ``LOW`` (or OCR
found nothing in it: a digit the detector missed). Then:

- relations broken: every single-character correction (a digit replaced, deleted or inserted) of
  every doubtful cell in a broken relation is tried; where exactly one correction makes every
  relation that cell is in hold (and changes nothing else), it is used and reported as
  ``ocr_corrected`` (``found``: the raw reading). Otherwise the reading is kept and every OCR
  cell of a relation still broken is reported as ``ocr_uncertain``: one of them was misread
  (however sure OCR was of it), or the report contradicts itself;
- a doubtful number in no relation that holds (the proactive-disclosure table has none) is
  ``ocr_uncertain``: nothing confirms it. A doubtful number in a relation that holds is
  confirmed by it: a misread digit breaks every relation its cell is in;
- a number whose digits OCR read as pieces apart (``1 40``: on two lines of a cell, or two boxes)
  is ``ocr_uncertain`` whatever the relations say: two numbers run together (the cells of two rows
  in one) keep the row sums (1|40 + 0|12 + … = 1|60), so no relation can tell them from one
  number wrapped in a narrow cell.

Which relations a cell is in is found by the checks themselves (a cell is in a relation when
changing its value changes what the checks report), so this module knows no table layout.
"""

from __future__ import annotations

import re

from . import checks
from .model import Problem
from .problems import problem, restate

# A cell read with a confidence below this is doubtful. PP-OCR reads clean printed digits at
# 0.98–1.0; misread digits on noisy scans come out well below 0.9.
LOW = 0.93
RELATIONS = frozenset({"balance", "outcome_sum", "row_total", "review_total"})
_DIGITS = re.compile(r"0|[1-9]\d*")
_PIECES = re.compile(r"\d\s+\d")
# at most this many doubtful cells are tried one by one (each try runs the checks ~30 times)
MAX_TRIED = 60


def _relation_state(values, pages, template, year, unknown) -> frozenset:
    return frozenset((p.code, p.table, p.row, p.column, p.expected, p.found)
                     for p in checks.run_checks(values, pages, template, year, unknown) if p.code in RELATIONS)


def _split(key: str) -> tuple[str, str, str]:
    table, row, col = key.split(".")
    return table, row, col


def _edits(raw: str) -> set[int]:
    """Every number one character away from ``raw`` (a digit replaced, deleted or inserted)."""
    text = re.sub(r"\s", "", raw)
    out: set[str] = set()
    for i in range(len(text) + 1):
        for d in "0123456789":
            out.add(text[:i] + d + text[i:])  # inserted
            if i < len(text):
                out.add(text[:i] + d + text[i + 1:])  # replaced
        if i < len(text):
            out.add(text[:i] + text[i + 1:])  # deleted
    out.discard(text)
    return {int(t) for t in out if _DIGITS.fullmatch(t)}


def weigh(values: dict, provenance: dict, pages: dict, template: str, year, unknown: set) -> list[Problem]:
    """Problems about OCR'd cells; ``values`` (and ``unknown``) take the corrections in place."""
    ocr = {k: p["ocr"] for k, p in provenance.items() if p.get("ocr") is not None}
    if not ocr:
        return []
    doubtful = [k for k, r in ocr.items()
                if (r["confidence"] is None or r["confidence"] < LOW) and _split(k)[0] in values
                and _split(k)[1] in values[_split(k)[0]]]

    def get(key):
        return _value(values, key)

    def put(key, value):
        t, r, c = _split(key)
        values[t][r][c] = value

    state = _relation_state(values, pages, template, year, unknown)
    problems: list[Problem] = []

    def varied(key, value) -> frozenset:
        """The relation problems with the cell set to ``value`` (read as a number)."""
        old, blocked = get(key), key in unknown
        unknown.discard(key)
        put(key, value)
        changed = _relation_state(values, pages, template, year, unknown)
        put(key, old)
        if blocked:
            unknown.add(key)
        return changed

    def touched(key) -> frozenset:
        """The broken relations the cell is in (those its value changes)."""
        return state - varied(key, (get(key) or 0) + 1)

    def in_relations(key) -> bool:
        """Whether the cell is in a relation the checks can check."""
        return varied(key, (get(key) or 0) + 1) != state

    if state:
        # a fix of a cell is a correction after which every broken relation it is in holds and
        # nothing else changes; fixes that mend the same relations compete, and only one may
        groups: dict[frozenset, list] = {}
        for key in doubtful[:MAX_TRIED]:
            broken = touched(key)
            if not broken:
                continue
            for candidate in sorted(_edits(provenance[key]["raw"])):
                if varied(key, candidate) == state - broken:
                    groups.setdefault(broken, []).append((key, candidate))
        fixed = set()
        for broken, fixes in groups.items():
            if len(fixes) != 1 or broken & fixed:
                continue
            key, value = fixes[0]
            fixed |= broken
            raw, found = provenance[key]["raw"], get(key)
            put(key, value)
            unknown.discard(key)
            t, r, c = _split(key)
            problems.append(problem("ocr_corrected", table=t, row=r, column=c, found=found, expected=value,
                                    page=provenance[key]["page"], raw=raw, confidence=ocr[key]["confidence"]))
        state = _relation_state(values, pages, template, year, unknown)
        if state:  # every OCR cell of a relation still broken: one of them was misread, or the report is wrong
            tables = {p[1] for p in state}
            for key in [k for k in ocr if _split(k)[0] in tables]:
                if touched(key):
                    problems.append(_uncertain(key, provenance, ocr, get(key), "unrepaired"))
    flagged = {(p.table, p.row, p.column) for p in problems}
    for key in ocr:
        if _split(key) not in flagged and _PIECES.search(provenance[key]["raw"]) and get(key) is not None:
            problems.append(_uncertain(key, provenance, ocr, get(key), "pieces"))
            flagged.add(_split(key))
    for key in doubtful:
        if _split(key) in flagged:
            continue
        raw = provenance[key]["raw"].strip()
        if not raw and ocr[key]["confidence"] is None:
            t, r, _ = _split(key)
            if any(v is not None for v in values[t][r].values()):
                continue  # a blank cell beside numbers, whose relations hold: nothing was there
            # a row read blank throughout satisfies its relations only because every cell is
            # blank: a table the recogniser lost looks exactly like that, so it is not confirmed
            problems.append(_uncertain(key, provenance, ocr, None, "nothing_read"))
            continue
        if not in_relations(key):
            problems.append(_uncertain(key, provenance, ocr, get(key), "unconfirmed"))
    return problems


def recount_blanks(problems: list[Problem]) -> None:
    """A table's ``blank_cells`` problem counts the cells read as no number; a cell OCR read as
    nothing that the relations filled (``ocr_corrected`` from nothing) is no longer one of them.
    The problem goes when no blank cell is left: it would say a cell is blank that now has a value."""
    filled: dict[str, int] = {}
    for p in problems:
        if p.code == "ocr_corrected" and p.found is None:
            filled[p.table] = filled.get(p.table, 0) + 1
    for p in [p for p in problems if p.code == "blank_cells" and p.table in filled and "count" in p.facts]:
        left = p.facts["count"] - filled[p.table]
        if left <= 0:
            problems.remove(p)
        else:
            restate(p, count=left)


def _value(values: dict, key: str):
    """The cell's value, None where its table or row is absent."""
    t, r, c = _split(key)
    return (values.get(t) or {}).get(r, {}).get(c)


def _uncertain(key: str, provenance: dict, ocr: dict, value, why: str) -> Problem:
    """``why``: unrepaired, pieces, nothing_read or unconfirmed (worded in problems.py)."""
    t, r, c = _split(key)
    return problem("ocr_uncertain", table=t, row=r, column=c, found=value, page=provenance[key]["page"],
                   raw=provenance[key]["raw"], confidence=ocr[key]["confidence"], why=why)
