"""A reviewer's decisions persist (issue 21): every problem has a stable id in every output; verdicts
and corrections recorded in OUT/review.json are applied on every run (review.apply: corrected values,
the checks run again on them, dismissed problems listed as 误报 and counted nowhere); they follow a
renamed report and drop, said, when the file changes; they travel by export and import."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import CORPUS, FIXTURES
from report_extract import extract, review
from report_extract.archive import review_store
from report_extract.archive.outfolder import take_lock
from report_extract.cli import app
from report_extract.model import Report, Verdict
from report_extract.review import NONE, Decisions
from report_extract.schema import json_schema
from report_extract.templates import OUTCOME_ROWS
from report_extract.writers import as_data

BALANCE, CLEAN, SCAN = FIXTURES / "v2021-balance.txt", FIXTURES / "v2021-clean.txt", \
    FIXTURES / "scans" / "v2021-review-total-150.tif"
FIELD = "applications.carried_forward.natural_person"  # 3 as printed; 2 makes its column balance
SCAN_TOTAL = "review_litigation.administrative_review.total"  # OCR read 6; the row adds up to 4


def run(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=900)


def review_command(*args):
    return CliRunner().invoke(app, ["review", *map(str, args)])


def result(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _sheet(book, name: str) -> list[dict]:
    """A sheet of report.xlsx as rows keyed by its header row of keys (the Chinese names are its comments)."""
    rows = list(book[name].values)  # a row's empty cells at its end are not there
    return [{key: row[i] if i < len(row) else None for i, key in enumerate(rows[0])} for row in rows[1:]]


def total_verdict_time(data: dict) -> str:
    """The time of the one verdict of a result's problems."""
    [when] = [p["verdict"]["time"] for p in data["problems"] if p["verdict"]]
    return when


