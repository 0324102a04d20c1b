"""The views of `report-extract compare`: terminal (rich) and one self-contained HTML page."""

from __future__ import annotations

from dataclasses import replace

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..guard import shown_all
from ..messages_zh import TABLE_HEADINGS, num
from ..model import Report
from .html import TABLES, e, page
from .shape import Cell
from .terminal import LABEL_MIN, STYLE, narrow, sentence


def _title(side: dict) -> str:
    return f"{side['organization'] or '（机关未识别）'} {side['year'] or '（年度未识别）'}"


def _change(value) -> str:
    if value is None:
        return ""
    return f"+{num(value)}" if value > 0 else num(value)


def show(result: dict, out: Console) -> None:
    result = shown_all(result)  # the reports' text is untrusted: escaped before it reaches a terminal
    a, b = result["a"], result["b"]
    out.print(Text(f"对比：A {_title(a)}　→　B {_title(b)}", style="bold"))
    out.print(f"A：{a['path']}\nB：{b['path']}")
    for note in result["notes"]:
        out.print(Text(note, style="dim"))
    out.print(Text("\n跨年度勾稽关系", style="bold"))
    if not result["problems"]:
        out.print("  没有发现问题。")
    for p in result["problems"]:
        pid = f"#{p['id'][:8]}｜" if p.get("id") else ""  # as in check: the id the review commands take
        sentence(out, Text.assemble("  ", (pid, "dim"), ("警告", STYLE["warning"]), "：", p["message_zh"]))
    out.print(Text(f"\n文字重复（B 的句子与 A 同一部分几乎相同的比例：全文 {result['prose_share']:.0%}）", style="bold"))
    for section in result["prose"]:
        out.print(f"  {section['heading']}：{section['repeated']}/{section['sentences']} 句（{section['share']:.0%}）")
        for item in section["repeated_sentences"]:
            sentence(out, Text("    · " + item["b"], style="yellow"))
    for table in TABLE_HEADINGS:
        values = [v for v in result["values"] if v["table"] == table]
        if not values:
            continue
        rows = list(dict.fromkeys(v["row"] for v in values))
        columns = list(dict.fromkeys(v["column"] for v in values))
        cells = {(v["row"], v["column"]): v for v in values}
        grid = Table(title=f"{TABLE_HEADINGS[table]}（A→B）", box=box.SQUARE, title_justify="left")
        grid.add_column("", overflow="fold", min_width=LABEL_MIN)  # labels wrap; values never are cut
        for column in columns:
            grid.add_column(narrow(column), justify="right", no_wrap=True)
        for row in rows:
            grid.add_row(row, *[_cell(cells.get((row, column))) for column in columns])
        out.print()
        out.print(grid)


def _cell(v: dict | None) -> Text:
    if v is None:
        return Text("")
    a, b = ("" if x is None else num(x) for x in (v["a"], v["b"]))
    if a == b:
        return Text(a, style="dim")
    return Text(f"{a or '空'}\n→{b or '空'}", style="bold")  # both values, each whole, on two lines


def _changed(cell: Cell, values: dict) -> Cell:
    v = values.get(cell.key)
    if v is None or v["a"] == v["b"]:
        return replace(cell, flags=[])
    a, b = ("空" if x is None else num(x) for x in (v["a"], v["b"]))
    return replace(cell, text=f"{a}→{b}", flags=[], mark="changed")


def _value_list(result: dict) -> str:
    a, b = result["a"], result["b"]
    body = "".join(
        f'<tr><td class="label short">{e(TABLE_HEADINGS.get(v["table"], v["table"])[:2])}</td>'
        f'<td class="label">{e(v["row"])}</td><td class="label">{e(v["column"])}</td>'
        f'<td class="v">{e(num(v["a"]) if v["a"] is not None else "")}</td>'
        f'<td class="v">{e(num(v["b"]) if v["b"] is not None else "")}</td>'
        f'<td class="v{" changed" if v["change"] else ""}" data-key="{e(v["field"])}">{e(_change(v["change"]))}</td></tr>'
        for v in result["values"])
    return (f"<table><tr><th>表</th><th>行</th><th>栏</th><th>A {e(a['year'] or '')}</th><th>B {e(b['year'] or '')}</th>"
            f"<th>变化</th></tr>{body}</table>")


def html_page(result: dict, layout: Report | None = None) -> str:
    """The comparison as a page; ``layout`` (report B) draws the tables as the template does."""
    a, b = result["a"], result["b"]
    title = f"对比：{_title(a)} → {_title(b)}"
    parts = [f"<h1>{e(title)}</h1>",
             f'<p class="meta"><span>A：{e(a["path"])}</span><span>B：{e(b["path"])}</span></p>']
    parts += [f'<p class="note">{e(n)}</p>' for n in result["notes"]]
    parts.append("<h2>跨年度勾稽关系</h2>")
    if result["problems"]:
        parts.append('<ol class="problems">' + "".join(
            f'<li id="{e(p.get("id"))}"><span class="sev warning">警告</span>{e(p["message_zh"])}</li>'
            for p in result["problems"]) + "</ol>")
    else:
        parts.append("<p>没有发现问题。</p>")
    parts.append(f"<h2>文字重复（全文 {result['prose_share']:.0%}）</h2>")
    rows = []
    for s in result["prose"]:
        listed = "".join(f'<li class="repeat">{e(i["b"])}'
                         + (f'<br><span class="note">A：{e(i["a"])}（相似度 {i["similarity"]:.0%}）</span>'
                            if i["similarity"] < 1 or i["a"] != i["b"] else "") + "</li>"
                         for i in s["repeated_sentences"])
        rows.append(f"<tr><td class=\"label\">{e(s['heading'])}</td><td class=\"v\">{s['repeated']}/{s['sentences']}</td>"
                    f"<td class=\"v\">{s['share']:.0%}</td><td class=\"label\"><ul>{listed}</ul></td></tr>")
    parts.append("<table><tr><th>部分</th><th>重复句数</th><th>比例</th><th>重复的句子</th></tr>" + "".join(rows)
                 + "</table>")
    values = {v["field"]: v for v in result["values"]}
    if layout is not None:  # the tables as the template lays them out (B's), each cell A→B
        parts.append('<p class="note">表中“A→B”为两年数值的变化；悬停可见 B 的页码与行标题。</p>')
        for table, heading in TABLE_HEADINGS.items():
            if table in layout.tables:
                parts.append(f"<h2>{e(heading)}</h2>" + TABLES[table](layout, lambda cell: _changed(cell, values)))
    parts.append("<h2>全部数值</h2>" + _value_list(result))
    return page(title, "\n".join(parts))
