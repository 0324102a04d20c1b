"""The unit of work for one input, wherever it runs (a local worker process, a Dask worker's child):
``work`` takes the input's bytes and gives back a ``Done``: its summary line, the text of its result
file and, with ``--html``, its page. The summary carries (under ``data``) what the cross-year checks
and the sheets need of the result, its sheet rows already written as CSV text, so the parent never
parses a result file again; and what report.sqlite holds of it (``record_of``). Also the summary line of an input that failed (``failure``) and of a
result that is reused (``summary_of``), and the sheets' columns those rows follow.

Reads and writes no file: bytes in, text out. Knows no executor and no output folder.
"""

from __future__ import annotations

import csv
import io
import time
from typing import NamedTuple

from .. import crossyear, guard
from ..errors import NotAReport, ReportError
from ..guard import printable
from ..problems import counts, kind_of
from ..review import apply, carries_review
from ..status import COUNTS, FAILED, NOT_A_REPORT, status_of
from ..writers import WIDE_META, csv_cell, wide_columns

# ocr_pages: how many pages were read by OCR (empty: none); duplicate_of and copies: the same body and
# year in several files (archive.duplicates), filled once the run is finished; error_code and
# error_zh: why an input failed as a code of reasons.REASONS and in Chinese. Columns added later
# come last, so that a column keeps its place for a script that reads them by position.
SUMMARY_COLUMNS = ("path", "status", "template", "organization", "body", "year", "errors", "warnings", "infos", "error",
                   "error_code", "error_zh", "ocr_pages", "seconds", *COUNTS[3:], "duplicate_of", "copies")
# provenance: read, or corrected by a reviewer (then read_value: the value as read, and the reason)
LONG_COLUMNS = ("path", "organization", "body", "year", "field", "value", "provenance", "read_value", "reason")
PROBLEM_COLUMNS = ("path", "organization", "body", "year", "code", "severity", "table", "row", "column", "page",
                   "expected", "found", "label", "message", "message_zh", "kind", "limited_cells", "id", "verdict",
                   "verdict_note")


class Done(NamedTuple):
    """What one input gives back: its summary line, its result file's text and its page (None when
    it failed, or no page was asked for)."""

    summary: dict
    text: str | None
    page: str | None


def work(path: str, data: bytes, digest: str, fmt: str, start: float, page: bool = False, ocr: str = "auto",
         on_ocr_page=None, decisions=None) -> Done:
    """One input's bytes in, its ``Done`` out. ``on_ocr_page()`` is called as OCR starts on each
    page (a worker tells whoever holds its deadline); ``decisions``: a reviewer's about this input
    (``review.Decisions``), applied to the report before anything is written of it."""
    guard.fault_injection(path)
    from ..pipeline import extract
    from ..writers import as_data, to_json, to_yaml

    try:
        report = extract(path, data, sha256=digest, ocr=ocr, on_ocr_page=on_ocr_page)
    except NotAReport as exc:
        return Done(failure(path, exc, start, status=NOT_A_REPORT), None, None)
    except ReportError as exc:
        return Done(failure(path, exc, start), None, None)
    except MemoryError:
        return Done(failure(path, guard.memory_error(), start), None, None)
    except RecursionError:
        return Done(failure(path, guard.nesting_error(), start), None, None)
    except Exception as exc:  # a bug of ours: recorded, the batch goes on
        return Done(failure(path, ReportError("internal", path, detail=f"{type(exc).__name__}: {exc}"), start),
                    None, None)
    if decisions is not None and (decisions.verdicts or decisions.corrections):
        report = apply(report, decisions)
    text = to_json(report) + "\n" if fmt == "json" else to_yaml(report)
    return Done(summary_of(path, as_data(report), start), text, page_html(report, data) if page else None)


def reviewed(data: dict, decisions) -> dict | None:
    """A result (as its file holds it) with the current ``decisions`` applied (those of an earlier
    run undone first); None where that changes nothing, so an unreviewed result costs nothing."""
    if not (decisions.verdicts or decisions.corrections) and not carries_review(data):
        return None
    from ..model import Report
    from ..writers import as_data

    fresh = as_data(apply(Report.model_validate(data), decisions))
    return None if fresh == data else fresh


def page_html(result, source=None) -> str:
    """The page of a result (``batch --html``), from the report or its data read back; ``source``:
    the input's bytes, or a function that reads them, for the crops of the scan beside its
    doubtful OCR cells (``crops.cut``; None: no crops, and no note)."""
    from ..crops import attach
    from ..model import Report
    from ..views.html import report_page

    report = result if isinstance(result, Report) else Report.model_validate(result)
    if source is not None:
        attach(report, source)
    return report_page(report)


def failure(path: str, error, start: float | None = None, status: str = FAILED) -> dict:
    """The summary line of an input that was not read (FAILED, or NOT_A_REPORT): why (``error``, a
    ReportError or an OutputError) in its error columns, in English, as a code and in Chinese; its
    seconds since ``start`` (a ``time.perf_counter()``), 0.0 without one."""
    return {"path": printable(path), "status": status, "template": None, "organization": None, "body": None,
            "year": None, **dict.fromkeys(COUNTS), "error": error.reason,
            "error_code": error.code, "error_zh": error.reason_zh,
            "seconds": round(time.perf_counter() - start, 3) if start is not None else 0.0}


