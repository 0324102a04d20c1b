"""A reviewer's decisions applied to a report: ``apply(report, decisions)``, one pure function that
every path calls (``extract``/``check --review``, a batch's fresh and reused results alike).

- **Corrections** replace the read values in ``tables``; the cell's provenance says ``corrected``
  with the value as read and the reason. The report's own checks then run again on the corrected
  values (``rederive``): the relation checks (``checks.run_checks``), the OCR weighing of a report
  read by OCR (``ocr_check.weigh``) and the prose (``narrative.check``) replace their problems of the
  reading, so a problem a correction repairs goes and one it creates comes.
- **Verdicts** (confirmed, dismissed, fixed) are set on the problems whose ``id`` they name. A
  problem about reading a cell (text that is not a number, an OCR reading in doubt, a row whose
  cells could not be placed) that a correction settles stays listed with the verdict ``fixed``
  (已更正) and the correction as its note. Dismissed and fixed problems are counted nowhere
  (``status.set_aside``).

``apply`` first undoes what an earlier ``apply`` did (the read values come back from
``Correction.read``, the verdicts go), so it is idempotent and a result read back from its file
takes the current decisions without reading the input again. Knows no file and no store: the
decisions come as data (``Decisions``; ``archive.review_store`` keeps them in an output folder).
"""

from __future__ import annotations

import copy
from typing import NamedTuple

from . import checks, messages_zh, narrative, numbers, ocr_check
from .crossyear import CROSS_YEAR_CODES
from .messages_zh import num
from .model import Correction, Problem, Report, Verdict
from .problems import assign_ids, place_on_rows, problem_id
from .templates import BY_KEY, COUNT

VERDICTS = ("confirmed", "dismissed", "fixed")
VERDICTS_ZH = {"confirmed": "确认", "dismissed": "误报", "fixed": "已更正"}


class Decisions(NamedTuple):
    """A reviewer's decisions about one report (one input's content, ``source.sha256``): problem id
    -> its verdict record, and flat key -> its correction record (the records of
    ``archive.review_store``: ``verdict``, ``note``, ``time``; ``value``, ``reason``, ``time``)."""

    verdicts: dict
    corrections: dict


NONE = Decisions({}, {})

# the order the pipeline finds problems in, by code (codes not named: first, as the reading finds
# them): a report's problems after a rerun of its checks stand where a fresh reading puts them
_OCR_CODES = ("ocr_corrected", "ocr_uncertain")
_CHECK_CODES = ("balance", "outcome_sum", "row_total", "review_total", "template_year_mismatch")
_STAGES = {**dict.fromkeys(_OCR_CODES, 1), **dict.fromkeys(_CHECK_CODES, 2),
           **dict.fromkeys(("thin_section", "missing_fee_statement"), 3), "narrative_mismatch": 4,
           **dict.fromkeys(CROSS_YEAR_CODES, 5)}
# problems about reading one cell, and about reading a row's cells, that a correction settles
_READING_CELL = ("not_a_number", "negative_value", "unit_converted", "ocr_corrected", "ocr_uncertain", "ocr_unread")
_READING_ROW = ("ambiguous_digits", "extra_cells", "missing_cells")


def apply(report: Report, decisions: Decisions = NONE) -> Report:
    """``report`` as the reviewer's ``decisions`` have it (a new report; ``report`` is unchanged)."""
    report = report.model_copy(deep=True)
    undone = _undo(report)
    corrections = {key: record for key, record in decisions.corrections.items() if is_cell(report, key)}
    for key, record in corrections.items():
        table, row, column = key.split(".")
        read = report.tables[table][row][column]
        report.tables[table][row][column] = record["value"]
        report.provenance[key].corrected = Correction(read=read, reason=record.get("reason") or "",
                                                      time=record.get("time"))
    if undone or corrections:
        report.problems = rederive(report, set(corrections))
    judge(report.problems, decisions, report)
    return report


def is_cell(report: Report, key: str) -> bool:
    """Whether ``key`` (table.row.column) is a cell of the report's tables, the cells a correction
    may change (a row or table the report lacks is not made by one)."""
    parts = key.split(".")
    if len(parts) != 3 or key not in report.provenance:
        return False
    table, row, column = parts
    return column in report.tables.get(table, {}).get(row, {})


def carries_review(data: dict) -> bool:
    """Whether a result (as its file holds it) carries decisions of an earlier ``apply``."""
    return any(p.get("verdict") for p in data.get("problems", [])) or any(
        p.get("corrected") for p in (data.get("provenance") or {}).values())


def _undo(report: Report) -> bool:
    """The read values back in place of corrections, and no verdict; whether a value was corrected."""
    undone = False
    for key, prov in report.provenance.items():
        if prov.corrected is not None:
            table, row, column = key.split(".")
            report.tables[table][row][column] = prov.corrected.read
            prov.corrected = None
            undone = True
    for p in report.problems:
        p.verdict = None
    return undone


