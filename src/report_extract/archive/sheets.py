"""The sheets of a finished run: summary.csv, wide.csv, long.csv and problems.csv (UTF-8 with a BOM),
and report.xlsx on request (``workbook``), in input order. Each input's rows were written as CSV
text where it was read (``unit.sheet_rows``); here they are copied from the spool, with the
cross-year problems, the body ``--bodies`` settles and a duplicate's ``duplicate_of`` added.

Reads the spool only; writes each sheet atomically (``files.AtomicFile``), every cell by ``csv_cell``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .. import files
from ..guard import printable
from ..writers import csv_cell, read_back_csv, wide_columns
from .spool import Finished
from .unit import LONG_COLUMNS, PROBLEM_COLUMNS, SUMMARY_COLUMNS, problem_row

SHEETS = ("summary", "wide", "long", "problems")  # in this order in report.xlsx


def write(finished: Finished) -> None:
    """The four CSV sheets into the output folder, and report.xlsx with ``--xlsx``."""
    outdir = finished.options.outdir
    sheets: dict[str, _CsvSheet] = {}
    try:
        for name, columns in zip(SHEETS, (SUMMARY_COLUMNS, wide_columns(), LONG_COLUMNS, PROBLEM_COLUMNS)):
            sheets[name] = _CsvSheet(outdir / f"{name}.csv", columns)
        _fill(sheets, finished)
        for sheet in sheets.values():
            sheet.close()
    finally:  # a sheet not closed (an error, Ctrl-C) leaves no temporary file; a closed one is kept
        for sheet in sheets.values():
            sheet.discard()
    if finished.options.xlsx:
        from ..workbook import write_xlsx

        write_xlsx(outdir, [(name, sheets[name].path) for name in SHEETS])


def _fill(sheets: dict, finished: Finished) -> None:
    """Every input's rows into the open sheets, in input order."""
    bodies = finished.options.bodies
    for job, summary in finished.summaries():
        sheets["summary"].add(summary)
        rows = finished.spool.rows(job.index)
        if rows is None:
            continue
        for name in ("wide", "long", "problems"):  # made by the workers: copied here
            text = rows[name]
            settled = {"body": summary["body"]} if bodies else {}
            if name == "wide" and summary.get("duplicate_of"):  # known once every input is read
                settled["duplicate_of"] = summary["duplicate_of"]
            if settled and text:
                text = _with_cells(text, sheets[name].columns, settled)
            sheets[name].add_text(text)
        meta = {"path": printable(job.path), "organization": summary["organization"], "body": summary.get("body"),
                "year": summary["year"], "template": summary["template"]}
        for problem in finished.cross.get(job.index, []):
            sheets["problems"].add(dict(zip(PROBLEM_COLUMNS, problem_row(meta, problem))))
    for summary in finished.missing:
        sheets["summary"].add(summary)


def _with_cells(text: str, columns: list[str], settled: dict) -> str:
    """An input's sheet rows with the cells the parent settles (column -> value): the body by
    --bodies (the workers wrote the key the report gives), a wide row's duplicate_of."""
    at = {columns.index(column): value for column, value in settled.items()}
    rows = list(read_back_csv(io.StringIO(text)))
    for row in rows:
        for index, value in at.items():
            if len(row) > index:
                row[index] = csv_cell(value)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


class _CsvSheet:
    """A CSV written as rows come (files.AtomicFile: a temporary file of a unique name), put in
    place by ``close``, removed by ``discard``; each cell by ``csv_cell``."""

    def __init__(self, path: Path, columns):
        self.path, self.columns = path, list(columns)
        self.handle = files.AtomicFile(path)
        # the BOM by hand: the utf-8-sig codec encodes each write in Python, a long sheet has many
        self.handle.write("\ufeff")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(self.columns)

    def add(self, row: dict) -> None:
        self.writer.writerow([csv_cell(row.get(c)) for c in self.columns])

    def add_text(self, text: str) -> None:
        """Rows already written as CSV text with ``csv_cell`` (``unit.sheet_rows``, in a worker)."""
        self.handle.write(text)

    def close(self) -> None:
        self.handle.commit()

    def discard(self) -> None:
        self.handle.discard()
