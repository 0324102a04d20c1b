"""Faults contained (issue 18): every door has the same guards, results never go stale, reports
never merge, an output folder is never read back nor shared, a full disk stops the batch without
blaming an input, and the Python API is safe in threads and says what it cannot take."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import report_extract
from conftest import FIXTURES
from report_extract import pages
from report_extract.errors import ReportError

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample-report-2024.txt"


def run(*args, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "report_extract", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def archive_of(tmp_path: Path, count: int = 2) -> Path:
    archive = tmp_path / "archive"
    archive.mkdir()
    for i in range(count):
        (archive / f"r{i}.txt").write_bytes(SAMPLE.read_bytes())
    return archive


def result(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


# --- results that must not go stale -------------------------------------------------------------
def test_a_result_is_reused_only_for_the_same_input_version_and_ocr_mode(tmp_path):
    archive, out = archive_of(tmp_path), tmp_path / "out"
    first = run("batch", str(archive), "-o", str(out), "--ocr", "never")
    assert first.returncode == 0, first.stderr
    assert result(out, "r0.txt")["source"]["read_with"] == {"version": report_extract.__version__, "ocr": "never"}
    again = run("batch", str(archive), "-o", str(out), "--ocr", "never")
    # the two files hold one report: one is used, the other is its duplicate
    assert "共 2 个输入：读取 2 个（2 个沿用上次的结果（内容未变）；1 个与另一文件是同一报告，未采用）" in again.stderr
    other_mode = run("batch", str(archive), "-o", str(out), "--ocr", "auto")
    assert "沿用上次的结果" not in other_mode.stderr
    assert result(out, "r0.txt")["source"]["read_with"]["ocr"] == "auto"
    stale = result(out, "r1.txt")
    stale["source"]["read_with"]["version"] = "0.0.1"  # made by an older version
    (out / "r1.txt.json").write_text(json.dumps(stale, ensure_ascii=False), encoding="utf-8")
    newer = run("batch", str(archive), "-o", str(out), "--ocr", "auto")
    assert "（1 个沿用上次的结果" in newer.stderr
    assert result(out, "r1.txt")["source"]["read_with"]["version"] == report_extract.__version__


# --- reports that must not merge ----------------------------------------------------------------
def _tiff(path: Path, pages_count: int) -> None:
    from PIL import Image

    frames = [Image.new("L", (40, 40), 255) for _ in range(pages_count)]
    frames[0].save(path, save_all=True, append_images=frames[1:])


def test_multi_page_files_and_files_named_one_by_one_are_never_grouped(tmp_path):
    pytest.importorskip("PIL")
    folder = tmp_path / "scans"
    folder.mkdir()
    for i in (1, 2):
        _tiff(folder / f"报告{i}.tif", 4)
    for i in (1, 2, 3):
        _tiff(folder / f"scan-p{i}.tif", 1)
    grouped = pages.group(sorted(str(p) for p in folder.iterdir()))
    assert sorted(len(g) for g in grouped) == [1, 1, 3]  # the 4-page TIFFs alone; the single pages one report
    from report_extract.batch import discover

    jobs, _ = discover([str(folder)])
    assert sorted(len(j.parts or [j.path]) for j in jobs) == [1, 1, 3]
    named, _ = discover([str(folder / "scan-p1.tif"), str(folder / "scan-p2.tif")])
    assert [j.parts for j in named] == [None, None]  # named one by one: read one by one


def test_extract_reads_each_named_page_image_alone(tmp_path):
    for i in (1, 2):
        (tmp_path / f"scan-p{i}.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    done = run("extract", str(tmp_path / "scan-p1.jpg"), str(tmp_path / "scan-p2.jpg"), "--ocr", "never")
    assert done.returncode == 3
    assert "2 个输入中有 2 个无法读取" in done.stderr and "page images read as one report" not in done.stderr


# --- the output folder is never read back, never shared ------------------------------------------
def test_an_output_folder_inside_the_archive_is_never_read_back(tmp_path):
    archive = archive_of(tmp_path, 3)
    out = archive / "out"
    for _ in range(3):  # rerun, as the README advises
        done = run("batch", str(archive), "-o", str(out), "--html")
        assert done.returncode == 0, done.stderr
        assert "report-extract: 共 3 个输入：读取 3 个" in done.stderr
    assert not (out / "out").exists()
    assert len((out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()) == 4


def test_two_batches_into_one_folder_the_second_says_so(tmp_path):
    from report_extract.batch import take_lock

    archive, out = archive_of(tmp_path), tmp_path / "out"
    out.mkdir()
    held = take_lock(out)
    try:
        second = run("batch", str(archive), "-o", str(out))
    finally:
        held.close()
    assert second.returncode == 4
    assert f"另一个批处理正在写入 {out}；一个输出文件夹同时只能运行一个批处理" in second.stderr
    assert "Traceback" not in second.stderr
    assert run("batch", str(archive), "-o", str(out)).returncode == 0  # free again


def test_a_full_disk_stops_the_batch_without_blaming_an_input(tmp_path):
    archive, out = archive_of(tmp_path, 4), tmp_path / "out"
    done = run("batch", str(archive), "-o", str(out), "-j", "1", env={"REPORT_EXTRACT_FAULTS": "nospace:r2"})
    assert done.returncode == 4
    assert f"无法写入 {out}（磁盘空间已满）；已完成的结果已保留：腾出空间后再次运行同一命令即可" in done.stderr
    assert "读取此文件时" not in done.stderr and "Traceback" not in done.stderr
    assert not list(out.rglob("*.tmp")) and not list(out.glob(".report-extract-spool-*"))
    again = run("batch", str(archive), "-o", str(out))
    assert again.returncode == 0 and "report-extract: 共 4 个输入：读取 4 个（2 个沿用上次的结果" in again.stderr


def test_a_name_too_long_for_its_result_file_is_fitted(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    long_name = "示例市清河区水务局" * 9 + ".txt"  # 247 bytes: the result's name would be over 255
    assert len(long_name.encode()) > 240
    (archive / long_name).write_bytes(SAMPLE.read_bytes())
    (archive / "short.txt").write_bytes(SAMPLE.read_bytes())
    done = run("batch", str(archive), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    results = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    assert len(results) == 2 and "short.txt.json" in results
    assert all(len(name.encode()) <= 255 for name in results)


def test_a_link_inside_the_output_folder_that_leads_out_fails_that_input_only(tmp_path):
    archive = archive_of(tmp_path)
    (archive / "sub").mkdir()
    (archive / "sub" / "inner.txt").write_bytes(SAMPLE.read_bytes())
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere)
    done = run("batch", str(archive), "-o", str(out))
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert "输出文件夹之外" in done.stderr
    assert not list(elsewhere.iterdir())
    assert (out / "r0.txt.json").exists()


# --- every door, the same guards -----------------------------------------------------------------
def test_check_and_compare_refuse_hostile_result_files_in_one_line(tmp_path):
    good = tmp_path / "good.json"
    assert run("extract", str(SAMPLE), "-o", str(good)).returncode == 0
    data = json.loads(good.read_text(encoding="utf-8"))
    dotted = json.loads(json.dumps(data))
    dotted["tables"]["proactive"]["rules.x"] = {"issued": 1}
    (tmp_path / "dotted.json").write_text(json.dumps(dotted, ensure_ascii=False), encoding="utf-8")
    boxed = json.loads(json.dumps(data))
    key = next(iter(boxed["provenance"]))
    boxed["provenance"][key]["ocr"] = {"confidence": 0.5, "box": [3]}
    (tmp_path / "boxed.json").write_text(json.dumps(boxed, ensure_ascii=False), encoding="utf-8")
    os.mkfifo(tmp_path / "fifo.json")
    for name in ("dotted.json", "boxed.json", "fifo.json"):
        for command in (["check", str(tmp_path / name)], ["compare", str(good), str(tmp_path / name)]):
            done = run(*command, timeout=60)
            assert done.returncode == 3, (name, command, done.stderr)
            assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "不是普通文件（命名管道（FIFO））" in run("check", str(tmp_path / "fifo.json")).stderr


def test_local_dask_workers_are_bounded_by_the_machine(tmp_path):
    done = run("batch", str(archive_of(tmp_path)), "-o", str(tmp_path / "out"), "--scheduler", "local:999")
    assert done.returncode == 2 and "本机最多 local:" in done.stderr


def test_the_cluster_client_guards_its_inputs_like_the_local_batch(tmp_path):
    pytest.importorskip("distributed")
    archive = archive_of(tmp_path, 1)
    os.mkfifo(archive / "pipe.txt")
    (archive / "zero.txt").symlink_to("/dev/zero")
    done = run("batch", str(archive), "-o", str(tmp_path / "out"), "--scheduler", "local:1", timeout=240)
    assert done.returncode == 3, done.stderr
    summary = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8-sig")
    assert summary.count("not a regular file") == 2 and "r0.txt" in summary


# --- the Python API ------------------------------------------------------------------------------
def test_the_api_says_what_it_cannot_take():
    with pytest.raises(ReportError, match="none were given"):
        report_extract.extract_pages([])
    with pytest.raises(ValueError, match="ocr must be one of auto, always, never, not 'bogus'"):
        report_extract.extract(SAMPLE, ocr="bogus")
    with pytest.raises(TypeError, match="not str"):
        report_extract.extract("x.txt", SAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(TypeError, match="not int"):
        report_extract.extract(3)
    as_view = report_extract.extract("x.txt", memoryview(SAMPLE.read_bytes()))
    as_bytes_path = report_extract.extract(os.fsencode(SAMPLE))
    assert as_view.tables == as_bytes_path.tables and as_view.tables["applications"]


def test_the_api_reads_pdfs_from_many_threads_at_once():
    script = textwrap.dedent(f"""
        import json, sys
        from concurrent.futures import ThreadPoolExecutor
        import report_extract
        paths = [{str(FIXTURES / "v2019-clean.pdf")!r}, {str(FIXTURES / "v2021-clean.pdf")!r}] * 4
        with ThreadPoolExecutor(8) as pool:
            reports = list(pool.map(lambda p: report_extract.extract(p, ocr="never"), paths))
        alone = [report_extract.extract(p, ocr="never") for p in paths[:2]]
        assert all(r.tables == alone[i % 2].tables for i, r in enumerate(reports))
        print(len(reports))
    """)
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and done.stdout.strip() == "8", done.stderr[-2000:]


# --- what reaches a terminal ----------------------------------------------------------------------
def test_report_text_and_paths_reach_the_terminal_escaped_and_never_as_markup(tmp_path):
    from report_extract.views import terminal

    hostile = "示例\x1b]0;PWNED\x07局\x1b[2J\u202e反转"
    report = report_extract.extract(SAMPLE)
    report.report.title = hostile
    report.report.organization = hostile
    from report_extract.model import Problem

    report.problems.append(Problem(code="unknown_row", severity="warning", message="x", message_zh=hostile))
    folder = tmp_path / "a["
    folder.mkdir()
    report.source.path = str(folder / "b]c[final].txt")
    buffer = __import__("io").StringIO()
    terminal.show(report, terminal.console(buffer))
    shown = buffer.getvalue()
    assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown
    assert "示例\\x1b]0;PWNED\\x07局\\x1b[2J\\u202e反转" in shown
    assert "a[/b]c[final].txt" in shown  # a path is never read as markup
    for name in ("[final]r.txt", "b]c.txt"):
        (folder / name).write_bytes(SAMPLE.read_bytes())
        done = run("check", str(folder / name))
        assert done.returncode in (0, 1) and name in done.stdout and "Traceback" not in done.stderr


def test_the_cluster_fits_long_names_fails_a_link_out_of_out_and_sends_absolute_paths(tmp_path):
    pytest.importorskip("distributed")
    archive = tmp_path / "archive"
    (archive / "sub").mkdir(parents=True)
    long_name = "示例市清河区水务局" * 9 + ".txt"
    for name in (long_name, "short.txt", "sub/inner.txt"):
        (archive / name).write_bytes(SAMPLE.read_bytes())
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere)
    # relative paths from the folder above: the workers must be sent absolute ones
    done = subprocess.run([sys.executable, "-m", "report_extract", "batch", "archive", "-o", "out", "--scheduler",
                           "local:1", "--shared-fs"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 3 and "Traceback" not in done.stderr, done.stderr
    assert "输出文件夹之外" in done.stderr and not list(elsewhere.iterdir())
    results = sorted(p.name for p in out.glob("*.json"))
    assert len(results) == 2 and "short.txt.json" in results and all(len(n.encode()) <= 255 for n in results)
