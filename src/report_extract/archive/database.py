"""report.sqlite: a finished run as one SQLite database an analyst can query (``sqlite3`` of the
standard library), beside the CSVs and the workbook, which stay. Tables: ``fields`` (the template's
keys and their Chinese labels), ``reports`` (one row an input, as summary.csv), ``cells`` (one row a
value, as long.csv, with the cell and row label as written, its page and unit, and a reviewer's
correction: provenance, the value as read, the reason), ``problems`` (as problems.csv: each
problem's stable ``id`` as ``problem_id``, its kind and a reviewer's verdict), ``sections``; indexes; the views
``long``, ``wide`` (a column a key, its SQL made from the key list) and ``report_problems``.
``docs/OUTPUT.md`` lists every column and the queries it answers.

Built whole on each run from the spool (``unit.record_of``: what each input's worker put aside)
and the cross-year problems, after the sheets, into a temporary file beside the target that is
renamed over it when complete (``files.write_by_name``): a run killed while it is written leaves
the old database; a rerun writes the same database. Text is stored as text, as the reports give it
(no spreadsheet quote: a database runs no formula).

Reads the spool only; imports no executor and no view.
"""

from __future__ import annotations

import errno
import sqlite3

from .. import files
from ..guard import shown
from ..model import Problem
from ..problems import kind_of, problem_id
from ..review import VERDICTS_ZH
from ..status import KIND_ZH, OK, PROBLEMS, READ_PARTLY, SEVERITY_ZH, STATUS_ZH
from ..templates import iter_fields
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
    on any failure), foreign keys checked as each row goes in, one transaction, the indexes and
    views once the rows are in."""
    connection = sqlite3.connect(name, isolation_level=None)
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;")
        connection.execute(f"PRAGMA user_version = {DATABASE_VERSION}")
        connection.executescript(SCHEMA)
        connection.execute("BEGIN")
        keys = _fields(connection)
        _fill(connection, finished)
        connection.execute("COMMIT")
        connection.executescript(INDEXES + views(keys))
    finally:
        connection.close()


def _fields(connection: sqlite3.Connection) -> list[str]:
    rows = [(f["field"], *f["field"].split("."), f["kind"], ", ".join(f["templates"]), f["table"], f["row"],
             f["column"]) for f in iter_fields()]
    connection.executemany("INSERT INTO fields VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return [row[0] for row in rows]


def _fill(connection: sqlite3.Connection, finished: Finished) -> None:
    """A report row an input, in summary.csv's order, with its cells, problems and sections."""
    number = 0
    for job, summary in finished.summaries():
        number += 1
        record = finished.spool.record(job.index) or {}
        _report(connection, number, summary, record)
        _rest(connection, number, record, finished.cross.get(job.index, []))
    for summary in finished.missing:
        number += 1
        _report(connection, number, summary, {})


def _report(connection: sqlite3.Connection, number: int, summary: dict, record: dict) -> None:
    connection.execute(
        "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (number, summary["path"], record.get("sha256"), record.get("format"), record.get("pages"),
         summary.get("ocr_pages"), summary["status"], STATUS_ZH.get(summary["status"]), summary.get("template"),
         summary.get("organization"), summary.get("body"), summary.get("year"), record.get("title"),
         record.get("published"), summary.get("errors"), summary.get("warnings"), summary.get("infos"),
         summary.get("report_errors"), summary.get("reading_limits"), summary.get("limited_cells"),
         summary.get("duplicate_of") or None, summary.get("copies"), summary.get("error") or None,
         summary.get("error_code") or None, summary.get("error_zh") or None))


def _rest(connection: sqlite3.Connection, number: int, record: dict, cross: list[dict]) -> None:
    """The input's cells, its problems (the cross-year ones last, as in problems.csv) and sections."""
    connection.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(number, key, *key.split("."), *rest) for key, *rest in record.get("cells", [])])
    digest = record.get("sha256") or ""
    connection.executemany(
        "INSERT INTO problems (report_id, problem_id, code, severity, severity_zh, kind, kind_zh, limited_cells, "
        "message, message_zh, table_key, row_key, column_key, page, expected, found, label, verdict, verdict_zh, "
        "verdict_note, verdict_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(number, p.get("id") or problem_id(Problem.model_validate(p), digest), p["code"], p["severity"],
          SEVERITY_ZH.get(p["severity"]), kind_of(p), KIND_ZH.get(kind_of(p)), p.get("limited_cells"),
          p.get("message"), p.get("message_zh"), p.get("table"), p.get("row"),
          p.get("column"), p.get("page"), p.get("expected"), p.get("found"), p.get("label"), *_verdict(p))
         for p in record.get("problems", []) + cross])
    connection.executemany("INSERT INTO sections (report_id, number, key, heading, text, page) VALUES (?, ?, ?, ?, ?, ?)",
                           [(number, *section) for section in record.get("sections", [])])


def _verdict(problem: dict) -> tuple:
    """A problem's verdict as ``problems`` holds it: verdict, verdict_zh, note, time (NULLs: none)."""
    verdict = problem.get("verdict") or {}
    return (verdict.get("verdict"), VERDICTS_ZH.get(verdict.get("verdict")), verdict.get("note"),
            verdict.get("time"))


def _text(value: str) -> str:
    """A string literal of SQL."""
    return "'" + value.replace("'", "''") + "'"


def _name(value: str) -> str:
    """A quoted identifier of SQL (a key holds dots)."""
    return '"' + value.replace('"', '""') + '"'
