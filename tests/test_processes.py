"""Processes and leftovers (issue 18, sections 4 and 6): nothing we start outlives us, nothing we
write is left half-done, and LibreOffice never reaches the network.

Each test gives the command a private TMPDIR and asserts that it is empty afterwards and that no
process whose environment names it is left. Waits poll with a deadline; slow inputs are made by
REPORT_EXTRACT_FAULTS (guard.fault_injection)."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from report_extract.batch import LOCK_NAME
from report_extract.readers import doc as doc_reader

CLEAN = FIXTURES / "v2021-clean.txt"
GONE_WITHIN = 10.0  # seconds for what we started to be gone once its parent is


def wait_for(predicate, seconds: float, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def start(*args, tmpdir: Path, faults: str = "", **kwargs) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmpdir), "REPORT_EXTRACT_FAULTS": faults}
    return subprocess.Popen([sys.executable, "-m", "report_extract", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def note_of(source: Path, seconds: float = 60) -> dict:
    note = Path(f"{source}.note")
    assert wait_for(note.exists, seconds), f"{note} never written"
    return json.loads(note.read_text(encoding="utf-8"))


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rpartition(b")")[2].split()[0] != b"Z"
    except OSError:
        return False


def ours(tmpdir: Path) -> list[int]:
    """Live processes whose environment names the private TMPDIR (or a folder in it)."""
    mark = b"TMPDIR=" + os.fsencode(tmpdir)
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                environ = Path(f"/proc/{entry}/environ").read_bytes()
            except OSError:
                continue
            if any(item.startswith(mark) for item in environ.split(b"\0")) and alive(int(entry)):
                found.append(int(entry))
    return found


def assert_nothing_left(tmpdir: Path) -> None:
    assert wait_for(lambda: not ours(tmpdir), GONE_WITHIN), [Path(f"/proc/{p}/cmdline").read_bytes() for p in ours(tmpdir)]
    assert wait_for(lambda: not list(tmpdir.iterdir()), GONE_WITHIN), sorted(p.name for p in tmpdir.iterdir())


@pytest.fixture
def tmpdir_(tmp_path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


# --- extract: the reading process ----------------------------------------------------------------
@pytest.mark.parametrize("fault", ["spin", "orphan"])
def test_extract_killed_takes_its_reading_process_and_temporary_folder_with_it(tmp_path, tmpdir_, fault):
    """spin: the reading process is in C code that never returns to Python (as pdfium on a hostile
    PDF), so only a signal the kernel acts on stops it; orphan: it started a child, as LibreOffice."""
    source = tmp_path / "x-SLOW.txt"
    source.write_bytes(CLEAN.read_bytes())
    process = start("extract", source, tmpdir=tmpdir_, faults=f"{fault}:SLOW")
    note = note_of(source)
    assert Path(note["tmp"]).parent == tmpdir_ and Path(note["tmp"]).name.startswith("report-extract-")
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert wait_for(lambda: not alive(note["worker"]), GONE_WITHIN)
    if fault == "orphan":
        assert wait_for(lambda: not alive(note["child"]), GONE_WITHIN)
    assert_nothing_left(tmpdir_)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda n: n.name)
def test_extract_stopped_by_a_signal_cleans_up_and_says_so_in_one_line(tmp_path, tmpdir_, number):
    source = tmp_path / "x-SLOW.txt"
    source.write_bytes(CLEAN.read_bytes())
    process = start("extract", source, tmpdir=tmpdir_, faults="orphan:SLOW")
    note = note_of(source)
    process.send_signal(number)
    stdout, stderr = process.communicate(timeout=30)
    said = "已中断" if number == signal.SIGINT else f"被 {signal.Signals(number).name} 信号中断"
    assert (process.returncode, stdout, stderr.decode()) == (128 + number, b"", f"report-extract: {said}\n")
    assert not alive(note["worker"]) and not alive(note["child"])
    assert_nothing_left(tmpdir_)


def test_sigint_to_the_reading_process_changes_nothing(tmp_path, tmpdir_):
    """The reading process ignores Ctrl-C (the command decides what it stops): no "internal error",
    no KeyboardInterrupt; the report is read."""
    source = tmp_path / "x-PAUSE.txt"
    source.write_bytes(CLEAN.read_bytes())
    process = start("extract", source, tmpdir=tmpdir_, faults="pause:PAUSE")
    os.kill(note_of(source)["worker"], signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert stderr == b"" and json.loads(stdout)["report"]["year"] == 2023
    assert_nothing_left(tmpdir_)


def test_a_timed_out_extract_leaves_nothing(tmp_path, tmpdir_):
    source = tmp_path / "x-SLOW.txt"
    source.write_bytes(CLEAN.read_bytes())
    process = start("extract", "--timeout", "1", source, tmpdir=tmpdir_, faults="orphan:SLOW")
    note = note_of(source)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 3
    assert stderr.decode() == (f"report-extract: {source}：读取 1 秒后仍未完成（已停止），超过时间上限 1 秒"
                               "（可用 --timeout 或 REPORT_EXTRACT_TIMEOUT=N 提高）\n")
    assert not alive(note["child"]) and not Path(note["scratch"]).exists()
    assert_nothing_left(tmpdir_)


# --- batch -----------------------------------------------------------------------------------------
def _archive(root: Path, count: int = 4) -> Path:
    archive = root / "in"
    archive.mkdir()
    for n in range(count):
        (archive / f"r{n}.txt").write_bytes(CLEAN.read_bytes())
    (archive / "x-HOLD.txt").write_bytes(CLEAN.read_bytes())  # held by a fault: a worker busy at the signal
    return archive


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=lambda n: n.name)
def test_batch_stopped_by_a_signal_cleans_up_says_so_and_a_rerun_finishes(tmp_path, tmpdir_, number):
    archive, out = _archive(tmp_path), tmp_path / "out"
    process = start("--quiet", "batch", archive, "-o", out, "--jobs", "2", "--timeout", "120", tmpdir=tmpdir_,
                    faults="orphan:HOLD")
    note = note_of(archive / "x-HOLD.txt")
    assert wait_for(lambda: list(out.glob("*.json")), 60)
    process.send_signal(number)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + number
    assert re.fullmatch(rf"report-extract: 被 {signal.Signals(number).name} 信号中断：已完成的 \d 个输入保存在 "
                        rf"{re.escape(str(out))}；再次运行同一命令即可接着处理\n", stderr.decode())
    assert not alive(note["worker"]) and not alive(note["child"])
    assert_nothing_left(tmpdir_)
    assert [p.name for p in out.rglob(".*")] == [LOCK_NAME]  # no spool, no half-written result
    assert not (out / "summary.csv").exists()
    Path(f"{archive / 'x-HOLD.txt'}.note").unlink()
    rerun = subprocess.run([sys.executable, "-m", "report_extract", "--quiet", "batch", str(archive), "-o", str(out)],
                           cwd=ROOT, env={**os.environ, "TMPDIR": str(tmpdir_)}, capture_output=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert sorted((Path(r["path"]).name, r["status"]) for r in _read_csv(out / "summary.csv")) == [
        ("r0.txt", "ok"), ("r1.txt", "ok"), ("r2.txt", "ok"), ("r3.txt", "ok"), ("x-HOLD.txt", "ok")]
    assert_nothing_left(tmpdir_)


def test_sigint_to_a_batch_worker_changes_nothing(tmp_path, tmpdir_):
    archive, out = _archive(tmp_path, count=1), tmp_path / "out"
    Path(archive / "x-HOLD.txt").rename(archive / "x-PAUSE.txt")
    process = start("--quiet", "batch", archive, "-o", out, "--jobs", "1", tmpdir=tmpdir_, faults="pause:PAUSE")
    os.kill(note_of(archive / "x-PAUSE.txt")["worker"], signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert (process.returncode, stderr) == (0, b"")
    assert [r["status"] for r in _read_csv(out / "summary.csv")] == ["ok", "ok"]
    assert_nothing_left(tmpdir_)


# --- LibreOffice -------------------------------------------------------------------------------
needs_soffice = pytest.mark.skipif(doc_reader.soffice() is None, reason="LibreOffice is not installed")


def _doc_with_linked_picture(url: str) -> bytes:
    """A .doc whose picture is ``INCLUDEPICTURE "url"``: a flat ODF text with a linked image, saved
    as .doc by LibreOffice (offline, so the making fetches nothing)."""
    fodt = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2" '
            'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
            '<text:p>示例市2024年政府信息公开工作年度报告</text:p><text:p>'
            '<draw:frame draw:name="p" text:anchor-type="as-char" svg:width="2cm" svg:height="2cm">'
            f'<draw:image xlink:href="{url}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
            '</draw:frame></text:p></office:text></office:body></office:document>')
    data = doc_reader.convert(fodt.encode("utf-8"), "fodt", "doc")
    assert "INCLUDEPICTURE".encode("utf-16-le") in data and url.encode("utf-16-le") in data
    return data


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections, for at most ``seconds``."""

    def __init__(self, seconds: float = 120):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]  # bound, not yet listening: connections are refused
        self.connections = 0
        self.deadline = time.monotonic() + seconds
        self.done = False

    def listen(self) -> None:
        self.socket.listen(64)
        self.socket.settimeout(0.1)
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.done and time.monotonic() < self.deadline:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.done = True
        self.thread.join(5)
        self.socket.close()


