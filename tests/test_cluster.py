"""report-extract batch on a Dask cluster (LocalCluster of 2 worker processes, and a scheduler with
workers started as a user would): the output folder (results, CSVs, --html pages) is the local
batch's, byte for byte but for the timing column, also when a worker is killed mid-run, when the client is killed and run again,
and when the scheduler goes away and the run is resumed; a file that kills every worker it reaches
is a failed row and the batch completes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from conftest import ROOT  # noqa: E402
from generate import build_archive  # noqa: E402
from test_batch import FAULTS, _tree, batch, read_csv  # noqa: E402


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    build_archive(root)
    return root


@pytest.fixture(scope="module")
def reference(archive, tmp_path_factory):
    """What a local run with two worker processes leaves."""
    out = tmp_path_factory.mktemp("local")
    result = batch(archive, out, "--jobs", "2", "--xlsx", "--html", env=FAULTS)
    assert result.returncode == 3
    return out


def _wait_for_results(out: Path, count: int, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and len(list(out.rglob("*.json"))) < count:
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)


def _descendants(pid: int) -> list:
    import psutil

    return psutil.Process(pid).children(recursive=True)


def test_local_cluster_leaves_the_same_folder_as_local_workers(archive, reference, tmp_path):
    out = tmp_path / "dask"
    result = batch(archive, out, "--scheduler", "local:2", "--xlsx", "--html", env=FAULTS)
    assert result.returncode == 3, result.stderr.decode()
    assert "共 323 个输入：读取 307 个（".encode() in result.stderr and b"Traceback" not in result.stderr  # then not reports, failed
    tree = _tree(out)
    assert tree == _tree(reference)
    assert "index.html" in tree and sum(name.endswith(".html") for name in tree) == 308  # --html's pages too
    reasons = {Path(r["path"]).name: r["error"] for r in read_csv(out / "summary.csv") if r["status"] == "failed"}
    # a crash and a hang in a native library end the worker's child process, as they end a local worker
    assert reasons["crash-CRASHES.txt"] == ("the worker crashed (SIGSEGV) while reading this file (over its memory limit of "
                                            "1,536 MB? raise it with --max-memory or REPORT_EXTRACT_MAX_MEMORY_MB=N)")
    assert reasons["slow-HANGS.txt"] == "timed out after 5 s (the worker was stopped)"
    assert {Path(r["path"]).name: r["error_zh"] for r in read_csv(out / "summary.csv")}["slow-HANGS.txt"] == \
        "超时：5 秒后仍未读完（已停止该工作进程）"


def test_a_worker_killed_mid_run_changes_nothing(archive, reference, tmp_path):
    out = tmp_path / "dask"
    process = batch(archive, out, "--scheduler", "local:2", "--xlsx", "--html", env=FAULTS, wait=False)
    _wait_for_results(out, 60, process)
    workers = [p for p in _descendants(process.pid) if "spawn_main" in " ".join(p.cmdline())]
    assert len(workers) == 2
    os.kill(workers[0].pid, signal.SIGKILL)  # the input it held is run again on the other worker
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 3, stderr.decode()
    assert _tree(out) == _tree(reference)


def test_a_file_that_kills_every_worker_it_reaches_is_a_failed_row(archive, tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    for path in sorted((archive / "2024").iterdir())[:6]:
        (small / path.name).write_bytes(path.read_bytes())
    (small / "oom-KILLS.txt").write_bytes(next((archive / "2023").glob("*.txt")).read_bytes())
    out = tmp_path / "out"
    result = batch(small, out, "--scheduler", "local:2", env={"REPORT_EXTRACT_FAULTS": "killworker:KILLS"})
    assert result.returncode == 3, result.stderr.decode()
    rows = {Path(r["path"]).name: (r["status"], r["error"]) for r in read_csv(out / "summary.csv")}
    assert rows.pop("oom-KILLS.txt") == ("failed", "3 cluster workers died while reading this file (KilledWorker)")
    assert sorted(rows.values()) == [("ok", "")] * 6
    assert re.search(r"共 7 个输入：读取 6 个(（[^）]*）)?，不是年度报告 0 个，无法读取 1 个", result.stderr.decode())


def test_killed_client_then_rerun_leaves_the_same_folder(archive, reference, tmp_path):
    out = tmp_path / "dask"
    process = batch(archive, out, "--scheduler", "local:2", "--xlsx", "--html", env=FAULTS, wait=False)
    _wait_for_results(out, 100, process)
    family = _descendants(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    for child in family:  # the LocalCluster's workers go with their client; not left to chance here
        try:
            child.kill()
        except Exception:
            pass
    assert not (out / "summary.csv").exists()
    kept = len(list(out.rglob("*.json")))
    result = batch(archive, out, "--scheduler", "local:2", "--xlsx", "--html", env=FAULTS)
    assert result.returncode == 3, result.stderr.decode()
    assert _tree(out) == _tree(reference)
    assert kept >= 100


def test_lost_scheduler_is_one_error_line_and_the_rerun_resumes(archive, reference, tmp_path):
    """A scheduler and two workers started the way the README says, the scheduler killed mid-run."""
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    address_file = tmp_path / "scheduler.json"
    environment = {**os.environ, **FAULTS}
    scheduler = subprocess.Popen([*dask, "--scheduler-file", str(address_file), "--port", "0", "--no-dashboard"],
                                 env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = None
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(address_file.read_text())["address"]
        workers = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "2",
                                    "--nthreads", "1", "--no-dashboard"], env=environment,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        from distributed import Client

        with Client(address) as client:
            client.wait_for_workers(2, timeout=120)
        out = tmp_path / "dask"
        process = batch(archive, out, "--scheduler", address, env=FAULTS, wait=False)
        _wait_for_results(out, 60, process)
        scheduler.kill()
        _, stderr = process.communicate(timeout=120)
        lines = [line for line in stderr.decode().splitlines() if not line.startswith("[")]
        assert lines == [f"report-extract: 与 {address} 的 Dask 调度器失去联系；已有的结果保留在 {out}：再次运行同一命令"
                         "即可接着处理"]
        assert process.returncode == 3
        assert not (out / "summary.csv").exists() and len(list(out.rglob("*.json"))) >= 60
    finally:
        for child in (scheduler, workers):
            if child is not None:
                child.kill()
                child.wait()
    result = batch(archive, out, "--scheduler", "local:2", "--xlsx", "--html", env=FAULTS)
    assert result.returncode == 3, result.stderr.decode()
    assert _tree(out) == _tree(reference)


def test_shared_fs_sends_paths_only_and_the_workers_tell_current_results(archive, tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    for path in sorted((archive / "2025").glob("*.txt"))[:5]:
        (small / path.name).write_bytes(path.read_bytes())
    out, local = tmp_path / "out", tmp_path / "local"
    assert batch(small, local, "--jobs", "1").returncode == 0
    nothing_sent = {"REPORT_EXTRACT_MAX_SEND_MB": "0"}  # no input's bytes may go to a worker
    assert batch(small, out, "--scheduler", "local:2", "--shared-fs", env=nothing_sent).returncode == 0
    assert _tree(out) == _tree(local)
    result = batch(small, tmp_path / "sent", "--scheduler", "local:1", env=nothing_sent)
    assert result.returncode == 3
    assert {r["error"] for r in read_csv(tmp_path / "sent" / "summary.csv")} == {
        "larger than the 0 MiB sent to cluster workers (raise REPORT_EXTRACT_MAX_SEND_MB, or use --shared-fs "
        "when workers can read the archive)"}
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("*.json")}
    first = sorted(stamps)[0]
    first_input = small / first.name.removesuffix(".json")
    first_input.write_bytes(first_input.read_bytes().replace("示例县".encode(), "示范县".encode()))
    assert batch(small, out, "--scheduler", "local:2", "--shared-fs").returncode == 0
    changed = {p for p in stamps if p.stat().st_mtime_ns != stamps[p]}
    assert changed == {first}  # the other four were current: the workers said so, nothing was redone
    assert json.loads(first.read_text(encoding="utf-8"))["report"]["organization"].startswith("示范县")


def test_unreachable_scheduler_and_misuse_are_one_line(tmp_path):
    source = ROOT / "tests" / "fixtures" / "v2021-clean.txt"
    base = [sys.executable, "-m", "report_extract", "batch", str(source), "-o", str(tmp_path / "out")]
    result = subprocess.run([*base, "--scheduler", "tcp://127.0.0.1:9"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 3
    assert result.stderr.startswith("report-extract: 无法使用 tcp://127.0.0.1:9 的 Dask 调度器（")
    assert len(result.stderr.strip().splitlines()) == 1
    result = subprocess.run([*base, "--scheduler", "local:zero"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr == "report-extract: --scheduler local:zero：请写明本机工作进程数，例如 local:2\n"
    result = subprocess.run([*base, "--shared-fs"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--shared-fs 须与 --scheduler 一起使用" in result.stderr


def test_ctrl_c_on_the_terminal_stops_client_and_local_workers_quietly(archive, tmp_path):
    out = tmp_path / "interrupted"
    command = [sys.executable, "-m", "report_extract", "batch", str(archive), "-o", str(out), "--scheduler", "local:2"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    _wait_for_results(out, 20, process)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: to the client and its local workers
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    lines = [line for line in stderr.decode().splitlines() if not line.startswith("[")]
    assert len(lines) == 1 and lines[0].startswith("report-extract: 已中断：")
