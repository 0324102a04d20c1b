"""`batch --html`'s index: a row per input (status, organisation, year, template, problem counts,
link to its page), sortable and filterable by a little inline script; a grid of organisations ×
years coloured by their worst problem; and the inputs that failed with their reason. One
self-contained file however large the archive.

The report's own errors and what we could not read are kept apart wherever a count or a colour
appears: red is an error of the report; a report whose only errors are reading limits (cells we
could not read, status ``read_partly``) is 读取受限, blue and striped, with the number of those cells.
Of a report held in several files (``duplicate_of``), the grid shows the copy used.

Renders the rows it is handed (``index_page``): it reads no file and knows no executor; the
archive's ``html_pages`` gathers the rows and writes the file.
"""

from __future__ import annotations

import os
import re

from ..messages_zh import CODE_NAMES
from ..problems import CODES, is_reading_limit
from ..status import FAILED, NOT_A_REPORT, READ_PARTLY, STATUS_ZH, STATUSES
from .html import e, page
from .shape import GRADE_ZH, GRADES

RANK = {"ok": 0, "warning": 1, "limited": 2, "error": 3}  # a grid cell's grade, worst last
LEGEND = ("红：报告本身有错误；蓝色斜纹：读取受限，数字为未能读取的格数（报告本身可能无误）；橙：有警告；绿：无问题；"
          "右上角黑角：同一报告有多份文件，采用读取最完整的一份。点击打开该报告。")


def _errors(row: dict) -> int:
    """The report's own errors (a row of an older summary has only its errors of either kind)."""
    return row.get("report_errors", row.get("errors")) or 0


def _grade(row: dict) -> str:
    if row.get("status") in (FAILED, NOT_A_REPORT):
        return row["status"]
    if _errors(row):
        return "error"
    if row.get("reading_limits"):
        return "limited"
    if row.get("warnings"):
        return "warning"
    return "ok"


def index_page(rows: list[dict], title: str = "批量处理结果") -> str:
    """``rows``: the summary of every input, with ``page`` (the link, relative to the index) where
    a page was written."""
    total = len(rows)
    by_status = {s: sum(1 for row in rows if row["status"] == s) for s in STATUSES}
    cells = sum(row.get("limited_cells") or 0 for row in rows if row["status"] == READ_PARTLY)
    said = [f"<span>{e(STATUS_ZH[s])} {n}{f'（{cells} 格未能读取）' if s == READ_PARTLY else ''}</span>"
            for s, n in by_status.items() if n]
    copies = sum(1 for row in rows if row.get("duplicate_of"))
    if copies:
        said.append(f"<span>重复文件 {copies}（未采用）</span>")
    parts = [f"<h1>{e(title)}</h1>",
             '<p class="meta">' + f"<span>共 {total} 个输入</span>" + "".join(said) + "</p>",
             f'<h2>各机关各年度</h2><p class="note">{LEGEND}</p>',
             _grid(rows), _codes(rows), "<h2>全部输入</h2>", _table(rows)]
    failed = [r for r in rows if r["status"] == FAILED]
    if failed:
        parts.append(f'<h2 id="failed">无法读取的输入（{len(failed)}）</h2><ul>'
                     + "".join(f"<li>{e(_shown_path(r['path'], _base(rows)))}：{e(r.get('error_zh'))}</li>"
                               for r in failed) + "</ul>")
    if _base(rows):
        parts.insert(2, f'<p class="note">文件路径相对于 {e(_base(rows))}</p>')
    return page(title, "\n".join(parts), SCRIPT)


