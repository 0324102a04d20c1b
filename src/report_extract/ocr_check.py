"""Doubtful OCR digits weighed against the table relations (R1–R4): corrected where exactly one
single-character correction of one doubtful cell makes every relation hold, flagged otherwise; a
relation broken only by cells OCR could not read is the reading's, not the report's.

A cell read by OCR is *doubtful* when the recogniser's confidence in it is below ``LOW`` (or OCR
found nothing in it: a digit the detector missed). Then, in this order:

- relations broken: every single-character correction (a digit replaced, deleted or inserted) of
  every doubtful cell in a broken relation is tried; where exactly one correction makes every
  relation that cell is in hold (and changes nothing else), it is used and reported as
  ``ocr_corrected`` (``found``: the raw reading);
- relations still broken that a cell OCR could not read accounts for are *unread*, not the
  report's error (in a table that has every row of the template: where rows are missing, a sum
  cannot tell a lost cell from a lost row): a cell OCR read nothing in that a number of 0 or more would complete the
  relation with (a row the scan lost, digits too faint to detect), or a number read doubtfully
  that another number (not one character away) would make every relation it is in hold without
  breaking one. That cell is ``ocr_unread``: an error of kind reading, its value null and in
  ``unknown``, so the checks do not check its relations (the report may be right: we could not
  read the cell). A number OCR read surely is never unread: a relation broken with only sure
  cells in it is the report's error, as are relations a doubtful number cannot mend alone (a
  doubtful cell of a row whose other relation holds is confirmed by it);
- every OCR cell of a relation still broken is ``ocr_uncertain``: one of them was misread
  (however sure OCR was of it), or the report contradicts itself;
- a doubtful number in no relation that holds (the proactive-disclosure table has none) is
  ``ocr_uncertain``: nothing confirms it. A doubtful number in a relation that holds is
  confirmed by it: a misread digit breaks every relation its cell is in;
- a number whose digits OCR read as pieces apart (``1 40``: on two lines of a cell, or two boxes)
  is ``ocr_uncertain`` whatever the relations say: two numbers run together (the cells of two rows
  in one) keep the row sums (1|40 + 0|12 + … = 1|60), so no relation can tell them from one
  number wrapped in a narrow cell.

A cell OCR read as words with a low confidence (``C`` for a faint 0) is unread too, not the
report's ``not_a_number`` (``unread_text``).

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


class _Relations:
    """The tables' relations as the checks see them, with a cell set to another value for a try.
    A relation's state is the set of (code, table, row, column, expected, found, filled) of the
    relation problems the checks report (``filled``: how many of its cells hold a number);
    ``values`` and ``unknown`` are the caller's, changed in place."""

    def __init__(self, values: dict, pages: dict, template: str, year, unknown: set):
        self.values, self.pages, self.template, self.year, self.unknown = values, pages, template, year, unknown
        self.state = self.now()

    def now(self) -> frozenset:
        return frozenset((p.code, p.table, p.row, p.column, p.expected, p.found, _filled(p))
                         for p in checks.run_checks(self.values, self.pages, self.template, self.year, self.unknown)
                         if p.code in RELATIONS)

    def get(self, key: str):
        return _value(self.values, key)

    def put(self, key: str, value) -> None:
        t, r, c = _split(key)
        self.values[t][r][c] = value

    def varied(self, key: str, value) -> frozenset:
        """The relation problems with the cell set to ``value`` (read as a number)."""
        old, blocked = self.get(key), key in self.unknown
        self.unknown.discard(key)
        self.put(key, value)
        changed = self.now()
        self.put(key, old)
        if blocked:
            self.unknown.add(key)
        return changed

    def touched(self, key: str) -> frozenset:
        """The broken relations the cell is in (those its value changes)."""
        return self.state - self.varied(key, (self.get(key) or 0) + 1)

    def in_relations(self, key: str) -> bool:
        """Whether the cell is in a relation the checks can check."""
        return self.varied(key, (self.get(key) or 0) + 1) != self.state

    def completing(self, key: str, relation: tuple) -> int | None:
        """The number of 0 or more that, in the cell, makes the broken ``relation`` hold (the cell
        is one of its parts, or its total: both ways are tried) and breaks no relation that holds
        with a number in it besides this cell's; None where none does. (A relation of a row read
        blank throughout holds only because it is blank: a number in one of its cells breaks it.)"""
        current, gap = self.get(key) or 0, (relation[5] or 0) - relation[4]
        broken = {r[:4] for r in self.state}
        for value in (current + gap, current - gap):
            if value < 0 or value == current or value != int(value):
                continue
            after = self.varied(key, int(value))
            if not any(r[:4] == relation[:4] for r in after) and not any(
                    r[6] > 1 for r in after if r[:4] not in broken):
                return int(value)
        return None


