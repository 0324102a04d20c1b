"""Batch on a Dask cluster: where the jobs run when ``batch --scheduler`` is given.

The unit of work is the local batch's own (``batch.work``: one input's bytes in; summary, spool data
and result text out). Only where it runs changes:

- The client (this process) walks the archive, checks which results are current (same sha256), sends
  each remaining input's bytes to the cluster (or only its path with ``--shared-fs``), and writes each
  result file atomically, and its spool lines, as the answers arrive. Cross-year checks, the CSVs and
  resuming stay in ``batch.run``: a cluster run leaves the same folder as a local one.
- A task carries a few inputs (Dask's own cost is per task). On a Dask worker, it hands them one by
  one to a child process of that worker (one per worker thread, reused from task to task). A
  deadline on the child is what stops a runaway native call: at ``--timeout`` the child's process
  group is killed and a new child started; a child that crashes (segfault in a native library) is a
  failed row, as in a local batch, and the worker lives on.
- A Dask worker that dies mid-task (killed, out of memory, machine lost) is Dask's business: the
  scheduler runs the task elsewhere, and after ``distributed.scheduler.allowed-failures`` deaths (the
  scheduler's setting; ``LOCAL_ALLOWED_FAILURES`` for ``local:N``) the task's inputs are sent again
  one a task, so that only the input that kills workers is recorded as failed; the batch goes on. Losing the scheduler ends the run with one clear error; the results written so
  far are kept and the same command resumes.

Dask is imported only here and only when asked for (the ``dask`` extra).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import CancelledError
from pathlib import Path

from . import batch, files, guard, limits, pages
from .errors import ReportError
from .guard import printable, read_input

# Inputs are sent to the workers in memory; one larger than this is recorded as failed (a worker
# that can read the archive itself takes any size: --shared-fs).
MAX_SEND_MB = int(_value) if (_value := os.environ.get("REPORT_EXTRACT_MAX_SEND_MB", "").strip()).isdigit() else 256
# Larger inputs go straight to a worker (scatter) instead of riding in the task through the scheduler.
INLINE_BYTES = 1 << 20
# Inputs in one task: Dask costs a few milliseconds of CPU per task, a born-digital report some tens.
TASK_INPUTS = 8
# Tasks in flight per worker thread: enough to keep workers busy, few enough that the client and the
# scheduler never hold more than a handful of inputs' bytes.
IN_FLIGHT_PER_THREAD = 2
# How often a task may be on a worker that dies before the input is recorded as failed (local:N only;
# a scheduler you start yourself has its own distributed.scheduler.allowed-failures, default 3).
LOCAL_ALLOWED_FAILURES = 2
CONNECT_TIMEOUT = "10s"


class ClusterError(Exception):
    """The cluster cannot be used or went away: one line for the user."""

    usage = False  # the command line was wrong, not the cluster


# --- the client ------------------------------------------------------------------------------------
def run_jobs(jobs: list[batch.Job], options: batch.Options, done, spool) -> None:
    """``batch._executor``'s cluster choice: every job on the cluster, ``done(index, summary, where)``
    for each as its answer arrives, result files written here."""
    loud = _quiet_dask()
    client, cluster = connect(options.scheduler)
    try:
        if not client.nthreads():
            print(f"report-extract: no Dask worker has joined {options.scheduler} yet; the batch starts when one does "
                  f"(dask worker {client.scheduler.address})", file=sys.stderr, flush=True)
        _Feeder(client, jobs, options, done, spool).run()
    except ClusterError:
        try:
            client.close(timeout=1)  # the scheduler is gone: nothing to wait for
        except Exception:
            pass
        raise
    finally:
        try:
            client.close(timeout=10)
            if cluster is not None:
                cluster.close(timeout=10)
        except Exception:  # closing what is already gone
            pass
    loud()  # not after an error: the client may still be giving up on a lost scheduler


def connect(scheduler: str):
    """A client on the scheduler at ``scheduler``, or on a LocalCluster for ``local:N``."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--scheduler needs Dask distributed: pip install 'report-extract[dask]'") from None
    cluster = None
    try:
        if scheduler.startswith("local:"):
            count = scheduler.partition(":")[2]
            if not count.isdigit() or int(count) < 1:
                error = ClusterError(f"--scheduler {scheduler}: say how many local workers, e.g. local:2")
                error.usage = True
                raise error
            most = local_workers_at_most()
            if int(count) > most:
                error = ClusterError(f"--scheduler {scheduler}: at most local:{most} on this machine (one worker a "
                                     f"core, each with up to {limits.MEMORY.value:,} MB: more only compete for them)")
                error.usage = True
                raise error
            # one task at a time on each worker thread: a worker that dies takes no other input with it
            with dask.config.set({"distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES,
                                  "distributed.scheduler.worker-saturation": 1.0}):
                # no dashboard; the scheduler's own HTTP endpoints on any free port, not 8787
                cluster = LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True,
                                       dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"},
                                       silence_logs=logging.CRITICAL)
            client = Client(cluster)
            client.register_plugin(_LocalWorker())  # also on workers started again after a death
            return client, cluster
        return Client(scheduler, timeout=CONNECT_TIMEOUT), None
    except ClusterError:
        raise
    except Exception as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot use the Dask scheduler at {scheduler} ({type(exc).__name__}: {exc})") from None


