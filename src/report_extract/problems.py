"""Every problem code the output may carry: its severity, what it means (the output contract), and
how a problem of it is made and worded in English.

One place for the codes, read by the JSON Schema (an enum with meanings), the docs and the views for
a person. A new check adds its code here first; a code is never renamed or removed in schema 1.

A problem is made by ``problem(code, table=…, row=…, column=…, **facts)``: the severity comes from
``CODES``, the facts (counts, cells, the sentence: what the check found, as values) stay on the
problem (``Problem.facts``, not written to the output), and its English ``message`` is worded from
them by the code's function in ``WORDING``. Its Chinese ``message_zh`` is worded from the same facts
by ``messages_zh.WORDING``, once the report's tables are known (``messages_zh.fill``). Neither text
is ever read back or edited: a problem that changes (``restate``) changes its facts and is worded
again. ``problem_id`` names a problem stably across runs; ``assign_ids`` gives the problems of one
report theirs (written into the output as ``Problem.id``: a problem read back has no facts, so its id
is made where it is made).
"""

from __future__ import annotations

import hashlib
from typing import Callable, NamedTuple

from . import status
from .model import Problem
from .status import READING, REPORT


class Code(NamedTuple):
    severity: str  # error | warning | info
    kind: str  # report | reading (status.KINDS): who the problem is about, the report or our reading of it
    meaning: str


