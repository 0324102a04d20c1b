"""A worker's part of report.sqlite (``archive.database``): the rows of the inputs one worker (or
the Dask client) reads, put into a scratch SQLite file beside its spool file as each input is done,
so that SQLite's own work on them runs in parallel; the parent copies them into the database once
every input is done. Also the rows themselves (``rows_of``): what the database's tables hold of an
input's record (``unit.record_of``), from the part or from the spool line.

Knows no executor and no spool: a part is a file at a path.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from ..model import Problem
from ..problems import kind_of, problem_id
from ..review import VERDICTS_ZH
from ..status import KIND_ZH, SEVERITY_ZH

# the columns of ``problems`` after its id and report_id, and of ``sections`` after theirs: a part's
# rows and the parent's copies name them from here
PROBLEM_COLUMNS = ("problem_id", "code", "severity", "severity_zh", "kind", "kind_zh", "limited_cells", "message",
                   "message_zh", "table_key", "row_key", "column_key", "page", "expected", "found", "label", "verdict",
                   "verdict_zh", "verdict_note", "verdict_time")
SECTION_COLUMNS = ("number", "key", "heading", "text", "page")
CELL_COLUMNS = ("key", "table_key", "row_key", "column_key", "value", "raw", "label", "page", "unit", "provenance",
                "read_value", "reason")
SOURCE_COLUMNS = ("sha256", "format", "pages", "title", "published")  # a report row's columns from its record

# A part: the rows of the inputs one worker read, each table in the order they were put in (rowid),
# and for each input (``sources``) its report row's columns from its record and where its rows are
# (first rowid, count); ``complete`` gets its row when the worker ended normally.
SPANS = ("first_cell", "cells", "first_problem", "problems", "first_section", "sections")
PART_SCHEMA = f"""
CREATE TABLE sources (input INTEGER PRIMARY KEY, {", ".join(SOURCE_COLUMNS)}, {", ".join(SPANS)});
CREATE TABLE cells (input INTEGER NOT NULL, {", ".join(CELL_COLUMNS)});
CREATE TABLE problems (input INTEGER NOT NULL, {", ".join(PROBLEM_COLUMNS)});
CREATE TABLE sections (input INTEGER NOT NULL, {", ".join(SECTION_COLUMNS)});
CREATE TABLE complete (inputs INTEGER NOT NULL);
"""
ROW_TABLES = (("cells", CELL_COLUMNS), ("problems", PROBLEM_COLUMNS), ("sections", SECTION_COLUMNS))


def part_path(spool_file: str | os.PathLike) -> Path:
    """The part beside a spool file (``spool.Spool.new_file`` makes both)."""
    return Path(spool_file).with_suffix(".sqlite")


def uri(path: str | os.PathLike, mode: str) -> str:
    """An SQLite URI of a file, whatever its path holds (``?``, ``#``, ``%``, a leading ``//``, bytes
    that are not UTF-8: its bytes percent-encoded, after an empty authority)."""
    return "file://" + quote(os.fsencode(os.path.abspath(path))) + f"?mode={mode}"


class Part:
    """A worker's part of report.sqlite (see the module's docstring): ``add`` an input's record as
    it is read, ``close`` when the worker ends. A part that cannot be written (a full disk) is given
    up without a word: the parent reads those inputs' rows from the spool lines, as it does for a
    part whose worker was killed. Never journalled: a part is scratch, used only when complete."""

    def __init__(self, path: str | os.PathLike | None):
        self.added = 0
        self.next = dict.fromkeys(("cells", "problems", "sections"), 1)  # the rowid of each table's next row
        self.connection: sqlite3.Connection | None = None
        if path is None:  # none was made: no part
            return
        try:  # the empty file the parent made exclusively (``Spool.new_file``), one name for it, no link
            found = os.lstat(path)
            if not stat.S_ISREG(found.st_mode) or found.st_size or found.st_nlink != 1:
                return
            # mode=rw: SQLite opens the file that is there, never makes one where it went missing
            self.connection = sqlite3.connect(uri(path, "rw"), isolation_level=None, uri=True)
            self.connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + PART_SCHEMA)
            self.connection.execute("BEGIN")
        except (sqlite3.Error, OSError, ValueError):
            self._give_up()

    def add(self, index: int, record: dict) -> None:
        if self.connection is None:
            return
        try:
            spans = []
            for (table, columns), rows in zip(ROW_TABLES, rows_of(record)):
                first = self.next[table]
                self.connection.executemany(
                    f"INSERT INTO {table} (rowid, input, {', '.join(columns)}) VALUES ({marks(2 + len(columns))})",
                    [(first + k, index, *row) for k, row in enumerate(rows)])
                self.next[table] = first + len(rows)
                spans += [first, len(rows)]
            self.connection.execute(f"INSERT INTO sources VALUES ({marks(1 + len(SOURCE_COLUMNS) + len(SPANS))})",
                                    (index, *source_row(record), *spans))
            self.added += 1
        except Exception:  # a part only saves the parent work: whatever fails here, the spool lines are there
            self._give_up()

    def close(self, complete: bool = True) -> None:
        """Commit the rows; ``complete``: the worker ended normally, and the part says so (in a
        transaction of its own, after the rows: a worker killed while it commits leaves no mark)."""
        if self.connection is None:
            return
        try:
            self.connection.execute("COMMIT")
            if complete:
                self.connection.execute("INSERT INTO complete VALUES (?)", (self.added,))
        except sqlite3.Error:
            pass
        self._give_up()

    def _give_up(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except sqlite3.Error:
                pass
        self.connection = None


def rows_of(record: dict) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """A record's cells, problems and sections as the database's tables hold them (from their
    ``*_COLUMNS`` on); cells in the order of their key, as the table keeps them (a table that is
    appended to in key order is written at a third of the cost)."""
    return ([(key, *key.split("."), *rest) for key, *rest in sorted(record.get("cells", []))],
            problem_rows(record.get("problems", []), record),
            [tuple(section) for section in record.get("sections", [])])


def source_row(record: dict) -> tuple:
    return tuple(record.get(column) for column in SOURCE_COLUMNS)


def problem_rows(problems: list[dict], record: dict) -> list[tuple]:
    """Problems as ``problems`` holds them (from ``problem_id`` on); a result written before problems
    had ids is given theirs here."""
    digest = record.get("sha256") or ""
    return [(p.get("id") or problem_id(Problem.model_validate(p), digest), p["code"], p["severity"],
             SEVERITY_ZH.get(p["severity"]), kind_of(p), KIND_ZH.get(kind_of(p)), p.get("limited_cells"),
             p.get("message"), p.get("message_zh"), p.get("table"), p.get("row"), p.get("column"), p.get("page"),
             p.get("expected"), p.get("found"), p.get("label"), *_verdict(p)) for p in problems]


def _verdict(problem: dict) -> tuple:
    """A problem's verdict as ``problems`` holds it: verdict, verdict_zh, note, time (NULLs: none)."""
    verdict = problem.get("verdict") or {}
    return (verdict.get("verdict"), VERDICTS_ZH.get(verdict.get("verdict")), verdict.get("note"),
            verdict.get("time"))


def marks(count: int) -> str:
    """SQL's parameter marks for ``count`` values."""
    return ", ".join("?" * count)
