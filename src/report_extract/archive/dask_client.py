"""The Dask executor, on the client (this process): where the jobs run when ``batch --scheduler``
is given. The unit of work is the local batch's own (``unit.work``, run by ``dask_worker``); only
where it runs changes:

- The client walks nothing and decides nothing of the batch: it takes the jobs, checks which results
  are current (same sha256), sends each remaining input's bytes to the cluster (or only its path with
  ``--shared-fs``), and writes each result file atomically, and its spool lines, as the answers
  arrive. Cross-year checks, the sheets and resuming stay in ``run``: a cluster run leaves the same
  folder as a local one.
- A task carries a few inputs (Dask's own cost is per task), read on the worker by ``dask_worker``.
- A Dask worker that dies mid-task (killed, out of memory, machine lost) is Dask's business: the
  scheduler runs the task elsewhere, and after ``distributed.scheduler.allowed-failures`` deaths (the
  scheduler's setting; ``LOCAL_ALLOWED_FAILURES`` for ``local:N``) the task's inputs are sent again
  one a task, so that only the input that kills workers is recorded as failed; the batch goes on.
  Losing the scheduler ends the run with one clear error (``ClusterError``); the results written so
  far are kept and the same command resumes.

Dask is imported only here and in functions, only when asked for (the ``dask`` extra).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import signal
import sys
import time
import uuid
from concurrent.futures import CancelledError
from pathlib import Path
from typing import NamedTuple

from .. import files, limits
from ..errors import Failure, ReportError
from ..reasons import chinese
from . import review_store
from .dask_worker import TaskInput, Unchanged, task
from .executor import JobDone, largest_last, read_source, reuse, settled
from .jobs import Job, Options
from .outfolder import current, load_result, resolved, result_path, reusable, write_result
from .spool import Spool, Writer
from .unit import failure

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


class ClusterError(Failure):
    """The cluster cannot be used or went away: one line for the user (a code of
    ``reasons.REASONS`` and facts, as every failure). ``usage``: the command line was wrong, not
    the cluster."""

    @property
    def usage(self) -> bool:
        return self.code in ("local_count", "local_too_many")


def run_jobs(jobs: list[Job], options: Options, done: JobDone, spool: Spool) -> None:
    """The executor (see ``executor``): every job on the cluster at ``options.scheduler``, ``done``
    for each as its answer arrives, result files written here."""
    loud = _quiet_dask()
    client, cluster = connect(options.scheduler)
    try:
        if not client.nthreads():
            print("report-extract: " + chinese("no_workers_yet", scheduler=options.scheduler,
                                               address=client.scheduler.address), file=sys.stderr, flush=True)
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
        raise ClusterError("needs_dask") from None
    cluster = None
    try:
        if scheduler.startswith("local:"):
            count = scheduler.partition(":")[2]
            if not count.isdigit() or int(count) < 1:
                raise ClusterError("local_count", scheduler=scheduler)
            most = local_workers_at_most()
            if int(count) > most:
                raise ClusterError("local_too_many", scheduler=scheduler, most=most, memory_mb=limits.MEMORY.value)
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
        raise ClusterError("scheduler_unusable", scheduler=scheduler, detail=f"{type(exc).__name__}: {exc}") from None


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


class _Sending(NamedTuple):
    """An input on its way to the cluster."""

    job: Job
    input: TaskInput
    start: float  # time.perf_counter() as the client took it up
    size: int  # bytes sent in the task (0 with --shared-fs)


class _Feeder:
    """Keeps a bounded number of tasks in flight and takes their answers in completion order. A task
    carries up to ``TASK_INPUTS`` inputs (one, when it is large): Dask's own cost is per task."""

    def __init__(self, client, jobs: list[Job], options: Options, done: JobDone, spool: Spool):
        self.client, self.options, self.done = client, options, done
        self.queue = largest_last(jobs)
        file = spool.new_file(with_part=True)
        self.spool = Writer(file, "w", part=spool.part_of(file))
        self.running: dict = {}  # future -> its jobs
        self.alone: list[Job] = []  # inputs to send one to a task (their task killed workers)
        self.run_id = uuid.uuid4().hex[:8]
        self.tasks = 0
        self.root = resolved(options.outdir)  # once, not once an input
        self.outs: dict[int, Path] = {}  # job index -> its result file, from _prepare to _take
        self.store = review_store.load(options.outdir)  # the reviewer's decisions, applied here to each result

    def run(self) -> None:
        from distributed import as_completed

        complete = False
        try:
            self.answers = as_completed()
            self._fill()
            for futures in self.answers.batches():  # the tasks finished by now: one round trip for them all
                for future, answer in zip(futures, self._gather(futures)):
                    jobs = self.running.pop(future)
                    self._take(jobs, answer)
                    future.release()
                self._fill()
            complete = True
        finally:
            self.spool.close(complete)

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
                sending = self._prepare(self.alone.pop())
                if sending is not None:
                    self._submit([sending])
                continue
            group, size = [], 0
            while self.queue and len(group) < TASK_INPUTS and size < INLINE_BYTES:
                sending = self._prepare(self.queue.pop())
                if sending is None:
                    continue
                if group and sending.size + size > INLINE_BYTES:  # a large one goes alone, in the next task
                    self._submit([sending])
                    break
                group.append(sending)
                size += sending.size
            if group:
                self._submit(group)

    def _prepare(self, job: Job, ignore_current: bool = False) -> _Sending | None:
        """The input to send, or None when it is done here (its result is current, or it cannot be
        sent). With --shared-fs it carries, in place of the bytes, the absolute path the worker reads."""
        start = time.perf_counter()
        try:
            out = self._out(job)
        except ReportError as exc:  # a link inside the output folder leads out of it: this input fails
            self._finish(job, failure(job.path, exc, start))
            return None
        check = not (self.options.force or ignore_current)
        if self.options.shared_fs and not job.parts:  # the worker reads it, hashes it, says whether it changed
            existing = load_result(out, self.options.fmt) if check else None
            known = (existing.get("source") or {}).get("sha256") \
                if existing and reusable(existing, self.options.ocr) else None
            # in place of the bytes, the absolute path to read: workers elsewhere do not share this
            # process's working folder
            return _Sending(job, TaskInput(job.path, os.path.abspath(job.path), None, known), start, 0)
        try:  # a group of page images is always sent: the worker is given one input's bytes
            size = sum(os.path.getsize(p) for p in job.parts or [job.path])
            if size > MAX_SEND_MB << 20:
                self._finish(job, failure(job.path, ReportError("too_large_to_send", mb=MAX_SEND_MB), start))
                return None
            data = read_source(job)
        except OSError as exc:
            error = ReportError("cannot_read", errno=exc.errno, strerror=exc.strerror or str(exc))
            self._finish(job, failure(job.path, error, start))
            return None
        except ReportError as exc:
            self._finish(job, failure(job.path, exc, start))
            return None
        digest = hashlib.sha256(data).hexdigest()
        existing = current(out, self.options.fmt, digest, self.options.ocr) if check else None
        if existing is not None:
            self._reuse(job, out, existing, start, data)
            return None
        return _Sending(job, TaskInput(job.path, data, digest, None), start, len(data))

    def _submit(self, group: list[_Sending]) -> None:
        inputs = [tuple(sending.input) for sending in group]  # plain tuples: see TaskInput
        if len(group) == 1 and group[0].size > INLINE_BYTES:
            path, data, digest, known = group[0].input
            inputs = [(path, self.client.scatter(data, hash=False), digest, known)]
        self.tasks += 1
        future = self.client.submit(task, inputs, self.options.fmt, self.options.timeout, self.options.html,
                                    self.options.ocr, pure=False, key=f"report-extract-{self.run_id}-{self.tasks}")
        self.running[future] = [sending.job for sending in group]
        self.answers.add(future)

    def _gather(self, futures: list) -> list:
        """The answers of finished tasks, and the exception of each that failed."""
        lost = ClusterError("scheduler_lost", scheduler=self.options.scheduler, outdir=str(self.options.outdir))
        if any(f.status == "cancelled" for f in futures):  # only the client cancels, when it lost the scheduler
            raise lost
        finished = [f for f in futures if f.status == "finished"]
        try:
            results = dict(zip(finished, self.client.gather(finished))) if finished else {}
            # a task not finished when it was handed here (lost with a worker, say) is waited for: its
            # exception, or, run again elsewhere meanwhile, its answer (exception() is then None)
            return [results[f] if f in results else f.exception() or f.result() for f in futures]
        except (CancelledError, OSError):
            raise lost from None

    def _take(self, jobs: list[Job], answers) -> None:
        from distributed import KilledWorker

        if isinstance(answers, BaseException):
            error = answers
            if isinstance(error, KilledWorker) and len(jobs) > 1:
                self.alone.extend(reversed(jobs))  # one of them kills workers: find which, alone
                return
            if isinstance(error, KilledWorker):
                reason = ReportError("workers_died", count=error.allowed_failures + 1)
            else:  # an error of the cluster, not of the input
                reason = ReportError("cluster_failed", detail=f"{type(error).__name__}: {error}")
            for job in jobs:
                self._finish(job, failure(job.path, reason))
            return
        for job, answer in zip(jobs, answers):
            if isinstance(answer, bytes):  # as the worker's child pickled it: the worker passed it on unread
                answer = pickle.loads(answer)
            out = self._out(job)
            if isinstance(answer, Unchanged):  # --shared-fs: the worker found the bytes the result was made from
                existing = load_result(out, self.options.fmt)
                if existing is None or (existing.get("source") or {}).get("sha256") != answer.digest:
                    sending = self._prepare(job, ignore_current=True)  # the result went meanwhile: make it again
                    if sending is not None:
                        self._submit([sending])
                    continue
                self._reuse(job, out, existing, time.perf_counter(), lambda job=job: read_source(job))
                continue
            summary = answer.summary
            decisions = self.store.about(summary.get("sha256"))
            try:
                write_result(out, answer.text, answer.page)
                if answer.text is not None and (decisions.verdicts or decisions.corrections):
                    # the worker read it without them: applied to the result as it is now written
                    summary = {**settled(job.path, out, load_result(out, self.options.fmt), time.perf_counter(),
                                         self.options.html, self.options.fmt, decisions,
                                         lambda job=job: read_source(job)),
                               "seconds": summary.get("seconds")}
            except files.OutputError as exc:  # that input fails, the batch goes on
                if exc.disk:  # the output disk itself fails (full, read-only): the batch stops
                    raise OSError(exc.errno, os.strerror(exc.errno)) from None
                summary = {**failure(job.path, exc), "seconds": summary.get("seconds")}
            self._finish(job, summary)

    def _out(self, job: Job) -> Path:
        if job.index not in self.outs:
            self.outs[job.index] = result_path(self.options.outdir, job.rel, self.options.fmt, root=self.root)
        return self.outs[job.index]

    def _reuse(self, job: Job, out: Path, existing: dict, start: float, source) -> None:
        """A current result: its summary, and its page if one is asked for and missing (its crops
        cut from ``source``: the input's bytes, or a function that reads them)."""
        try:
            decisions = self.store.about((existing.get("source") or {}).get("sha256"))
            summary = reuse(job.path, out, existing, start, self.options.html, source, self.options.fmt, decisions)
        except files.OutputError as exc:
            if exc.disk:  # the output disk itself fails: the batch stops
                raise OSError(exc.errno, str(exc)) from None
            summary = failure(job.path, exc, start)
        self._finish(job, summary)

    def _finish(self, job: Job, summary: dict) -> None:
        self.outs.pop(job.index, None)
        data = summary.pop("data", None)
        where = None if data is None else self.spool.write(job.index, data)
        self.done(job.index, summary, where)
