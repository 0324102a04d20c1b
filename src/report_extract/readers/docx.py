"""DOCX (Word, WPS): paragraphs and tables in body order, merged cells read once with their spans.

The XML is walked directly (``w:tbl`` / ``w:tr`` / ``w:tc``) rather than through python-docx's
``table.cell()``, which returns a merged cell at every grid position it covers and raises on the
irregular grids other generators write. A table whose cells hold tables is a layout table: its
content is read in order instead. Word's automatic list numbers (一、 …, (一) …, 1. …) are written
before the paragraphs' text as Word displays them (``docx_numbering``).
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from .. import limits
from ..document import Cell, Document, Paragraph, Table
from ..errors import ReportError
from . import docx_numbering
from .zipped import check_archive

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read(data: bytes, name: str = "<stdin>") -> Document:
    document = _open(data, name)
    body = document.element.body
    cells = sum(1 for _ in body.iter(W + "tc"))  # counted in C, before any cell is read
    limits.DOCUMENT_CELLS.check(cells, "docx_cells", name, count=cells)
    labels = docx_numbering.labels(document.part, body)
    return Document(blocks=list(_blocks(body, labels)), format="docx")


def _open(data: bytes, name: str):
    import docx  # python-docx, imported only for DOCX files
    from docx.opc.exceptions import PackageNotFoundError

    check_archive(data, name)
    try:
        document = docx.Document(BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError) as exc:
        raise ReportError("damaged_docx", name, detail=str(exc)) from None
    except Exception as exc:  # lxml errors of a broken document.xml, and the like
        raise ReportError("docx_unparsable", name, detail=f"{type(exc).__name__}: {exc}") from None
    return document


def _blocks(container, labels: dict):
    for child in container.iterchildren():
        if child.tag == W + "p":
            text = paragraph_text(child, labels)
            if text.strip():
                yield Paragraph(text.strip(), heading=_is_heading(child))
        elif child.tag == W + "tbl":
            if any(True for _ in child.iter(W + "tbl") if _ is not child):
                for tc in child.iter(W + "tc"):
                    if tc.getparent().getparent() is child:
                        yield from _blocks(tc, labels)
            else:
                yield read_table(child, labels)
        elif child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent")
            yield from _blocks(content if content is not None else child, labels)


def paragraph_text(p, labels: dict | None = None) -> str:
    """The paragraph's text, after its list label where ``labels`` (``docx_numbering.labels``) has
    one; a numbered paragraph without text stays empty (its number alone says nothing)."""
    parts = []
    for node in p.iter(W + "t", W + "br", W + "tab", W + "cr"):
        if node.tag == W + "t":
            parts.append(node.text or "")
        elif node.tag == W + "tab":
            parts.append(" ")
        else:
            parts.append("\n")
    text = "".join(parts)
    if labels and p in labels and text.strip():
        return labels[p] + text.lstrip()
    return text


def _is_heading(p) -> bool:
    style = p.find(f"{W}pPr/{W}pStyle")
    value = style.get(W + "val", "") if style is not None else ""
    return value.lower().startswith(("heading", "title")) or value in ("1", "2", "3")


def _int_attr(node, path: str, default: int) -> int:
    found = node.find(path)
    if found is None:
        return default
    try:
        return int(found.get(W + "val", default))
    except ValueError:
        return default


def read_table(tbl, labels: dict | None = None) -> Table:
    """Rows of real cells: a horizontally merged cell once with its colspan; a vertically merged
    one once, on its first row, with its rowspan."""
    rows: list[list[Cell]] = []
    open_cells: dict[int, Cell] = {}  # grid column -> the cell a vMerge continues
    for tr in tbl.iterchildren(W + "tr"):
        col = _int_attr(tr, f"{W}trPr/{W}gridBefore", 0)
        row: list[Cell] = []
        for tc in tr.iterchildren(W + "tc"):
            span = max(1, _int_attr(tc, f"{W}tcPr/{W}gridSpan", 1))
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(W + "val", "continue") == "continue" and col in open_cells:
                open_cells[col].rowspan += 1
            else:
                text = "\n".join(paragraph_text(p, labels) for p in tc.iterchildren(W + "p")).strip()
                cell = Cell(text, col=col, colspan=span)
                row.append(cell)
                if merge is not None:
                    open_cells[col] = cell
                else:
                    open_cells.pop(col, None)
            col += span
        rows.append(row)
    return Table(rows)
