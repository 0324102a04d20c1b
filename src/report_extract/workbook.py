"""report.xlsx: the batch's CSV sheets as one workbook a person can work in, and pandas can read.

Each sheet has one header row of keys, so ``pd.read_excel(..., sheet_name=...)`` reads it as its
CSV: numeric columns (``NUMERIC_COLUMNS`` and every template field) hold numbers only, every other
column text only. The Chinese name of each column is the comment on its header cell and a row of
the ``labels`` sheet (key, 中文列名, the sheets it is in). Beside ``status``, ``severity``, ``kind``
and ``verdict`` stand their Chinese names (``status_zh``: 通过/有错误/…, ``severity_zh``: 错误/警告/
提示, ``kind_zh``, ``verdict_zh``: 确认/误报/已更正). The organisation and year lead each sheet that
has them and stay frozen with the header, the path after them. An autofilter, column widths fitted to their content (bounded); in ``wide`` every cell
a problem points at is filled and carries the problem's Chinese message (``message_zh``) as a
comment (a problem about a whole row marks that row's cells). Written with openpyxl's streaming
writer, so a large archive needs little memory; problems are grouped by report first (one pass
over problems.csv).

Every cell can be written, whatever the reports hold (``writable_text``): text is always a string
cell (data type ``s``), never a formula, whatever it starts with; characters an XLSX cell cannot
hold become ``\\xNN`` escapes; text over Excel's 32,767 characters is cut and ends in a marker. A
row that still cannot be written is replaced by its first cell and the reason, so one bad report
never costs the workbook.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import NamedTuple

from . import files
from .review import VERDICTS_ZH
from .status import KIND_ZH, SET_ASIDE, SEVERITY_ZH, STATUS_ZH
from .writers import read_back_csv

CHINESE = {
    "path": "文件", "status": "状态（代码）", "status_zh": "状态", "template": "模板", "organization": "机关",
    "body": "机关（归并键）", "year": "年度", "errors": "错误数", "warnings": "警告数", "infos": "提示数",
    "error": "无法读取的原因（英文）", "ocr_pages": "OCR识别页数", "seconds": "耗时（秒）", "field": "字段", "value": "数值",
    "code": "问题代码", "severity": "严重程度（代码）", "severity_zh": "严重程度", "table": "表", "row": "行",
    "column": "列", "page": "页码", "expected": "应为", "found": "实为", "label": "行标签（原文）",
    "message": "说明（英文）", "message_zh": "说明", "key": "列名（键）", "name_zh": "中文列名", "sheets": "所在工作表",
    # the report's own errors apart from what we could not read (status.COUNTS), and duplicates
    "report_errors": "报告错误数", "reading_limits": "读取受限数", "limited_cells": "未能读取格数",
    "kind": "问题归属（代码）", "kind_zh": "问题归属", "duplicate_of": "重复（采用的文件）", "copies": "同一报告文件数",
    # why an input was not read: its code (reasons.REASONS) and the Chinese sentence, beside the English
    "error_code": "无法读取的原因（代码）", "error_zh": "无法读取的原因",
    # a reviewer's decisions (review.py): a problem's id and verdict, a value's correction
    "id": "问题编号", "verdict": "审核结论（代码）", "verdict_zh": "审核结论", "verdict_note": "审核说明",
    "provenance": "来源", "read_value": "原读数", "reason": "更正理由",
}
# columns that hold numbers (or nothing), besides every template field: a text there stays text
NUMERIC_COLUMNS = frozenset({"year", "errors", "warnings", "infos", "report_errors", "reading_limits",
                             "limited_cells", "copies", "ocr_pages", "seconds", "value", "page", "expected", "found",
                             "read_value"})
FRONT = ("organization", "year")  # first in a sheet that has them, frozen with the header: what a row is found by
# a column of codes -> the column of their Chinese names written right after it, and the names
TWINS = {"status": ("status_zh", STATUS_ZH), "severity": ("severity_zh", SEVERITY_ZH), "kind": ("kind_zh", KIND_ZH),
         "verdict": ("verdict_zh", VERDICTS_ZH)}
LABELS_SHEET = "labels"  # the last sheet: each column's Chinese name
LABELS_COLUMNS = ("key", "name_zh", "sheets")
SEVERITY_FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
MAX_WIDTH = 60
MAX_CELL_CHARS = 32_767  # Excel's limit on one cell's text, in UTF-16 code units
MAX_COMMENT_CHARS = 2_000  # a comment longer than this is hard to read in a spreadsheet anyway
CUT_MARKER = "…[cut: {total:,} characters in all]"
# What an XLSX cell cannot hold: openpyxl's ILLEGAL_CHARACTERS_RE (control characters but tab, LF
# and CR), and U+FFFE and U+FFFF, which XML forbids and openpyxl lets through.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def labels_of_fields() -> dict[str, str]:
    from .templates import iter_fields

    return {f["field"]: f"{f['row']} · {f['column']}" for f in iter_fields()}


def chinese_name(key: str, fields: dict[str, str]) -> str:
    """The Chinese name of a column (``fields``: ``labels_of_fields()``); empty for a key we do not know."""
    return CHINESE.get(key) or fields.get(key, "")


class Column(NamedTuple):
    """A column of a sheet as the workbook writes it: its key, the CSV column it is taken from, and
    (a twin column) the Chinese names its codes are written as."""

    key: str
    source: int
    names: dict | None = None


def columns_of(header: list[str]) -> list[Column]:
    """The workbook's columns of a CSV sheet with this header: ``FRONT`` first, then the others in
    their order, each column of ``TWINS`` followed by its Chinese twin."""
    order = [header.index(key) for key in FRONT if key in header]
    order += [i for i in range(len(header)) if i not in order]
    columns = []
    for i in order:
        columns.append(Column(header[i], i))
        if header[i] in TWINS:
            key, names = TWINS[header[i]]
            columns.append(Column(key, i, names))
    return columns


def write_xlsx(outdir: Path, sheets: list[tuple[str, Path]]) -> None:
    """The CSVs as sheets of one workbook (openpyxl, an optional extra), and the ``labels`` sheet."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise RuntimeError("writing report.xlsx needs openpyxl: pip install 'report-extract[xlsx]'") from None
    paths = dict(sheets)
    flagged = _problems_by_report(paths["problems"]) if "problems" in paths else {}
    fields = labels_of_fields()
    book = Workbook(write_only=True)
    seen: dict[str, list[str]] = {}  # every column key -> the sheets it is in
    for name, path in sheets:
        keys = _sheet(book, name, partial(_csv_rows, path), fields, flagged if name == "wide" else None)
        for key in keys:
            seen.setdefault(key, []).append(name)
    for key in LABELS_COLUMNS:  # the labels sheet names its own columns too
        seen.setdefault(key, []).append(LABELS_SHEET)
    labels = [list(LABELS_COLUMNS)] + [[key, chinese_name(key, fields), ", ".join(names)] for key, names in seen.items()]
    _sheet(book, LABELS_SHEET, lambda: iter(labels), fields, None)
    buffer = io.BytesIO()
    book.save(buffer)
    files.write_bytes(outdir / "report.xlsx", buffer.getvalue())


