"""What an analyst opens after a batch (issue 20): report.xlsx read by pandas, every value column a
number and every column named in Chinese; report.sqlite, its tables equal to the CSVs and the JSON
results, the queries docs/OUTPUT.md documents, and the database whole after a kill and a rerun.
Over a fictional archive of the generator: three bodies over three years, one report that repeats
the year before's table 三, a report with errors, an empty file and a notice."""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from generate import chain, render_html, render_text

YEARS = [2022, 2023, 2024]
REPEATS = ("示例县第3街道办事处", 2024)  # its table 三 is 2023's, figure for figure
NUMERIC = ("int64", "float64")


def batch(archive: Path, out: Path, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "report_extract", "batch", str(archive), "-o", str(out), *extra],
                          cwd=ROOT, capture_output=True, timeout=600)


def make_archive(root: Path) -> Path:
    for b in range(3):
        organization = f"示例县第{b + 1}街道办事处"
        reports = chain(3000 + b, organization, YEARS)
        for i, report in enumerate(reports):
            if (organization, report.year) == REPEATS:
                report.applications = copy.deepcopy(reports[i - 1].applications)
            folder = root / str(report.year)
            folder.mkdir(parents=True, exist_ok=True)
            if (b + i) % 2:
                (folder / f"{organization}.html").write_bytes(render_html(report))
            else:
                (folder / f"{organization}.txt").write_text(render_text(report), encoding="utf-8")
    (root / "other").mkdir()
    (root / "other" / "v2021-balance.txt").write_bytes((FIXTURES / "v2021-balance.txt").read_bytes())
    (root / "other" / "empty.txt").write_bytes(b"")
    (root / "other" / "notice.txt").write_text("关于召开2024年度工作会议的通知\n各单位：定于下周一召开会议。", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    root = make_archive(tmp_path_factory.mktemp("archive"))
    out = tmp_path_factory.mktemp("out")
    result = batch(root, out, "--jobs", "2", "--xlsx")
    assert result.returncode == 3, result.stderr  # the empty file failed
    results = {}
    for path in out.rglob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        results[data["source"]["path"]] = data
    return root, out, results


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def flat(data: dict) -> dict:
    return {f"{t}.{r}.{c}": v for t, rows in data["tables"].items() for r, cols in rows.items() for c, v in cols.items()}


def connect(out: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{out / 'report.sqlite'}?mode=ro", uri=True)


# --- report.xlsx -----------------------------------------------------------------------------------
def test_every_sheet_reads_in_pandas_with_numbers_in_every_value_column(finished):
    pandas = pytest.importorskip("pandas")
    from report_extract.workbook import NUMERIC_COLUMNS, labels_of_fields

    _, out, results = finished
    fields = labels_of_fields()
    book = pandas.read_excel(out / "report.xlsx", sheet_name=None)
    assert list(book) == ["summary", "wide", "long", "problems", "labels"]
    numeric_seen = 0
    for name, frame in book.items():
        for column in frame.columns:
            dtype = str(frame[column].dtype)
            if column in NUMERIC_COLUMNS or column in fields:
                assert dtype in NUMERIC, (name, column, dtype)
                numeric_seen += 1
            elif frame[column].notna().any():  # a text column no row fills (duplicate_of here) has no type
                assert dtype in ("str", "object"), (name, column, dtype)
    # summary: year, the three counts, ocr_pages, seconds, the counts by kind (3), copies; wide: year, the
    # counts (3 + 3), every field; long: year, value, read_value (no value here was corrected: a column of
    # blanks, float64); problems: year, page, expected, found, limited_cells
    assert numeric_seen == 10 + (7 + 226) + 3 + 5
    wide = book["wide"].set_index("path")
    assert len(wide) == len(results) == 10
    for path, data in results.items():
        for key, value in flat(data).items():
            if key in fields:
                cell = wide.loc[path, key]
                assert (pandas.isna(cell) if value is None else cell == value), (path, key)
        assert wide.loc[path, "year"] == data["report"]["year"]
    long = book["long"]
    assert len(long) == len(read_csv(out / "long.csv"))
    assert str(long["value"].dtype) == "float64"  # counts and money (10k yuan, with decimals) in one column
    assert long["value"].sum() == pytest.approx(sum(v or 0 for d in results.values() for k, v in flat(d).items()
                                                    if k in fields))
    summary = book["summary"].set_index("path")
    balance = str(Path(next(p for p in results if p.endswith("v2021-balance.txt"))))
    assert (summary.loc[balance, "status"], summary.loc[balance, "status_zh"], summary.loc[balance, "errors"]) == (
        "problems", "有错误", 2)
    problems = book["problems"]
    balances = [(p["column"], p["expected"], p["found"]) for p in results[balance]["problems"] if p["code"] == "balance"]
    assert sorted(problems[problems["code"] == "balance"][["column", "expected", "found"]].itertuples(index=False,
                                                                                                    name=None)) == \
        sorted(balances) and len(balances) == 2
    assert set(zip(problems["severity"], problems["severity_zh"])) <= {("error", "错误"), ("warning", "警告"),
                                                                      ("info", "提示")}


def test_every_column_is_named_in_chinese_and_organization_and_year_are_frozen(finished):
    openpyxl = pytest.importorskip("openpyxl")
    _, out, _ = finished
    book = openpyxl.load_workbook(out / "report.xlsx")
    names = {row[0].value: row[1].value for row in book["labels"].iter_rows(min_row=2)}
    for sheet in book:
        header = [cell.value for cell in sheet[1]]
        assert all(names.get(key) for key in header), (sheet.title, [k for k in header if not names.get(k)])
        assert [cell.comment.text for cell in sheet[1]] == [names[key] for key in header]
        if sheet.title != "labels":
            assert header[:3] == ["organization", "year", "path"] and sheet.freeze_panes == "C2"
    assert names["applications.new_received.total"] == "一、本年新收政府信息公开申请数量 · 总计"
    assert (names["status_zh"], names["severity_zh"], names["message_zh"]) == ("状态", "严重程度", "说明")


# --- report.sqlite ---------------------------------------------------------------------------------
def test_the_database_holds_every_row_of_the_csvs_and_its_foreign_keys_hold(finished):
    _, out, results = finished
    db = connect(out)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA user_version").fetchone() == (1,)
    long_rows = read_csv(out / "long.csv")
    assert db.execute("SELECT count(*) FROM cells").fetchone()[0] == len(long_rows)
    got = db.execute("SELECT path, field, value FROM long").fetchall()
    assert sorted((p, f, "" if v is None else str(v)) for p, f, v in got) == sorted(
        (r["path"], r["field"], r["value"]) for r in long_rows)
    summary = read_csv(out / "summary.csv")
    reports = db.execute("SELECT id, path, status, errors, error, error_code, error_zh FROM reports ORDER BY id")
    assert [(r[1], r[2], *("" if v is None else str(v) for v in r[3:])) for r in reports] == [
        (s["path"], s["status"], s["errors"], s["error"], s["error_code"], s["error_zh"]) for s in summary]
    assert db.execute("SELECT error_code, error_zh FROM reports WHERE path LIKE '%empty.txt'").fetchall() == [
        ("empty", "文件是空的")]
    assert db.execute("SELECT count(*) FROM problems").fetchone()[0] == len(read_csv(out / "problems.csv"))
    wide = db.execute("SELECT * FROM wide").fetchall()
    assert len(wide) == len(read_csv(out / "wide.csv")) == len(results)


def test_each_report_its_cells_problems_and_sections_equal_its_json_result(finished):
    from report_extract.model import Problem
    from report_extract.problems import problem_id

    _, out, results = finished
    db = connect(out)
    for path, data in results.items():
        (number, sha256, title, organization, year) = db.execute(
            "SELECT id, sha256, title, organization, year FROM reports WHERE path = ?", (path,)).fetchone()
        assert (sha256, title, organization, year) == (data["source"]["sha256"], data["report"]["title"],
                                                      data["report"]["organization"], data["report"]["year"])
        cells = db.execute("SELECT key, value, label, page FROM cells WHERE report_id = ?", (number,)).fetchall()
        assert {key: value for key, value, _, _ in cells} == {k: v for k, v in flat(data).items()
                                                               if not k.split(".")[1].startswith("extra_")}
        for key, _, label, page in cells:
            written = data["provenance"].get(key, {})
            assert (label, page) == (written.get("label"), written.get("page")), key
        ids = db.execute("SELECT problem_id, code, message_zh, verdict FROM problems WHERE report_id = ?",
                         (number,)).fetchall()
        # the id each problem has in its result (what a verdict names), which is problems.problem_id's
        assert Counter(ids) == Counter((p["id"], p["code"], p["message_zh"], None) for p in data["problems"])
        assert all(p["id"] == problem_id(Problem.model_validate(p), sha256) for p in data["problems"])
        assert db.execute("SELECT DISTINCT provenance, read_value, reason FROM cells WHERE report_id = ?",
                          (number,)).fetchall() in ([("read", None, None)], [])
        sections = db.execute("SELECT number, heading, text FROM sections WHERE report_id = ?", (number,)).fetchall()
        assert sections == [(s["number"], s["heading"], s["text"]) for s in data["sections"]]


def documented_queries() -> list[str]:
    """The SQL block of docs/OUTPUT.md whose queries the tests run, one statement each."""
    text = (ROOT / "docs" / "OUTPUT.md").read_text(encoding="utf-8")
    block = re.search(r"Queries \(each is run by `tests/test_analyst_outputs.py`.*?```sql\n(.*?)```", text, re.S)
    return [statement.strip() for statement in block.group(1).split(";") if statement.strip()]


def test_the_documented_queries_give_the_figures_of_the_json_results(finished):
    _, out, results = finished
    more, by_year, repeats, errors = documented_queries()
    db = connect(out)
    read = [d for d in results.values()]
    total = "applications.new_received.total"

    expected = sorted(((d["report"]["organization"], d["report"]["year"], flat(d)[total]) for d in read
                       if (flat(d).get(total) or 0) > 500), key=lambda r: (-r[2], r[0], r[1]))
    assert db.execute(more).fetchall() == expected and 0 < len(expected) < len(read)

    years = sorted({d["report"]["year"] for d in read})
    expected = [(y, sum(1 for d in read if d["report"]["year"] == y),
                 sum(flat(d)[total] for d in read if d["report"]["year"] == y)) for y in years]
    assert db.execute(by_year).fetchall() == expected

    by_body = {(d["report"]["body"], d["report"]["year"]): d for d in read}
    expected = set()
    for (body, year), d in by_body.items():
        then = by_body.get((body, year + 1))
        if then:
            same = sum(1 for k, v in flat(d).items() if k.startswith("applications.") and v and flat(then).get(k) == v)
            if same >= 20:
                expected.add((body, year, year + 1, same))
    assert set(db.execute(repeats).fetchall()) == expected
    assert {(body, year + 1) for body, year, _, _ in expected} == {
        (d["report"]["body"], d["report"]["year"]) for d in read if (d["report"]["organization"],
                                                                     d["report"]["year"]) == REPEATS}

    expected = sorted((path, d["report"]["organization"], d["report"]["year"], p["code"], p["message_zh"])
                      for path, d in results.items() for p in d["problems"] if p["severity"] == "error")
    assert sorted(db.execute(errors).fetchall()) == expected and len(expected) == 2


def test_the_pandas_query_of_the_docs_reads_numbers(finished):
    pandas = pytest.importorskip("pandas")
    _, out, results = finished
    db = connect(out)
    by_year = pandas.read_sql("SELECT r.year, SUM(c.value) AS applications FROM cells c "
                              "JOIN reports r ON r.id = c.report_id WHERE c.key = ? GROUP BY r.year",
                              db, params=("applications.new_received.total",))
    assert str(by_year["applications"].dtype) == "int64"
    wide = pandas.read_sql("SELECT * FROM wide", db)
    assert str(wide["applications.new_received.total"].dtype) == "int64"
    assert str(wide["proactive.administrative_fees.amount_10k_yuan"].dtype) == "float64"


def test_a_rerun_writes_the_same_database_and_a_changed_archive_a_new_one(finished, tmp_path):
    root, _, _ = finished
    small = tmp_path / "in"
    (small / "2023").mkdir(parents=True)
    for path in sorted((root / "2023").iterdir())[:2]:
        (small / "2023" / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    assert batch(small, out).returncode == 0
    first = (out / "report.sqlite").read_bytes()
    assert batch(small, out).returncode == 0  # every result reused
    assert (out / "report.sqlite").read_bytes() == first
    (small / "2023" / "more.txt").write_bytes((root / "other" / "v2021-balance.txt").read_bytes())
    assert batch(small, out).returncode == 0
    db = connect(out)
    assert db.execute("SELECT count(*), sum(status = 'problems') FROM reports").fetchone() == (3, 1)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# the batch's parent killed (SIGKILL) while it writes report.sqlite: as it writes the third report's row
KILLED_IN_THE_DATABASE = """
import os, signal, sys
from report_extract.archive import database
from report_extract.cli import main
report, calls = database._report, []

def dying(*args):
    calls.append(args[1])
    if len(calls) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return report(*args)

database._report = dying
sys.argv = ["report-extract", *sys.argv[1:]]
main()
"""


def test_a_run_killed_while_it_writes_the_database_leaves_the_old_one_and_the_rerun_a_whole_one(finished, tmp_path):
    root, _, _ = finished
    small = tmp_path / "in"
    small.mkdir()
    for path in sorted((root / "2024").iterdir()):
        (small / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    assert batch(small, out).returncode == 0
    old = (out / "report.sqlite").read_bytes()
    (small / "more.txt").write_bytes((root / "other" / "v2021-balance.txt").read_bytes())
    killed = subprocess.run([sys.executable, "-c", KILLED_IN_THE_DATABASE, "batch", str(small), "-o", str(out)],
                            cwd=ROOT, capture_output=True, timeout=600)
    assert killed.returncode == -9
    assert (out / "report.sqlite").read_bytes() == old  # the old database, whole
    assert [p.name for p in out.glob(".report.sqlite.*.tmp")]  # the half-built one, under its temporary name
    assert batch(small, out).returncode == 0
    assert not list(out.glob(".*.tmp"))
    db = connect(out)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM reports").fetchone() == (4,)
    assert db.execute("SELECT count(*) FROM cells").fetchone()[0] == len(read_csv(out / "long.csv"))


def test_a_folder_where_the_database_goes_ends_the_batch_in_one_line(tmp_path):
    out = tmp_path / "out"
    (out / "report.sqlite").mkdir(parents=True)
    result = batch(FIXTURES / "v2021-clean.txt", out)
    assert result.returncode == 4
    assert result.stderr.decode().splitlines()[-1] == (
        f"report-extract: 无法写入 {out}/report.sqlite：它是文件夹，不是文件")
    assert (out / "summary.csv").exists() and not list(out.glob(".*.tmp"))


def test_write_by_name_keeps_the_old_file_on_a_failure_and_follows_a_link(tmp_path):
    from report_extract import files

    target = tmp_path / "report.sqlite"
    target.write_bytes(b"old")

    def half(name: str) -> None:
        Path(name).write_bytes(b"half")
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        files.write_by_name(target, half)
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["report.sqlite"]
    elsewhere = tmp_path / "elsewhere.db"
    link = tmp_path / "link.sqlite"
    link.symlink_to(elsewhere)
    files.write_by_name(link, lambda name: Path(name).write_bytes(b"new"))
    assert link.is_symlink() and elsewhere.read_bytes() == b"new"
    files.write_by_name(os.devnull, lambda name: Path(name).write_bytes(b"through"))  # written through, not replaced
    assert Path(os.devnull).is_char_device()
