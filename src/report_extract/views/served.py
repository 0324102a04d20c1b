"""A page as ``report-extract serve`` hands it to a reviewer's browser: the page the views render,
with a bar that says what serving it adds and, on a report's page, the review controls
(``served.js``, ``served.css``): buttons beside each problem (确认, 误报, 已更正, 撤销) and beside
each value (✎ 更正), and the dialog that asks for a note or a value and its reason.

The controls exist only in a served page: a page opened as a file has none, so it never shows a
button that cannot work. The page's own Content-Security-Policy (a ``<meta>`` forbidding every
request) is taken out and ``policy()`` sent as a header instead: the same, but letting the
controls post to the server they came from, and allowing no inline script or style but the
views' own and the controls', by their hashes.

Renders what it is handed (the page, its context): it reads no file and knows no server.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from html import escape

from .dashboard import SCRIPT as DASHBOARD_SCRIPT
from .html import OPEN_TARGET, asset, e, page

_META_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?')
_BLOCK = re.compile(r"<(script|style)>(.*?)</\1>", re.S)


def script() -> str:
    return asset("served.js")


def style() -> str:
    return asset("served.css")


@lru_cache(maxsize=1)
def _hashes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The CSP hashes of every inline script and style a served page may run: the views' (the
    report page's, the dashboard's) and the controls', each as the page template wraps it."""
    scripts, styles = set(), set()
    for own in (OPEN_TARGET, DASHBOARD_SCRIPT, script(), ""):
        for kind, text in _BLOCK.findall(page("", "", own)):
            (scripts if kind == "script" else styles).add(_hash(text))
    styles.add(_hash(_style_block_text()))
    return tuple(sorted(scripts)), tuple(sorted(styles))


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _style_block_text() -> str:
    return "\n" + style()


def policy() -> str:
    """The Content-Security-Policy of a served page: nothing from elsewhere, requests only to the
    server itself (the controls' posts), only the known inline scripts and styles, never framed."""
    scripts, styles = _hashes()
    return ("default-src 'none'; script-src " + " ".join(scripts) + "; style-src " + " ".join(styles) +
            "; img-src data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")


# what the bar says: where decisions go, and what changes only at the next batch
REPORT_SAID = ("审核模式（report-extract serve）：每个问题旁可“确认”、标为“误报”（须写明理由）或“已更正”，"
               "数值旁的 ✎ 可更正该格的值（须写明依据）。决定写入 {store}，本页随即按决定重新显示"
               "（更正后各项检查在更正后的数值上重新运行）。总览页的计数和颜色、CSV 与表格文件在下次运行 "
               "report-extract batch 时更新。")
DASHBOARD_SAID = ("审核模式（report-extract serve）：打开各报告的页面记录审核决定（确认、误报、已更正、更正数值）；"
                  "已记录 {count} 条决定，写在 {store}。本页的计数和各机关各年度格子的颜色在下次运行 "
                  "report-extract batch 时更新。")
PLAIN_SAID = "审核模式（report-extract serve）：此页不是某份报告的页面，没有审核按钮。"


def served_page(html: str, context: dict) -> str:
    """``html`` (a page of the views) with the bar and, where ``context["report"]``, the controls.
    ``context``: ``token`` (posted back with every decision), ``page`` (its path in the output
    folder), ``store`` (review.json's name as shown), ``index`` (a link to the dashboard, or
    None), ``dashboard`` (it is the dashboard), ``decisions`` (how many are recorded),
    ``verdicts`` (ids of the problems with a verdict of a reviewer), ``corrections`` (this
    report's: field, value, read, reason)."""
    style = f'<link rel="icon" href="data:,">\n<style>{_style_block_text()}</style>\n'
    head, sep, body = html.partition("</head>")
    if sep:
        head = _META_POLICY.sub("", head, count=1) + style
    else:  # not a page of the views: its style goes with the bar
        head, body = "", style + html
    said = (REPORT_SAID if context.get("report") else DASHBOARD_SAID if context.get("dashboard") else PLAIN_SAID)
    bar = (f'<div class="review-bar" role="note"><p>'
           f'{e(said.format(store=context.get("store", "review.json"), count=context.get("decisions", 0)))}')
    if context.get("index"):
        bar += f' <a href="{e(context["index"])}">返回总览</a>'
    bar += '</p><p class="review-said" role="status" hidden></p></div>\n'
    body, found = re.subn(r"<body>\n?", lambda m: m.group(0) + bar, body, count=1)
    if not found:
        body = bar + body
    end = body.rfind("</body>")
    end = len(body) if end < 0 else end
    holder = f'<div id="review-context" hidden data-context="{escape(json.dumps(context, ensure_ascii=False))}"></div>\n'
    return head + sep + body[:end] + holder + f"<script>\n{script()}</script>\n" + body[end:]