def local_workers_at_most() -> int:
    """How many local Dask workers this machine can hold: one a core, and as many as its memory
    holds at each worker's memory limit (a worker reading a hostile input may take all of it)."""
    cores = os.cpu_count() or 1
    try:
        memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)
    except (ValueError, OSError, AttributeError):
        return cores
    return max(1, min(cores, memory_mb // max(1, limits.MEMORY.value)))


def _LocalWorker():
    """A worker plugin for ``local:N``: the workers share the client's terminal, so Ctrl-C reaches
    them too; the client decides what it stops (the workers end with the client), and no worker
    prints a traceback over the terminal."""
    from distributed import WorkerPlugin

    class LocalWorker(WorkerPlugin):
        name = "report-extract-local-worker"

        def setup(self, worker) -> None:
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            except ValueError:  # not the worker process's main thread: nothing to do there
                pass

    return LocalWorker()


def _quiet_dask():
    """Dask's own log lines (worker deaths, reconnect attempts) are not for this tool's user: the
    outcome of each input is in summary.csv and a lost scheduler is one error line. Returns undo."""
    try:
        import distributed  # noqa: F401  (its import sets its loggers' levels)
    except ImportError:
        pass  # connect() says what to install
    names = ["distributed", "tornado"] + [n for n in logging.root.manager.loggerDict
                                          if n.startswith(("distributed.", "tornado."))]
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL)

    def undo() -> None:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)

    return undo