def writable_text(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """``text`` as an XLSX cell holds it: each character a cell cannot hold as a ``\\xNN`` escape
    (``\\uFFFE`` for the two non-characters), and text over ``limit`` UTF-16 code units cut to fit
    with ``CUT_MARKER`` (its length in all, as written) at its end."""
    total = len(text)
    text = _UNWRITABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if m.group() < "\x80" else f"\\u{ord(m.group()):04X}",
                           text)
    if len(text) <= limit // 2 or _utf16_length(text) <= limit:
        return text
    marker = CUT_MARKER.format(total=total)
    units = text.encode("utf-16-le", "surrogatepass")[:2 * (limit - len(marker))]
    return units.decode("utf-16-le", "ignore") + marker  # "ignore": a character beyond the BMP cut in half


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _problems_by_report(path: Path) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for row in _records(path):
        # a problem a reviewer set aside (误报, 已更正) marks no cell
        if row.get("table") and row.get("row") and row.get("verdict") not in SET_ASIDE:
            found.setdefault(row["path"], []).append(row)
    return found


def _records(path: Path) -> Iterator[dict]:
    rows = _csv_rows(path)
    header = next(rows, [])
    return (dict(zip(header, values)) for values in rows)


def _csv_rows(path: Path) -> Iterator[list[str]]:
    """The rows of one of our CSVs, its header first."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from read_back_csv(handle)


def _widths(rows: Iterator[list[str]], columns: list[Column]) -> list[int]:
    widths = [8] * len(columns)
    for i, row in enumerate(rows):
        if i > 2000:  # enough to fit; a long sheet is not read twice in full
            break
        for c, column in enumerate(columns):
            if column.source < len(row):
                value = row[column.source]
                shown = column.names.get(value, value) if column.names else value
                widths[c] = max(widths[c], min(MAX_WIDTH, _display_width(shown) + 2))
    return widths


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _sheet(book, name: str, rows: Callable[[], Iterator[list[str]]], fields: dict[str, str],
           flagged: dict | None) -> list[str]:
    """One sheet from ``rows()`` (its header first, as a CSV gives them); returns its column keys."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(name)
    new = partial(WriteOnlyCell, sheet)
    reader = rows()
    header = next(reader, [])
    columns = columns_of(header)
    keys = [column.key for column in columns]
    numeric = [column.names is None and (column.key in NUMERIC_COLUMNS or column.key in fields) for column in columns]
    for c, width in enumerate(_widths(rows(), columns), 1):
        label_width = _display_width(chinese_name(keys[c - 1], fields)) + 2
        sheet.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, max(width, label_width))
    frozen = sum(1 for key in keys[:len(FRONT)] if key in FRONT)
    sheet.freeze_panes = f"{get_column_letter(frozen + 1)}2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"
    bold = Font(bold=True)
    heads = []
    for key in keys:
        cell = _styled(_cell(new, key), font=bold)
        if chinese_name(key, fields):
            cell.comment = Comment(chinese_name(key, fields), "report-extract")
        heads.append(cell)
    sheet.append(heads)
    index = {key: i for i, key in enumerate(keys)}
    fills = {s: PatternFill("solid", fgColor=color) for s, color in SEVERITY_FILL.items()}
    path_at = header.index("path") if "path" in header else None
    for row in reader:
        try:
            cells = [_cell(new, _value(row, column), number) for column, number in zip(columns, numeric)]
            path = row[path_at] if path_at is not None and path_at < len(row) else None
            for i, (severity, messages) in (_marks(path, index, flagged) if flagged else {}).items():
                cells[i].fill = fills.get(severity, fills["warning"])
                note = writable_text("\n".join(messages), MAX_COMMENT_CHARS)
                cells[i].comment = Comment(note, "report-extract")
        except Exception as exc:  # a row we cannot write must not cost the workbook: say so in it
            cells = [_cell(new, row[0] if row else ""),
                     _cell(new, f"this row could not be written ({type(exc).__name__}: {exc})")]
        sheet.append(cells)
    return keys


