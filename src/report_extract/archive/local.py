"""The local executor: the jobs on worker processes of this machine (``run_jobs``), and the worker
process itself (``worker_main``: forked from the batch where that is safe, ``forked``; else started
as ``python -m report_extract.batch --worker``).

Each worker reads its inputs one by one (``process``: the input's bytes, reuse of a current
result, else the unit of work) and writes each result file itself (atomically); it sends back one
summary line a job and puts the bulk (the sheet rows) in its own spool file, so the parent never
holds the reports. A worker that crashes (even inside a native library) or passes its deadline is
killed with its process group and replaced; its input is recorded as failed and the batch goes on.

Worker and parent speak JSON lines: the parent sends a job a line (``Job.__dict__``); the worker
answers ``[index, summary, where]``, and ``["ocr", pages]`` as OCR starts on a page (its deadline
grows with it) or ``["output", errno, strerror, filename]`` when the output folder cannot be
written (the batch stops).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .. import files, forked, guard, janitor, limits
from ..guard import printable
from . import review_store
from .executor import JobDone, crash_reason, deadline, largest_last, read_source, reuse, timed_out
from .jobs import Job, Options
from .outfolder import current, result_path, write_result
from .spool import Place, Spool, Writer
from .unit import failure, work

WORKER_COMMAND = [sys.executable, "-m", "report_extract.batch", "--worker"]  # then the options as JSON


# --- the parent ------------------------------------------------------------------------------------
def run_jobs(jobs: list[Job], options: Options, done: JobDone, spool: Spool) -> None:
    """Run the jobs on worker processes (``--jobs`` of them, at most one a job); ``done`` for each,
    in completion order."""
    from multiprocessing.connection import wait  # only in the parent: workers never pay for it

    size = max(1, min(options.jobs or os.cpu_count() or 1, len(jobs)))
    queue = largest_last(jobs)
    threads = ocr_threads(size)
    slots = [_Slot(options, spool, threads) for _ in range(size)]
    try:
        for slot in slots:
            if queue:
                slot.give(queue.pop())
        while any(slot.job for slot in slots):
            busy = [s for s in slots if s.job]
            # a line already read (after another, in one read) is taken without waiting
            ready = wait([s.process.stdout for s in busy], timeout=0 if any(s.has_line() for s in busy) else 0.2)
            for slot in busy:
                reason = None
                if slot.has_line() or slot.process.stdout in ready:
                    received = slot.receive()
                    if received is None:
                        reason = crash_reason(slot.exit_code(), options.memory_mb)
                    elif received == "ocr":
                        continue
                    else:
                        slot.job = None
                        done(*received)
                elif time.monotonic() - slot.started > slot.deadline(options):
                    reason = timed_out(slot.deadline(options), slot.ocr_pages)
                if reason:
                    job = slot.job
                    summary = failure(job.path, reason)
                    summary["seconds"] = round(time.monotonic() - slot.started, 3)
                    done(job.index, summary)
                    slot.stop(kill=True)
                    slots[slots.index(slot)] = slot = _Slot(options, spool, threads)
                if slot.job is None and queue:
                    slot.give(queue.pop())
    finally:  # every worker told first, then each waited for: they end side by side
        for slot in slots:
            slot.end(kill=bool(slot.job))
        for slot in slots:
            slot.stop(kill=bool(slot.job))


class _Slot:
    """One worker process and the job it holds."""

    def __init__(self, options: Options, spool: Spool, ocr_threads: str):
        file = spool.new_file(with_part=True)  # its own spool file and part
        part = spool.part_of(file)
        config = json.dumps({"outdir": str(options.outdir), "fmt": options.fmt, "force": options.force,
                             "html": options.html, "ocr": options.ocr, "spool": str(file),
                             "part": None if part is None else str(part), "memory_mb": options.memory_mb})
        # its own temporary folder (LibreOffice's copies of inputs), removed with the worker
        self.tmp = janitor.temporary_folder("report-extract-worker-")
        # its own process group, so that a timeout kills what it started (LibreOffice) too, and so
        # does the janitor if the batch is killed; unbuffered: what the worker wrote and was not yet
        # read is either in the pipe (select() sees it) or in ``pending`` (``has_line``), never in
        # a buffer of Python's
        self.process = _start_worker(config, self.tmp, ocr_threads)
        janitor.watch_group(self.process.pid)
        self.job: Job | None = None
        self.started = 0.0
        self.ocr_pages = 0  # pages of the current input that OCR has started on
        self.pending = b""  # read from the worker, not yet taken: the start of a line, or whole lines

    def give(self, job: Job) -> None:
        self.job, self.started, self.ocr_pages = job, time.monotonic(), 0
        try:
            self.process.stdin.write((json.dumps(job.__dict__) + "\n").encode())  # ASCII: any file name passes
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # a worker that died: seen as its stdout closes

    def _kill_group(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass

    def has_line(self) -> bool:
        return b"\n" in self.pending

    def receive(self) -> tuple[int, dict, Place | None] | str | None:
        """The job's (index, summary, where); None when the worker died; "ocr" when it told how many
        pages of the input OCR has started on. Reads what the pipe holds at once (readline on an
        unbuffered pipe reads a byte a call)."""
        while b"\n" not in self.pending:
            chunk = os.read(self.process.stdout.fileno(), 1 << 16)
            if not chunk:
                return None
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        message = json.loads(line)
        if message[0] == "ocr":
            self.ocr_pages = message[1]
            return "ocr"
        if message[0] == "output":  # the worker could not write into the output folder: no input's fault
            raise OSError(message[1], message[2], message[3])
        index, summary, where = message
        return index, summary, None if where is None else Place(*where)

    def deadline(self, options: Options) -> float:
        return deadline(options.timeout, self.ocr_pages)

    def exit_code(self) -> int | None:
        """The worker's exit code once it ended (None if it still runs after 2 s)."""
        try:
            return self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return None

    def end(self, kill: bool = False) -> None:
        """Tell the worker to end (its input closed: it finishes its job and leaves), or kill it."""
        if kill:
            self._kill_group()
            return
        try:
            self.process.stdin.close()
        except OSError:
            pass

    def stop(self, kill: bool = False) -> None:
        try:
            self.end(kill)
            self.process.wait(timeout=5)
        except (subprocess.TimeoutExpired, OSError):
            self._kill_group()
            self.process.wait()
        self._kill_group()  # what the worker left running in its group, if anything
        janitor.release_group(self.process.pid)
        janitor.remove_folder(self.tmp)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