class _Feeder:
    """Keeps a bounded number of tasks in flight and takes their answers in completion order. A task
    carries up to ``TASK_INPUTS`` inputs (one, when it is large): Dask's own cost is per task."""

    def __init__(self, client, jobs: list[batch.Job], options: batch.Options, done, spool):
        self.client, self.options, self.done = client, options, done
        self.queue = list(reversed(jobs))
        self.spool_path = spool.new_file()
        self.spool = files.open_spool(self.spool_path, "w", encoding="utf-8")
        self.running: dict = {}  # future -> its jobs
        self.alone: list[batch.Job] = []  # inputs to send one to a task (their batch killed workers)
        self.run_id = uuid.uuid4().hex[:8]
        self.tasks = 0
        self.root = batch._resolved(options.outdir)  # once, not once an input
        self.outs: dict[int, Path] = {}  # job index -> its result file, from _prepare to _take

    def run(self) -> None:
        from distributed import as_completed

        try:
            self.answers = as_completed()
            self._fill()
            for futures in self.answers.batches():  # the tasks finished by now: one round trip for them all
                for future, answer in zip(futures, self._gather(futures)):
                    jobs = self.running.pop(future)
                    self._take(jobs, answer)
                    future.release()
                self._fill()
        finally:
            self.spool.close()

    def _window(self) -> int:
        try:
            threads = sum(self.client.nthreads().values())
        except Exception:
            threads = 1
        return max(2, IN_FLIGHT_PER_THREAD * threads)

    def _fill(self) -> None:
        window = self._window()
        while (self.queue or self.alone) and len(self.running) < window:
            if self.alone:
                item = self._prepare(self.alone.pop())
                if item is not None:
                    self._submit([item])
                continue
            batch_, size = [], 0
            while self.queue and len(batch_) < TASK_INPUTS and size < INLINE_BYTES:
                item = self._prepare(self.queue.pop())
                if item is None:
                    continue
                if batch_ and item[3] + size > INLINE_BYTES:  # a large one goes alone, in the next task
                    self._submit([item])
                    break
                batch_.append(item)
                size += item[3]
            if batch_:
                self._submit(batch_)

    def _prepare(self, job: batch.Job, ignore_current: bool = False) -> tuple | None:
        """(job, (path, data, digest, known), start, size) to send, or None when the input is done here
        (its result is current, or it cannot be sent). ``data``: the input's bytes, or with
        --shared-fs the absolute path the worker reads them from."""
        start = time.perf_counter()
        try:
            out = self._out(job)
        except ValueError as exc:  # a link inside the output folder leads out of it: this input fails
            self._finish(job, batch._summary(job.path, "failed", error=str(exc), start=start))
            return None
        check = not (self.options.force or ignore_current)
        if self.options.shared_fs and not job.parts:  # the worker reads it, hashes it, says whether it changed
            existing = batch._load(out, self.options.fmt) if check else None
            known = (existing.get("source") or {}).get("sha256") \
                if existing and batch.reusable(existing, self.options.ocr) else None
            # in place of the bytes, the absolute path to read: workers elsewhere do not share this
            # process's working folder
            return job, (job.path, os.path.abspath(job.path), None, known), start, 0
        try:  # a group of page images is always sent: the worker is given one input's bytes
            size = sum(os.path.getsize(p) for p in job.parts or [job.path])
            if size > MAX_SEND_MB << 20:
                self._finish(job, batch._summary(job.path, "failed", start=start, error=(
                    f"larger than the {MAX_SEND_MB} MiB sent to cluster workers (raise "
                    "REPORT_EXTRACT_MAX_SEND_MB, or use --shared-fs when workers can read the archive)")))
                return None
            data = pages.read_group(job.parts) if job.parts else read_input(job.path)
        except OSError as exc:
            self._finish(job, batch._summary(job.path, "failed", error=f"cannot be read ({exc.strerror or exc})",
                                             start=start))
            return None
        except ReportError as exc:
            self._finish(job, batch._summary(job.path, "failed", error=exc.reason, start=start))
            return None
        digest = hashlib.sha256(data).hexdigest()
        existing = batch.current(out, self.options.fmt, digest, self.options.ocr) if check else None
        if existing is not None:
            self._reuse(job, out, existing, start)
            return None
        return job, (job.path, data, digest, None), start, len(data)

    def _submit(self, items: list[tuple]) -> None:
        inputs = [item[1] for item in items]
        if len(items) == 1 and items[0][3] > INLINE_BYTES:
            path, data, digest, known = inputs[0]
            inputs = [(path, self.client.scatter(data, hash=False), digest, known)]
        self.tasks += 1
        future = self.client.submit(task, inputs, self.options.fmt, self.options.timeout, self.options.html,
                                    self.options.ocr, pure=False, key=f"report-extract-{self.run_id}-{self.tasks}")
        self.running[future] = [item[0] for item in items]
        self.answers.add(future)

    def _gather(self, futures: list) -> list:
        """The answers of finished tasks, and the exception of each that failed."""
        lost = ClusterError(f"lost the Dask scheduler at {self.options.scheduler}; the results so far are kept "
                            f"in {self.options.outdir}: run the same command again to go on")
        if any(f.status == "cancelled" for f in futures):  # only the client cancels, when it lost the scheduler
            raise lost
        finished = [f for f in futures if f.status == "finished"]
        try:
            results = dict(zip(finished, self.client.gather(finished))) if finished else {}
        except (CancelledError, OSError):
            raise lost from None
        return [results[f] if f in results else f.exception() for f in futures]

    def _take(self, jobs: list[batch.Job], answers) -> None:
        from distributed import KilledWorker

        if isinstance(answers, BaseException):
            error = answers
            if isinstance(error, KilledWorker) and len(jobs) > 1:
                self.alone.extend(reversed(jobs))  # one of them kills workers: find which, alone
                return
            if isinstance(error, KilledWorker):
                reason = f"{error.allowed_failures + 1} cluster workers died while reading this file (KilledWorker)"
            else:  # an error of the cluster, not of the input
                reason = f"the cluster could not run this input ({type(error).__name__}: {error})"
            for job in jobs:
                self._finish(job, batch._summary(job.path, "failed", error=reason))
            return
        for job, answer in zip(jobs, answers):
            if isinstance(answer, bytes):  # as the worker's child pickled it: the worker passed it on unread
                answer = pickle.loads(answer)
            out = self._out(job)
            if answer[0] == "unchanged":  # --shared-fs: the worker found the bytes the result was made from
                existing = batch._load(out, self.options.fmt)
                if existing is None or (existing.get("source") or {}).get("sha256") != answer[1]:
                    item = self._prepare(job, ignore_current=True)  # the result went meanwhile: make it again
                    if item is not None:
                        self._submit([item])
                    continue
                self._reuse(job, out, existing, time.perf_counter())
                continue
            summary, text, page = answer[1:]
            try:
                batch.write_result(out, text, page)
            except files.OutputError as exc:  # that input fails, the batch goes on
                if exc.disk:  # the output disk itself fails (full, read-only): the batch stops
                    raise OSError(exc.errno, os.strerror(exc.errno)) from None
                summary = {**batch._summary(job.path, "failed", error=str(exc)), "seconds": summary.get("seconds")}
            self._finish(job, summary)

    def _out(self, job: batch.Job) -> Path:
        if job.index not in self.outs:
            self.outs[job.index] = batch.result_path(self.options.outdir, job.rel, self.options.fmt, root=self.root)
        return self.outs[job.index]

    def _reuse(self, job: batch.Job, out: Path, existing: dict, start: float) -> None:
        """A current result: its summary, and its page if one is asked for and missing."""
        try:
            if self.options.html and not batch._dashboard().page_path(out).exists():
                batch._dashboard().write_page(out, existing)
        except files.OutputError as exc:
            if exc.disk:  # the output disk itself fails: the batch stops
                raise OSError(exc.errno, str(exc)) from None
            self._finish(job, batch._summary(job.path, "failed", error=str(exc), start=start))
            return
        self._finish(job, {**batch._summary_of(job.path, existing, start), "reused": True})

    def _finish(self, job: batch.Job, summary: dict) -> None:
        self.outs.pop(job.index, None)
        data = summary.pop("data", None)
        where = None if data is None else batch.spool_write(self.spool, self.spool_path, data)
        self.done(job.index, summary, where)