@needs_soffice
def test_libreoffice_never_reaches_the_network(tmp_path, tmpdir_, monkeypatch):
    listener = Listener()
    try:
        source = tmp_path / "linked.doc"
        source.write_bytes(_doc_with_linked_picture(f"http://127.0.0.1:{listener.port}/picture.png"))
        listener.listen()
        # the fixture fetches when LibreOffice is left to itself (a profile of its defaults)
        subprocess.run([doc_reader.soffice(), "--headless", "--norestore",
                        f"-env:UserInstallation={(tmp_path / 'default-profile').as_uri()}", "--convert-to", "docx",
                        "--outdir", str(tmp_path / "plain"), str(source)], capture_output=True, timeout=120,
                       env={**os.environ, "TMPDIR": str(tmp_path)})
        assert wait_for(lambda: listener.connections, 5)
        listener.connections = 0
        # as the command reads it: without network where the machine allows it, and the profile
        result = subprocess.run([sys.executable, "-m", "report_extract", "extract", str(source)], cwd=ROOT,
                                capture_output=True, timeout=300, env={**os.environ, "TMPDIR": str(tmpdir_)})
        assert b"Traceback" not in result.stderr
        # the profile alone, where the machine allows no network namespace
        monkeypatch.setattr(doc_reader, "no_network", lambda: [])
        assert doc_reader.convert(source.read_bytes(), "doc", "docx").startswith(b"PK")
        time.sleep(0.5)  # a request in flight would have been accepted by now
        assert listener.connections == 0
    finally:
        listener.close()
    assert_nothing_left(tmpdir_)


