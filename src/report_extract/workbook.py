"""report.xlsx: the batch's CSV sheets as one workbook a person can work in.

Each sheet has its header frozen with a second header row of Chinese labels under the keys, an
autofilter, column widths fitted to their content (bounded), numbers as numbers; in ``wide`` every
cell a problem points at is filled and carries the problem's message as a comment (a problem about
a whole row marks that row's cells). Written with openpyxl's streaming writer, so a large archive
needs little memory; problems are grouped by report first (one pass over problems.csv).

Every cell can be written, whatever the reports hold (``writable_text``): text is always a string
cell (data type ``s``), never a formula, whatever it starts with; characters an XLSX cell cannot
hold become ``\\xNN`` escapes; text over Excel's 32,767 characters is cut and ends in a marker. A
row that still cannot be written is replaced by its first cell and the reason, so one bad report
never costs the workbook.
"""

from __future__ import annotations

import io
import re
from functools import partial
from pathlib import Path

from . import files
from .status import SET_ASIDE
from .writers import read_back_csv

CHINESE = {
    "path": "文件", "status": "状态", "template": "模板", "organization": "机关", "year": "年度",
    "errors": "错误数", "warnings": "警告数", "infos": "提示数", "error": "无法读取的原因", "seconds": "耗时(秒)",
    "field": "字段", "value": "数值", "code": "问题代码", "severity": "严重程度", "table": "表", "row": "行",
    "column": "列", "page": "页码", "expected": "应为", "found": "实为", "label": "行标签（原文）",
    "message": "说明", "id": "问题编号", "verdict": "审核结论", "verdict_note": "审核说明", "provenance": "来源",
    "read_value": "原读数", "reason": "更正理由",
}
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


def write_xlsx(outdir: Path, sheets: list[tuple[str, Path]]) -> None:
    """The CSVs as sheets of one workbook (openpyxl, an optional extra)."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise RuntimeError("writing report.xlsx needs openpyxl: pip install 'report-extract[xlsx]'") from None
    paths = dict(sheets)
    flagged = _problems_by_report(paths["problems"]) if "problems" in paths else {}
    fields = labels_of_fields()
    book = Workbook(write_only=True)
    for name, path in sheets:
        _sheet(book, name, path, fields, flagged if name == "wide" else None)
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
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = read_back_csv(handle)
        header = next(reader, [])
        for row in (dict(zip(header, values)) for values in reader):
            # a problem a reviewer set aside (误报, 已更正) marks no cell
            if row.get("table") and row.get("row") and row.get("verdict") not in SET_ASIDE:
                found.setdefault(row["path"], []).append(row)
    return found


def _widths(path: Path, columns: int) -> list[int]:
    widths = [8] * columns
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for i, row in enumerate(read_back_csv(handle)):
            if i > 2000:  # enough to fit; a long sheet is not read twice in full
                break
            for c, value in enumerate(row[:columns]):
                widths[c] = max(widths[c], min(MAX_WIDTH, _display_width(value) + 2))
    return widths


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _sheet(book, name: str, path: Path, fields: dict[str, str], flagged: dict | None) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(name)
    new = partial(WriteOnlyCell, sheet)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = next(read_back_csv(handle), [])
    widths = _widths(path, len(header))
    chinese = [CHINESE.get(c) or fields.get(c, "") for c in header]
    for c, width in enumerate(widths, 1):
        label_width = _display_width(chinese[c - 1]) + 2
        sheet.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, max(width, label_width))
    sheet.freeze_panes = "B3" if name == "wide" else "A3"
    if header:
        sheet.auto_filter.ref = f"A2:{get_column_letter(len(header))}2"
    bold = Font(bold=True)
    sheet.append([_styled(_cell(new, v), font=bold) for v in header])
    sheet.append([_styled(_cell(new, v), font=bold) for v in chinese])
    index = {key: i for i, key in enumerate(header)}
    fills = {s: PatternFill("solid", fgColor=color) for s, color in SEVERITY_FILL.items()}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = read_back_csv(handle)
        next(reader, None)
        for row in reader:
            try:
                cells = [_cell(new, v) for v in row]
                for i, (severity, messages) in (_marks(row, index, flagged) if flagged else {}).items():
                    if i < len(cells):
                        cells[i].fill = fills.get(severity, fills["warning"])
                        note = writable_text("\n".join(messages), MAX_COMMENT_CHARS)
                        cells[i].comment = Comment(note, "report-extract")
            except Exception as exc:  # a row we cannot write must not cost the workbook: say so in it
                cells = [_cell(new, row[0] if row else ""),
                         _cell(new, f"this row could not be written ({type(exc).__name__}: {exc})")]
            sheet.append(cells)


def _cell(new, value: str):
    """A cell (``new(value=…)``: a WriteOnlyCell of the sheet) from a CSV field: empty as empty; a
    number as a number (what a spreadsheet sums); any other text, 'nan' and '=…' included, as a
    string cell, never a formula."""
    if value == "":
        return new(value=None)
    if _NUMBER.fullmatch(value):
        return new(value=float(value) if "." in value else int(value))
    cell = new(value=writable_text(value))
    cell.data_type = "s"  # openpyxl makes text starting with '=' a formula, and '#N/A' an error
    return cell


def _styled(cell, font=None):
    if font is not None:
        cell.font = font
    return cell


def _marks(row: list[str], index: dict[str, int], flagged: dict) -> dict[int, tuple[str, list[str]]]:
    """Column index -> (worst severity, messages) of the problems about this report's cells."""
    problems = flagged.get(row[index["path"]], []) if "path" in index else []
    marks: dict[int, tuple[str, list[str]]] = {}
    rank = {"error": 0, "warning": 1, "info": 2}
    for problem in problems:
        prefix = f"{problem['table']}.{problem['row']}."
        if problem.get("column"):
            columns = [index.get(prefix + problem["column"])]
        else:
            columns = [i for key, i in index.items() if key.startswith(prefix)]
        text = f"[{problem['code']}] {problem['message']}"
        for i in columns:
            if i is None:
                continue
            severity, messages = marks.get(i, (problem["severity"], []))
            if rank.get(problem["severity"], 3) < rank.get(severity, 3):
                severity = problem["severity"]
            marks[i] = (severity, messages + [text])
    return marks


_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d+)?")
