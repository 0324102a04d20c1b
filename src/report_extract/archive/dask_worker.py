"""On a Dask worker: ``task`` reads a few inputs there, one by one, each through a child process of
that worker (``python -m report_extract.cluster --child``, one per worker thread, reused from task
to task) that runs the unit of work (``unit.work``). A deadline on the child is what stops a runaway
native call: at ``--timeout`` the child's process group is killed and a new child started; a child
that crashes (segfault in a native library) is a failed input, as in a local batch, and the worker
lives on.

Worker and child speak length-prefixed pickles on the child's stdin and stdout: a ``ChildRequest``
in; a progress frame as OCR starts on each page (the deadline grows with it), then the answer, a
``unit.Done`` or ``Unchanged``, which the worker passes on to the client still pickled.

Imports no Dask: it is the function Dask runs, and the child that imports nothing of Dask at all.
Writes no file: the client writes the results.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from typing import NamedTuple

from .. import guard, limits
from ..errors import ReportError
from ..guard import printable, read_input
from .executor import crash_reason, deadline, timed_out
from .unit import Done, failure, work

CHILD_COMMAND = [sys.executable, "-m", "report_extract.cluster", "--child"]


class TaskInput(NamedTuple):
    """One input of a task. Sent to Dask as a plain tuple (``tuple(item)``, made a TaskInput again
    here): a scattered input's future is found by Dask in plain tuples, whatever its version."""

    path: str  # as the client found it (its name in the summary)
    data: object  # its bytes; with --shared-fs the absolute path to read them from; a scattered input's future
    digest: str | None  # sha256 of the bytes (None with --shared-fs: the child hashes what it reads)
    known: str | None  # with --shared-fs: the sha256 the current result was made from, if any


class ChildRequest(NamedTuple):
    """One input for the child, with the options the unit of work needs."""

    path: str
    data: bytes | str  # the bytes; with --shared-fs the absolute path to read them from
    digest: str | None
    known: str | None
    fmt: str
    page: bool
    ocr: str


class Unchanged(NamedTuple):
    """The child read the input itself (--shared-fs) and it is what the current result was made from."""

    digest: str


def task(inputs: list[tuple], fmt: str, timeout: float, page: bool = False, ocr: str = "auto") -> list:
    """The inputs (``TaskInput`` as plain tuples), on a Dask worker, one by one through one of this
    worker's child processes, each with its own deadline. Each answer is a ``Done`` or an
    ``Unchanged``; an answer of the child comes as the child pickled it (bytes, for the client to
    unpickle): this worker neither reads nor pickles it again, and Dask sizes and sends bytes as they
    are."""
    return [_one(ChildRequest(*TaskInput(*raw), fmt, page, ocr), timeout) for raw in inputs]


def _one(request: ChildRequest, timeout: float):
    _worker_fault(request.path)
    child = _Child.take()
    started = time.monotonic()
    try:
        answer = child.ask(request, timeout)
    except _ChildTimedOut as exc:
        child.kill()
        summary = failure(request.path, timed_out(exc.limit, exc.pages))
    except _ChildDied as exc:
        child.kill()
        summary = failure(request.path, crash_reason(exc.code))
    else:
        _Child.give_back(child)
        return answer
    summary["seconds"] = round(time.monotonic() - started, 3)
    return Done(summary, None, None)


def _worker_fault(path: str) -> None:
    """For tests of cluster runs: REPORT_EXTRACT_FAULTS="killworker:NAME" kills the Dask worker itself
    (as the kernel's out-of-memory killer would) on inputs whose path contains NAME."""
    for fault in filter(None, os.environ.get("REPORT_EXTRACT_FAULTS", "").split(",")):
        kind, _, needle = fault.partition(":")
        if kind == "killworker" and needle and needle in path:
            os.kill(os.getpid(), signal.SIGKILL)


class _ChildTimedOut(Exception):
    def __init__(self, limit: float, pages: int):
        super().__init__(limit, pages)
        self.limit, self.pages = limit, pages