def _value(row: list[str], column: Column) -> str:
    value = row[column.source] if column.source < len(row) else ""
    return column.names.get(value, value) if column.names else value


def _cell(new, value: str, numeric: bool = False):
    """A cell (``new(value=…)``: a WriteOnlyCell of the sheet) from a CSV field: empty as empty; in
    a ``numeric`` column a number as a number (what a spreadsheet sums); any other text, 'nan' and
    '=…' included, as a string cell, never a formula."""
    if value == "":
        return new(value=None)
    if numeric and _NUMBER.fullmatch(value):
        return new(value=float(value) if "." in value or "e" in value.lower() else int(value))
    cell = new(value=writable_text(value))
    cell.data_type = "s"  # openpyxl makes text starting with '=' a formula, and '#N/A' an error
    return cell


def _styled(cell, font=None):
    if font is not None:
        cell.font = font
    return cell


def _marks(path: str | None, index: dict[str, int], flagged: dict) -> dict[int, tuple[str, list[str]]]:
    """Column index -> (worst severity, messages in Chinese) of the problems about this report's cells."""
    marks: dict[int, tuple[str, list[str]]] = {}
    rank = {"error": 0, "warning": 1, "info": 2}
    for problem in flagged.get(path, []) if path is not None else []:
        prefix = f"{problem['table']}.{problem['row']}."
        if problem.get("column"):
            columns = [index.get(prefix + problem["column"])]
        else:
            columns = [i for key, i in index.items() if key.startswith(prefix)]
        text = f"[{problem['code']}] {problem.get('message_zh') or problem['message']}"
        for i in columns:
            if i is None:
                continue
            severity, messages = marks.get(i, (problem["severity"], []))
            if rank.get(problem["severity"], 3) < rank.get(severity, 3):
                severity = problem["severity"]
            marks[i] = (severity, messages + [text])
    return marks


# a number as our CSVs write one: digits (15 at most, what a spreadsheet keeps), a fraction, an exponent
_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d+)?(?:[eE][-+]?\d+)?")
