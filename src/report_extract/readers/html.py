"""Web pages (HTML, and MHTML as browsers save a "single file"): the report inside the page.

Bytes are decoded by the page's own declaration (BOM, <meta charset>, http-equiv), GB2312/GBK as
GB18030, else UTF-8 or GB18030 by trial. The report is the smallest element that holds the section
headings and the template tables: navigation, footers, share buttons and scripts stand outside it.
Tables become grids with their spans; header cells split over <p> or <br> and numbers split over
<span>s are joined again. What the page does not show is not read: elements hidden by their style
(display:none, visibility:hidden, Word's mso-hide:all) or the hidden attribute, and characters of
no width (zero-width spaces, soft hyphens, the BOM) that editors leave between digits. Nothing here recurses over the tree, so deeply nested pages cannot
exhaust the stack; libxml2 bounds nesting depth and does not expand entities of internal DTDs.
"""

from __future__ import annotations

import email
import email.policy
import re

from .. import limits
from ..document import Cell, Document, Paragraph, Table
from ..errors import ReportError
from ..sections import HEADING, section_key

_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MULTIPART = re.compile(rb"content-type:\s*multipart/", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote", "pre",
          "header", "footer", "ul", "ol", "dl", "dt", "dd", "center", "form", "address", "figure", "tr", "br",
          "hr", "caption", "td", "th"}
_SKIP = {"script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg", "button",
         "select", "option", "textarea", "input"}
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
# characters that show nothing: zero-width spaces and joiners, the word joiner, the BOM as a zero-width
# no-break space, the soft hyphen (editors such as Ueditor leave them in cells and between digits)
_NOTHING_SHOWN = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
# an element the browser does not show: hidden by its inline style (Word's hidden text is
# display:none;mso-hide:all) or by the hidden attribute
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all)\b", re.I)
# ... and takes no room: a table cell or row so styled is not laid out (the cells after it take its place),
# where one only hidden (visibility:hidden, Word's mso-hide) keeps its place, empty
_NOT_LAID_OUT = re.compile(r"(?:^|;)\s*display\s*:\s*none\b", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
            "big5": "big5hkscs", "utf8": "utf-8"}


def read(data: bytes, name: str = "<stdin>") -> Document:
    if _is_mhtml(data, name):
        data, charset = _mhtml_html(data, name)
    else:
        charset = None
    limits.TEXT_SIZE.check(len(data), "size", name, mb=limits.mb(len(data)))
    text = decode(data, charset, name)
    root = _parse(text, name)
    title = _page_title(root)
    container = _report_container(root)
    cells = sum(1 for _ in container.iter("td", "th"))  # counted in C, before any cell is read
    limits.DOCUMENT_CELLS.check(cells, "html_cells", name, count=cells)
    blocks = list(_blocks(container))
    if not blocks:
        raise ReportError("html_no_text", name)
    return Document(blocks=blocks, format="html", title_hint=(title or "").strip() or None, date_hint=_page_date(root))


_TITLE_LABELS = ("标题", "名称", "文章标题", "题名", "信息名称")
_TITLE_CELLS = "|".join(f"//{tag}[translate(normalize-space(.), ' :：\u3000', '')='{label}']"
                        for tag in ("td", "th") for label in _TITLE_LABELS)


def _page_title(root) -> str | None:
    """The report's title as the page's metadata gives it: the ArticleTitle meta field that
    government sites write (its <title> is often only the site's name), else the <title>."""
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        if name in ("articletitle", "og:title") and (meta.get("content") or "").strip():
            return meta.get("content")
    # a metadata table's 标题 / 名称 row, beside the article: found by XPath, in C (a page may hold
    # millions of cells before the cell limit is checked on the report's own container)
    for cell in root.xpath(_TITLE_CELLS):
        value = cell.getnext()
        if value is not None and value.tag in ("td", "th"):
            text = " ".join("".join(value.itertext()).split())
            if text:
                return text
    return root.findtext(".//title")


def _page_date(root) -> str | None:
    """The publishing date in the page's metadata (PubDate, as government sites write it)."""
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() in ("pubdate", "publishdate", "firstpublishedtime"):
            return (meta.get("content") or "").strip() or None
    return None


def tables_in(markup: str, name: str = "<table>") -> list[Table]:
    """The tables of an HTML snippet, read as in a page: markdown and text carry tables with merged
    cells as raw HTML (pandoc, MinerU's ``<html><body><table>…``)."""
    root = _parse(markup, name)
    return [_table(t) for t in root.iter("table") if not _is_layout_table(t)]


