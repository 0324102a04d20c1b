"""forked.Forked: a function of ours in a forked process with the face of a Popen (batch workers
and the janitor are started so, without a new Python's start-up): its pipes, its exit code, its own
session, nothing of the command's held or run in it."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from report_extract import forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")


def _echo() -> None:
    for line in sys.stdin:
        sys.stdout.write(line.upper())
        sys.stdout.flush()


def test_its_pipes_carry_lines_both_ways_and_it_ends_with_0_when_the_function_returns():
    child = forked.Forked(_echo, stdin=True, stdout=True)
    child.stdin.write("第一行 a\n".encode())
    assert child.stdout.read(64) == "第一行 A\n".encode()
    child.stdin.close()
    assert child.wait(timeout=10) == 0
    assert child.poll() == 0


def test_its_exit_code_says_how_it_ended():
    assert forked.Forked(lambda: sys.exit(7)).wait(timeout=10) == 7
    assert forked.Forked(lambda: 1 / 0).wait(timeout=10) == 1

    def stop() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    assert forked.Forked(stop).wait(timeout=10) == -signal.SIGKILL


def test_it_has_its_own_session_and_holds_none_of_the_commands_descriptors(tmp_path):
    held = open(tmp_path / "held.txt", "w")  # noqa: SIM115 - open in the command while the child runs
    try:
        def report() -> None:
            fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
            sys.stdout.write(f"{os.getsid(0)} {os.getpgid(0)} {fds}\n")

        child = forked.Forked(report, stdout=True)
        line = child.stdout.read(200).decode()
        assert child.wait(timeout=10) == 0
    finally:
        held.close()
    session, group, fds = line.split(" ", 2)
    assert int(session) == int(group) == child.pid != os.getsid(0)
    # 0-2, and the one /proc/self/fd listing itself: the command's file, pipes and tests' files are not there
    listed = ast.literal_eval(fds)
    assert listed[:3] == [0, 1, 2] and len(listed) == 4


def test_the_commands_signal_handlers_are_not_inherited():
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        child = forked.Forked(lambda: time.sleep(30))
        os.kill(child.pid, signal.SIGTERM)
        assert child.wait(timeout=10) == -signal.SIGTERM  # the default: it ends
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_command_started_with_its_standard_input_closed(tmp_path):
    """The pipe to the child may be given descriptor 0: it must still be the child's stdin."""
    code = ("import sys\nfrom report_extract import forked\n"
            "def echo():\n    sys.stdout.write(sys.stdin.readline().upper())\n"
            "c = forked.Forked(echo, stdin=True, stdout=True)\nc.stdin.write(b'abc\\n')\n"
            "print(c.stdout.read(10).decode().strip(), c.wait(timeout=10), file=sys.stderr)\n")
    result = subprocess.run(f"{sys.executable} -c \"$CODE\" <&-", shell=True, env={**os.environ, "CODE": code},
                            capture_output=True, timeout=60)
    assert result.stderr.decode().split() == ["ABC", "0"]


def test_no_fork_while_another_thread_runs():
    alone = threading.active_count() == 1  # a thread another test left running is no failure of this one
    assert forked.can_fork() == alone
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forked.can_fork()
    finally:
        stop.set()
        thread.join()
    assert forked.can_fork() == alone


def test_wait_gives_up_after_its_timeout():
    child = forked.Forked(lambda: time.sleep(30))
    with pytest.raises(subprocess.TimeoutExpired):
        child.wait(timeout=0.2)
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=10) == -signal.SIGKILL


def test_batch_workers_share_the_cores_out_for_ocr(monkeypatch):
    """onnxruntime takes every core in each process: a batch gives each worker its share."""
    from report_extract.archive.local import ocr_threads

    monkeypatch.delenv("REPORT_EXTRACT_OCR_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert [ocr_threads(n) for n in (1, 2, 3, 4, 8)] == ["4", "2", "1", "1", "1"]
    monkeypatch.setenv("REPORT_EXTRACT_OCR_THREADS", "3")  # the user's says
    assert ocr_threads(2) == "3"


@pytest.mark.parametrize("threaded", [True, False])
def test_a_batch_called_beside_a_thread_starts_new_pythons_and_reads_as_well(tmp_path, threaded):
    """A program with threads of its own that calls the batch: no fork, the workers are new Pythons
    (``python -m report_extract.batch --worker``), and every input is read; alone, it forks them."""
    from conftest import FIXTURES, ROOT

    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("v2021-clean.txt", "v2019-clean.txt", "v2021-balance.txt"):
        (archive / name).write_bytes((FIXTURES / name).read_bytes())
    code = ("import subprocess, sys, threading\nfrom pathlib import Path\n"
            "started = []\nreal = subprocess.Popen.__init__\n"
            "def spy(self, args, *a, **k):\n    started.append(list(args))\n    real(self, args, *a, **k)\n"
            "subprocess.Popen.__init__ = spy\n"
            "stop = threading.Event()\n"
            + ("threading.Thread(target=stop.wait, daemon=True).start()\n" if threaded else "") +
            "from report_extract.batch import Options, run\n"
            "outcome = run([sys.argv[1]], Options(outdir=Path(sys.argv[2]), jobs=2))\n"
            "stop.set()\n"
            "print(outcome.total, outcome.failed, sum('--worker' in a for a in started))\n")
    result = subprocess.run([sys.executable, "-c", code, str(archive), str(tmp_path / "out")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # 3 inputs, none failed, 2 workers started as new Pythons beside a thread, none (forked) alone
    assert result.stdout.split() == ["3", "0", "2" if threaded else "0"]
    assert len(list((tmp_path / "out").glob("*.json"))) == 3
