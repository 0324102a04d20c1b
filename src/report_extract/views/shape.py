"""The three tables in the shape of the national template, and which cells the problems flag:
shared by the terminal view and the HTML page so both draw the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..messages_zh import TABLE_HEADINGS, TEMPLATE_NAMES, num
from ..model import Problem, Report
from ..problems import counts as counted
from ..problems import is_reading_limit, kind_of
from ..review import VERDICTS_ZH
from ..status import READING, SET_ASIDE, set_aside
from ..templates import BY_KEY, REVIEW, Row, TableSpec

# how a view marks a problem, worst first: the report's own errors, the reading limits (errors of
# kind reading: cells we could not read), warnings, notes. The class names are the stylesheet's.
GRADES = ("error", "limited", "warning", "info")
GRADE_ZH = {"error": "错误", "limited": "读取受限", "warning": "警告", "info": "提示"}
TABLE_ORDER = ("proactive", "applications", "review_litigation")


@dataclass
class Cell:
    key: str  # flat key
    value: object
    text: str  # the value as shown
    flags: list[int] = field(default_factory=list)  # numbers of the problems on this cell
    label: str = ""  # the row label as the report writes it
    page: int | None = None
    raw: str = ""
    mark: str = ""  # a class of its own (the compare page marks changed values)
    ocr: str = ""  # read by OCR: its confidence and box, as shown on hover
    crop: object = None  # a crops.Crop: the scan it was read from, shown beside it (a doubtful OCR cell)
    reading: bool = False  # flagged only by problems of our reading (kind reading), none of the report's
    corrected: str = ""  # a reviewer corrected it: the value as read and the reason, as shown on hover


@dataclass
class Line:
    """One line of a drawn table: a group heading (with its column labels) or a row of cells."""
    kind: str  # "group" | "row"
    label: str
    group: str = ""
    columns: list[str] = field(default_factory=list)  # for a group: the column labels under it
    cells: list[Cell] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)  # problems on the row as a whole
    depth: int = 0
    reading: bool = False  # its flags are all problems of our reading (kind reading)


def numbered(report: Report) -> list[tuple[int, Problem]]:
    return list(enumerate(report.problems, 1))


def flags(report: Report) -> tuple[dict[str, list[int]], dict[tuple[str, str], list[int]]]:
    """(flat key -> problem numbers, (table, row) -> problem numbers). A problem placed on a cell
    (table, row and column) flags that cell; one placed on a row only, the row (errors and warnings:
    a note such as glued_digits is listed, not marked). A problem a reviewer set aside (误报,
    已更正) is listed, not marked."""
    cells: dict[str, list[int]] = {}
    rows: dict[tuple[str, str], list[int]] = {}
    for n, p in numbered(report):
        if set_aside(p.verdict):
            continue
        if p.table and p.row and p.column:
            cells.setdefault(f"{p.table}.{p.row}.{p.column}", []).append(n)
        elif p.table and p.row and p.severity != "info":
            rows.setdefault((p.table, p.row), []).append(n)
    return cells, rows


def grade(p: Problem) -> str:
    """The problem's mark in GRADES."""
    return "limited" if is_reading_limit(p) else p.severity


def reading_only(report: Report, numbers: list[int]) -> bool:
    """Whether problems ``numbers`` (as ``numbered`` counts them) are all of kind reading: a cell
    they flag is marked as one we could not read, not as the report's error."""
    return bool(numbers) and all(kind_of(report.problems[n - 1]) == READING for n in numbers)


def template_name(report: Report) -> str:
    return TEMPLATE_NAMES.get(report.report.template, report.report.template)


def _spec(report: Report, key: str) -> TableSpec:
    template = BY_KEY.get(report.report.template) or BY_KEY["v2021"]
    return template.table(key)


def _cell(report: Report, key: str, cell_flags: dict) -> Cell:
    table, row, column = key.split(".")
    value = report.tables.get(table, {}).get(row, {}).get(column)
    prov = report.provenance.get(key)
    flagged = cell_flags.get(key, [])
    return Cell(key, value, "" if value is None and prov is None else num(value) if value is not None else "—",
                flagged, prov.label if prov else "", prov.page if prov else None,
                prov.raw if prov else "", ocr=_ocr_said(prov.ocr) if prov and prov.ocr else "",
                crop=report.crops.cells.get(key) if report.crops is not None else None,
                reading=reading_only(report, flagged),
                corrected=corrected_said(prov.corrected) if prov and prov.corrected else "")


def corrected_said(fix) -> str:
    """A corrected cell, as its hover and legend say it: the value as read and the reason."""
    return f"审核更正，原读数 {num(fix.read)}：{fix.reason}"


def verdict_said(p: Problem) -> str:
    """A problem's verdict in a few words (误报：note), "" for none."""
    if p.verdict is None:
        return ""
    note = f"：{p.verdict.note}" if p.verdict.note else ""
    return f"{VERDICTS_ZH[p.verdict.verdict]}{note}"