# --- on a Dask worker --------------------------------------------------------------------------------
def task(inputs: list[tuple], fmt: str, timeout: float, page: bool = False, ocr: str = "auto") -> list[tuple]:
    """Inputs (path, bytes or None, sha256 or None, sha256 of the current result or None), on a Dask
    worker, one by one through one of this worker's child processes, each with its own deadline.
    Each answer is ("done", summary, result text or None, page or None), or ("unchanged", sha256) when
    the worker read the file itself and it is what the current result was made from; an answer of the
    child comes as the child pickled it (bytes, for the client to unpickle): this worker neither reads
    nor pickles it again, and Dask sizes and sends bytes as they are."""
    return [_one((path, data, digest, known, fmt, page, ocr), timeout) for path, data, digest, known in inputs]


def _one(request: tuple, timeout: float) -> tuple:
    path = request[0]
    _worker_fault(path)
    child = _Child.take()
    started = time.monotonic()
    try:
        answer = child.ask(request, timeout)
    except _ChildTimedOut as exc:
        child.kill()
        pages = f", {exc.pages} pages read by OCR" if exc.pages else ""
        summary = batch._summary(path, "failed", error=f"timed out after {exc.limit:g} s{pages} (the worker was stopped)")
        summary["seconds"] = round(time.monotonic() - started, 3)
        return ("done", summary, None, None)
    except _ChildDied as exc:
        child.kill()
        summary = batch._summary(path, "failed", error=batch.crash_reason(exc.code))
        summary["seconds"] = round(time.monotonic() - started, 3)
        return ("done", summary, None, None)
    _Child.give_back(child)
    return answer


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
    """A ``python -m report_extract.cluster --child`` process of this Dask worker: requests and
    answers as length-prefixed pickles on its stdin and stdout. Idle ones wait in a shared list."""

    idle: list[_Child] = []
    lock = threading.Lock()

    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-m", "report_extract.cluster", "--child"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
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

    def ask(self, request: tuple, timeout: float):
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
            pages = pickle.loads(payload)[1]
            limit = max(timeout, batch.OCR_PAGE_TIMEOUT) * pages

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


# a message between a worker and its child: its size and kind (_PROGRESS: OCR started on a page,
# told while the child reads; _MESSAGE: anything else), then the pickle
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
    pages = [0]

    def page_started() -> None:  # told to the worker, whose deadline for the input grows with it
        pages[0] += 1
        _send(answers, ("ocr", pages[0]), kind=_PROGRESS)

    while (request := _receive(requests)) is not None:
        pages[0] = 0
        path, data, digest, known, fmt, page, ocr = request
        start = time.perf_counter()
        if isinstance(data, str):  # --shared-fs: the absolute path where the client found it
            try:
                data = read_input(data, printable(path))  # the input guards, as everywhere: a FIFO, a device, the size limit
            except ReportError as exc:
                _send(answers, ("done", batch._summary(path, "failed", error=exc.reason, start=start), None, None))
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest == known:
                _send(answers, ("unchanged", digest))
                continue
        _send(answers, ("done", *batch.work(path, data, digest, fmt, start, page=page, ocr=ocr,
                                            on_ocr_page=page_started)))


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--child":
        child_main()
    else:
        sys.exit("this is report-extract's cluster worker child; use: report-extract batch --scheduler")