class _ChildDied(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class _Child:
    """A child process of this Dask worker (CHILD_COMMAND). Idle ones wait in a shared list."""

    idle: list[_Child] = []
    lock = threading.Lock()

    def __init__(self):
        self.process = subprocess.Popen(CHILD_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL,
                                        start_new_session=True)  # its own group: a kill takes helpers too

    @classmethod
    def take(cls) -> _Child:
        with cls.lock:
            while cls.idle:
                child = cls.idle.pop()
                if child.process.poll() is None:
                    return child
        return cls()

    @classmethod
    def give_back(cls, child: _Child) -> None:
        with cls.lock:
            cls.idle.append(child)

    def ask(self, request: ChildRequest, timeout: float):
        try:
            _send(self.process.stdin, request)
        except OSError:
            raise _ChildDied(self._code()) from None
        start, limit, pages = time.monotonic(), timeout, 0
        while True:  # an input read by OCR has --timeout (at least OCR_PAGE_TIMEOUT) a page, as locally
            ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, start + limit - time.monotonic()))
            if not ready:
                raise _ChildTimedOut(limit, pages)
            frame = _receive_frame(self.process.stdout)
            if frame is None:
                raise _ChildDied(self._code())
            kind, payload = frame
            if kind != _PROGRESS:
                return payload  # the answer, still pickled
            pages = pickle.loads(payload)
            limit = deadline(timeout, pages)

    def _code(self):
        try:
            return self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except OSError:
            pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


# a message between a worker and its child: its size and kind (_PROGRESS: the number of pages OCR
# has started on, told while the child reads; _MESSAGE: anything else), then the pickle
_FRAME = struct.Struct("<Qc")
_MESSAGE, _PROGRESS = b"m", b"p"


def _send(stream, message, kind: bytes = _MESSAGE) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_FRAME.pack(len(payload), kind))
    stream.write(payload)
    stream.flush()


def _receive_frame(stream) -> tuple[bytes, bytes] | None:
    """(kind, pickle) of the next message, not unpickled; None at the end of the stream."""
    header = stream.read(_FRAME.size)
    if len(header) < _FRAME.size:
        return None
    size, kind = _FRAME.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return kind, payload


def _receive(stream):
    frame = _receive_frame(stream)
    return None if frame is None else pickle.loads(frame[1])


def child_main() -> None:
    """A Dask worker's child: one input a request, until its stdin closes (or its worker is gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the client's to handle
    # the same memory cap as a local worker's, set on the worker machine (REPORT_EXTRACT_MAX_MEMORY_MB)
    guard.set_memory_limit(limits.MEMORY.value)
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints must not mix with the answers
    parent = os.getppid()

    def orphaned() -> None:  # the worker was killed: stop, even in the middle of an input, and take
        while True:          # what this child started (LibreOffice, in its process group) with it
            time.sleep(1)
            if os.getppid() != parent:
                try:
                    os.killpg(os.getpgrp(), signal.SIGKILL)
                finally:
                    os._exit(1)

    threading.Thread(target=orphaned, daemon=True).start()
    pages = 0

    def page_started() -> None:  # told to the worker, whose deadline for the input grows with it
        nonlocal pages
        pages += 1
        _send(answers, pages, kind=_PROGRESS)

    while (request := _receive(requests)) is not None:
        pages = 0
        path, data, digest = request.path, request.data, request.digest
        start = time.perf_counter()
        if isinstance(data, str):  # --shared-fs: the absolute path where the client found it
            try:
                data = read_input(data, printable(path))  # the input guards, as everywhere: a FIFO, a device, the size limit
            except ReportError as exc:
                _send(answers, Done(failure(path, exc, start), None, None))
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest == request.known:
                _send(answers, Unchanged(digest))
                continue
        _send(answers, work(path, data, digest, request.fmt, start, page=request.page, ocr=request.ocr,
                            on_ocr_page=page_started))