def rederive(report: Report, corrected: set[str]) -> list[Problem]:
    """The report's problems with those the checks find (relations, OCR weighing, prose) found again
    on its values as they stand; those about reading a ``corrected`` cell by OCR are kept (``judge``
    marks them fixed). Updates ``report.tables`` (the OCR weighing may correct a digit or no longer)
    and each cell's ``unread``."""
    info, sha = report.report, report.source.sha256
    provenance = {k: v.model_dump() for k, v in report.provenance.items()}
    pages = _row_pages(provenance)
    values = copy.deepcopy(report.tables)
    unknown = {k for k, p in provenance.items() if p.get("unread")} - corrected
    old = report.problems
    derived = set(_CHECK_CODES) | {"narrative_mismatch"}
    found: list[Problem] = []
    if report.source.ocr_pages:
        derived |= set(_OCR_CODES)
        found += _weigh(values, provenance, pages, info, unknown, corrected, old)
    found += checks.run_checks(values, pages, info.template, info.year, unknown)
    prose = narrative.check(report.sections, values, info.organization, info.year)
    pages_said = {p.id: p.page for p in old if p.code == "narrative_mismatch"}
    for p in prose:  # the page of its sentence, where a reading found it (else its section's)
        p.page = pages_said.get(problem_id(p, sha), p.page)
    found += prose
    place_on_rows(found, provenance)
    messages_zh.fill(found, messages_zh.Context(values, provenance, info.template, info.year))
    kept = [p for p in old if p.code not in derived or (p.code in _OCR_CODES and _key(p) in corrected)]
    problems = sorted(kept + found, key=lambda p: _STAGES.get(p.code, 0))  # stable: each stage in its order
    report.tables = values
    for key, prov in report.provenance.items():
        if key not in corrected:  # a corrected cell keeps what its reading was
            prov.unread = True if key in unknown else None
    return assign_ids(problems, sha)


def _weigh(values: dict, provenance: dict, pages: dict, info, unknown: set, corrected: set[str],
           old: list[Problem]) -> list[Problem]:
    """``ocr_check.weigh`` again, from the values as OCR read them (the one-digit corrections it made
    undone, a reviewer's corrections kept and taken as certain: no longer OCR readings)."""
    for p in old:
        key = _key(p)
        if p.code == "ocr_corrected" and key not in corrected:
            values[p.table][p.row][p.column] = p.found
            kind = column_kind(info.template, key)
            if numbers.parse(provenance[key]["raw"], kind).status == numbers.TEXT:
                unknown.add(key)
    readings = {k: ({**p, "ocr": None} if k in corrected else p) for k, p in provenance.items()}
    return ocr_check.weigh(values, readings, pages, info.template, info.year, unknown, ocr_check.lacking(old))


def judge(problems: list[Problem], decisions: Decisions, report: Report | None = None) -> list[Problem]:
    """Each problem's verdict: the reviewer's for its id; else ``fixed`` for a problem about reading
    a cell (or a row's unread cells) that ``report``'s corrections settle. Returns ``problems``."""
    fixes = {k: p.corrected for k, p in report.provenance.items() if p.corrected} if report else {}
    for p in problems:
        record = decisions.verdicts.get(p.id) if p.id else None
        if record is not None:
            p.verdict = Verdict(verdict=record["verdict"], note=record.get("note"), time=record.get("time"))
        elif fixes:
            settled = _settled_by(p, fixes, report)
            p.verdict = Verdict(verdict="fixed", note=settled[1], time=settled[0].time) if settled else None
        else:
            p.verdict = None
    return problems


def _settled_by(p: Problem, fixes: dict, report: Report) -> tuple[Correction, str] | None:
    """The correction that settles a reading problem, and the note saying so; None: none does."""
    if p.code in _READING_CELL and _key(p) in fixes:
        fix = fixes[_key(p)]
        value = report.value(_key(p))
        return fix, f"已按审核更正为 {num(value)}（原读数 {num(fix.read)}）：{fix.reason}"
    if p.code in _READING_ROW and p.table and p.row:
        prefix = f"{p.table}.{p.row}."
        row = [k for k in report.provenance if k.startswith(prefix)]
        fixed = [k for k in row if k in fixes]
        if fixed and all(k in fixes for k in row if report.provenance[k].unread):
            return fixes[fixed[0]], f"本行 {len(fixed)} 格已按审核更正：{fixes[fixed[0]].reason}"
    return None


def _key(p: Problem) -> str:
    return f"{p.table}.{p.row}.{p.column}"


def _row_pages(provenance: dict) -> dict[str, dict[str, int | None]]:
    """table -> row -> its page, as the checks take them (every cell of a row has its row's page)."""
    pages: dict[str, dict[str, int | None]] = {}
    for key, prov in provenance.items():
        table, row, _ = key.split(".")
        pages.setdefault(table, {}).setdefault(row, prov.get("page"))
    return pages


def column_kind(template: str | None, key: str) -> str:
    """The kind of a cell's column (templates.COUNT, SIGNED or MONEY): how a value for it is read."""
    table, row, column = key.split(".")
    for spec in (BY_KEY.get(template or "") or BY_KEY["v2021"]).tables:
        if spec.key == table:
            row_spec = next((r for r in spec.rows if r.key == row), None)
            columns = spec.columns_of(row_spec) if row_spec else spec.columns
            return next((c.kind for c in columns if c.key == column), COUNT)
    return COUNT