def _filled(made: Problem) -> int:
    """How many cells of a relation's problem hold a number (its parts, the balance's terms, its total)."""
    terms = list(made.facts.get("parts", ())) + [made.facts.get(k) for k in ("new", "carried_over", "outcome_total")]
    return sum(v is not None for v in terms + [made.found])


def lacking(problems) -> frozenset:
    """The tables that lack rows of the template (``missing_row`` not made good by a row that stands
    for it): ``weigh`` never takes their cells for unread. A problem read back from a result has no
    facts: its table is taken as lacking (no cell is then set to null that the reading kept)."""
    return frozenset(p.table for p in problems if p.code == "missing_row" and not p.facts.get("replaced"))


def weigh(values: dict, provenance: dict, pages: dict, template: str, year, unknown: set,
          lacking: frozenset = frozenset()) -> list[Problem]:
    """Problems about OCR'd cells; ``values`` (and ``unknown``) take the corrections in place, and
    the cells found unread become null and unknown. ``lacking``: the tables that lack rows of the
    template (``missing_row``): their sums cannot tell a cell OCR lost from a row the table does not
    have (a row whose numbers are on a page not given is blank too), so no cell of theirs is unread."""
    ocr = {k: p["ocr"] for k, p in provenance.items() if p.get("ocr") is not None}
    if not ocr:
        return []
    doubtful = [k for k, r in ocr.items()
                if (r["confidence"] is None or r["confidence"] < LOW) and _split(k)[0] in values
                and _split(k)[1] in values[_split(k)[0]]]
    rel = _Relations(values, pages, template, year, unknown)
    problems: list[Problem] = []
    if rel.state:
        problems += _corrected(rel, doubtful, provenance, ocr)
        problems += _unread(rel, [k for k in doubtful if k not in unknown and _split(k)[0] not in lacking],
                            provenance, ocr)
        problems += _still_broken(rel, provenance, ocr)
    flagged = {(p.table, p.row, p.column) for p in problems}
    lost = {(p.table, p.row) for p in problems if p.code == "ocr_unread"}
    problems += _in_pieces(rel, provenance, ocr, flagged)
    problems += _unconfirmed(rel, doubtful, provenance, ocr, flagged, lost)
    return problems


def _corrected(rel: _Relations, doubtful: list[str], provenance: dict, ocr: dict) -> list[Problem]:
    """A fix of a cell is a correction after which every broken relation it is in holds and
    nothing else changes; fixes that mend the same relations compete, and only one may."""
    problems = []
    groups: dict[frozenset, list] = {}
    for key in doubtful[:MAX_TRIED]:
        broken = rel.touched(key)
        if not broken:
            continue
        for candidate in sorted(_edits(provenance[key]["raw"])):
            if rel.varied(key, candidate) == rel.state - broken:
                groups.setdefault(broken, []).append((key, candidate))
    fixed = set()
    for broken, fixes in groups.items():
        if len(fixes) != 1 or broken & fixed:
            continue
        key, value = fixes[0]
        fixed |= broken
        raw, found = provenance[key]["raw"], rel.get(key)
        rel.put(key, value)
        rel.unknown.discard(key)
        t, r, c = _split(key)
        problems.append(problem("ocr_corrected", table=t, row=r, column=c, found=found, expected=value,
                                page=provenance[key]["page"], raw=raw, confidence=ocr[key]["confidence"]))
    rel.state = rel.now()
    return problems


def _unread(rel: _Relations, doubtful: list[str], provenance: dict, ocr: dict) -> list[Problem]:
    """The cells OCR could not read that account for relations still broken: each is null from now
    on and unknown (its relations go unchecked), with an ``ocr_unread`` problem. A blank cell
    accounts for a broken relation a number of 0 or more in it completes; a doubtful number for
    the broken relations it is in where one other number makes them all hold and breaks none."""
    problems = []
    left = doubtful[:MAX_TRIED]
    while rel.state and left:  # an unread cell leaves its relations unchecked: those left may then account
        found = [(key, implied) for key, implied in ((key, _accounts(rel, key)) for key in left) if implied]
        for key, (implied,) in found:
            raw, confidence, value = provenance[key]["raw"], ocr[key]["confidence"], rel.get(key)
            rel.put(key, None)
            rel.unknown.add(key)
            why = "nothing_read" if not raw.strip() else "doubtful"
            problems.append(_unread_problem(key, provenance, value, raw, confidence, why, implied))
        if not found:
            break
        rel.state = rel.now()
        left = [k for k in left if k not in rel.unknown]
    return problems


