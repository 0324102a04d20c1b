"""`extract -f html`: one self-contained page per report (no network, no other file): the three
tables laid out as the national template with its merged header cells, each value with its page
and row label as written on hover, flagged cells highlighted and linked to their problem, the
problems in Chinese, and the sections' text below. Print-friendly.

The page is ``page.html`` (a template) with ``page.css`` inlined; a Content-Security-Policy in the
page forbids every request, so nothing can leave the file even if a value held markup."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from importlib import resources
from string import Template
from typing import Callable

from ..crops import CROP_CODES
from ..model import Report
from ..status import set_aside
from ..templates import (
    APPLICANT_COLUMNS,
    APPLICANTS_GROUP,
    APPLICATIONS_NOTE,
    LEGAL_PERSONS_GROUP,
    OUTCOME_GROUP,
    PROACTIVE_LABEL_HEADER,
    REVIEW,
    REVIEW_COLUMNS,
)
from . import shape


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """A file of the views' own (the page template, its stylesheet, the served page's controls)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def page(title: str, body: str, script: str = "") -> str:
    """A whole page: the template with the stylesheet inlined."""
    return Template(asset("page.html")).substitute(title=escape(title), style=asset("page.css"), body=body,
                                                    script=script)


def e(value) -> str:
    return escape("" if value is None else str(value))


# a link to a note folded away (a flagged cell's 提示) opens its fold
OPEN_TARGET = ("function openTarget(){var t=document.getElementById(decodeURIComponent(location.hash.slice(1)));"
               "if(t){var d=t.closest('details');if(d){d.open=true;t.scrollIntoView();}}}"
               "window.addEventListener('hashchange',openTarget);openTarget();")


def report_page(report: Report) -> str:
    return page(report.report.title or report.source.path, report_body(report), OPEN_TARGET)


def reports_page(reports: list[Report]) -> str:
    """Several reports on one page, one after the other (``extract -f html`` of several inputs)."""
    if len(reports) == 1:
        return report_page(reports[0])
    return page(f"{len(reports)} 份报告", '\n<hr class="noprint">\n'.join(report_body(r) for r in reports),
                OPEN_TARGET)


def report_body(report: Report) -> str:
    info = report.report
    title = info.title or report.source.path
    n = shape.counts(report)
    parts = [f"<h1>{e(title)}</h1>",
             '<p class="meta">' + "".join(f"<span>{k}：{e(v)}</span>" for k, v in (
                 ("机关", info.organization or "（未识别）"), ("年度", info.year or "（未识别）"),
                 ("模板", shape.template_name(report)), ("文件", report.source.path),
                 ("页数", report.source.pages or "—"))) + "</p>",
             f'<h2 id="problems">问题（{"，".join(text for text, _ in shape.counts_said(n))}'
             f'{shape.aside_said(report)}）</h2>',
             crop_notes(report), problem_list(report)]
    for key in shape.TABLE_ORDER:
        if key in report.tables:
            parts.append(f'<h2 id="t-{key}">{e(shape.table_title(key))}</h2>')
            parts.append(TABLES[key](report))
    parts.append('<p class="note">表中数值悬停可见其页码与报告原文的行标题；标红的格子有问题，标蓝的格子是我们未能读取或读取存疑的'
                 '（不是报告本身的错误），点击跳到问题说明；绿框的格子是审核更正的值，悬停可见原读数与理由。</p>')
    for section in report.sections:
        paragraphs = "".join(f"<p>{e(line)}</p>" for line in section.text.split("\n") if line.strip())
        page_note = f'<span class="note">（第{section.page}页）</span>' if section.page else ""
        parts.append(f'<div class="section" id="s-{section.key}"><h2>{e(section.heading)}{page_note}</h2>'
                     f"{paragraphs}</div>")
    return "\n".join(parts)


# why a doubtful cell has no crop beside it (crops.Crops.missing), worded from its facts
CROP_MISSING = {
    "source_gone": lambda f: "找不到原文件，存疑格子旁未附扫描截图。",
    "source_changed": lambda f: "原文件已改动（sha256 与结果所记不同），存疑格子旁未附扫描截图。",
    "page": lambda f: f"第{f['page']}页的扫描图像无法重新取得，{f['count']} 个存疑格子未附截图。",
    "no_box": lambda f: f"{f['count']} 个存疑格子 OCR 未识别出文字，无从截图。",
    "over_limit": lambda f: f"另有 {f['count']} 个存疑格子未附截图（每份报告最多 {f['limit']} 个）。",
}