def short_id(p: Problem) -> str:
    """The first 8 hex digits of a problem's id, as views show it (``review`` commands take it)."""
    return f"#{p.id[:8]}" if p.id else ""


def _ocr_said(reading) -> str:
    confidence = "未识别出文字" if reading.confidence is None else f"置信度 {reading.confidence:.2f}"
    box = f"，页面图像位置 {reading.box[0]},{reading.box[1]}–{reading.box[2]},{reading.box[3]} 像素" if reading.box else ""
    return f"OCR {confidence}{box}"


def _rows_shown(report: Report, spec: TableSpec) -> list[Row]:
    """The template's rows, with the single （六）其他处理 row only where the report has it (and its
    three v2021 sub-rows then only where the report has them too), then rows the template lacks."""
    have = report.tables.get(spec.key, {})
    out = []
    for row in spec.rows:
        if row.replaces and row.key not in have:
            continue
        if any(row.key in r.replaces and r.key in have for r in spec.rows) and row.key not in have:
            continue
        out.append(row)
    return out


def lines(report: Report, key: str) -> list[Line]:
    """The lines of one table as the template lays it out."""
    cell_flags, row_flags = flags(report)
    spec = _spec(report, key)
    have = report.tables.get(key, {})
    out: list[Line] = []
    if key == "proactive":
        group = None
        for row in spec.rows:
            columns = spec.columns_of(row)
            if row.group != group:
                group = row.group
                out.append(Line("group", row.group, columns=[c.label for c in columns]))
            out.append(Line("row", row.label, row.group, cells=[_cell(report, f"{key}.{row.key}.{c.key}", cell_flags)
                                                               for c in columns],
                            flags=row_flags.get((key, row.key), [])))
    elif key == "applications":
        for row in _rows_shown(report, spec):
            depth = 2 if row.label[:1].isdigit() else 1 if row.group else 0
            out.append(Line("row", row.label, row.group, cells=[_cell(report, f"{key}.{row.key}.{c.key}", cell_flags)
                                                               for c in spec.columns],
                            flags=row_flags.get((key, row.key), []), depth=depth))
    else:
        for row in REVIEW.rows:
            out.append(Line("row", row.label, row.group, cells=[_cell(report, f"{key}.{row.key}.{c.key}", cell_flags)
                                                               for c in spec.columns],
                            flags=row_flags.get((key, row.key), [])))
    for row_key in have:
        if row_key.startswith("extra_"):
            cells = [_cell(report, f"{key}.{row_key}.{c}", cell_flags) for c in have[row_key]]
            label = cells[0].label if cells else row_key
            out.append(Line("row", label, cells=cells, flags=row_flags.get((key, row_key), [])))
    for line in out:
        line.reading = reading_only(report, line.flags)
    return out


def table_title(key: str) -> str:
    return TABLE_HEADINGS[key]


def by_table(report: Report) -> list[tuple[str, list[tuple[int, Problem]]]]:
    """The numbered problems grouped by table (report-wide ones first), worst first in each (GRADES:
    the report's errors, then the reading limits)."""
    order = {g: i for i, g in enumerate(GRADES)}
    groups: dict[str, list] = {}
    for n, p in numbered(report):
        groups.setdefault(p.table or "", []).append((n, p))
    keys = [""] + [k for k in TABLE_ORDER] + sorted(k for k in groups if k and k not in TABLE_ORDER)
    return [(k, sorted(groups[k], key=lambda item: (order[grade(item[1])], item[0]))) for k in keys if k in groups]


def aside_said(report: Report) -> str:
    """"，误报 2，已更正 1": the problems a reviewer set aside, listed but not counted ("" for none)."""
    aside = [p.verdict.verdict for p in report.problems if set_aside(p.verdict)]
    return "".join(f"，{VERDICTS_ZH[v]} {aside.count(v)}" for v in SET_ASIDE if v in aside)


def counts(report: Report) -> dict[str, int]:
    """status.COUNTS of the report: errors apart by kind, and the cells the reading limits leave;
    those a reviewer set aside (误报, 已更正) are not counted (``problems.counts``)."""
    return counted(report.problems)


def counts_said(n: dict[str, int]) -> list[tuple[str, str]]:
    """The counts as a view says them, each with its grade, to be joined by "，": 错误 1, 读取受限 1（3 格
    未能读取）, 警告 0, 提示 26. The errors are the report's own; a reading limit is said only where
    there is one. A count of 0 has the grade "" (nothing to colour)."""
    said = [(f"错误 {n['report_errors']}", "error" if n["report_errors"] else "")]
    if n["reading_limits"]:
        said.append((f"读取受限 {n['reading_limits']}（{n['limited_cells']} 格未能读取）", "limited"))
    return said + [(f"警告 {n['warnings']}", "warning" if n["warnings"] else ""),
                   (f"提示 {n['infos']}", "info" if n["infos"] else "")]
