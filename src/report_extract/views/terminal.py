"""`report-extract check`: a report for a person on the terminal. Title, organisation, year and
template; the problems in Chinese grouped by table with their ids, page and row label and a
reviewer's verdicts; then the three tables drawn like the national template with flagged cells
marked by their problem numbers and corrected values by ``*``. Plain text in
a pipe (no colour codes), colour only on a terminal."""

from __future__ import annotations

import io
import sys

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..guard import shown_all
from ..model import Report
from ..review import VERDICTS_ZH
from ..status import set_aside
from ..templates import (
    APPLICANT_COLUMNS,
    APPLICANTS_GROUP,
    APPLICATIONS_NOTE,
    LEGAL_PERSONS_GROUP,
    OUTCOME_GROUP,
    PROACTIVE_LABEL_HEADER,
    REVIEW_COLUMNS,
)
from . import shape

STYLE = {"error": "bold red", "limited": "bold blue", "warning": "yellow", "info": "dim"}  # by shape.GRADES
FLAGGED = {False: "bold white on red", True: "bold white on blue"}  # a cell the report's problem flags; ours only
INFO_LISTED = 3  # notes (info) of one code listed per table; the rest are counted
PLAIN_WIDTH = 150  # a pipe has no width: wide enough for table 三 without wrapping its numbers


class _Console(Console):
    """A reader that stops reading (``check … | head``) is not an error: the rest of the output goes
    to /dev/null and the command ends with its own exit code (rich would exit 1)."""

    def on_broken_pipe(self) -> None:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)


def console(file=None) -> Console:
    """A console that colours only a terminal (and honours NO_COLOR); in a pipe, plain lines
    without the blanks that pad them to the table's width."""
    out = _Console(file=file, highlight=False, soft_wrap=False, markup=False, emoji=False)
    if not out.is_terminal:
        out = _Console(file=_TrimmedLines(file or sys.stdout), highlight=False, color_system=None, width=PLAIN_WIDTH,
                      soft_wrap=False, markup=False, emoji=False)
    return out


class _TrimmedLines(io.TextIOBase):
    """Writes whole lines to ``target``, each without trailing blanks."""

    def __init__(self, target):
        self.target, self.pending = target, ""

    def write(self, text: str) -> int:
        *lines, self.pending = (self.pending + text).split("\n")
        for line in lines:
            self.target.write(line.rstrip() + "\n")
        return len(text)

    def flush(self) -> None:
        self.target.flush()


def show(report: Report, out: Console) -> None:
    """A report for a person. Its text is the report's, untrusted: control and bidirectional
    characters are escaped before anything reaches the terminal, and nothing is read as markup."""
    report = Report.model_validate(shown_all(report.model_dump()))
    info = report.report
    out.print(Text(info.title or report.source.path, style="bold"))
    out.print(f"文件：{report.source.path}　机关：{info.organization or '（未识别）'}　"
              f"年度：{info.year or '（未识别）'}　模板：{shape.template_name(report)}")
    counts = Text("问题：")
    for i, (text, grade) in enumerate(shape.counts_said(shape.counts(report))):
        counts.append("，" if i else "")
        counts.append(text, style=STYLE[grade] if grade in ("error", "limited") else "")
    counts.append(shape.aside_said(report))
    out.print(counts)
    for table, items in shape.by_table(report):
        out.print(Text(f"\n{shape.table_title(table)}" if table in shape.TABLE_ORDER else "\n全报告", style="bold"))
        shown: dict[str, list[int]] = {}
        for number, p in items:
            if p.severity == "info":  # notes of one kind beyond the first few are counted, not listed
                shown.setdefault(p.code, []).append(number)
                if len(shown[p.code]) > INFO_LISTED:
                    continue
            page = f"第{p.page}页，" if p.page else ""  # the sentence names the row as the report writes it
            sentence(out, _problem_line(number, p, page))
        for numbers in shown.values():
            if len(numbers) > INFO_LISTED:
                rest = numbers[INFO_LISTED:]
                out.print(Text(f"  ……另有 {len(rest)} 条同类提示（［{rest[0]}］至［{rest[-1]}］），"
                               "见 JSON 或 HTML 页面。", style=STYLE["info"]))
    for key in shape.TABLE_ORDER:
        if key in report.tables:
            out.print()
            out.print(_table(report, key))
    if any(shape.flags(report)):
        out.print("［n］：该格或该行有第 n 个问题，见上方问题列表。")
        if any(shape.reading_only(report, numbers) for marks in shape.flags(report) for numbers in marks.values()):
            out.print("蓝底的格子或行：未能读取或读取存疑（读取受限、OCR），不是报告本身的错误。")
    if any(prov.corrected for prov in report.provenance.values()):
        out.print(f"{CORRECTED_MARK}：审核更正的值（原读数与理由见 JSON 或 HTML 页面）。")


CORRECTED_MARK = "*"  # after a value a reviewer corrected