def crop_notes(report: Report) -> str:
    """Why some doubtful cell shows no crop of the scan (nothing where every one does)."""
    if report.crops is None:
        return ""
    notes = [CROP_MISSING[why](facts) for why, facts in report.crops.missing]
    if report.crops.cells:
        notes.insert(0, f"{len(report.crops.cells)} 个识别存疑或经更正的格子旁附有扫描原图的截图，可与读数对照。")
    return "".join(f'<p class="note crops">{e(note)}</p>' for note in notes)


def crop_img(crop, text: str = "") -> str:
    """The crop of the scan a cell was read from, at its size in pixels."""
    said = f"，表中为 {text}" if text else ""
    return (f'<img class="crop" src="{crop.uri}" width="{crop.width}" height="{crop.height}" '
            f'alt="扫描原图" title="第{crop.page}页扫描原图{e(said)}">')


def problem_list(report: Report) -> str:
    if not report.problems:
        return "<p>没有发现问题。</p>"
    cells, _ = shape.flags(report)
    crops = report.crops.cells if report.crops is not None else {}
    items: dict[str, list[str]] = {grade: [] for grade in shape.GRADES}
    for n, p in shape.numbered(report):  # each keeps its number (the marks in the tables use it)
        where = f"第{p.page}页，" if p.page else ""
        key = f"{p.table}.{p.row}.{p.column}"
        link = f' <a href="#c-{e(key)}">在表中查看</a>' if key in cells else ""
        crop = crop_img(crops[key]) if p.code in CROP_CODES and key in crops else ""
        grade = shape.grade(p)
        # the problem's id: an anchor (page.html#id) and its short form, which the review commands take
        anchor = f'<a class="pid" id="{e(p.id)}" href="#{e(p.id)}">{e(shape.short_id(p))}</a>' if p.id else ""
        verdict = (f'<span class="verdict {e(p.verdict.verdict)}">{e(shape.verdict_said(p))}</span>'
                   if p.verdict else "")
        aside = ' class="aside"' if set_aside(p.verdict) else ""
        items[grade].append(f'<li id="p{n}" value="{n}" data-code="{e(p.code)}"{aside}><span class="sev {grade}">'
                            f"{shape.GRADE_ZH[grade]}</span>{anchor}{verdict}{e(where)}{e(p.message_zh or p.message)}"
                            f"{link}{crop}</li>")
    # the report's errors first, then what we could not read, then warnings; the notes folded, so
    # the report's own errors are never under them
    shown = items["error"] + items["limited"] + items["warning"]
    out = '<ol class="problems">' + "".join(shown) + "</ol>" if shown else ""
    if items["info"]:
        out += (f'<details class="infos"><summary>提示 {len(items["info"])} 条（不影响结论，点击展开）</summary>'
                '<ol class="problems">' + "".join(items["info"]) + "</ol></details>")
    return out


def _lines(report: Report, key: str, change: Callable | None) -> list[shape.Line]:
    """The table's lines, each cell passed through ``change`` (the compare page shows A→B)."""
    lines = shape.lines(report, key)
    if change is not None:
        for line in lines:
            line.cells = [change(cell) for cell in line.cells]
    return lines


def _td(cell: shape.Cell, span: str = "") -> str:
    hover = "；".join(x for x in (f"第{cell.page}页" if cell.page else "", f"行：{cell.label}" if cell.label else "",
                                  f"原文：{cell.raw}" if cell.raw and cell.raw != cell.text else "", cell.ocr,
                                  cell.corrected) if x)
    text = e(cell.text)
    classes = f"v flag{' reading' if cell.reading else ''}" if cell.flags else f"v {cell.mark}".strip()
    if cell.corrected:
        classes += " corrected"
    if cell.flags:
        text = f'<a href="#p{cell.flags[0]}">{text or "空"}</a>' + "".join(
            f'<sup><a href="#p{n}">{n}</a></sup>' for n in cell.flags)
    if cell.crop is not None:
        text = crop_img(cell.crop, cell.text) + text
    return f'<td class="{classes}" id="c-{e(cell.key)}" data-key="{e(cell.key)}" title="{e(hover)}"{span}>{text}</td>'


def _label_td(line: shape.Line, span: str = "") -> str:
    marks = "".join(f'<sup><a href="#p{n}">{n}</a></sup>' for n in line.flags)
    return f'<td class="label"{span}>{e(line.label)}{marks}</td>'


def _tr(line: shape.Line) -> str:
    """A row's opening tag: marked where a problem is on the row as a whole (ours only: reading)."""
    return f'<tr class="rowflag{" reading" if line.reading else ""}">' if line.flags else "<tr>"