def ocr_threads(workers: int) -> str:
    """The threads OCR runs on in each of ``workers`` workers: the cores shared out among them
    (onnxruntime takes every core in each process: two workers on two cores ran four spinning
    threads, 26% more CPU and 12% more time on a batch of scans), unless
    REPORT_EXTRACT_OCR_THREADS says."""
    if os.environ.get("REPORT_EXTRACT_OCR_THREADS", "").strip():
        return os.environ["REPORT_EXTRACT_OCR_THREADS"].strip()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return str(max(1, cores // max(1, workers)))


def _start_worker(config: str, tmp: str, ocr_threads: str):
    """A worker process: forked from this one where that is safe (no start-up: every module the
    batch imported is there; ``forked``), else a new ``python -m report_extract.batch --worker``."""
    environment = {"TMPDIR": tmp, "REPORT_EXTRACT_OCR_THREADS": ocr_threads}
    if forked.can_fork():
        def run() -> None:
            os.environ.update(environment)
            tempfile.tempdir = tmp
            worker_main(config)
            janitor.at_exit()

        return forked.Forked(run, stdin=True, stdout=True)
    return subprocess.Popen([*WORKER_COMMAND, config], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, bufsize=0, start_new_session=True,
                            env={**os.environ, **environment})


# --- a worker process --------------------------------------------------------------------------------
def worker_main(options_json: str) -> None:
    """A worker process: one job a line on stdin, one summary a line on stdout. Forked by
    ``forked.Forked`` (nothing of the parent's held or run) or a plain ``python -m
    report_extract.batch --worker``: never multiprocessing, whose spawn would re-import the
    parent's main script."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    # the parent gone (killed): take the worker's whole process group (LibreOffice too) with it
    signal.signal(signal.SIGTERM, lambda *_: os.killpg(0, signal.SIGKILL))
    guard.die_with_parent(signal.SIGTERM)
    config = json.loads(options_json)
    guard.set_memory_limit(config.pop("memory_mb", 0) or limits.MEMORY.value)
    spool_path, part = Path(config.pop("spool")), config.pop("part", None)
    options = Options(**{**config, "outdir": Path(config["outdir"])})
    store = review_store.load(options.outdir)  # the parent read it first, under the folder's lock
    ocr_pages = _OcrPages()
    spool, complete = Writer(spool_path, part=part), False
    try:
        for line in sys.stdin:
            job = Job(**json.loads(line))
            ocr_pages.count = 0
            try:
                summary = process(job, options, on_ocr_page=ocr_pages, store=store)
                data = summary.pop("data", None)
                # the bulk goes to this worker's spool file and part, not through the pipe
                where = None if data is None else spool.write(job.index, data)
            except MemoryError:  # over the worker's memory limit, anywhere: this input fails, not the batch
                summary, where = failure(job.path, guard.memory_error()), None
            except files.OutputError as exc:  # its result or page cannot be written
                if exc.disk:  # the output disk itself fails (full, read-only): the batch stops
                    _tell_output_failure(exc.errno, None)
                    return
                summary, where = failure(job.path, exc), None  # it fails, not the batch
            except OSError as exc:  # the spool cannot be written (a full disk): the batch stops
                _tell_output_failure(exc.errno, exc.filename)
                return
            _tell([job.index, summary, where])
        complete = True
    finally:  # the part is closed before the worker ends: the parent reads it once every worker has
        spool.close(complete)


def process(job: Job, options: Options, on_ocr_page=None, store: review_store.Store | None = None) -> dict:
    """Read one input and write its result (unless the one there is current), the reviewer's
    decisions about its content in ``store`` applied either way; return its summary line.
    ``on_ocr_page``: see ``unit.work``."""
    start = time.perf_counter()
    from ..errors import ReportError

    try:
        data = read_source(job)
    except ReportError as exc:
        return failure(job.path, exc, start)
    digest = hashlib.sha256(data).hexdigest()
    try:
        out = result_path(options.outdir, job.rel, options.fmt)
    except ReportError as exc:
        return failure(job.path, exc, start)
    decisions = (store or review_store.Store()).about(digest)
    if not options.force:
        existing = current(out, options.fmt, digest, options.ocr)
        if existing is not None:
            return reuse(job.path, out, existing, start, options.html, data, options.fmt, decisions)
    done = work(job.path, data, digest, options.fmt, start, page=options.html, ocr=options.ocr,
                on_ocr_page=on_ocr_page, decisions=decisions)
    write_result(out, done.text, done.page)
    return done.summary


class _OcrPages:
    """In a worker: each page OCR starts on is told to the parent (``["ocr", pages so far]``), whose
    deadline for the input grows with it; ``count`` is set to 0 for each input."""

    def __init__(self):
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        _tell(["ocr", self.count])


def _tell(message: list) -> None:
    sys.stdout.write(json.dumps(message) + "\n")  # ASCII: any file name passes
    sys.stdout.flush()


def _tell_output_failure(number: int | None, filename) -> None:
    """Tell the parent that the output folder cannot be written (no input's fault): it stops."""
    _tell(["output", number, os.strerror(number) if number else "a write error", filename and printable(str(filename))])
