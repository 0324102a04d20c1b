"""How a user's habits meet the command line (issue 20): -q and -v anywhere, quiet is not silent,
a closed pipe or a full stdout is no traceback, output errors are exit 4."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample-report-2024.txt"


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], capture_output=True, text=True,
                          timeout=300, **kwargs)


def test_quiet_and_verbose_are_taken_after_the_command_too():
    for args in (("extract", "-q", SAMPLE), ("extract", SAMPLE, "--quiet"), ("-q", "extract", SAMPLE),
                 ("check", SAMPLE, "-v")):
        done = run(*args)
        assert done.returncode == 0, (args, done.stderr)
    assert run("extract", "--", SAMPLE, "-q").returncode == 3  # after --, a file named -q


def test_quiet_batch_still_names_each_failure(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "good.txt").write_bytes(SAMPLE.read_bytes())
    (archive / "empty.txt").write_bytes(b"")
    (archive / "binary.pdf").write_bytes(b"not a pdf at all")
    done = run("-q", "batch", archive, "-o", tmp_path / "out")
    assert done.returncode == 3
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("无法读取：") for line in lines), lines
    assert "empty.txt：文件是空的" in done.stderr


def test_a_reader_that_stops_reading_is_not_an_error():
    shell = f"{sys.executable} -m report_extract check {FIXTURES / 'v2019-clean.txt'} | head -1; " \
            "echo ${PIPESTATUS[0]}"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=300)
    assert done.stdout.splitlines()[-1] == "0" and "Traceback" not in done.stderr


def test_help_into_a_full_stdout_is_one_line_and_exit_4():
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "report_extract", "--help"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 4
    assert done.stderr == "report-extract: 无法写入标准输出（磁盘空间已满）\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_output_folder_that_cannot_be_written_is_exit_4_as_in_batch(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    assert run("extract", SAMPLE, "-o", locked / "x.json").returncode == 4
    assert run("extract", SAMPLE, "-o", SAMPLE / "x.json").returncode == 2  # under a file: a usage error


def test_a_batch_says_what_it_read_what_it_did_not_and_how_long_it_took(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("a.xls", "b.xls", "c.zip", ".hidden.txt"):
        (archive / name).write_bytes(b"x")
    empty = run("batch", archive, "-o", tmp_path / "empty")
    assert empty.returncode == 0
    assert empty.stderr.splitlines() == [
        f"report-extract: 没有找到输入（读取的格式：.pdf .ofd .docx .doc .wps .txt .md .html .mht 页面图片）；"
        f"{tmp_path / 'empty'}",
        "report-extract: 未读取（report-extract 不读取的格式）：2 个 .xls，1 个 .zip"]
    (archive / "one.txt").write_bytes((FIXTURES / "v2021-balance.txt").read_bytes())
    one = run("batch", archive, "-o", tmp_path / "out")
    last = one.stderr.splitlines()[-2]
    assert last.startswith("report-extract: 共 1 个输入：读取 1 个（1 个报告有错误），不是年度报告 0 个，无法读取 0 个；")