def _problem_line(number: int, p, page: str) -> Text:
    """［n］#id｜等级（·审核结论）：第N页，说明（审核说明）; the grade as ``shape.grade`` gives it (错误,
    读取受限, 警告, 提示). A problem set aside (误报, 已更正) is dimmed: listed, not counted. No blank
    in it: a terminal would break the line there."""
    aside = set_aside(p.verdict)
    grade = shape.grade(p)
    severity = (shape.GRADE_ZH[grade], "dim" if aside else STYLE[grade])
    verdict = f"·{VERDICTS_ZH[p.verdict.verdict]}" if p.verdict else ""
    note = f"（审核说明：{p.verdict.note}）" if p.verdict and p.verdict.note else ""
    pid = f"{shape.short_id(p)}｜" if p.id else ""
    return Text.assemble(f"  ［{number}］", (pid, "dim"), severity, (verdict, "bold"),
                         f"：{page}", (p.message_zh or p.message, "dim" if aside else ""), note)


def sentence(out: Console, text: Text) -> None:
    """A long Chinese line: folded at the terminal's width (not broken at its first blank, which
    would leave a ragged first line); in a pipe, one line as it is."""
    if out.is_terminal:
        text = text.copy()
        text.plain = text.plain.replace(" ", "\u00a0")
        out.print(text, overflow="fold")
    else:
        out.print(text, soft_wrap=True)


def _value(cell: shape.Cell) -> Text:
    mark = CORRECTED_MARK if cell.corrected else ""
    text = Text(f"{cell.text or ''}{mark}", style="bold green" if mark else "")
    if cell.flags:
        text = Text(f"{cell.text or '空'}{mark}［{','.join(map(str, cell.flags))}］", style=FLAGGED[cell.reading])
    return text


def _label(line: shape.Line) -> Text:
    text = Text("  " * line.depth + line.label)
    if line.flags:
        text.append(f"［{','.join(map(str, line.flags))}］", style=STYLE["limited" if line.reading else "error"])
    return text


def _table(report: Report, key: str) -> Table:
    lines = shape.lines(report, key)
    title = shape.table_title(key)
    if key == "proactive":
        width = max(len(line.columns) for line in lines if line.kind == "group")
        table = Table(title=title, box=box.SQUARE, show_header=False, show_lines=False, title_justify="left")
        table.add_column(PROACTIVE_LABEL_HEADER, overflow="fold", min_width=LABEL_MIN)
        for _ in range(width):
            table.add_column(justify="right", no_wrap=True)
        for line in lines:
            if line.kind == "group":  # column names wrap; the numbers below them never do
                table.add_row(Text(line.label, style="bold"),
                              *[Text(c, style="bold", no_wrap=False, overflow="fold") for c in line.columns],
                              *[""] * (width - len(line.columns)), end_section=False)
            else:
                table.add_row(_label(line), *[_value(c) for c in line.cells], *[""] * (width - len(line.cells)))
        return table
    if key == "applications":
        first, last = APPLICANT_COLUMNS[1].label, APPLICANT_COLUMNS[-2].label
        table = Table(title=title, box=box.SQUARE, title_justify="left",
                      caption=f"{first}至{last}：{LEGAL_PERSONS_GROUP}。{APPLICATIONS_NOTE}", caption_justify="left")
        table.add_column(APPLICANTS_GROUP, overflow="fold", min_width=LABEL_MIN)
        for column in APPLICANT_COLUMNS:  # narrow: two characters a line, so that the labels keep room
            table.add_column(column.label if len(column.label) <= 3 else narrow(column.label), justify="right",
                             no_wrap=True)
        group = None
        for line in lines:
            if line.group and line.group != group and line.group != OUTCOME_GROUP and line.depth == 2:
                table.add_row(Text("  " + line.group))
            group = line.group
            if line.label.startswith("（一）"):
                table.add_row(Text(OUTCOME_GROUP))
            table.add_row(_label(line), *[_value(c) for c in line.cells])
        return table
    # 四: the official form is one row of 15 cells; a terminal draws it as three rows of five
    table = Table(title=title, box=box.SQUARE, title_justify="left")
    table.add_column("", overflow="fold", min_width=LABEL_MIN)
    for c in REVIEW_COLUMNS:
        table.add_column(narrow(c.label), justify="right", no_wrap=True)
    for line in lines:
        table.add_row(_label(_with_group(line)), *[_value(c) for c in line.cells])
    return table


LABEL_MIN = 10  # the row labels' column: at least this wide; it wraps, the numbers never do


def narrow(label: str) -> str:
    """A column name two characters a line: 结果维持 -> 结果/维持."""
    return "\n".join(label[i:i + 2] for i in range(0, len(label), 2))


def _with_group(line: shape.Line) -> shape.Line:
    """行政诉讼·复议后起诉: the row's group before its label."""
    if line.group:
        return shape.Line(line.kind, f"{line.group}·{line.label}", line.group, flags=line.flags, reading=line.reading)
    return line