def _accounts(rel: _Relations, key: str) -> tuple | None:
    """``(implied,)`` where the cell accounts for the broken relations it is in (``implied``: the one
    number the relations give it, or None), None where it does not. Blank: a number of 0 or more
    completes one of them; a number: one other number makes them all hold and breaks none."""
    mine = rel.touched(key)
    if not mine:
        return None
    completing = {rel.completing(key, relation) for relation in mine}
    if rel.get(key) is None:
        if completing == {None}:
            return None
        return (completing.pop() if len(completing) == 1 else None,)
    mending = [v for v in sorted(completing - {None}) if rel.varied(key, v) == rel.state - mine]
    return (mending[0],) if len(mending) == 1 else None


def _unread_problem(key: str, provenance: dict, found, raw: str, confidence, why: str, implied=None) -> Problem:
    t, r, c = _split(key)
    made = problem("ocr_unread", table=t, row=r, column=c, found=found, expected=implied,
                   page=provenance[key]["page"], raw=raw, confidence=confidence, why=why)
    made.limited_cells = 1
    return made


def _still_broken(rel: _Relations, provenance: dict, ocr: dict) -> list[Problem]:
    """Every OCR cell of a relation still broken: one of them was misread, or the report is wrong."""
    if not rel.state:
        return []
    tables = {p[1] for p in rel.state}
    return [_uncertain(key, provenance, ocr, rel.get(key), "unrepaired")
            for key in ocr if _split(key)[0] in tables and key not in rel.unknown and rel.touched(key)]


def _in_pieces(rel: _Relations, provenance: dict, ocr: dict, flagged: set) -> list[Problem]:
    problems = []
    for key in ocr:
        if _split(key) not in flagged and _PIECES.search(provenance[key]["raw"]) and rel.get(key) is not None:
            problems.append(_uncertain(key, provenance, ocr, rel.get(key), "pieces"))
            flagged.add(_split(key))
    return problems


def _unconfirmed(rel: _Relations, doubtful: list[str], provenance: dict, ocr: dict, flagged: set,
                 lost: set) -> list[Problem]:
    """Doubtful cells no relation confirms: in none that holds, in a row read blank throughout, or
    read blank in a row whose numbers OCR lost (``lost``: rows with an unread cell)."""
    problems = []
    for key in doubtful:
        if _split(key) in flagged:
            continue
        raw = provenance[key]["raw"].strip()
        if not raw and ocr[key]["confidence"] is None:
            t, r, _ = _split(key)
            beside = any(v is not None for v in rel.values[t][r].values())
            if beside and (t, r) not in lost:
                continue  # a blank cell beside numbers, whose relations hold: nothing was there
            # a row read blank throughout satisfies its relations only because every cell is
            # blank: a table the recogniser lost looks exactly like that, so it is not confirmed;
            # nor is a blank cell of a row whose other numbers OCR lost
            problems.append(_uncertain(key, provenance, ocr, None, "beside_unread" if beside else "nothing_read"))
            continue
        if key not in rel.unknown and not rel.in_relations(key):
            problems.append(_uncertain(key, provenance, ocr, rel.get(key), "unconfirmed"))
    return problems


def unread_text(problems: list[Problem], provenance: dict) -> None:
    """A value cell OCR read as words with a low confidence (``C`` for a faint 0) is a cell we could
    not read, not the report's words in a value cell: its ``not_a_number`` becomes ``ocr_unread``."""
    for p in problems:
        if p.code != "not_a_number" or not (p.table and p.row and p.column):
            continue
        prov = provenance.get(f"{p.table}.{p.row}.{p.column}") or {}
        reading = prov.get("ocr")
        if reading is not None and reading["confidence"] is not None and reading["confidence"] < LOW:
            restate(p, "ocr_unread", raw=prov.get("raw", p.facts.get("raw", "")),
                    confidence=reading["confidence"], why="text")
            p.limited_cells = 1


def recount_blanks(problems: list[Problem]) -> None:
    """A table's ``blank_cells`` problem counts the cells read as no number; a cell OCR read as
    nothing that the relations filled (``ocr_corrected`` from nothing), or that is unread (a
    number the scan lost: ``ocr_unread`` of a cell OCR read nothing in), is no longer one of them.
    The problem goes when no blank cell is left: it would say a cell is blank that now has a value."""
    filled: dict[str, int] = {}
    for p in problems:
        if (p.code == "ocr_corrected" and p.found is None) or (
                p.code == "ocr_unread" and p.facts.get("why") == "nothing_read"):
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
    """``why``: unrepaired, pieces, nothing_read, beside_unread or unconfirmed (worded in problems.py)."""
    t, r, c = _split(key)
    return problem("ocr_uncertain", table=t, row=r, column=c, found=value, page=provenance[key]["page"],
                   raw=provenance[key]["raw"], confidence=ocr[key]["confidence"], why=why)
