"""Writers: JSON, JSON lines, YAML and the wide CSV row, and the one rule for a CSV cell
(``csv_cell``) that every CSV the tool writes follows. Files are written by ``files.py``."""

from __future__ import annotations

import csv
import io
import json
import re
from numbers import Number

from .model import Report
from .problems import counts
from .status import COUNTS, status_of

# then every canonical flat key; status and problem counts (status.COUNTS) so a sheet can be filtered on
# them; duplicate_of: in a batch, the file of the same body and year whose reading is used instead
WIDE_META = ("path", "organization", "body", "year", "template", "status", *COUNTS, "duplicate_of")
# Text starting with one of these is a formula (or DDE) to Excel and LibreOffice: OWASP "CSV Injection"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")  # "-18" as text is a number to a spreadsheet, not a formula
# Our own CSVs hold any field a report gave (a label of 200,000 characters): csv's default of
# 131,072 characters a field is no limit when they are read back (the workbook, --bodies)
CSV_FIELD_LIMIT = 2**31 - 1


def csv_cell(value):
    """``value`` as one CSV cell: None is empty; numbers (and text that is only a number, "-18")
    as they are; text starting with = + - @, a tab or a carriage return gets a leading single quote
    (the OWASP "CSV Injection" guidance), so that Excel or LibreOffice show it and never run it."""
    if value is None:
        return ""
    if isinstance(value, Number):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def as_data(report: Report) -> dict:
    return report.model_dump(mode="json")


def to_json(report: Report, indent: int | None = 2) -> str:
    return json.dumps(as_data(report), ensure_ascii=False, indent=indent)


def to_yaml(report: Report) -> str:
    import yaml

    return yaml.safe_dump(as_data(report), allow_unicode=True, sort_keys=False)


def wide_columns() -> list[str]:
    """The columns of a wide row, the same for `extract -f csv` and batch's wide.csv."""
    from .templates import iter_fields

    return list(WIDE_META) + [f["field"] for f in iter_fields()]


def wide_row(report: Report) -> dict:
    """One report as one spreadsheet row: metadata and every flat key (empty where absent)."""
    counted = counts(report.problems)  # a problem a reviewer set aside counts nowhere (problems.counts)
    row = {"path": report.source.path, "organization": report.report.organization, "body": report.report.body,
           "year": report.report.year, "template": report.report.template, "status": status_of(counted), **counted}
    row.update(report.flat())
    return row


def read_back_csv(lines):
    """``csv.reader`` over a CSV we wrote, with no limit on a field's length."""
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    return csv.reader(lines)


def csv_text(columns: list[str], rows: list[dict]) -> str:
    """CSV with a BOM, so that Excel shows the Chinese; each cell by ``csv_cell``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return "\ufeff" + buffer.getvalue()


def to_csv(reports: list[Report]) -> str:
    return csv_text(wide_columns(), [wide_row(r) for r in reports])


def render(reports: list[Report], fmt: str, several: bool = False) -> str:
    """The text of ``reports``. Shapes are stable: json is one document for one input and one
    array for ``several`` inputs (however many could be read); jsonl is always one object a line."""
    if fmt == "csv":
        return to_csv(reports)
    if fmt == "html":
        from .views.html import reports_page

        return reports_page(reports)
    if fmt == "jsonl":
        return "".join(to_json(r, indent=None) + "\n" for r in reports)
    if fmt == "yaml":
        return "---\n".join(to_yaml(r) for r in reports)
    if several or len(reports) > 1:
        return "[\n" + ",\n".join(to_json(r) for r in reports) + "\n]\n"
    return "".join(to_json(r) + "\n" for r in reports)

