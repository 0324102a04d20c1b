"""report-extract batch over a generated county archive: statuses, spreadsheets, cross-year
checks, resuming after a kill, and nothing lost when workers crash or hang."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from generate import build_archive
from report_extract.batch import _relative, result_path
from report_extract.errors import ReportError

FAULTS = {"REPORT_EXTRACT_FAULTS": "hang:HANGS,crash:CRASHES"}


def batch(archive: Path, out: Path, *extra, env=None, wait=True):
    command = [sys.executable, "-m", "report_extract", "batch", str(archive), "-o", str(out), "--timeout", "5",
               *extra]
    environment = {**os.environ, **(env or {})}
    if not wait:
        return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, timeout=600)


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    manifest = build_archive(root)
    return root, manifest


@pytest.fixture(scope="module")
def finished(archive, tmp_path_factory):
    root, manifest = archive
    out = tmp_path_factory.mktemp("out")
    result = batch(root, out, "--jobs", "2", "--xlsx", env=FAULTS)
    return root, manifest, out, result


def test_every_input_gets_exactly_the_right_status(finished):
    root, manifest, out, result = finished
    expected = manifest["expected"]
    assert len(expected) >= 300
    rows = read_csv(out / "summary.csv")
    got = {str(Path(r["path"]).relative_to(root)): r["status"] for r in rows}
    assert got == expected
    failed = sum(1 for s in expected.values() if s == "failed")
    assert failed == 10  # 9 broken (one crashes its worker), one that hangs
    assert sum(1 for s in expected.values() if s == "not_a_report") == 6  # 5 notices, the CID-font PDF
    assert result.returncode == 3
    # documents/ holds one body's 2023 report in five files and another's 2020 report in two: the copy
    # read completely with the fewest errors, then first in the archive's order, is used; the other five
    # are duplicates
    assert re.search(rf"读取 {len(expected) - failed - 6} 个（\d+ 个报告有错误；5 个与另一文件是同一报告，未采用），"
                     rf"不是年度报告 6 个，无法读取 {failed} 个；用时 [\d.]+ 秒；",
                     result.stderr.decode())
    copies = {Path(r["path"]).relative_to(root).as_posix(): Path(r["duplicate_of"]).name for r in rows
              if r["duplicate_of"]}
    assert copies == {"documents/v2019-clean.pdf": "v2019-clean.docx", "documents/v2021-clean.pdf": "v2021-clean.docx",
                      "documents/v2021-split-group.pdf": "v2021-clean.docx",
                      "documents/v2021-balance.pdf": "v2021-clean.docx",
                      "documents/v2021-review-total.docx": "v2021-clean.docx"}
    reasons = {Path(r["path"]).name: r["error"] for r in rows if r["status"] == "failed"}
    assert reasons["slow-HANGS.txt"] == "timed out after 5 s (the worker was stopped)"
    assert reasons["crash-CRASHES.txt"] == ("the worker crashed (SIGSEGV) while reading this file (over its memory "
                                            "limit of 1,536 MB? raise it with --max-memory or "
                                            "REPORT_EXTRACT_MAX_MEMORY_MB=N)")
    assert "encrypted PDF" in reasons["encrypted.pdf"] and "file is empty" in reasons["empty.txt"]
    chinese = {Path(r["path"]).name: (r["error_code"], r["error_zh"]) for r in rows if r["status"] == "failed"}
    assert chinese["slow-HANGS.txt"] == ("timed_out", "超时：5 秒后仍未读完（已停止该工作进程）")
    assert chinese["crash-CRASHES.txt"] == ("worker_crashed", "读取此文件时工作进程崩溃（SIGSEGV）（超出了 1,536 MB 的内存"
                                                              "上限？可用 --max-memory 或 REPORT_EXTRACT_MAX_MEMORY_MB=N 提高）")


def test_result_files_mirror_the_archive(finished):
    root, manifest, out, _ = finished
    for rel, status in manifest["expected"].items():
        exists = (out / f"{rel}.json").exists()
        assert exists == (status not in ("failed", "not_a_report")), rel
    assert not list(out.rglob("*.tmp"))


def test_spreadsheets_equal_the_per_file_json(finished):
    root, manifest, out, _ = finished
    wide = {r["path"]: r for r in read_csv(out / "wide.csv")}
    long_rows = read_csv(out / "long.csv")
    problems = read_csv(out / "problems.csv")
    longs: dict[str, dict] = {}
    for row in long_rows:
        longs.setdefault(row["path"], {})[row["field"]] = row["value"]
    count = 0
    for rel, status in manifest["expected"].items():
        if status in ("failed", "not_a_report"):
            continue
        data = json.loads((out / f"{rel}.json").read_text(encoding="utf-8"))
        path = str(root / rel)
        flat = {f"{t}.{r}.{c}": v for t, rows in data["tables"].items() for r, cols in rows.items()
                for c, v in cols.items() if not r.startswith("extra_")}
        for key, value in flat.items():
            cell = wide[path][key]
            assert (cell == "" if value is None else float(cell) == value), (rel, key)
            assert longs[path][key] == ("" if value is None else str(value)), (rel, key)
            count += 1
        assert wide[path]["organization"] == data["report"]["organization"]
        assert sum(1 for p in problems if p["path"] == path) == len(data["problems"])
    assert count > 300 * 150


def test_cross_year_mismatch_is_reported_once_and_only_there(finished):
    root, manifest, out, _ = finished
    planted = manifest["planted"]
    cross = [p for p in read_csv(out / "problems.csv") if p["code"] in ("carryover_mismatch", "in_force_drift")]
    assert {(Path(p["path"]).relative_to(root).as_posix(), p["column"]) for p in cross} == {
        (planted, "natural_person"), (planted, "total")}
    assert all(p["severity"] == "warning" for p in cross)
    data = json.loads((out / f"{planted}.json").read_text(encoding="utf-8"))
    mismatch = [p for p in data["problems"] if p["code"] == "carryover_mismatch"]
    assert [(p["column"], p["found"], p["expected"] ) for p in mismatch][0][0] == "natural_person"
    assert mismatch[0]["found"] == mismatch[0]["expected"] + 1


def test_wide_csv_in_pandas_and_the_workbook(finished):
    pandas = pytest.importorskip("pandas")
    openpyxl = pytest.importorskip("openpyxl")
    root, manifest, out, _ = finished
    frame = pandas.read_csv(out / "wide.csv", encoding="utf-8-sig")
    assert "applications.new_received.total" in frame.columns
    assert str(frame["applications.new_received.total"].dtype) in ("int64", "float64")
    assert str(frame["proactive.administrative_fees.amount_10k_yuan"].dtype) == "float64"
    assert len(frame) == sum(1 for s in manifest["expected"].values() if s not in ("failed", "not_a_report"))
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    assert book.sheetnames == ["summary", "wide", "long", "problems", "labels"]
    rows = list(book["wide"].iter_rows(values_only=True))
    header, first = rows[0], rows[1]  # one header row: the Chinese names are comments and the labels sheet
    column = header.index("applications.new_received.total")
    match = frame[frame["path"] == first[header.index("path")]].iloc[0]
    assert first[column] == match["applications.new_received.total"]
    assert isinstance(first[column], int)


def test_killed_then_resumed_run_leaves_the_same_folder(archive, finished, tmp_path):
    root, _, reference, _ = finished
    out = tmp_path / "resumed"
    process = batch(root, out, "--jobs", "2", "--xlsx", env=FAULTS, wait=False)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.rglob("*.json"))) < 120:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not (out / "summary.csv").exists()
    batch(root, out, "--jobs", "2", "--xlsx", env=FAULTS)
    assert _tree(out) == _tree(reference)  # report.sqlite too, byte for byte
    with sqlite3.connect(out / "report.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _tree(folder: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix != ".xlsx":
            data = path.read_bytes()
            if path.name == "summary.csv":  # every column but the seconds one
                rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
                at = rows[0].index("seconds")
                data = "\n".join(",".join(row[:at] + row[at + 1:]) for row in rows).encode("utf-8")
            files[path.relative_to(folder).as_posix()] = data
    return files


def test_rerun_reuses_current_results_and_force_redoes_them(archive, tmp_path):
    root, _ = archive
    small = tmp_path / "small"
    (small / "2024").mkdir(parents=True)
    for path in sorted((root / "2024").iterdir())[:4]:
        (small / "2024" / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    batch(small, out, "--jobs", "1")
    result_file = next(out.rglob("*.json"))
    stamp = result_file.stat().st_mtime_ns
    time.sleep(0.02)
    batch(small, out, "--jobs", "1")
    assert result_file.stat().st_mtime_ns == stamp
    batch(small, out, "--jobs", "1", "--force")
    assert result_file.stat().st_mtime_ns != stamp


def test_output_paths_never_leave_the_output_folder(tmp_path):
    assert _relative(Path("/etc/passwd"), tmp_path) == "passwd"
    with pytest.raises(ReportError, match="outside the output folder") as refused:
        result_path(tmp_path / "out", "../../escape", "json")
    assert refused.value.code == "result_outside" and "输出文件夹之外" in refused.value.reason_zh


def test_ctrl_c_stops_cleanly_and_keeps_finished_results(archive, tmp_path):
    root, _ = archive
    out = tmp_path / "interrupted"
    process = batch(root, out, "--jobs", "2", wait=False)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.rglob("*.json"))) < 20:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "已中断".encode() in stderr and b"Traceback" not in stderr
    assert len(list(out.rglob("*.json"))) >= 20


def test_a_path_that_does_not_exist_is_a_failed_row(tmp_path):
    good = tmp_path / "in" / "a.txt"
    good.parent.mkdir()
    good.write_bytes((ROOT / "examples" / "sample-report-2024.txt").read_bytes())
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "report_extract", "batch", str(good.parent),
                             str(tmp_path / "nowhere"), "-o", str(out)], cwd=ROOT, capture_output=True, timeout=120)
    assert result.returncode == 3
    rows = read_csv(out / "summary.csv")
    assert [(Path(r["path"]).name, r["status"], r["error"]) for r in rows] == [
        ("a.txt", "ok", ""), ("nowhere", "failed", "no such file or folder")]
    assert result.stderr.decode().splitlines()[0] == f"report-extract: {tmp_path / 'nowhere'}：文件或文件夹不存在"
    assert re.search(r"共 2 个输入：读取 1 个，不是年度报告 0 个，无法读取 1 个；用时 [\d.]+ 秒；结果在", result.stderr.decode())


def test_yaml_results_are_reused_and_xlsx_without_openpyxl_says_how(tmp_path):
    import yaml

    source = ROOT / "tests" / "fixtures" / "v2021-clean.txt"
    out = tmp_path / "out"
    command = [sys.executable, "-m", "report_extract", "batch", str(source), "-o", str(out), "-f", "yaml"]
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=120).returncode == 0
    result = out / "v2021-clean.txt.yaml"
    data = yaml.safe_load(result.read_text(encoding="utf-8"))
    assert data["report"]["organization"] == "示例市清河区白鹭镇人民政府"
    stamp = result.stat().st_mtime_ns
    subprocess.run(command, cwd=ROOT, capture_output=True, timeout=120)
    assert result.stat().st_mtime_ns == stamp
    hide = ("import sys; sys.modules['openpyxl'] = None; from report_extract.cli import main; "
            f"sys.argv = ['report-extract', 'batch', {str(source)!r}, '-o', {str(tmp_path / 'x')!r}, '--xlsx']; main()")
    failed = subprocess.run([sys.executable, "-c", hide], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 2
    assert "pip install 'report-extract[xlsx]'" in failed.stderr


def test_two_inputs_that_would_share_a_result_file_both_get_one(tmp_path):
    from report_extract.batch import discover

    archive, elsewhere = tmp_path / "archive", tmp_path / "elsewhere"
    (archive / "deep").mkdir(parents=True)
    elsewhere.mkdir()
    (archive / "r.txt").write_text("x", encoding="utf-8")
    (elsewhere / "r.txt").write_text("y", encoding="utf-8")
    (archive / "deep" / "r.txt").symlink_to(elsewhere / "r.txt")  # resolves outside the archive
    jobs, missing = discover([str(archive), str(archive / "r.txt")])  # r.txt named twice, read once
    assert sorted(Path(j.path).relative_to(archive).as_posix() for j in jobs) == ["deep/r.txt", "r.txt"]
    assert sorted(j.rel for j in jobs) == ["r.txt", "r.txt~2"] and missing == []


def test_the_largest_inputs_are_given_out_first_and_the_sheets_keep_input_order(tmp_path):
    from report_extract.archive.executor import largest_last
    from report_extract.archive.jobs import Job, Options
    from report_extract.archive.run import run

    sizes = {"a.txt": 10, "b.pdf": 5000, "c.txt": 10, "d.docx": 300}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    pages = [tmp_path / "p1.png", tmp_path / "p2.png"]  # a group of page images: its images together
    for page in pages:
        page.write_bytes(b"x" * 4000)
    jobs = [Job(i, str(tmp_path / name), name) for i, name in enumerate(sizes)]
    jobs.append(Job(4, "pages", "pages", parts=[str(page) for page in pages]))
    queue = largest_last(jobs)
    assert [queue.pop().rel for _ in range(len(jobs))] == ["pages", "b.pdf", "d.docx", "a.txt", "c.txt"]

    archive = tmp_path / "archive"
    archive.mkdir()
    texts = {"1-short.txt": 1, "2-long.txt": 40, "3-middle.txt": 9}  # not reports: each is read and set aside
    for name, lines in texts.items():
        (archive / name).write_text("关于召开工作会议的通知\n" * lines, encoding="utf-8")
    given: list[str] = []
    run([str(archive)], Options(outdir=tmp_path / "out", jobs=1),
        progress=lambda done, total, failed, summary: given.append(Path(summary["path"]).name))
    assert given == ["2-long.txt", "3-middle.txt", "1-short.txt"]
    with open(tmp_path / "out" / "summary.csv", encoding="utf-8-sig", newline="") as handle:
        assert [Path(row["path"]).name for row in csv.DictReader(handle)] == sorted(texts)