# Each code's kind, with the reason. ``report``: the report as written breaks a rule of the template
# (its sums, what it omits, what it writes). ``reading``: we could not read something of it (a web
# text's glued digits, an OCR reading, cells a layout could not place); the report may be right.
# A code that can be either takes the honest default, said in its line: a section, table or row not
# found is the report's (a reader that lost a heading loses the text under it too, which shows).
CODES: dict[str, Code] = {
    # the report's figures, as read, break a sum (a doubtful OCR cell in it has its own ocr_ problem)
    "balance": Code("error", REPORT, "applications, per column: new_received + carried_over ≠ outcome_total + "
                                     "carried_forward"),
    "outcome_sum": Code("error", REPORT, "applications, per column: outcome_total ≠ sum of every outcome row"),
    "row_total": Code("error", REPORT, "applications, per row: total ≠ sum of the six applicant columns"),
    "review_total": Code("error", REPORT, "review_litigation, per row: total ≠ upheld + corrected + other + "
                                          "pending"),
    # default report: the report omits it, or numbers, draws or labels it past recognition
    "missing_section": Code("error", REPORT, "a numbered section of the template is not in the report (or could "
                                             "not be read)"),
    "missing_table": Code("error", REPORT, "a table of the template is not in the report (or could not be read)"),
    # a blank template: the report gives no figure
    "no_values": Code("error", REPORT, "the template's tables are there, but not one of their cells holds a number: "
                                       "a blank template, not a report of a year's figures"),
    "missing_row": Code("error", REPORT, "a row of the template is not in its table (or could not be read)"),
    # reading: a layout or a converter ran cells together, dropped or moved them; what cannot be placed is
    # null. A row whose cells all still find their column (the sums place them) leaves nothing unread: the
    # number too many is the report's own, and that problem is of kind report (mapping._store)
    "extra_cells": Code("error", READING, "a row holds more numbers than its columns"),
    "missing_cells": Code("error", READING, "a row holds fewer numbers than its columns"),
    # default report: the cell as written holds words (若干, 见附件); an OCR misreading has its ocr_ problem
    "not_a_number": Code("error", REPORT, "a value cell holds text that is not a number"),
    "negative_value": Code("error", REPORT, "a count below zero (net_change excepted)"),
    # the report adds a row
    "unknown_row": Code("warning", REPORT, "a row label the template does not have"),
    # reading: a web text lost its cells' separators; the sums split them (a note on how it was read)
    "glued_digits": Code("info", READING, "cells whose separators were lost were split by the arithmetic "
                                          "relations, which allowed exactly one split"),
    # reading: the same, and no sum splits them; the cells are null, the report may be right
    "ambiguous_digits": Code("error", READING, "glued cells that the relations do not split uniquely; their values "
                                               "are null"),
    # the report leaves cells blank or writes a placeholder
    "blank_cells": Code("info", REPORT, "how many value cells were blank or placeholders in a table (one problem "
                                        "per table)"),
    "template_year_mismatch": Code("warning", REPORT, "the tables' template does not fit the report year"),
    "unit_converted": Code("warning", REPORT, "a money cell written in another unit than its column's (元 in a "
                                              "column of 万元): the value is given in the column's unit; found keeps "
                                              "the number as written"),
    # the report's prose and tables disagree; two of a body's reports disagree
    "narrative_mismatch": Code("warning", REPORT, "the prose states a figure the table contradicts"),
    "carryover_mismatch": Code("warning", REPORT, "across years of one organization: carried_over ≠ last year's "
                                                  "carried_forward"),
    "in_force_drift": Code("warning", REPORT, "across years: in_force ≠ last year's in_force + issued − repealed"),
    # default report: every source we know was tried (docs/OUTPUT.md, Who and when); none states it
    "missing_title": Code("info", REPORT, "no title line names the report (the organisation and year may still "
                                          "come from its opening or other sources); the title is null"),
    "missing_organization": Code("warning", REPORT, "nothing in the report, its page or its file name names the "
                                                    "body that made it; the organization is null"),
    "missing_year": Code("warning", REPORT, "neither the title, the statistics period nor the opening states the "
                                            "report year; the year is null"),
    "academic_year": Code("warning", REPORT, "the report covers an academic year (学年), not a calendar year on the "
                                             "government template; the year is null"),
    # the report's prose sections 五 and 六 say less than the national format asks (content.py)
    "thin_section": Code("warning", REPORT, "section 五 (problems and improvements) is empty, a placeholder (无) or "
                                            "a few characters: the national format asks for the problems found and "
                                            "how they are improved"),
    "missing_fee_statement": Code("warning", REPORT, "on the 2021 format, section 六 states nothing of the "
                                                     "信息处理费 (charged or not), which the format asks to be "
                                                     "reported there"),
    # reading: OCR misread the scan (corrected by the relations, or still in doubt); the report may be right
    "ocr_corrected": Code("warning", READING, "a value read by OCR was corrected by one character because exactly "
                                              "that correction makes every relation hold; found keeps the raw "
                                              "reading"),
    "ocr_uncertain": Code("warning", READING, "a value read by OCR whose confidence is low or that breaks a "
                                              "relation no single correction repairs; the reading is kept"),
    # reading: a relation broken only by a cell OCR could not read (nothing read where a number of 0 or
    # more completes it, a doubtful number another number mends, words read doubtfully) is not the
    # report's error; the cell is null and its relations are not checked
    "ocr_unread": Code("error", READING, "a cell OCR could not read: nothing read where a relation needs a "
                                         "number, a doubtful number that breaks its relations where another "
                                         "number would make them hold, or words read with a low confidence; "
                                         "its value is null and the relations it is in are not checked"),
}


# --- making and wording problems ---------------------------------------------------------------
def problem(code: str, *, table: str | None = None, row: str | None = None, column: str | None = None,
            expected=None, found=None, label: str | None = None, page: int | None = None, **facts) -> Problem:
    """A problem of a registered ``code``: its severity and kind from ``CODES``, ``facts`` kept on it,
    and its English message worded from them (``message_zh`` is left to ``messages_zh.fill``)."""
    made = Problem(code=code, severity=CODES[code].severity, kind=CODES[code].kind, message="", table=table,
                   row=row, column=column, page=page, expected=expected, found=found, label=label)
    made.facts.update(facts)
    made.message = english(made)
    return made