def summary_of(path: str, data: dict, start: float) -> dict:
    """The summary line of a result (``data``: as its file holds it), and under ``data`` what the
    spreadsheets and the cross-year checks need of it (``spool.write_lines`` puts that aside)."""
    problems = data.get("problems", [])
    counted = counts(problems)  # a problem a reviewer set aside counts nowhere (problems.counts)
    info = data.get("report", {})
    flat = {f"{t}.{r}.{c}": v for t, rows in data.get("tables", {}).items() for r, cols in rows.items()
            for c, v in cols.items()}
    summary = {"path": printable(path), "status": status_of(counted), "template": info.get("template"),
               "organization": info.get("organization"), "body": info.get("body"), "year": info.get("year"),
               **counted, "error": "", "error_code": "", "error_zh": ""}
    rows = sheet_rows(summary, flat, problems, data.get("provenance") or {})
    summary["seconds"] = round(time.perf_counter() - start, 3)
    summary["sha256"] = (data.get("source") or {}).get("sha256")  # which decisions are about it
    summary["ocr_pages"] = len(data.get("source", {}).get("ocr_pages") or []) or None
    summary["data"] = {"essentials": crossyear.essentials(data), "codes": sorted({p["code"] for p in problems}),
                       "rows": rows, "record": record_of(data, flat)}
    return summary


_SHEET_COLUMNS: dict[str, list[str]] = {}  # wide_columns() once a process, and its fields


def _columns() -> dict[str, list[str]]:
    if not _SHEET_COLUMNS:
        wide = wide_columns()
        _SHEET_COLUMNS.update(wide=wide, fields=wide[len(WIDE_META):])
    return _SHEET_COLUMNS


def record_of(data: dict, flat: dict) -> dict:
    """What report.sqlite holds of a result beyond its summary line (``archive.database``), as
    values, never CSV text: its source and title, its cells (the long sheet's rows, in its order)
    each with the cell and row label as written, its page and unit, its provenance, read value and
    reason (``corrected``), its problems (with their ids and verdicts) but the cross-year
    ones, its sections. Made where the input was read, like the sheet rows."""
    source, info = data.get("source", {}), data.get("report", {})
    provenance, units = data.get("provenance", {}), info.get("units", {})
    cells = []
    for key in _columns()["fields"]:
        if key in flat:
            written = provenance.get(key) or {}
            cells.append([key, flat[key], written.get("raw"), written.get("label"), written.get("page"),
                          units.get(key), *corrected(written)])
    return {"sha256": source.get("sha256"), "format": source.get("format"), "pages": source.get("pages"),
            "title": info.get("title"), "published": info.get("published"), "cells": cells,
            "problems": [p for p in data.get("problems", []) if p["code"] not in crossyear.CROSS_YEAR_CODES],
            "sections": [[s.get("number"), s.get("key"), s.get("heading"), s.get("text"), s.get("page")]
                         for s in data.get("sections", [])]}


def sheet_rows(summary: dict, flat: dict, problems: list[dict], provenance: dict | None = None) -> dict[str, str]:
    """An input's rows of wide.csv, long.csv and problems.csv (but for the cross-year ones) as CSV
    text, made where the input was read, in parallel: the parent only copies them into the sheets."""
    columns = _columns()
    meta = {"path": summary["path"], "organization": summary["organization"], "body": summary["body"],
            "year": summary["year"], "template": summary["template"]}
    counted = {k: summary[k] for k in ("status", *COUNTS)}  # wide rows carry them
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def text(rows) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([[csv_cell(v) for v in row] for row in rows])
        return buffer.getvalue()

    wide_row = {**meta, **counted, **flat}
    return {"wide": text([[wide_row.get(c) for c in columns["wide"]]]),
            "long": text([meta["path"], meta["organization"], meta["body"], meta["year"], key, flat[key],
                          *corrected((provenance or {}).get(key))]
                         for key in columns["fields"] if key in flat),
            "problems": text(problem_row(meta, p) for p in problems if p["code"] not in crossyear.CROSS_YEAR_CODES)}


def problem_row(meta: dict, problem: dict) -> list:
    """A problem's row of problems.csv (``problem``: as its result holds it): its kind (its code's,
    for a result written before kinds), its verdict flattened."""
    verdict = problem.get("verdict") or {}
    row = {**meta, **problem, "kind": kind_of(problem), "verdict": verdict.get("verdict"),
           "verdict_note": verdict.get("note")}
    return [row.get(c) for c in PROBLEM_COLUMNS]


def corrected(provenance: dict | None) -> tuple:
    """A value's provenance, read value and reason (long.csv, report.sqlite's cells): ("read", None,
    None), or ("corrected", the value as read, the reviewer's reason)."""
    fix = (provenance or {}).get("corrected")
    return ("corrected", fix.get("read"), fix.get("reason")) if fix else ("read", None, None)