def _row(line: shape.Line, label_html: str) -> str:
    return f'{_tr(line)}{label_html}{"".join(_td(c) for c in line.cells)}</tr>'


def proactive_table(report: Report, change: Callable | None = None) -> str:
    lines = _lines(report, "proactive", change)
    width = max(len(line.columns) for line in lines if line.kind == "group")
    out = []
    for line in lines:
        if line.kind == "group":
            out.append(f'<tr><th colspan="{width + 1}">{e(line.label)}</th></tr>')
            cols = "".join(f"<th>{e(c)}</th>" for c in line.columns[:-1])
            last = width - len(line.columns) + 1
            out.append(f'<tr><th>{e(PROACTIVE_LABEL_HEADER)}</th>{cols}<th colspan="{last}">{e(line.columns[-1])}</th></tr>')
        else:
            tds = [_td(c) for c in line.cells]
            if len(tds) < width:
                tds[-1] = _td(line.cells[-1], f' colspan="{width - len(tds) + 1}"')
            out.append(f'{_tr(line)}{_label_td(line)}{"".join(tds)}</tr>')
    return '<table class="t-proactive">' + "".join(out) + "</table>"


def applications_table(report: Report, change: Callable | None = None) -> str:
    lines = _lines(report, "applications", change)
    natural, *organisations, total = APPLICANT_COLUMNS
    head = (f'<tr><th rowspan="3" colspan="3">（{e(APPLICATIONS_NOTE)}）</th>'
            f'<th colspan="{len(APPLICANT_COLUMNS)}">{e(APPLICANTS_GROUP)}</th></tr>'
            f'<tr><th rowspan="2">{e(natural.label)}</th><th colspan="{len(organisations)}">{e(LEGAL_PERSONS_GROUP)}</th>'
            f'<th rowspan="2">{e(total.label)}</th></tr>'
            "<tr>" + "".join(f"<th>{e(c.label)}</th>" for c in organisations) + "</tr>")
    outcome = [line for line in lines if line.group == OUTCOME_GROUP or line.group.startswith("（")]
    out, first_outcome, groups_done = [], True, set()
    for line in lines:
        if line in outcome:
            cells = ""
            if first_outcome:
                cells += f'<td class="label group" rowspan="{len(outcome)}">{e(OUTCOME_GROUP)}</td>'
                first_outcome = False
            if line.group.startswith("（"):
                if line.group not in groups_done:
                    size = sum(1 for x in outcome if x.group == line.group)
                    cells += f'<td class="label" rowspan="{size}">{e(line.group)}</td>'
                    groups_done.add(line.group)
                cells += _label_td(line)
            else:
                cells += _label_td(line, ' colspan="2"')
            out.append(_row(line, cells))
        else:
            out.append(_row(line, _label_td(line, ' colspan="3"')))
    # the header in <thead>: a printed table that runs over a page repeats it
    return f'<table class="t-applications"><thead>{head}</thead><tbody>' + "".join(out) + "</tbody></table>"


def review_table(report: Report, change: Callable | None = None) -> str:
    lines = _lines(report, "review_litigation", change)
    labels = "".join(f"<th>{e(c.label)}</th>" for c in REVIEW_COLUMNS)
    review, direct, after = (_REVIEW_ROWS[k] for k in ("administrative_review", "litigation_direct",
                                                       "litigation_after_review"))
    width = len(REVIEW_COLUMNS)
    head = (f'<tr><th colspan="{width}">{e(review.label)}</th><th colspan="{2 * width}">{e(direct.group)}</th></tr>'
            + "<tr>" + "".join(f'<th rowspan="2">{e(c.label)}</th>' for c in REVIEW_COLUMNS)
            + f'<th colspan="{width}">{e(direct.label)}</th><th colspan="{width}">{e(after.label)}</th></tr>'
            + f"<tr>{labels}{labels}</tr>")
    flagged = [line for line in lines if line.flags]
    opening = _tr(shape.Line("row", "", flags=[n for line in flagged for n in line.flags],
                             reading=all(line.reading for line in flagged)))
    body = opening + "".join(_td(c) for line in lines for c in line.cells) + "</tr>"
    return f'<table class="t-review_litigation"><thead>{head}</thead><tbody>{body}</tbody></table>'


_REVIEW_ROWS = {row.key: row for row in REVIEW.rows}
TABLES = {"proactive": proactive_table, "applications": applications_table, "review_litigation": review_table}