# --- bytes -> text ------------------------------------------------------------------------------
def decode(data: bytes, declared: str | None, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if not declared:
        match = _META_CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii", "ignore") if match else None
    candidates = []
    if declared and _known_codec(_ALIASES.get(declared.lower(), declared.lower())):
        candidates.append(_ALIASES.get(declared.lower(), declared.lower()))
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(candidates[0] if candidates[0] != "utf-8" else "gb18030", errors="replace")


def _known_codec(encoding: str) -> bool:
    """A declared charset Python knows; an unknown one falls back to detection."""
    import codecs

    try:
        codecs.lookup(encoding)
        return True
    except (LookupError, ValueError):
        return False


def _is_mhtml(data: bytes, name: str) -> bool:
    head = data[:2000].lower()
    return name.lower().endswith((".mht", ".mhtml")) or (b"mime-version:" in head and b"multipart/" in head)


def _mhtml_html(data: bytes, name: str) -> tuple[bytes, str | None]:
    """The first text/html part of an MHTML file, its transfer encoding undone."""
    # the email parser recurses once per nested multipart: count them before parsing
    nested = len(_MULTIPART.findall(data))
    limits.NESTING.check(nested, "mhtml_parts", name, count=nested)
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
    except RecursionError:
        raise limits.NESTING.error("mhtml_nested", name) from None
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if payload:
                return payload, part.get_content_charset()
    raise ReportError("mhtml_no_html", name)


def _parse(text: str, name: str):
    import lxml.html

    start = re.search(r"<(?:!doctype|html|head|body)", text[:200000], re.I)
    if start:  # a crawler's header before the page
        text = text[start.start():]
    text = re.sub(r"^<\?xml[^>]*>", "", text.lstrip())
    text = _XML_INCOMPATIBLE.sub("", text)  # control characters carry no text, and lxml refuses them in a tree
    if not text.strip():
        raise ReportError("html_empty", name)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except Exception as exc:  # lxml's ParserError and friends on pages with nothing in them
        raise ReportError("html_unparsable", name, detail=str(exc)) from None
    if any("Excessive depth" in error.message for error in parser.error_log):  # libxml2 stopped reading
        raise ReportError("html_too_deep", name)
    _word_list_labels(root)
    return root


def _word_list_labels(root) -> None:
    """Word writes an auto-numbered paragraph's number (``一、``) in a ``mso-list:Ignore`` span,
    padded with non-breaking spaces that stand for the tab after it: the number alone is kept."""
    for span in list(root.iter("span")):
        if "mso-list:ignore" in re.sub(r"\s", "", (span.get("style") or "").lower()):
            label = _SPACE.sub(" ", span.text_content()).strip()
            for child in list(span):
                span.remove(child)  # keeps no tail: the children's tails are part of the label
            span.text = _XML_INCOMPATIBLE.sub("", label)  # from character references (&#5;)


# --- the report inside the page ---------------------------------------------------------------
def _report_container(root):
    """The lowest element that holds every template table and as many different section headings
    as the page has anywhere (navigation and "related links" repeat a heading or two, never all)."""
    headings: list[tuple[object, str]] = []
    tables = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in _SKIP or element.tag == "a":
            continue
        match = HEADING.search(_SPACE.sub("", element.text or ""))
        if match:
            headings.append((element, section_key(match)))
        elif element.tag == "table" and not _is_layout_table(element) and _looks_like_template_table(element):
            tables.append(element)
    if not headings and not tables:
        body = root.find("body")
        return body if body is not None else root
    wanted = len({key for _, key in headings})
    # sets of the elements themselves, not of id(): lxml makes a proxy object per access and frees
    # it when unused, so an id() can be reused by another element's proxy
    chains = [(set(_ancestors(e)), key) for e, key in headings]
    table_chains = [set(_ancestors(t)) for t in tables]
    seed = tables[0] if tables else headings[0][0]
    for candidate in _ancestors(seed):
        inside = {key for chain, key in chains if candidate in chain}
        if len(inside) >= wanted and all(candidate in chain for chain in table_chains):
            return candidate
    return root


def _ancestors(element) -> list:
    out = []
    while element is not None:
        out.append(element)
        element = element.getparent()
    return out


def _looks_like_template_table(table) -> bool:
    text = _SPACE.sub("", table.text_content()[:4000])
    return any(w in text for w in ("信息内容", "申请人情况", "行政复议", "本年新收", "第二十条"))


# --- blocks -----------------------------------------------------------------------------------
def _events(root, stop_at_tables: bool):
    """("open"|"close", element) and ("text", str) in document order, without recursion; skipped
    elements (scripts, styles, forms) give only their tail. With ``stop_at_tables`` a report table
    is one ("table", element) event."""
    stack = [(root, False)]
    while stack:
        element, closing = stack.pop()
        if closing:
            yield "close", element
            if element.tail and element is not root:
                yield "text", _NOTHING_SHOWN.sub("", element.tail)
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP or (tag and element is not root and _hidden(element)) or (
                stop_at_tables and tag == "table" and not _is_layout_table(element)):
            if tag == "table" and not _hidden(element):
                yield "table", element
            if element.tail and element is not root:
                yield "text", _NOTHING_SHOWN.sub("", element.tail)
            continue
        yield "open", element
        if element.text and tag:
            yield "text", _NOTHING_SHOWN.sub("", element.text)
        stack.append((element, True))
        for child in reversed(element):
            stack.append((child, False))


def _hidden(element) -> bool:
    """An element the page does not show (its text is not the report's: Word's hidden text, the
    characters a portal hides between the digits of a cell to spoil copying)."""
    style = element.get("style")
    return element.get("hidden") is not None or bool(style and _HIDDEN_STYLE.search(style))


def _not_laid_out(element) -> bool:
    """A hidden element that takes no room on the page (display:none, the hidden attribute)."""
    style = element.get("style")
    return element.get("hidden") is not None or bool(style and _NOT_LAID_OUT.search(style))


def _blocks(container):
    """Paragraphs and tables of the container, in document order."""
    parts: list[str] = []

    def flush():
        text = _clean("".join(parts))
        parts.clear()
        if text:
            yield Paragraph(text)

    preformatted = 0  # inside <pre>, where a line break in the source is one on the page
    for kind, item in _events(container, stop_at_tables=True):
        if kind == "text":
            # elsewhere it is a space: Word and WPS wrap their HTML source at spaces near column 76
            parts.append(item if preformatted else item.replace("\n", " "))
        elif kind == "table":
            yield from flush()
            yield _table(item)
        elif item.tag in _BLOCK:
            yield from flush()
            if kind == "open" and item.tag == "br":
                parts.append("\n")
            if item.tag == "pre":
                preformatted += 1 if kind == "open" else -1
    yield from flush()


def _is_layout_table(table) -> bool:
    """A table that holds tables (a page laid out with tables): its content is read instead."""
    return any(True for _ in table.iterdescendants("table"))


def _clean(text: str) -> str:
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def cell_text(cell) -> str:
    """A cell's text: its paragraphs and lines joined, without a space between CJK characters
    (``商业</p><p>企业`` is 商业企业), with one between Latin words; ``20</span><span>23`` is 2023."""
    pieces: list[str] = []
    for kind, item in _events(cell, stop_at_tables=False):
        if kind == "text":
            pieces.append(item)
        elif kind == "open" and item is not cell and item.tag in ("p", "div", "br", "li") and pieces:
            pieces.append("\n")
    lines = [_SPACE.sub(" ", ln).strip() for ln in "".join(pieces).split("\n")]
    out = ""
    for line in (ln for ln in lines if ln):
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", out)


def _table(table) -> Table:
    """Rows of real cells with their grid columns and spans (rowspan/colspan expanded by hand)."""
    rows: list[list[Cell]] = []
    taken: dict[tuple[int, int], bool] = {}
    # the grid is laid out over every row a browser lays out (a cell spanning down crosses a hidden
    # row as it does on the page); the rows that show nothing are dropped after
    trs = [tr for tr in table.iter("tr") if _owner_table(tr) is table and not _not_laid_out(tr)]
    _check_grid(trs)
    for r, tr in enumerate(trs):
        row: list[Cell] = []
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th") or _not_laid_out(td):
                continue
            while taken.get((r, col)):
                col += 1
            rowspan = min(_span(td.get("rowspan")), len(trs) - r)  # as browsers: not past the table
            colspan = _span(td.get("colspan"))
            # a cell hidden in its place keeps its column, empty (its text is not shown)
            row.append(Cell("" if _hidden(td) else cell_text(td), col=col, rowspan=rowspan, colspan=colspan))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, col + dc)] = True
            col += colspan
        rows.append(row)
    return Table([row for row, tr in zip(rows, trs) if not _invisible_row(tr)])


def _check_grid(trs: list) -> None:
    """Refuse a table whose spans would expand to more grid positions than the limit, before
    expanding them (800 cells of colspan=rowspan=200 are 32 million positions)."""
    total = 0
    for r, tr in enumerate(trs):
        rows_left = len(trs) - r
        for td in tr:
            if isinstance(td.tag, str) and td.tag in ("td", "th"):
                total += min(_span(td.get("rowspan")), rows_left) * _span(td.get("colspan"))
    limits.TABLE_CELLS.check(total, "table_cells", count=total)


def _invisible_row(tr) -> bool:
    """A row of zero height, as Word adds after a table whose rows do not share one grid (inside
    ``<![if !supportMisc]>``), or a hidden one: it shows nothing, and its empty cells are not blank values."""
    height = (tr.get("height") or "").strip()
    style = re.sub(r"\s", "", (tr.get("style") or "").lower())
    return height in ("0", "0px") or bool(re.search(r"(?:^|;)height:0(?:px|pt|cm)?(?:;|$)", style)) or _hidden(tr)


def _owner_table(tr):
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()[:9]), limits.SPAN.value))
    except (TypeError, ValueError):
        return 1
