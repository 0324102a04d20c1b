"""`batch --html`'s index: a row per input (status, organisation, year, template, problem counts,
link to its page), sortable and filterable by a little inline script; a grid of organisations ×
years coloured by their worst problem; and the inputs that failed with their reason. One
self-contained file however large the archive.

Renders the rows it is handed (``index_page``): it reads no file and knows no executor; the
archive's ``html_pages`` gathers the rows and writes the file.
"""

from __future__ import annotations

import os
import re

from ..messages_zh import CODE_NAMES
from ..problems import CODES
from ..status import FAILED, NOT_A_REPORT, OK, PROBLEMS, SEVERITIES
from .html import e, page
from .shape import SEVERITY_ZH

STATUS_ZH = {OK: "通过", PROBLEMS: "有错误", FAILED: "无法读取", NOT_A_REPORT: "不是年度报告"}
GRID_CLASS = {"error": "error", "warning": "warning", "ok": "ok"}


def _grade(row: dict) -> str:
    if row.get("status") in (FAILED, NOT_A_REPORT):
        return row["status"]
    if row.get("errors"):
        return "error"
    if row.get("warnings"):
        return "warning"
    return "ok"


def index_page(rows: list[dict], title: str = "批量处理结果") -> str:
    """``rows``: the summary of every input, with ``page`` (the link, relative to the index) where
    a page was written."""
    total = len(rows)
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
    parts = [f"<h1>{e(title)}</h1>",
             '<p class="meta">' + f"<span>共 {total} 个输入</span>" + "".join(
                 f"<span>{e(STATUS_ZH.get(s, s))} {n}</span>" for s, n in sorted(by_status.items())) + "</p>",
             '<h2>各机关各年度</h2><p class="note">红：有错误；橙：有警告；绿：无问题；点击打开该报告。</p>',
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
    latest report writes."""
    cells: dict[tuple[str, int], dict] = {}
    names: dict[str, tuple[int, str]] = {}
    for row in rows:
        if row.get("organization") and row.get("year"):
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
            tip = f"{row['organization']} {year}：错误 {row.get('errors') or 0}，警告 {row.get('warnings') or 0}"
            link = f'<a href="{e(row["page"])}" title="{e(tip)}">{row.get("errors") or row.get("warnings") or ""}</a>' \
                if row.get("page") else ""
            tds.append(f'<td class="cell {GRID_CLASS.get(grade, grade)}" title="{e(tip)}">{link}</td>')
        body.append(f'<tr><td class="label">{e(names[org][1])}</td>{"".join(tds)}</tr>')
    return '<table class="grid">' + head + "".join(body) + "</table>"


def _codes(rows: list[dict]) -> str:
    """How many reports have each kind of problem; a click filters the inputs to them."""
    count: dict[str, int] = {}
    for row in rows:
        for code in row.get("codes", []):
            count[code] = count.get(code, 0) + 1
    if not count:
        return ""
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    items = sorted(count, key=lambda c: (order.get(CODES[c].severity if c in CODES else "info", 3), c))
    body = "".join(f'<tr><td><span class="sev {CODES[c].severity if c in CODES else "info"}">'
                   f'{e(SEVERITY_ZH.get(CODES[c].severity, "") if c in CODES else "")}</span>'
                   f'<a href="#inputs" class="code" data-code="{e(c)}">{e(CODE_NAMES.get(c, c))}</a></td>'
                   f'<td class="note">{e(c)}</td><td class="v">{count[c]}</td></tr>' for c in items)
    return ('<h2>问题类型</h2><table class="codes"><tr><th>问题</th><th>代码</th><th>报告数</th></tr>'
            + body + "</table>")


def natural(text: str) -> list:
    """第2街道 before 第10街道."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)]


def _rank(row: dict) -> int:
    return {"ok": 0, "warning": 1, "error": 2}.get(_grade(row), -1)


COLUMNS = (("path", "文件"), ("status", "状态"), ("organization", "机关"), ("year", "年度"), ("template", "模板"),
           ("errors", "错误"), ("warnings", "警告"), ("error_zh", "原因"))


def _base(rows: list[dict]) -> str:
    """The folder every input path starts with ('' if none): the table shows paths below it."""
    paths = [r["path"] for r in rows]
    if len(paths) < 2 or len({os.path.isabs(p) for p in paths}) > 1:
        return ""
    base = os.path.commonpath(paths)
    return base.rstrip("/") + "/" if base and base not in paths else ""


def _shown_path(path: str, base: str) -> str:
    return path[len(base):] if base and path.startswith(base) else path


def _table(rows: list[dict]) -> str:
    base = _base(rows)
    head = "".join(f'<th class="sort" data-col="{i}" data-num="{int(k in ("year", "errors", "warnings"))}">{label}</th>'
                   for i, (k, label) in enumerate(COLUMNS))
    body = []
    for row in rows:
        tds = []
        for key, _ in COLUMNS:
            value = row.get(key)
            text = e(STATUS_ZH.get(value, value)) if key == "status" else e(value)
            if key == "path":
                text = e(_shown_path(value, base))
                if row.get("page"):
                    text = f'<a href="{e(row["page"])}">{text}</a>'
            if key == "status":
                text = f'<span class="sev {e(value)}">{text}</span>'
            tds.append(f'<td class="note">{text}</td>' if key == "error_zh" else f"<td>{text}</td>")
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