def restate(made: Problem, code: str | None = None, **facts) -> Problem:
    """The problem with new facts (and code, its severity and kind with it), worded again: its
    English message now, its Chinese one by the next ``messages_zh.fill``. A problem that is no
    longer a reading limit leaves no cell unread. Returns ``made``."""
    if code is not None:
        made.code, made.severity, made.kind = code, CODES[code].severity, CODES[code].kind
        if not is_reading_limit(made):
            made.limited_cells = None
    made._facts = {**made.facts, **facts}  # a new dict: a copy (model_copy) shares the old one
    made.message = english(made)
    made.message_zh = None
    return made


def _field(made, name: str):
    return made.get(name) if isinstance(made, dict) else getattr(made, name, None)


def kind_of(made) -> str:
    """A problem's kind (a ``Problem``, or its dict as a result file holds it): its own, else its
    code's (a result written before problems had kinds), else ``report`` for a code not known."""
    kind = _field(made, "kind")
    if kind:
        return kind
    code = CODES.get(_field(made, "code"))
    return code.kind if code else REPORT


def is_reading_limit(made) -> bool:
    """An error we made by not reading something (kind reading): not the report's own error."""
    return _field(made, "severity") == "error" and kind_of(made) == READING


def counted(problems) -> list:
    """The problems that count (``Problem``s or their dicts): all but those a reviewer set aside
    (``status.set_aside``: dismissed or fixed), which stay listed and count nowhere. Every count is
    made of these (``counts``; --strict's lines), so the rule lives here only."""
    return [p for p in problems if not status.set_aside(_field(p, "verdict"))]


def counts(problems) -> dict[str, int]:
    """``status.COUNTS`` of a report's problems (``Problem``s or their dicts), those set aside left
    out (``counted``)."""
    return status.counts((_field(p, "severity"), kind_of(p), _field(p, "limited_cells")) for p in counted(problems))


def english(made: Problem) -> str:
    """The English message of a problem, worded from its fields and facts."""
    return WORDING[made.code](made)


_ID_LENGTH = 16  # hex digits, 64 bits: two of a million problems share one with odds of 1 in 36 million


def problem_id(made: Problem, sha256: str) -> str:
    """A short id of a problem that stays the same across runs and versions: a digest of the input's
    content (``sha256``, as in ``source.sha256``) and what the problem is about: its code, table, row
    and column, and for a problem of no cell the fact that tells it apart (the sentence of a
    ``narrative_mismatch``, the section of a ``missing_section``). Its wording, values and page do
    not enter it, so rewording a message, or reading a cell differently, keeps the id.

    Two problems of one report have two ids. A problem read back from a result has no facts: only
    problems of a cell (or of one table or code) get their id back from it."""
    about = [sha256, made.code, made.table or "", made.row or "", made.column or ""]
    about += [str(made.facts[key]) for key in _SUBJECT.get(made.code, ()) if key in made.facts]
    return hashlib.sha256("\x1f".join(about).encode("utf-8")).hexdigest()[:_ID_LENGTH]


def assign_ids(problems: list[Problem], sha256: str) -> list[Problem]:
    """Give each problem that has none its ``problem_id`` (in place; returns ``problems``). Two
    problems of one report never share an id: where a second one would (two prose problems of one
    sentence and cell), it gets the id of its base id and its rank among them, so the ids still come
    back the same in every run that finds the same problems in the same order."""
    taken = {p.id for p in problems if p.id}
    for made in problems:
        if made.id:
            continue
        base = candidate = problem_id(made, sha256)
        rank = 1
        while candidate in taken:
            rank += 1
            candidate = hashlib.sha256(f"{base}\x1f{rank}".encode()).hexdigest()[:_ID_LENGTH]
        made.id = candidate
        taken.add(candidate)
    return problems


def place_on_rows(problems: list[Problem], provenance: dict) -> None:
    """Give every problem about a row the row label as the report writes it, and its page (the
    first cell of the row in ``provenance``: flat key -> its dict; indexed once, so this is linear in
    problems + cells)."""
    first: dict[tuple[str, str], dict] = {}
    for key, prov in provenance.items():
        table, row, _ = key.split(".", 2)
        first.setdefault((table, row), prov)
    for p in problems:
        if p.table and p.row and (p.label is None or p.page is None):
            prov = first.get((p.table, p.row))
            if prov is not None:
                p.label = p.label or prov["label"] or None
                p.page = p.page if p.page is not None else prov["page"]


