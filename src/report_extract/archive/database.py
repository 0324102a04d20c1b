"""report.sqlite: a finished run as one SQLite database an analyst can query (``sqlite3`` of the
standard library), beside the CSVs and the workbook, which stay. Tables: ``fields`` (the template's
keys and their Chinese labels), ``reports`` (one row an input, as summary.csv), ``cells`` (one row a
value, as long.csv, with the cell and row label as written, its page and unit, and a reviewer's
correction: provenance, the value as read, the reason), ``problems`` (as problems.csv: each
problem's stable ``id`` as ``problem_id``, its kind and a reviewer's verdict), ``sections``; indexes; the views
``long``, ``wide`` (a column a key, its SQL made from the key list) and ``report_problems``.
``docs/OUTPUT.md`` lists every column and the queries it answers.

Built whole on each run, in two steps. As it reads its inputs, each worker (and the Dask client)
puts their rows (``unit.record_of``) into a *part* of its own (``Part``: a scratch SQLite file
beside its spool file), so that the inserts, SQLite's own work, run in parallel; once every input
is done, the parent copies the parts' rows, numbered in summary.csv's order, with the cross-year
problems, into a temporary file beside the target that is renamed over it when complete
(``files.write_by_name``). A part whose worker did not end normally is not used: its inputs' rows
are read from their spool lines instead. A run killed while the database is written leaves the
old one; a rerun writes the same database, byte for byte, whichever worker read which input (the
rows go in in report order). Text is stored as text, as the reports give it (no spreadsheet
quote: a database runs no formula).

Reads the spool and the parts only; imports no executor and no view.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from .. import files
from ..guard import shown
from ..status import OK, PROBLEMS, READ_PARTLY, STATUS_ZH
from ..templates import iter_fields
from .part import (
    PROBLEM_COLUMNS,
    ROW_TABLES,
    SOURCE_COLUMNS,
    SPANS,
    marks,
    problem_rows,
    rows_of,
    source_row,
    uri,
)
from .spool import Finished

DATABASE_NAME = "report.sqlite"
DATABASE_VERSION = 1  # PRAGMA user_version: raised when a table or column changes meaning
WIDE_REPORT_COLUMNS = ("path", "organization", "body", "year", "template", "status", "errors", "warnings", "infos",
                       "report_errors", "reading_limits", "limited_cells", "duplicate_of")
# SQLite's primary result codes -> the errno of a failing disk (files.OutputError.disk stops the batch)
_DISK_ERRORS = {13: errno.ENOSPC, 10: errno.EIO, 8: errno.EROFS}  # SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY

SCHEMA = """
CREATE TABLE fields (
    key TEXT PRIMARY KEY,            -- table_key.row_key.column_key, a column of wide.csv
    table_key TEXT NOT NULL, row_key TEXT NOT NULL, column_key TEXT NOT NULL,
    kind TEXT,                       -- count, money, signed
    templates TEXT,                  -- the templates that have it: v2021, v2019
    table_label TEXT, row_label TEXT, column_label TEXT  -- the template's own words
);
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,          -- the row of summary.csv, 1 first (input order)
    path TEXT NOT NULL, sha256 TEXT, format TEXT, pages INTEGER, ocr_pages INTEGER,
    status TEXT NOT NULL, status_zh TEXT,
    template TEXT, organization TEXT, body TEXT, year INTEGER, title TEXT, published TEXT,
    errors INTEGER, warnings INTEGER, infos INTEGER,
    report_errors INTEGER,           -- errors of the report's own (kind report)
    reading_limits INTEGER,          -- errors of our reading (kind reading), and the cells they leave null
    limited_cells INTEGER,
    duplicate_of TEXT,               -- the path of the copy used, where the archive holds this report twice
    copies INTEGER,                  -- how many files hold this body and year
    error TEXT,                      -- why an input failed, in English
    error_code TEXT, error_zh TEXT   -- the same, as a code of reasons.REASONS and in Chinese
);
CREATE TABLE cells (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    key TEXT NOT NULL REFERENCES fields(key),
    table_key TEXT NOT NULL, row_key TEXT NOT NULL, column_key TEXT NOT NULL,
    value NUMERIC,                   -- NULL: the cell is blank; a reviewer's correction where one was made
    raw TEXT, label TEXT,            -- the cell and its row label as the report writes them
    page INTEGER, unit TEXT,
    provenance TEXT NOT NULL,        -- read, or corrected by a reviewer (review.json)
    read_value NUMERIC, reason TEXT, -- a corrected value: the value as read, the reviewer's reason
    PRIMARY KEY (report_id, key)
) WITHOUT ROWID;
CREATE TABLE problems (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    problem_id TEXT NOT NULL,        -- the problem's id in its result: the same problem keeps it across runs
    code TEXT NOT NULL, severity TEXT NOT NULL, severity_zh TEXT,
    kind TEXT, kind_zh TEXT,         -- report: the report breaks a rule; reading: we could not read it
    limited_cells INTEGER,           -- a reading limit: the value cells it leaves null
    message TEXT, message_zh TEXT,
    table_key TEXT, row_key TEXT, column_key TEXT, page INTEGER,
    expected NUMERIC, found NUMERIC, label TEXT,
    verdict TEXT, verdict_zh TEXT,   -- a reviewer's: confirmed, dismissed or fixed (NULL: none)
    verdict_note TEXT, verdict_time TEXT
);
CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    number INTEGER, key TEXT, heading TEXT, text TEXT, page INTEGER
);
"""
INDEXES = """
CREATE INDEX reports_body_year ON reports(body, year);
CREATE INDEX reports_organization_year ON reports(organization, year);
CREATE INDEX cells_key_value ON cells(key, value);
CREATE INDEX problems_report ON problems(report_id);
CREATE INDEX problems_code ON problems(code);
CREATE INDEX problems_problem_id ON problems(problem_id);
CREATE INDEX sections_report ON sections(report_id);
"""


# SQLite attaches at most 10 databases to a connection: the rows of inputs in parts beyond these
# (more than 10 workers, or workers replaced) are read from their spool lines
PARTS_AT_ONCE = 10


def write(finished: Finished) -> None:
    """report.sqlite in the output folder, from every finished input; files.OutputError when it
    cannot be written (a failing disk: ``.disk``, as any output's)."""
    target = finished.options.outdir / DATABASE_NAME
    try:
        files.write_by_name(target, lambda name: _build(name, finished))
    except sqlite3.Error as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        raise files.OutputError("database_failed", _DISK_ERRORS.get(code), output=shown(str(target)),
                                detail=str(exc)) from None


def views(keys: list[str]) -> str:
    """The views' SQL: ``long`` (long.csv's rows), ``report_problems`` (problems.csv's) and ``wide``
    (wide.csv's: a report a row, a column a key, made from ``keys``)."""
    per_key = ",\n    ".join(f"(SELECT value FROM cells WHERE report_id = r.id AND key = {_text(k)}) AS {_name(k)}"
                             for k in keys)
    report = ", ".join(f"r.{c}" for c in WIDE_REPORT_COLUMNS)
    return f"""
CREATE VIEW long AS
SELECT r.id AS report_id, r.path, r.organization, r.body, r.year, c.key AS field, c.value, c.provenance,
    c.read_value, c.reason
FROM cells c JOIN reports r ON r.id = c.report_id;
CREATE VIEW report_problems AS
SELECT r.path, r.organization, r.body, r.year, p.*
FROM problems p JOIN reports r ON r.id = p.report_id;
CREATE VIEW wide AS
SELECT r.id AS report_id, {report},
    {per_key}
FROM reports r WHERE r.status IN ({_text(OK)}, {_text(PROBLEMS)}, {_text(READ_PARTLY)});
"""


def _build(name: str, finished: Finished) -> None:
    """The whole database at ``name``, an empty file: no journal (the file is new and thrown away
    on any failure), one transaction, the indexes and views once the rows are in. Foreign keys are
    declared, not checked row by row: every row is made here from the template's keys and the
    report numbers given here (the tests run ``PRAGMA foreign_key_check``). The parts are attached
    (read-only) before the transaction: SQLite attaches none inside one."""
    connection = sqlite3.connect(name, isolation_level=None, uri=True)  # uri: a part is attached read-only
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        connection.execute(f"PRAGMA user_version = {DATABASE_VERSION}")
        connection.executescript(SCHEMA)
        used = {place.file for place in finished.spool.where.values()}
        parts = _attach_parts(connection, {file: finished.spool.part_of(file) for file in used})
        with _transaction(connection):
            keys = _fields(connection)
            _fill(connection, finished, parts)
        for schema in parts.values():
            connection.execute(f"DETACH DATABASE {schema}")
        connection.executescript(INDEXES + views(keys))
    finally:
        connection.close()


def _fields(connection: sqlite3.Connection) -> list[str]:
    rows = [(f["field"], *f["field"].split("."), f["kind"], ", ".join(f["templates"]), f["table"], f["row"],
             f["column"]) for f in iter_fields()]
    connection.executemany("INSERT INTO fields VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return [row[0] for row in rows]


def _fill(connection: sqlite3.Connection, finished: Finished, parts: dict[str, str]) -> None:
    """A report row an input, in summary.csv's order, each followed by its cells, problems (the
    cross-year ones last) and sections: copied from its part (``parts``: spool file -> the attached
    part's name) where it has one, else from its spool line. Rows go in in report order, so the
    file is the same whichever worker read which input."""
    number = 0
    for job, summary in finished.summaries():
        number += 1
        place = finished.spool.where.get(job.index)
        part = parts.get(place.file) if place is not None else None
        spans = part and connection.execute(f"SELECT * FROM {part}.sources WHERE input = ?", (job.index,)).fetchone()
        if spans:
            _report(connection, number, summary, spans[1:1 + len(SOURCE_COLUMNS)])
            where = spans[-len(SPANS):]  # (first rowid, count) of its cells, problems, sections
            for (table, columns), first, count in zip(ROW_TABLES, where[0::2], where[1::2]):
                if count:
                    named = ", ".join(columns)
                    connection.execute(f"INSERT INTO {table} (report_id, {named}) SELECT ?, {named} FROM "
                                       f"{part}.{table} WHERE rowid >= ? AND rowid < ? AND input = ? ORDER BY rowid",
                                       (number, first, first + count, job.index))
        else:
            record = (finished.spool.record(job.index) if place is not None else None) or {}
            _report(connection, number, summary, source_row(record))
            for (table, columns), rows in zip(ROW_TABLES, rows_of(record)):
                _insert(connection, table, columns, number, rows)
        _insert(connection, "problems", PROBLEM_COLUMNS, number,
                problem_rows(finished.cross.get(job.index, []), {"sha256": summary.get("sha256")}))
    for summary in finished.missing:
        number += 1
        _report(connection, number, summary, source_row({}))


def _insert(connection: sqlite3.Connection, table: str, columns: tuple, number: int, rows: list[tuple]) -> None:
    if rows:
        connection.executemany(f"INSERT INTO {table} (report_id, {', '.join(columns)}) "
                               f"VALUES ({marks(1 + len(columns))})", [(number, *row) for row in rows])


def _attach_parts(connection: sqlite3.Connection, parts: dict[str, Path | None]) -> dict[str, str]:
    """Attach (read-only) the parts beside these spool files (spool file -> its part, None: none
    was made) whose writer ended normally (``Part.close``), as many as SQLite allows; spool file ->
    the part's schema name. A part that is missing, incomplete or not a database is left out: its
    inputs' rows are read from the spool lines."""
    attached: dict[str, str] = {}
    for file, path in sorted(parts.items()):
        if len(attached) == PARTS_AT_ONCE:
            break
        schema = f"part{len(attached)}"
        if path is None or not path.is_file() or path.is_symlink():
            continue
        try:
            connection.execute(f"ATTACH DATABASE ? AS {schema}", (uri(path, "ro"),))
        except (sqlite3.Error, ValueError):
            continue
        try:  # complete, and with a row of sources for each input it says it put in
            if connection.execute(f"SELECT (SELECT inputs FROM {schema}.complete) = "
                                  f"(SELECT count(*) FROM {schema}.sources)").fetchone()[0]:
                attached[file] = schema
                continue
        except sqlite3.DatabaseError:
            pass
        connection.execute(f"DETACH DATABASE {schema}")
    return attached


class _transaction:
    """BEGIN ... COMMIT, or ROLLBACK on any exception (which goes on)."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN")

    def __exit__(self, kind, *_) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")


def _report(connection: sqlite3.Connection, number: int, summary: dict, source: tuple) -> None:
    """The report row of a summary line; ``source``: its record's ``SOURCE_COLUMNS``."""
    sha256, fmt, pages, title, published = source
    connection.execute(
        "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (number, summary["path"], sha256, fmt, pages,
         summary.get("ocr_pages"), summary["status"], STATUS_ZH.get(summary["status"]), summary.get("template"),
         summary.get("organization"), summary.get("body"), summary.get("year"), title,
         published, summary.get("errors"), summary.get("warnings"), summary.get("infos"),
         summary.get("report_errors"), summary.get("reading_limits"), summary.get("limited_cells"),
         summary.get("duplicate_of") or None, summary.get("copies"), summary.get("error") or None,
         summary.get("error_code") or None, summary.get("error_zh") or None))


def _text(value: str) -> str:
    """A string literal of SQL."""
    return "'" + value.replace("'", "''") + "'"


def _name(value: str) -> str:
    """A quoted identifier of SQL (a key holds dots)."""
    return '"' + value.replace('"', '""') + '"'
