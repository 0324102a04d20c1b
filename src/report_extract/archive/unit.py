"""The unit of work for one input, wherever it runs (a local worker process, a Dask worker's child):
``work`` takes the input's bytes and gives back a ``Done``: its summary line, the text of its result
file and, with ``--html``, its page. The summary carries (under ``data``) what the cross-year checks
and the sheets need of the result, its sheet rows already written as CSV text, so the parent never
parses a result file again. Also the summary line of an input that failed (``failure``) and of a
result that is reused (``summary_of``), and the sheets' columns those rows follow.

Reads and writes no file: bytes in, text out. Knows no executor and no output folder.
"""

from __future__ import annotations

import csv
import io
import time
from typing import NamedTuple

from .. import crossyear, guard, limits
from ..guard import printable
from ..review import apply, carries_review
from ..status import FAILED, NOT_A_REPORT, set_aside, status_of, tally
from ..writers import WIDE_META, csv_cell, wide_columns

SUMMARY_COLUMNS = ("path", "status", "template", "organization", "body", "year", "errors", "warnings", "infos", "error",
                   "ocr_pages", "seconds")  # ocr_pages: how many pages were read by OCR (empty: none)
# provenance: read, or corrected by a reviewer (then read_value: the value as read, and the reason)
LONG_COLUMNS = ("path", "organization", "body", "year", "field", "value", "provenance", "read_value", "reason")
PROBLEM_COLUMNS = ("path", "organization", "body", "year", "code", "severity", "table", "row", "column", "page",
                   "expected", "found", "label", "message", "message_zh", "id", "verdict", "verdict_note")


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
    from ..errors import NotAReport, ReportError
    from ..pipeline import extract
    from ..writers import as_data, to_json, to_yaml

    try:
        report = extract(path, data, sha256=digest, ocr=ocr, on_ocr_page=on_ocr_page)
    except NotAReport as exc:
        return Done(failure(path, exc.reason, start, status=NOT_A_REPORT), None, None)
    except ReportError as exc:
        return Done(failure(path, exc.reason, start), None, None)
    except MemoryError:
        return Done(failure(path, guard.memory_error().reason, start), None, None)
    except RecursionError:
        return Done(failure(path, limits.NESTING.error("nested too deeply to read").reason, start), None, None)
    except Exception as exc:  # a bug of ours: recorded, the batch goes on
        return Done(failure(path, f"internal error ({type(exc).__name__}: {exc})", start), None, None)
    if decisions is not None and (decisions.verdicts or decisions.corrections):
        report = apply(report, decisions)
    text = to_json(report) + "\n" if fmt == "json" else to_yaml(report)
    return Done(summary_of(path, as_data(report), start), text, page_html(report) if page else None)


def reviewed(data: dict, decisions) -> dict | None:
    """A result (as its file holds it) with the current ``decisions`` applied (those of an earlier
    run undone first); None where that changes nothing, so an unreviewed result costs nothing."""
    if not (decisions.verdicts or decisions.corrections) and not carries_review(data):
        return None
    from ..model import Report
    from ..writers import as_data

    fresh = as_data(apply(Report.model_validate(data), decisions))
    return None if fresh == data else fresh


def page_html(result) -> str:
    """The page of a result (``batch --html``), from the report or its data read back."""
    from ..model import Report
    from ..views.html import report_page

    return report_page(result if isinstance(result, Report) else Report.model_validate(result))


def failure(path: str, reason: str, start: float | None = None, status: str = FAILED) -> dict:
    """The summary line of an input that was not read (FAILED, or NOT_A_REPORT): ``reason`` in its
    error column; its seconds since ``start`` (a ``time.perf_counter()``), 0.0 without one."""
    return {"path": printable(path), "status": status, "template": None, "organization": None, "body": None,
            "year": None, "errors": None, "warnings": None, "infos": None, "error": reason,
            "seconds": round(time.perf_counter() - start, 3) if start is not None else 0.0}


def summary_of(path: str, data: dict, start: float) -> dict:
    """The summary line of a result (``data``: as its file holds it), and under ``data`` what the
    spreadsheets and the cross-year checks need of it (``spool.write_lines`` puts that aside)."""
    problems = data.get("problems", [])
    counts = tally(p["severity"] for p in problems if not set_aside(p.get("verdict")))
    info = data.get("report", {})
    flat = {f"{t}.{r}.{c}": v for t, rows in data.get("tables", {}).items() for r, cols in rows.items()
            for c, v in cols.items()}
    summary = {"path": printable(path), "status": status_of(counts), "template": info.get("template"),
               "organization": info.get("organization"), "body": info.get("body"), "year": info.get("year"),
               "errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"], "error": ""}
    rows = sheet_rows(summary, flat, problems, data.get("provenance") or {})
    summary["seconds"] = round(time.perf_counter() - start, 3)
    summary["sha256"] = (data.get("source") or {}).get("sha256")  # which decisions are about it
    summary["ocr_pages"] = len(data.get("source", {}).get("ocr_pages") or []) or None
    summary["data"] = {"essentials": crossyear.essentials(data), "codes": sorted({p["code"] for p in problems}),
                       "rows": rows}
    return summary


_SHEET_COLUMNS: dict[str, list[str]] = {}  # wide_columns() once a process, and its fields


def sheet_rows(summary: dict, flat: dict, problems: list[dict], provenance: dict | None = None) -> dict[str, str]:
    """An input's rows of wide.csv, long.csv and problems.csv (but for the cross-year ones) as CSV
    text, made where the input was read, in parallel: the parent only copies them into the sheets."""
    if not _SHEET_COLUMNS:
        wide = wide_columns()
        _SHEET_COLUMNS.update(wide=wide, fields=wide[len(WIDE_META):])
    meta = {"path": summary["path"], "organization": summary["organization"], "body": summary["body"],
            "year": summary["year"], "template": summary["template"]}
    counts = {k: summary[k] for k in ("status", "errors", "warnings", "infos")}  # wide rows carry them
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def text(rows) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([[csv_cell(v) for v in row] for row in rows])
        return buffer.getvalue()

    wide_row = {**meta, **counts, **flat}
    return {"wide": text([[wide_row.get(c) for c in _SHEET_COLUMNS["wide"]]]),
            "long": text([meta["path"], meta["organization"], meta["body"], meta["year"], key, flat[key],
                          *_corrected((provenance or {}).get(key))]
                         for key in _SHEET_COLUMNS["fields"] if key in flat),
            "problems": text(problem_row(meta, p) for p in problems if p["code"] not in crossyear.CROSS_YEAR_CODES)}


def problem_row(meta: dict, problem: dict) -> list:
    """A problem's row of problems.csv (``problem``: as its result holds it), its verdict flattened."""
    verdict = problem.get("verdict") or {}
    row = {**meta, **problem, "verdict": verdict.get("verdict"), "verdict_note": verdict.get("note")}
    return [row.get(c) for c in PROBLEM_COLUMNS]


def _corrected(provenance: dict | None) -> tuple:
    """A value's provenance, read value and reason in long.csv: ("read", None, None), or
    ("corrected", the value as read, the reviewer's reason)."""
    fix = (provenance or {}).get("corrected")
    return ("corrected", fix.get("read"), fix.get("reason")) if fix else ("read", None, None)