# the facts that tell apart two problems of one code on the same cell (or on none)
_SUBJECT: dict[str, tuple[str, ...]] = {"narrative_mismatch": ("sentence",), "missing_section": ("section",)}

_BLANK_NOTE = " (blank cells read as 0)"
_FIXED = {  # codes whose sentence says all there is: no fact in it
    "no_values": "the template's tables are there, but not one of their cells holds a number (a blank template?)",
    "missing_title": "no title line names the report; the title is null",
    "missing_organization": "neither the title, the opening, the page, the file name nor the signature names "
                            "the body that made the report; the organization is null",
    "academic_year": "the report covers an academic year (学年), not a calendar year on the government template; "
                     "the year is null",
    "missing_year": "neither the title, the statistics period nor the opening states the report year; the year "
                    "is null",
}
_SPLIT_BY = {None: "the only possible split", "row": "the only split the row's sums allow",
             "column": "the only split the column sums allow"}
_UNCERTAIN = {
    "unrepaired": "a relation it is in does not hold and no single-character correction of one doubtful cell "
                  "repairs it (a cell was misread, or the report contradicts itself); the reading is kept",
    "pieces": "its digits were read in pieces apart (two numbers run together, or one cut in two); the reading "
              "is kept",
    "nothing_read": "nothing was read in any cell of its row, so no relation confirms it",
    "beside_unread": "nothing was read in it, in a row where OCR lost numbers, so no relation confirms it is blank",
    "unconfirmed": "no relation confirms it; the reading is kept",
}
_UNREAD = {
    "nothing_read": "a relation it is in does not hold without a number there",
    "doubtful": "a relation it is in does not hold with it, and another number would make every relation it is "
                "in hold",
    "text": "words, not a number, read with a low confidence",
}


def _blank_note(values: list) -> str:
    return _BLANK_NOTE if any(v is None for v in values) else ""


def _total(p: Problem, says: str) -> str:
    parts = p.facts["parts"]
    return f"{p.row}: {says} {sum(v or 0 for v in parts)}, the total says {p.found}" + _blank_note(parts + [p.found])


def _balance(p: Problem) -> str:
    new, over, done = p.facts["new"], p.facts["carried_over"], p.facts["outcome_total"]
    return (f"{p.column}: new ({new}) + carried over ({over}) should equal outcome total ({done}) + carried forward "
            f"({p.found})" + _blank_note([new, over, done, p.found]))


def _outcome_sum(p: Problem) -> str:
    parts = p.facts["parts"]
    return (f"{p.column}: the outcome rows add up to {sum(v or 0 for v in parts)}, the printed total is {p.found}"
            + _blank_note(parts + [p.found]))


def _missing_row(p: Problem) -> str:
    if p.row is None:
        return "table 四 has no row of numbers"
    note = " (the report keeps the single （六）其他处理 row instead)" if p.facts.get("replaced") else ""
    return f"row '{p.label}' of the template is not in the report{note}"


def _missing_cells(p: Problem) -> str:
    return (f"row has {p.found} cells where the template has {p.expected}: {' | '.join(p.facts['cells'])}; the "
            "first and last are read as the first and last columns, a cell between them only where its column "
            "is certain")


def _ambiguous_digits(p: Problem) -> str:
    ways = p.facts["ways"]
    return (f"'{p.facts['run']}' can be split into {p.facts['count']} numbers in "
            f"{'more ways than can be listed' if not ways else f'{ways} ways'}; "
            "the values that differ between the readings are left empty")


def _carryover_mismatch(p: Problem) -> str:
    before = f"the {p.facts['previous_year']} report"
    if p.table == "applications":
        return f"{p.column}: carried over from last year ({p.found}) is not what {before} carried forward ({p.expected})"
    return (f"{p.row}: last year's items ({p.found}) are not {before}'s {p.facts['prior_year_items']} + change "
            f"{p.facts['net_change']} = {p.expected}")