def said(data: dict) -> set[tuple]:
    """Each problem as (code, row, column, verdict)."""
    return {(p["code"], p["row"], p["column"], (p["verdict"] or {}).get("verdict")) for p in data["problems"]}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """An archive of a report with a planted balance error, a clean one and a scan read by OCR, and
    its batch output (results, sheets, report.xlsx, pages), made once: each test works on copies."""
    root = tmp_path_factory.mktemp("first")
    archive = root / "archive"
    archive.mkdir()
    for source, name in ((BALANCE, "balance.txt"), (CLEAN, "clean.txt"), (SCAN, "scan.tif")):
        shutil.copy(source, archive / name)
    done = run("batch", "archive", "-o", "out", "--xlsx", "--html", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def workspace(first_run, tmp_path):
    shutil.copytree(first_run / "archive", tmp_path / "archive")
    shutil.copytree(first_run / "out", tmp_path / "out")
    return tmp_path


def test_a_review_survives_reruns_and_renames_and_drops_with_a_line_when_the_file_changes(workspace):
    out = workspace / "out"
    balance, scan = result(out, "balance.txt"), result(out, "scan.tif")
    assert said(balance) == {("balance", "carried_forward", "natural_person", None),
                             ("balance", "carried_forward", "total", None)}
    [total] = [p for p in balance["problems"] if p["column"] == "total"]
    assert said(scan) == {("review_total", "administrative_review", "total", None)} | {
        ("ocr_uncertain", "administrative_review", c, None) for c in ("upheld", "corrected", "other", "pending", "total")}

    done = review_command("dismiss", out, total["id"][:8], "--note", "合计栏为原件印刷错误")
    assert done.exit_code == 0 and "误报" in done.stderr and "下次运行 report-extract batch" in done.stderr
    assert review_command("correct", out, "archive/balance.txt", FIELD, "2", "--reason", "原件为2").exit_code == 0
    assert review_command("correct", out, "archive/scan.tif", SCAN_TOTAL, "4", "--reason", "原件总计为4").exit_code == 0
    rerun = run("batch", "archive", "-o", "out", "--xlsx", "--html", cwd=workspace)
    assert rerun.returncode == 0 and "3 个沿用上次的结果" in rerun.stderr  # nothing read again

    balance, scan = result(out, "balance.txt"), result(out, "scan.tif")
    assert balance["tables"]["applications"]["carried_forward"]["natural_person"] == 2
    fix = balance["provenance"][FIELD]["corrected"]
    assert (fix["read"], fix["reason"]) == (3, "原件为2") and fix["time"]
    # the balance the correction repairs is gone, the row total it breaks has come; the dismissed one is listed
    assert said(balance) == {("balance", "carried_forward", "total", "dismissed"),
                             ("row_total", "carried_forward", "total", None)}
    assert [p["id"] for p in balance["problems"] if p["code"] == "balance"] == [total["id"]]
    # the scan: its total corrected, table 四 holds, and the OCR doubts the broken relation raised are gone
    assert scan["tables"]["review_litigation"]["administrative_review"]["total"] == 4
    assert said(scan) == {("ocr_uncertain", "administrative_review", "total", "fixed")}
    assert scan["problems"][0]["verdict"]["note"] == "已按审核更正为 4（原读数 6）：原件总计为4"

    summary = {row["path"]: row for row in read_csv(out / "summary.csv")}
    assert [summary["archive/balance.txt"][k] for k in ("status", "errors", "warnings")] == ["problems", "1", "0"]
    assert [summary["archive/scan.tif"][k] for k in ("status", "errors", "warnings")] == ["ok", "0", "0"]
    [long_row] = [r for r in read_csv(out / "long.csv") if r["path"] == "archive/balance.txt" and r["field"] == FIELD]
    assert [long_row[k] for k in ("value", "provenance", "read_value", "reason")] == ["2", "corrected", "3", "原件为2"]
    [row] = [r for r in read_csv(out / "problems.csv") if r["id"] == total["id"]]
    assert (row["verdict"], row["verdict_note"], row["code"]) == ("dismissed", "合计栏为原件印刷错误", "balance")
    wide = {r["path"]: r for r in read_csv(out / "wide.csv")}
    assert wide["archive/balance.txt"][FIELD] == "2" and wide["archive/scan.tif"][SCAN_TOTAL] == "4"

    [row_total] = [p for p in balance["problems"] if p["code"] == "row_total"]
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    assert [(x["value"], x["provenance"], x["read_value"]) for x in _sheet(book, "long")
            if x["field"] == SCAN_TOTAL and x["path"] == "archive/scan.tif"] \
        == [(4, "corrected", 6)]
    assert {(p["id"], p["verdict"], p["verdict_zh"]) for p in _sheet(book, "problems")
            if p["path"] == "archive/balance.txt"} == {(total["id"], "dismissed", "误报"), (row_total["id"], None, None)}

    # report.sqlite: the corrected cell with the value as read and the reason; the dismissed problem
    # under its stored id with its verdict; the corrected scan's counts as the summary's
    db = sqlite3.connect(out / "report.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT c.value, c.provenance, c.read_value, c.reason, c.raw FROM cells c JOIN reports r "
                      "ON r.id = c.report_id WHERE r.path = 'archive/balance.txt' AND c.key = ?", (FIELD,)
                      ).fetchall() == [(2, "corrected", 3, "原件为2", "3")]
    assert db.execute("SELECT value, provenance, read_value, reason FROM long WHERE path = 'archive/scan.tif' "
                      "AND field = ?", (SCAN_TOTAL,)).fetchall() == [(4, "corrected", 6, "原件总计为4")]
    assert db.execute("SELECT count(*) FROM cells WHERE provenance = 'corrected'").fetchone() == (2,)
    assert db.execute("SELECT count(*) FROM cells WHERE provenance = 'read' AND read_value IS NULL AND "
                      "reason IS NULL").fetchone()[0] == db.execute("SELECT count(*) FROM cells").fetchone()[0] - 2
    assert sorted(db.execute("SELECT problem_id, code, verdict, verdict_zh, verdict_note FROM report_problems "
                             "WHERE path = 'archive/balance.txt'").fetchall(), key=lambda r: r[1]) == [
        (total["id"], "balance", "dismissed", "误报", "合计栏为原件印刷错误"), (row_total["id"], "row_total", None, None, None)]
    assert db.execute("SELECT verdict_time FROM problems WHERE problem_id = ?", (total["id"],)).fetchone()[0] \
        == total_verdict_time(balance)
    assert db.execute("SELECT code, verdict, verdict_note FROM report_problems WHERE path = 'archive/scan.tif'"
                      ).fetchall() == [("ocr_uncertain", "fixed", "已按审核更正为 4（原读数 6）：原件总计为4")]
    assert db.execute("SELECT path, status, errors, warnings FROM reports WHERE path <> 'archive/clean.txt' "
                      "ORDER BY path").fetchall() == [("archive/balance.txt", "problems", 1, 0),
                                                       ("archive/scan.tif", "ok", 0, 0)]
    db.close()

    page = (out / "balance.txt.html").read_text(encoding="utf-8")
    assert f'id="{total["id"]}"' in page and f"#{total['id'][:8]}" in page and "误报：合计栏为原件印刷错误" in page
    assert f'class="v corrected" id="c-{FIELD}"' in page and "审核更正，原读数 3：原件为2" in page
    assert "问题（错误 1，警告 0，提示 0，误报 1）" in page
    shown = CliRunner().invoke(app, ["check", str(out / "balance.txt.json")])
    assert shown.exit_code == 1  # the row total the correction made is an error of the report
    assert f"#{total['id'][:8]}｜错误·误报：" in shown.stdout and re.search(r"\s2\*\s*│", shown.stdout)

    # --strict: 1 with the row total; 0 once it is dismissed too, for a single report with --review
    assert run("extract", "--strict", "archive/balance.txt", cwd=workspace).returncode == 1
    assert review_command("dismiss", out, row_total["id"], "--note", "总计为原件所印").exit_code == 0
    reviewed = run("extract", "--strict", "--review", out / "review.json", "archive/balance.txt", cwd=workspace)
    assert reviewed.returncode == 0, reviewed.stderr
    assert json.loads(reviewed.stdout)["tables"]["applications"]["carried_forward"]["natural_person"] == 2

    # renamed: the decisions follow its content
    (workspace / "archive" / "balance.txt").rename(workspace / "archive" / "renamed.txt")
    assert run("batch", "archive", "-o", "out", cwd=workspace).returncode == 0
    renamed = result(out, "renamed.txt")
    assert renamed["provenance"][FIELD]["corrected"]["read"] == 3
    assert said(renamed) == {("balance", "carried_forward", "total", "dismissed"),
                             ("row_total", "carried_forward", "total", "dismissed")}
    summary = {row["path"]: row for row in read_csv(out / "summary.csv")}
    assert [summary["archive/renamed.txt"][k] for k in ("status", "errors")] == ["ok", "0"]
    assert [(r["path"], r.get("seen")) for r in json.loads((out / "review.json").read_text())["corrections"]] == \
        [("archive/balance.txt", "archive/renamed.txt"), ("archive/scan.tif", None)]

    # changed: its decisions no longer apply, and the batch says so
    with open(workspace / "archive" / "renamed.txt", "a", encoding="utf-8") as handle:
        handle.write("\n附：本报告已更新。\n")
    changed = run("batch", "archive", "-o", "out", cwd=workspace)
    assert changed.returncode == 0
    assert "archive/renamed.txt：文件内容已改变，3 条审核决定不再适用" in changed.stderr
    renamed = result(out, "renamed.txt")
    assert renamed["provenance"][FIELD]["corrected"] is None and said(renamed) == {
        ("balance", "carried_forward", "natural_person", None), ("balance", "carried_forward", "total", None)}
    store = json.loads((out / "review.json").read_text())
    assert len(store["dropped"]) == 3 and [r["field"] for r in store["corrections"]] == [SCAN_TOTAL]
    again = run("batch", "archive", "-o", "out", cwd=workspace)
    assert "不再适用" not in again.stderr  # said once


def test_decisions_travel_by_export_and_import_and_the_newer_of_two_stays(workspace, tmp_path):
    out = workspace / "out"
    [first, second] = result(out, "balance.txt")["problems"]
    assert review_command("dismiss", out, first["id"], "--note", "甲的说明").exit_code == 0
    assert review_command("correct", out, "archive/balance.txt", FIELD, "2", "--reason", "原件为2").exit_code == 0
    exported = review_command("export", out)
    assert exported.exit_code == 0
    decisions = json.loads(exported.stdout)
    assert decisions["format"] == 1 and "dropped" not in decisions
    assert [(r["problem"], r["verdict"]) for r in decisions["verdicts"]] == [(first["id"], "dismissed")]

    other = tmp_path / "other"  # another reviewer's copy of the output, with no decisions
    shutil.copytree(out, other)
    (other / "review.json").unlink()
    shared = tmp_path / "decisions.json"
    shared.write_text(exported.stdout, encoding="utf-8")
    done = review_command("import", other, shared)
    assert done.exit_code == 0 and "新增 2 条" in done.stderr
    assert json.loads(review_command("export", other).stdout) == decisions

    # two reviewers decided the same problem differently: the newer decision stays, and it is said
    newer = json.loads(exported.stdout)
    newer["verdicts"][0].update(verdict="confirmed", note="乙核实为真", time="2999-01-01T00:00:00+00:00")
    shared.write_text(json.dumps(newer, ensure_ascii=False), encoding="utf-8")
    done = review_command("import", out, shared)
    assert done.exit_code == 0 and "两边的决定不同，采用较新的（2999-01-01T00:00:00+00:00，confirmed）" in done.stderr
    older = json.loads(exported.stdout)
    older["verdicts"][0].update(verdict="fixed", time="2000-01-01T00:00:00+00:00")
    shared.write_text(json.dumps(older, ensure_ascii=False), encoding="utf-8")
    assert review_command("import", out, shared).exit_code == 0
    [kept] = json.loads(review_command("export", out).stdout)["verdicts"]
    assert (kept["verdict"], kept["note"]) == ("confirmed", "乙核实为真")
    listed = review_command("list", out, "--verdict", "confirmed")
    assert listed.stdout.splitlines()[1].split("\t")[:4] == [first["id"], "confirmed", "error", "balance"]
    assert second["id"] not in listed.stdout
    assert review_command("undo", out, first["id"][:8]).exit_code == 0
    assert review_command("undo", out, FIELD).exit_code == 0  # one report only has a correction of it
    assert json.loads(review_command("export", out).stdout) == {"format": 1, "verdicts": [], "corrections": []}
    # decided, written by a batch, then undone: listed without a verdict, whatever the results say
    assert review_command("confirm", out, first["id"]).exit_code == 0
    assert run("batch", "archive", "-o", "out", cwd=workspace).returncode == 0
    assert [p["verdict"]["verdict"] for p in result(out, "balance.txt")["problems"] if p["verdict"]] == ["confirmed"]
    assert review_command("undo", out, first["id"][:8]).exit_code == 0
    assert review_command("list", out, "--verdict", "confirmed").stdout.splitlines()[1:] == []


def test_what_is_not_in_the_folder_is_one_line_and_exit_2_and_a_busy_folder_exit_4(workspace):
    out = workspace / "out"
    [problem, _] = result(out, "balance.txt")["problems"]
    for args, words in ((("dismiss", out, "ffffffffff", "--note", "x"), "没有编号为 ffffffffff 的问题"),
                        (("confirm", out, "3f2a"), "至少 6 位十六进制数字"),
                        (("correct", out, "archive/nothing.txt", FIELD, "2", "--reason", "x"), "没有 archive/nothing.txt 的结果"),
                        (("correct", out, "archive/balance.txt", "applications.nothing.total", "2", "--reason", "x"),
                         "没有 applications.nothing.total 这一格"),
                        (("correct", out, "archive/balance.txt", FIELD, "两件", "--reason", "x"), "不是该栏的数值"),
                        (("correct", out, "archive/balance.txt", FIELD, "--reason", "x", "--", "-3"), "不小于 0 的整数"),
                        (("dismiss", out, problem["id"], "--note", " "), "--note 不能为空"),
                        (("undo", out, "applications.new_received.total"), "没有 applications.new_received.total 的更正"),
                        (("list", workspace / "archive" / "balance.txt"), "不是文件夹")):
        done = review_command(*args)
        assert done.exit_code == 2 and words in done.stderr and done.stdout == "", (args, done.stderr)
    assert not (out / "review.json").exists()
    held = take_lock(out)  # a batch writing into the folder
    try:
        done = review_command("dismiss", out, problem["id"], "--note", "x")
        assert done.exit_code == 4 and "另一个 batch 正在写入该文件夹" in done.stderr
    finally:
        held.close()
    (out / "review.json").write_text('{"format": 1, "verdicts": [{"sha256": "x"}]}', encoding="utf-8")
    stopped = run("batch", "archive", "-o", "out", cwd=workspace)
    assert stopped.returncode == 2 and "verdicts 第 1 条无效（problem 应为 16 位十六进制的问题编号）" in stopped.stderr
    assert review_command("list", out).exit_code == 2


def test_a_cross_year_problem_dismissed_is_listed_and_not_counted(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for year in (2022, 2023):
        shutil.copy(FIXTURES / f"v2021-compare-{year}.txt", archive / f"{year}.txt")
    assert run("batch", "archive", "-o", "out", cwd=tmp_path).returncode == 0
    later = result(tmp_path / "out", "2023.txt")
    carried = [p for p in later["problems"] if p["code"] == "carryover_mismatch"]
    assert [p["column"] for p in carried] == ["natural_person", "total"] and all(p["id"] for p in carried)
    assert review_command("dismiss", tmp_path / "out", carried[0]["id"], "--note", "上年报告有误").exit_code == 0
    assert run("batch", "archive", "-o", "out", cwd=tmp_path).returncode == 0
    later = result(tmp_path / "out", "2023.txt")
    assert [(p["column"], (p["verdict"] or {}).get("verdict")) for p in later["problems"]
            if p["code"] == "carryover_mismatch"] == [("natural_person", "dismissed"), ("total", None)]
    summary = {row["path"]: row for row in read_csv(tmp_path / "out" / "summary.csv")}
    assert summary["archive/2023.txt"]["warnings"] == "1"
    rows = [r for r in read_csv(tmp_path / "out" / "problems.csv") if r["code"] == "carryover_mismatch"]
    assert [(r["id"], r["verdict"]) for r in rows] == [(carried[0]["id"], "dismissed"), (carried[1]["id"], "")]


def test_a_dask_cluster_applies_the_decisions_to_what_it_reads_and_to_what_it_reuses(workspace):
    pytest.importorskip("distributed")
    out = workspace / "out"
    [_, total] = result(out, "balance.txt")["problems"]
    assert review_command("dismiss", out, total["id"], "--note", "印刷错误").exit_code == 0
    assert review_command("correct", out, "archive/balance.txt", FIELD, "2", "--reason", "原件为2").exit_code == 0
    fresh = workspace / "fresh"  # read on the cluster with the decisions already there
    fresh.mkdir()
    shutil.copy(out / "review.json", fresh / "review.json")
    for folder, extra in ((out, ()), (fresh, ()), (fresh, ("--shared-fs",))):
        done = run("batch", "archive/balance.txt", "archive/clean.txt", "-o", folder.name, "--scheduler", "local:1",
                   *extra, cwd=workspace)
        assert done.returncode == 0, done.stderr
        balance = result(folder, "balance.txt")
        assert balance["provenance"][FIELD]["corrected"]["read"] == 3, (folder, extra)
        assert said(balance) == {("balance", "carried_forward", "total", "dismissed"),
                                 ("row_total", "carried_forward", "total", None)}
        summary = {row["path"]: row for row in read_csv(folder / "summary.csv")}
        assert summary["archive/balance.txt"]["errors"] == "1"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_check_of_a_reviewed_report_at_80_columns_shows_ids_verdicts_and_corrected_values_uncut(workspace):
    from test_terminal_80 import drawn_at_80

    out = workspace / "out"
    [natural, total] = result(out, "balance.txt")["problems"]
    assert review_command("dismiss", out, total["id"], "--note", "合计栏为原件印刷错误").exit_code == 0
    assert review_command("correct", out, "archive/balance.txt", FIELD, "2", "--reason", "原件为2").exit_code == 0
    shown = drawn_at_80("check", "--review", out / "review.json", workspace / "archive" / "balance.txt")
    assert all(len(line) <= 80 for line in shown.splitlines())
    assert f"#{total['id'][:8]}｜错误·误报：" in shown and "问题：错误 1，警告 0，提示 0，误报 1" in shown
    assert natural["id"][:8] not in shown  # repaired by the correction: gone
    # the corrected cell marked, and the row total it no longer adds up to flagged by its new problem
    assert re.search(r"│ 四、结转下年度继续办理 +│ +2\* │ +3 │.*│ 6［2］ │", shown)
    assert "*：审核更正的值" in shown


# --- review.apply, the one function every path calls ------------------------------------------------
def _decisions(report: Report, verdicts: dict | None = None, corrections: dict | None = None) -> Decisions:
    return Decisions({pid: {"verdict": v, "note": "说明", "time": "2025-01-01T00:00:00+00:00"}
                      for pid, v in (verdicts or {}).items()},
                     {key: {"value": value, "reason": "原件", "time": "2025-01-01T00:00:00+00:00"}
                      for key, value in (corrections or {}).items()})


def _dump(report: Report) -> dict:
    return as_data(report)


def test_a_problem_set_aside_counts_nowhere_by_severity_nor_by_kind():
    """problems.counts, which every count is made by (summary, wide, views, --strict, check), leaves
    out a dismissed or fixed problem whatever its kind: a dismissed reading limit leaves no report
    read partly, a fixed error of the report's own no report with problems."""
    from report_extract.model import Problem
    from report_extract.problems import counted, counts
    from report_extract.status import status_of

    limit = Problem(code="ambiguous_digits", severity="error", kind="reading", message="…", limited_cells=3)
    own = Problem(code="balance", severity="error", kind="report", message="…")
    warning = Problem(code="ocr_uncertain", severity="warning", kind="reading", message="…")
    assert counts([limit, own, warning]) == {"errors": 2, "warnings": 1, "infos": 0, "report_errors": 1,
                                             "reading_limits": 1, "limited_cells": 3}
    own.verdict = Verdict(verdict="fixed", note="原件已更正")
    assert status_of(counts([limit, own, warning])) == "read_partly"
    limit.verdict = Verdict(verdict="dismissed")
    warning.verdict = Verdict(verdict="confirmed")  # confirmed: counted as before
    as_read = [p.model_dump(mode="json") for p in (limit, own, warning)]  # a result's dicts count alike
    for problems in ([limit, own, warning], as_read):
        assert counts(problems) == {"errors": 0, "warnings": 1, "infos": 0, "report_errors": 0,
                                    "reading_limits": 0, "limited_cells": 0}
        assert status_of(counts(problems)) == "ok" and len(counted(problems)) == 1


def test_apply_is_idempotent_undoes_earlier_decisions_and_needs_no_facts():
    read = extract(BALANCE)
    [natural, total] = read.problems
    one = _decisions(read, {total.id: "dismissed"}, {FIELD: 2})
    other = _decisions(read, {natural.id: "confirmed"}, {"applications.carried_forward.total": 5})
    applied = review.apply(read, one)
    jsonschema.validate(_dump(applied), json_schema())  # verdicts and corrections are in the schema
    assert _dump(review.apply(applied, one)) == _dump(applied)
    assert _dump(review.apply(applied, NONE)) == _dump(read)  # every decision taken back: the reading again
    assert _dump(review.apply(applied, other)) == _dump(review.apply(read, other))
    back = Report.model_validate(json.loads(json.dumps(_dump(applied))))  # read back: no facts on its problems
    assert _dump(review.apply(back, one)) == _dump(applied)
    assert _dump(review.apply(back, NONE)) == _dump(read)
    assert [(p.code, p.column, p.verdict and p.verdict.verdict) for p in review.apply(read, other).problems] == [
        ("balance", "natural_person", "confirmed"), ("row_total", "total", None)]
    assert read.value(FIELD) == 3 and all(p.verdict is None for p in read.problems)  # the report given is unchanged


def test_a_correction_settles_the_reading_problem_of_its_cell_and_a_row_whose_cells_it_fills():
    read = extract(FIXTURES / "v2021-extra-cells.txt")
    [extra] = read.problems
    unread = [k for k, p in read.provenance.items() if k.startswith(f"applications.{extra.row}.") and p.unread]
    assert len(unread) == 4 and all(read.value(k) is None for k in unread)
    apps = read.tables["applications"]

    def from_the_column(key: str) -> int:  # what its column's outcome total leaves for it
        column = key.split(".")[2]
        return apps["outcome_total"][column] - sum(apps[r][column] or 0 for r in OUTCOME_ROWS if r in apps and r != extra.row)
    fixed = review.apply(read, _decisions(read, corrections={k: from_the_column(k) for k in unread}))
    assert [(p.code, p.verdict.verdict, p.verdict.note) for p in fixed.problems] == [
        ("extra_cells", "fixed", "本行 4 格已按审核更正：原件")]
    partly = review.apply(read, _decisions(read, corrections={k: from_the_column(k) for k in unread[:3]}))
    assert [(p.code, p.verdict) for p in partly.problems] == [("extra_cells", None)]

    read = extract(FIXTURES / "v2021-not-a-number.txt")
    [text] = read.problems
    key = f"{text.table}.{text.row}.{text.column}"
    cells = read.tables[text.table][text.row]
    right = cells["total"] - sum(v or 0 for c, v in cells.items() if c not in ("total", text.column))
    fixed = review.apply(read, _decisions(read, corrections={key: right}))
    assert [(p.code, p.verdict.verdict) for p in fixed.problems] == [("not_a_number", "fixed")]
    assert fixed.provenance[key].unread and fixed.provenance[key].corrected.read is None
    # the checks left out the row while its cell was unread; with a wrong value they find it
    wrong = review.apply(read, _decisions(read, corrections={key: right + 1}))
    outcome = read.tables["applications"]["outcome_total"][text.column]
    assert [(p.code, p.row, p.expected, p.found) for p in wrong.problems if p.verdict is None] == [
        ("outcome_sum", "outcome_total", outcome + 1, outcome), ("row_total", text.row, cells["total"] + 1, cells["total"])]


READINGS = sorted(FIXTURES.glob("*.txt")) + sorted(FIXTURES.glob("*.docx")) + sorted(CORPUS.glob("*.page.*"))


@pytest.mark.parametrize("path", READINGS, ids=lambda p: p.name)
def test_the_checks_run_again_on_an_unchanged_report_find_what_the_reading_found(path):
    read = extract(path)
    again = read.model_copy(deep=True)
    assert [p.model_dump() for p in review.rederive(again, set())] == [p.model_dump() for p in read.problems]
    assert again.tables == read.tables and again.provenance == read.provenance


def test_the_ocr_weighing_run_again_on_a_scan_read_back_finds_what_the_reading_found(first_run):
    read = Report.model_validate(result(first_run / "out", "scan.tif"))
    again = read.model_copy(deep=True)
    assert [p.model_dump() for p in review.rederive(again, set())] == [p.model_dump() for p in read.problems]
    assert again.tables == read.tables


def test_every_problem_has_its_id_written_the_same_every_run_and_after_rewording(monkeypatch):
    from report_extract import messages_zh, problems

    for path in sorted(FIXTURES.glob("*.txt")):
        first, second = extract(path), extract(path)
        ids = [p.id for p in first.problems]
        assert all(ids) and len(set(ids)) == len(ids) and ids == [p.id for p in second.problems], path.name
        assert [p["id"] for p in json.loads(json.dumps(_dump(first)))["problems"]] == ids
    before = [p.id for p in extract(BALANCE).problems]
    monkeypatch.setitem(problems.WORDING, "balance", lambda p: "reworded")
    monkeypatch.setitem(messages_zh.WORDING, "balance", lambda p, ctx: "另一种说法")
    reworded = extract(BALANCE).problems
    assert [p.message for p in reworded] == ["reworded"] * 2 and [p.id for p in reworded] == before


def test_a_review_file_that_cannot_be_read_says_which_record_and_why(tmp_path):
    for data, words in (({"format": 2}, "不是第 1 版的审核记录文件"),
                        ({"format": 1, "corrections": [{"sha256": "a" * 64, "field": "x.y", "value": 1, "reason": "r"}]},
                         "corrections 第 1 条无效（field 应为 table.row.column 形式的字段名）"),
                        ({"format": 1, "corrections": [{"sha256": "a" * 64, "field": FIELD, "value": "2", "reason": "r"}]},
                         "value 应为数字或 null"),
                        ({"format": 1, "verdicts": [{"sha256": "a" * 64, "problem": "0" * 16, "verdict": "maybe"}]},
                         "verdict 应为 confirmed、dismissed、fixed 之一")):
        with pytest.raises(review_store.ReviewFileError, match=words):
            review_store.from_data(data, "x.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    done = CliRunner().invoke(app, ["check", "--review", str(bad), str(CLEAN)])
    assert done.exit_code == 2 and "不是 JSON" in done.stderr


def test_a_store_follows_a_moved_report_and_drops_only_what_changed():
    store = review_store.Store()
    sha_a, sha_b = "a" * 64, "b" * 64
    store.put({"sha256": sha_a, "problem": "0" * 16, "verdict": "dismissed", "path": "x.txt"})
    store.put({"sha256": sha_a, "field": FIELD, "value": 2, "reason": "r", "path": "x.txt"})
    assert store.follow({"y.txt": sha_a, "x.txt": sha_b}) == {}  # moved to y.txt; x.txt holds another file
    assert [r["seen"] for r in store.records()] == ["y.txt", "y.txt"]
    shared = review_store.from_data(review_store.Store(
        {sha_a: {"0" * 16: {k: v for k, v in next(store.records()).items() if k != "seen"}}}).to_data(), "x")
    assert store.merge(shared) == []  # the same decision, shared before a batch found its report elsewhere
    assert store.follow({"y.txt": sha_b}, when="t") == {"y.txt": 2}
    assert list(store.records()) == [] and [r["now"] for r in store.dropped] == [sha_b, sha_b]
    text = io.StringIO(review_store.text_of(store))
    assert json.load(text)["dropped"][0]["dropped"] == "t"


def test_a_correction_of_a_cell_ocr_could_not_read_settles_its_reading_limit():
    """An ocr_unread cell is null; the reviewer's value from the original settles it (fixed): no
    reading limit, no unread cell left in the counts."""
    from report_extract.problems import counts

    read = extract(FIXTURES / "scans" / "v2019-clean-faint-row-200.pdf")
    [unread] = [p for p in read.problems if p.code == "ocr_unread"]
    key = f"{unread.table}.{unread.row}.{unread.column}"
    assert read.value(key) is None and counts(read.problems)["limited_cells"] == 1
    fixed = review.apply(read, _decisions(read, corrections={key: 0}))
    assert fixed.value(key) == 0
    assert [(p.code, p.verdict.verdict) for p in fixed.problems if p.severity == "error"] == [("ocr_unread", "fixed")]
    assert (counts(fixed.problems)["reading_limits"], counts(fixed.problems)["limited_cells"]) == (0, 0)


def test_a_typed_value_is_a_number_in_its_columns_unit_never_one_with_a_unit_or_spaces():
    """12元 typed into a column of 万元 would be 12 万元; "1 2" is no number a reviewer means as 12."""
    from report_extract.archive.review_store import ReviewError, value_of

    assert [value_of(text, "money") for text in ("12", "12.5", "1,234", "空")] == [12, 12.5, 1234, None]
    assert value_of("7", "count") == 7
    for text, kind in (("12元", "money"), ("989400元", "money"), ("12件", "money"), ("3件", "count"), ("1 2", "count")):
        with pytest.raises(ReviewError, match="请只写数字"):
            value_of(text, kind)
