"""Doubtful OCR digits weighed against the table relations (R1–R4): corrected where exactly one
single-character correction of one doubtful cell makes every relation hold, flagged otherwise.

A cell read by OCR is *doubtful* when the recogniser's confidence in it is below ``LOW`` (or OCR
found nothing in it: a digit the detector missed). Then:

- relations broken: every single-character correction (a digit replaced, deleted or inserted) of
  every doubtful cell is tried; where exactly one makes every relation hold, it is used and
  reported as ``ocr_corrected`` (``found``: the raw reading). Otherwise the reading is kept and
  each doubtful cell in a broken relation is reported as ``ocr_uncertain`` — each OCR cell of
  the broken relations where none of them is doubtful, since one of them was misread or the
  report contradicts itself;
- a doubtful number in no relation that holds (the proactive-disclosure table has none) is
  ``ocr_uncertain``: nothing confirms it. A doubtful number in a relation that holds is
  confirmed by it: a misread digit breaks every relation its cell is in.

Which relations a cell is in is found by the checks themselves (a cell is in a relation when
changing its value changes what the checks report), so this module knows no table layout.
"""

from __future__ import annotations

import re

from . import checks
from .model import Problem

# A cell read with a confidence below this is doubtful. PP-OCR reads clean printed digits at
# 0.98–1.0; misread digits on noisy scans come out well below 0.9.
LOW = 0.93
RELATIONS = frozenset({"balance", "outcome_sum", "row_total", "review_total"})
_DIGITS = re.compile(r"0|[1-9]\d*")
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
        t, r, c = _split(key)
        return values[t][r].get(c)

    def put(key, value):
        t, r, c = _split(key)
        values[t][r][c] = value

    state = _relation_state(values, pages, template, year, unknown)
    problems: list[Problem] = []

    def in_relations(key) -> bool:
        """Whether changing the cell changes what the relations report (it is in a checked one)."""
        old, blocked = get(key), key in unknown
        unknown.discard(key)
        put(key, (old or 0) + 1)
        changed = _relation_state(values, pages, template, year, unknown) != state
        put(key, old)
        if blocked:
            unknown.add(key)
        return changed

    if state:
        fixes = []
        for key in doubtful[:MAX_TRIED]:
            old, blocked = get(key), key in unknown
            unknown.discard(key)
            for candidate in sorted(_edits(provenance[key]["raw"])):
                put(key, candidate)
                if not _relation_state(values, pages, template, year, unknown):
                    fixes.append((key, candidate))
                    if len(fixes) > 1:
                        break
            put(key, old)
            if blocked:
                unknown.add(key)
            if len(fixes) > 1:
                break
        if len(fixes) == 1:
            key, value = fixes[0]
            raw = provenance[key]["raw"]
            found = get(key)
            put(key, value)
            unknown.discard(key)
            t, r, c = _split(key)
            problems.append(Problem(
                code="ocr_corrected", severity="warning", table=t, row=r, column=c, found=found, expected=value,
                page=provenance[key]["page"],
                message=f"OCR read '{raw}' (confidence {_conf(ocr[key])}); {value} is the only one-character "
                        "correction that makes every relation hold, and is used"))
            state = frozenset()
        else:
            suspects = [k for k in doubtful if in_relations(k)]
            why = "no single-character correction of it" if not fixes else "more than one correction"
            if not suspects:  # no doubtful cell in a broken relation: every OCR cell of them is suspect
                broken = [k for k in ocr if in_relations(k) and _touches(k, state)]
                suspects, why = broken, "a relation it is in does not hold, and OCR was confident in every cell"
            for key in suspects:
                problems.append(_uncertain(key, provenance, ocr, get(key),
                                           f"{why} makes every relation hold; the reading is kept"))
    flagged = {(p.table, p.row, p.column) for p in problems}
    for key in doubtful:
        if _split(key) in flagged:
            continue
        raw = provenance[key]["raw"].strip()
        if not raw and ocr[key]["confidence"] is None:
            continue  # a blank cell whose relations hold (or that is in none): nothing was there
        if not in_relations(key):
            problems.append(_uncertain(key, provenance, ocr, get(key),
                                       "no relation confirms it; the reading is kept"))
    return problems


def _touches(key: str, state: frozenset) -> bool:
    """Whether the cell lies on a row or column of a broken relation (a cheap filter first)."""
    t, r, c = _split(key)
    return any(p[1] == t for p in state)


def _conf(reading: dict) -> str:
    return "none: nothing was read" if reading["confidence"] is None else f"{reading['confidence']:.2f}"


def _uncertain(key: str, provenance: dict, ocr: dict, value, why: str) -> Problem:
    t, r, c = _split(key)
    raw = provenance[key]["raw"]
    return Problem(code="ocr_uncertain", severity="warning", table=t, row=r, column=c, found=value,
                   page=provenance[key]["page"],
                   message=f"OCR read '{raw}' (confidence {_conf(ocr[key])}): {why}")
