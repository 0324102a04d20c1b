"""Plain text and markdown: what copy-paste, crawlers and PDF-to-markdown tools give.

Tables come as tab-separated lines, markdown pipe rows (often in pieces, with wrapped labels on
lines of their own), or raw HTML ``<table>`` blocks with their merged cells (pandoc, MinerU), read by
the HTML reader's table code; headings may carry markdown decorations; a line such as ``— 4 —`` is a page
number. Prose lines wrapped by a converter are joined again.
"""

from __future__ import annotations

import re

from .. import limits
from ..document import Document, Paragraph, join_lines, table_from_texts
from ..errors import ReportError
from ..labels import ITEM_ORDINAL, LINE_END
from . import dash_tables

PAGE_MARK = re.compile(
    r"^\s*(?:[-—–－‒]+\s*\d{1,3}\s*[-—–－‒]+|第\s*\d{1,3}\s*页(?:\s*[/,，]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_NOTE_START = re.compile(r"^\s*注\s*[:：]")
_METADATA_LINE = re.compile(r"^\s*[^\s:：]{1,12}\s*[:：]")
_SEPARATOR_LINE = re.compile(r"^\s*={5,}.*={5,}\s*$")
# grid tables (pandoc's markdown): border lines, and the rules of a row's border drawn beside a
# cell that spans on (| 三、本年度办理结果 +-----+-----+)
_GRID_BORDER = re.compile(r"^\s*\+[-=:+]*\+\s*$")
_GRID_RULE = re.compile(r"(?:^|\s)\+[-=:+]*\+?\s*$|^\s*[-=:+]*\+\s*$")
_PROSE_PLUS = re.compile(r"^\s*\+(?![-=:+]*\+\s*$)")  # "+3" in prose is not a grid line
# a table written as HTML in markdown or text, alone or wrapped as MinerU writes it
_HTML_TABLE_START = re.compile(r"^\s*(?:<html[^>]*>\s*)?(?:<body[^>]*>\s*)?<table[\s>]", re.I)
_HTML_TABLE_OPEN = re.compile(r"<table[\s>]", re.I)
_HTML_TABLE_END = re.compile(r"</table\s*>", re.I)
_HTML_TABLE_TAIL = re.compile(r".*</table\s*>(?:\s*</body\s*>)?(?:\s*</html\s*>)?", re.I | re.S)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)  # a converter's line break in markdown prose
MAX_HTML_TABLE_LINES = 5000  # an HTML table left open this long ends here; raise it for longer tables