def _in_force_drift(p: Problem) -> str:
    f = p.facts
    return (f"{p.row}: in force {p.found}, but the {f['previous_year']} report's {f['in_force']} + issued "
            f"{f['issued']} − repealed {f['repealed']} = {p.expected}")


def _conf(confidence: float | None) -> str:
    return "none: nothing was read" if confidence is None else f"{confidence:.2f}"


def _ocr_corrected(p: Problem) -> str:
    return (f"OCR read '{p.facts['raw']}' (confidence {_conf(p.facts['confidence'])}); {p.expected} is the only "
            "one-character correction that makes every relation it is in hold, and is used")


def _ocr_uncertain(p: Problem) -> str:
    return f"OCR read '{p.facts['raw']}' (confidence {_conf(p.facts['confidence'])}): {_UNCERTAIN[p.facts['why']]}"


def _ocr_unread(p: Problem) -> str:
    implied = f" (the relations give {p.expected})" if p.expected is not None else ""
    read = ("OCR read nothing in it" if p.facts["why"] == "nothing_read"
            else f"OCR read '{p.facts['raw']}' (confidence {_conf(p.facts['confidence'])})")
    return f"{read}: {_UNREAD[p.facts['why']]}{implied}; the value is null and its relations are not checked"


def _fixed(sentence: str) -> Callable[[Problem], str]:
    return lambda p: sentence


# the English wording of each code (a test fails for a code of CODES without one)
WORDING: dict[str, Callable[[Problem], str]] = {
    **{code: _fixed(sentence) for code, sentence in _FIXED.items()},
    "balance": _balance,
    "outcome_sum": _outcome_sum,
    "row_total": lambda p: _total(p, "the six applicant columns add up to"),
    "review_total": lambda p: _total(p, "upheld + corrected + other + pending ="),
    "missing_section": lambda p: f"section {p.facts['number']} ({p.facts['section']}) was not found",
    "missing_table": lambda p: f"table '{p.facts['title']}' was not found",
    "missing_row": _missing_row,
    "extra_cells": lambda p: f"row has {p.found} cells where the template has {p.expected}",
    "missing_cells": _missing_cells,
    "not_a_number": lambda p: f"cell holds '{p.facts['raw']}', not a number",
    "negative_value": lambda p: f"a count below zero: {p.facts['value']}",
    "unknown_row": lambda p: f"row '{p.label}' is not in the template; kept as {p.row}",
    "glued_digits": lambda p: (f"'{p.facts['run']}' read as {' | '.join(map(str, p.facts['values']))}: "
                               f"{_SPLIT_BY[p.facts.get('by')]}"),
    "ambiguous_digits": _ambiguous_digits,
    "blank_cells": lambda p: f"{p.facts['count']} value cells are blank or hold a placeholder (read as no number)",
    "template_year_mismatch": lambda p: (f"the tables follow the {p.facts['template']} template, which does not fit "
                                         f"a report for {p.facts['year']}"),
    "unit_converted": lambda p: (f"'{p.facts['written']}' is written in {p.facts['unit']} in a column of "
                                 f"{p.facts['fixed']}: read as {p.facts['value']} {p.facts['fixed']}"),
    "narrative_mismatch": lambda p: (f"{p.facts['heading']}: the text says {p.expected} ({p.facts['claim']}), the "
                                     f"table says {p.found}: «{p.facts['sentence']}»"),
    "carryover_mismatch": _carryover_mismatch,
    "in_force_drift": _in_force_drift,
    "ocr_corrected": _ocr_corrected,
    "ocr_uncertain": _ocr_uncertain,
    "ocr_unread": _ocr_unread,
    "thin_section": lambda p: (f"section {p.facts['number']} says too little ({p.facts['length']} characters of its "
                               f"own): «{p.facts['text'][:60]}»"),
    "missing_fee_statement": lambda p: (f"section {p.facts['number']} states no information processing fee "
                                        f"(信息处理费), charged or not: «{p.facts['text'][:60]}»"),
}