def _libreoffice_of(tmpdir: Path) -> tuple[int, str] | None:
    """(pid, its single-instance pipe) of a soffice.bin whose profile is under ``tmpdir``, once the
    pipe exists."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            arguments = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if not arguments[0].endswith(b"soffice.bin"):
            continue
        for argument in arguments:
            if argument.startswith(b"-env:UserInstallation=file://" + os.fsencode(tmpdir)):
                url = os.fsdecode(argument.partition(b"=")[2])
                for in_namespace in (True, False):
                    pipe = doc_reader.pipe_path(url, inside_user_namespace=in_namespace)
                    if os.path.exists(pipe):
                        return int(entry), pipe
    return None


@needs_soffice
@pytest.mark.parametrize("how", ["timeout", "sigkill"])
def test_libreoffice_stopped_mid_conversion_leaves_nothing(tmpdir_, how):
    """LibreOffice is frozen (SIGSTOP) once its pipe is made, then the input times out or the
    command is killed: no LibreOffice, no folder, no /tmp/OSL_PIPE_* of it."""
    process = start("extract", "--timeout", "8" if how == "timeout" else "600", FIXTURES / "v2021-clean.doc",
                    tmpdir=tmpdir_)
    found = wait_for(lambda: _libreoffice_of(tmpdir_), 60, step=0.01)
    assert found, process.communicate(timeout=600)
    office, pipe = found
    os.kill(office, signal.SIGSTOP)
    if how == "sigkill":
        os.kill(process.pid, signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    if how == "timeout":
        assert process.returncode == 3 and "读取 8 秒后仍未完成（已停止）".encode() in stderr
    assert wait_for(lambda: not alive(office), GONE_WITHIN)
    assert wait_for(lambda: not os.path.exists(pipe), GONE_WITHIN)
    assert_nothing_left(tmpdir_)