def decode(data: bytes, name: str) -> str:
    """Bytes -> str: BOMs, UTF-8, else GB18030 (the superset of GB2312/GBK)."""
    limits.TEXT_SIZE.check(len(data), "size", name, mb=limits.mb(len(data)))
    if not data.strip():
        raise ReportError("empty", name)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise ReportError("binary", name)
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
        if controls > max(8, len(text[:20000]) // 200):
            raise ReportError("binary", name)
        return text
    raise ReportError("not_text", name)


def read(data: bytes, name: str = "<stdin>") -> Document:
    text = decode(data, name).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.count("\n")
    limits.DOCUMENT_BLOCKS.check(lines, "text_lines", name, count=lines)
    header, text = _strip_crawler_header(text)
    return Document(blocks=list(_blocks(dash_tables.as_tab_rows(text.split("\n")))), format="text", title_hint=header.get("title"),
                    date_hint=header.get("date"))


def _strip_crawler_header(text: str) -> tuple[dict, str]:
    """A crawler's 'key: value' lines before a ==== separator ==== line are not the report; its
    标题 and 发布时间 are the page's title and publishing date."""
    lines = text.split("\n")
    for i, line in enumerate(lines[:40]):
        if _SEPARATOR_LINE.match(line):
            head = [ln for ln in lines[:i] if ln.strip()]
            if head and sum(bool(_METADATA_LINE.match(ln)) for ln in head) >= len(head) / 2:
                fields = {}
                for key, pattern in (("title", r"^\s*(?:标题|title)\s*[:：]"), ("date", r"^\s*(?:发布时间|发布日期|date)\s*[:：]")):
                    value = next((re.split(r"[:：]", ln, maxsplit=1)[1].strip() for ln in head
                                  if re.match(pattern, ln, re.I)), None)
                    if value:
                        fields[key] = value
                return fields, "\n".join(lines[i + 1:])
    return {}, text


def _blocks(lines: list[str]):
    page = 1
    saw_page_mark = False
    prose: list[str] = []
    table: list[list[str]] = []
    table_kind = ""

    def flush_prose():
        nonlocal prose
        for heading, text, lines in _paragraphs(prose):
            yield Paragraph(text, page if saw_page_mark else None, heading=heading, lines=lines)
        prose = []

    def flush_table():
        nonlocal table
        if table:
            yield table_from_texts(table, page if saw_page_mark else None)
        table = []

    html_table: list[str] = []  # the lines of a raw HTML table, while it is open
    depth = 0  # tables opened and not closed yet in it (tables may nest)
    pending = list(reversed(lines))  # a line's text after a table that ends in it comes back here
    while pending:
        line = pending.pop()
        if html_table or _HTML_TABLE_START.match(line):
            depth += len(_HTML_TABLE_OPEN.findall(line)) - len(_HTML_TABLE_END.findall(line))
            if depth <= 0:
                end = _HTML_TABLE_TAIL.search(line)
                if end and line[end.end():].strip():
                    pending.append(line[end.end():])
                    line = line[:end.end()]
            html_table.append(line)
            if depth > 0 and len(html_table) <= MAX_HTML_TABLE_LINES:
                continue
            yield from flush_prose()
            yield from flush_table()
            yield from _html_tables("\n".join(html_table), page if saw_page_mark else None)
            html_table, depth = [], 0
            continue
        if PAGE_MARK.match(line):
            saw_page_mark = True
            page += 1
            continue
        kind = "pipe" if line.lstrip().startswith(("|", "+")) and not _PROSE_PLUS.match(line) else (
            "tab" if "\t" in line else "")
        if kind:
            yield from flush_prose()
            if table and kind != table_kind:
                yield from flush_table()
            table_kind = kind
            if kind == "pipe":
                if not _PIPE_SEPARATOR.match(line) and not _GRID_BORDER.match(line):
                    table.append([_GRID_RULE.sub("", c).strip() for c in line.strip().strip("|").split("|")])
            else:
                table.append([c.strip() for c in line.split("\t")])
            continue
        yield from flush_table()
        if not line.strip():
            yield from flush_prose()
        else:
            prose += [part for part in _LINE_BREAK.split(line) if part.strip()]
    if html_table:  # a table never closed: read what there is
        yield from _html_tables("\n".join(html_table), page if saw_page_mark else None)
    yield from flush_table()
    yield from flush_prose()


def _html_tables(markup: str, page: int | None):
    from . import html

    for table in html.tables_in(markup):
        if not table.rows:
            continue
        table.page = page
        table.pages = [page] * len(table.rows) if page is not None else []
        yield table


def _paragraphs(lines: list[str]):
    """Lines of one blank-line-separated group -> (is_heading, text, source lines) paragraphs.

    A markdown heading or a short numbered line stands alone; other lines are a wrapped paragraph.
    """
    current: list[str] = []
    for raw in lines:
        line = raw.strip()
        heading = bool(_MD_HEADING.match(line))
        if heading:
            line = _MD_HEADING.sub("", line)
        line = line.replace("**", "").strip()
        if not line:
            continue
        starts_item = heading or (ITEM_ORDINAL.match(line) and len(line) <= 40 and not line.endswith(LINE_END))
        new_paragraph = _NOTE_START.match(line) or (current and current[-1].endswith(LINE_END)
                                                    and ITEM_ORDINAL.match(line))
        if starts_item or new_paragraph:
            if current:
                yield False, join_lines(current), _several(current)
                current = []
            if starts_item:
                yield heading, line, ()
                continue
        current.append(line)
    if current:
        yield False, join_lines(current), _several(current)


def _several(lines: list[str]) -> tuple[str, ...]:
    return tuple(lines) if len(lines) > 1 else ()


__all__ = ["read", "decode", "PAGE_MARK"]