def _grid(rows: list[dict]) -> str:
    """Bodies × years: a body is its key (identity.body_key, or --bodies), shown by the name its
    latest report writes. A report held in several files shows the copy used (the others name it
    in ``duplicate_of``)."""
    cells: dict[tuple[str, int], dict] = {}
    names: dict[str, tuple[int, str]] = {}
    for row in rows:
        if row.get("organization") and row.get("year") and not row.get("duplicate_of"):
            body = row.get("body") or row["organization"]
            key = (body, int(row["year"]))
            if key not in cells or _rank(row) > _rank(cells[key]):
                cells[key] = row
            if body not in names or int(row["year"]) > names[body][0]:
                names[body] = (int(row["year"]), row["organization"])
    if not cells:
        return "<p>没有可按机关和年度排列的报告。</p>"
    years = sorted({y for _, y in cells})
    orgs = sorted({o for o, _ in cells}, key=lambda body: natural(names[body][1]))
    head = "<tr><th>机关</th>" + "".join(f"<th>{y}</th>" for y in years) + "</tr>"
    body = []
    for org in orgs:
        tds = []
        for year in years:
            row = cells.get((org, year))
            if row is None:
                tds.append('<td class="cell"></td>')
                continue
            grade = _grade(row)
            tip = _tip(row, year)
            shown = {"error": _errors(row), "limited": f"{row.get('limited_cells') or 0}格",
                     "warning": row.get("warnings")}.get(grade) or ""
            link = f'<a href="{e(row["page"])}" title="{e(tip)}">{shown}</a>' if row.get("page") else ""
            dup = " dup" if (row.get("copies") or 1) > 1 else ""
            tds.append(f'<td class="cell {grade}{dup}" title="{e(tip)}">{link}</td>')
        body.append(f'<tr><td class="label">{e(names[org][1])}</td>{"".join(tds)}</tr>')
    return '<table class="grid">' + head + "".join(body) + "</table>"


def _tip(row: dict, year: int) -> str:
    """A grid cell's title: its counts, the reading limits apart, and its copies."""
    limited = f"，读取受限 {row['reading_limits']}（{row.get('limited_cells') or 0} 格未能读取）" \
        if row.get("reading_limits") else ""
    copies = f"；同一报告共 {row['copies']} 份文件，采用此份" if (row.get("copies") or 1) > 1 else ""
    return f"{row['organization']} {year}：错误 {_errors(row)}{limited}，警告 {row.get('warnings') or 0}{copies}"


def _code_grade(code: str) -> str:
    """A code's mark in the list of problem types (shape.GRADES): a reading limit is not an error."""
    if code not in CODES:
        return "info"
    return "limited" if is_reading_limit({"code": code, "severity": CODES[code].severity}) else CODES[code].severity


def _codes(rows: list[dict]) -> str:
    """How many reports have each kind of problem; a click filters the inputs to them."""
    count: dict[str, int] = {}
    for row in rows:
        for code in row.get("codes", []):
            count[code] = count.get(code, 0) + 1
    if not count:
        return ""
    order = {grade: i for i, grade in enumerate(GRADES)}
    items = sorted(count, key=lambda c: (order[_code_grade(c)], c))
    body = "".join(f'<tr><td><span class="sev {_code_grade(c)}">{e(GRADE_ZH[_code_grade(c)])}</span>'
                   f'<a href="#inputs" class="code" data-code="{e(c)}">{e(CODE_NAMES.get(c, c))}</a></td>'
                   f'<td class="note">{e(c)}</td><td class="v">{count[c]}</td></tr>' for c in items)
    return ('<h2>问题类型</h2><table class="codes"><tr><th>问题</th><th>代码</th><th>报告数</th></tr>'
            + body + "</table>")


def natural(text: str) -> list:
    """第2街道 before 第10街道."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)]


def _rank(row: dict) -> int:
    return RANK.get(_grade(row), -1)


COLUMNS = (("path", "文件"), ("status", "状态"), ("organization", "机关"), ("year", "年度"), ("template", "模板"),
           ("report_errors", "错误"), ("warnings", "警告"), ("limited_cells", "未能读取（格）"),
           ("duplicate_of", "重复文件"), ("error_zh", "原因"))
NUMBERS = ("year", "report_errors", "warnings", "limited_cells")  # sorted as numbers
CELL_CLASS = {"organization": "name", "duplicate_of": "note", "error_zh": "note"}  # names and notes keep a width


def _base(rows: list[dict]) -> str:
    """The folder every input path starts with ('' if none): the table shows paths below it."""
    paths = [r["path"] for r in rows]
    if len(paths) < 2 or len({os.path.isabs(p) for p in paths}) > 1:
        return ""
    base = os.path.commonpath(paths)
    return base.rstrip("/") + "/" if base and base not in paths else ""


def _shown_path(path: str, base: str) -> str:
    return path[len(base):] if base and path.startswith(base) else path


def _copy_said(row: dict, by_path: dict[str, dict], base: str) -> str:
    """A row's 重复文件 cell: the copy used, for a copy that is not (and whether that one reads
    completely where this one does not); the count of copies, for the copy used."""
    used = row.get("duplicate_of")
    if used:
        other = by_path.get(used, {})
        note = "；该份读取完整，本份读取受限" if row.get("reading_limits") and not other.get("reading_limits") else ""
        return f"重复，采用 {_shown_path(used, base)}{note}"
    if (row.get("copies") or 1) > 1:
        return f"采用本份（同一报告共 {row['copies']} 份文件）"
    return ""


def _table(rows: list[dict]) -> str:
    base = _base(rows)
    by_path = {row["path"]: row for row in rows}
    head = "".join(f'<th class="sort" data-col="{i}" data-num="{int(k in NUMBERS)}">{label}</th>'
                   for i, (k, label) in enumerate(COLUMNS))
    body = []
    for row in rows:
        tds = []
        for key, _ in COLUMNS:
            value = _errors(row) if key == "report_errors" and row.get("status") not in (FAILED, NOT_A_REPORT) \
                else row.get(key)
            text = e(STATUS_ZH.get(value, value)) if key == "status" else e(value)
            if key == "path":
                text = e(_shown_path(value, base))
                if row.get("page"):
                    text = f'<a href="{e(row["page"])}">{text}</a>'
            if key == "status":
                text = f'<span class="sev {e(value)}">{text}</span>'
            if key == "duplicate_of":
                text = e(_copy_said(row, by_path, base))
            tds.append(f'<td class="{CELL_CLASS[key]}">{text}</td>' if key in CELL_CLASS else f"<td>{text}</td>")
        body.append(f'<tr data-grade="{_grade(row)}" data-status="{e(row["status"])}" '
                    f'data-codes="{e(" ".join(row.get("codes", [])))}">{"".join(tds)}</tr>')
    controls = ('<p class="noprint"><input type="search" id="filter" placeholder="筛选：文件、机关、年度、状态…"> '
                '<label><input type="checkbox" id="only-problems"> 只看有问题的</label> '
                '<span id="shown" class="note"></span></p>')
    return controls + '<table id="inputs"><thead><tr>' + head + "</tr></thead><tbody>" + "".join(body) + \
        "</tbody></table>"


SCRIPT = """
(function () {
  var table = document.getElementById('inputs'), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById('filter'), only = document.getElementById('only-problems');
  var shown = document.getElementById('shown');
  function text(r) { return (r.textContent + ' ' + r.dataset.status + ' ' + r.dataset.codes).toLowerCase(); }
  var texts = rows.map(text);
  function apply() {
    var q = filter.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r, i) {
      var ok = (!q || texts[i].indexOf(q) >= 0) && (!only.checked || r.dataset.grade !== 'ok');
      r.style.display = ok ? '' : 'none'; n += ok;
    });
    shown.textContent = '显示 ' + n + ' / ' + rows.length;
  }
  filter.addEventListener('input', apply);
  Array.prototype.forEach.call(document.querySelectorAll('a.code'), function (a) {
    a.addEventListener('click', function () { filter.value = a.dataset.code; apply(); });
  });
  only.addEventListener('change', apply);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    var dir = 1;
    th.addEventListener('click', function () {
      var col = +th.dataset.col, num = th.dataset.num === '1';
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        if (num) { x = x === '' ? -1 : +x; y = y === '' ? -1 : +y; return (x - y) * dir; }
        return x.localeCompare(y, 'zh') * dir;
      });
      dir = -dir;
      var frag = document.createDocumentFragment();
      rows.forEach(function (r) { frag.appendChild(r); });
      body.appendChild(frag);
      texts = rows.map(text);
    });
  });
  apply();
})();
"""
