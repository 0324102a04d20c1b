"""A batch run, start to end: the lock on the output folder, what a killed run left half-written,
finding the inputs (``discovery``), running them on an executor (``local`` worker processes, or
Dask with ``--scheduler``; each applies the reviewer's decisions of ``review_store``), then, once
every input is done, the decisions whose file changed set apart, the cross-year checks, the sheets,
the database and the pages, from the finished results. An interrupted run (Ctrl-C, SIGTERM, SIGHUP)
keeps what is finished and writes no sheet; the same command resumes it.

The only module that knows every other one; none of them imports it.
"""

from __future__ import annotations

import dataclasses
import signal
import time
from collections import Counter
from dataclasses import dataclass

from .. import guard
from ..status import FAILED, NOT_A_REPORT, PROBLEMS, READ_PARTLY
from . import cross_year, database, duplicates, review_store, sheets
from .discovery import discover
from .executor import Executor
from .jobs import Options
from .outfolder import remove_half_written, resolved, take_lock
from .spool import Finished, Place, Spool
from .unit import failure


@dataclass
class Outcome:
    """What a run came to, counted as the inputs finish (the CLI's last line and exit code)."""

    total: int = 0  # inputs found (and paths that do not exist)
    done: int = 0  # inputs finished, read or failed
    failed: int = 0
    not_reports: int = 0  # read, but not annual reports: reported, not failures
    reused: int = 0  # results already current (same input, version and OCR mode): not read again
    with_errors: int = 0  # read, and the report breaks a rule of the template (status problems)
    read_partly: int = 0  # read, and its only errors are reading limits (status read_partly)
    limited_cells: int = 0  # the cells those reports' reading limits leave unread
    duplicates: int = 0  # copies of a report in another file (the same body and year) that are not used
    ignored: dict = None  # files in the folders that are not read, counted by their ending
    seconds: float = 0.0
    interrupted: int = 0  # the signal that stopped the batch (SIGINT for Ctrl-C), 0: it was not
    missing: list = None  # the summary lines of the paths named that do not exist
    dropped: dict = None  # path -> the reviewer's decisions that no longer apply: its file changed


def run(paths: list[str], options: Options, progress=None) -> Outcome:
    """Process every input, then the cross-year checks and the spreadsheets. ``progress(done,
    total, failed, summary)`` is called after each input. The parent keeps a status a job; the
    summaries and what the spreadsheets need wait in spool files."""
    options.outdir.mkdir(parents=True, exist_ok=True)
    lock = take_lock(options.outdir)
    try:
        return _run(paths, options, progress)
    finally:
        lock.close()


def _run(paths: list[str], options: Options, progress) -> Outcome:
    remove_half_written(options.outdir)
    store = review_store.load(options.outdir)  # before any work: a review file that cannot be read stops the run
    started = time.monotonic()
    ignored: Counter = Counter()
    jobs, skipped = discover(paths, resolved(options.outdir), ignored)
    missing = [failure(path, error) for path, error in skipped]
    outcome = Outcome(total=len(jobs) + len(missing), failed=len(missing), missing=missing, ignored=dict(ignored))
    statuses: dict[int, str] = {}
    spool = Spool(options.outdir)

    def done(index: int, summary: dict, where: Place | list | None = None) -> None:
        outcome.reused += bool(summary.pop("reused", False))
        spool.put(index, where)
        spool.put_summary(index, summary)
        statuses[index] = summary["status"]
        outcome.done += 1
        outcome.failed += summary["status"] == FAILED
        outcome.not_reports += summary["status"] == NOT_A_REPORT
        outcome.with_errors += summary["status"] == PROBLEMS
        if summary["status"] == READ_PARTLY:
            outcome.read_partly += 1
            outcome.limited_cells += summary.get("limited_cells") or 0
        outcome.seconds = round(time.monotonic() - started, 1)
        if progress:
            progress(outcome.done, len(jobs), outcome.failed, summary)

    try:
        if jobs:
            executor_for(options)(jobs, options, done, spool)
        finished = Finished(jobs, statuses, missing, spool, options, review=store)
        finish(finished)
        outcome.duplicates = sum(1 for marks in finished.duplicates.values() if marks["duplicate_of"])
        outcome.dropped = finished.dropped
        outcome.seconds = round(time.monotonic() - started, 1)
    except (KeyboardInterrupt, guard.Interrupted) as exc:  # Ctrl-C, SIGTERM, SIGHUP: resumable
        outcome.interrupted = getattr(exc, "number", signal.SIGINT)
    finally:
        spool.close()
    if outcome.interrupted:  # the workers are gone: what they or the sheets left half-written goes
        remove_half_written(options.outdir)
    return outcome


def follow_reviews(finished: Finished) -> None:
    """The reviewer's decisions follow their reports: where each content was found this run is
    noted; decisions about a file that has changed since (other content at its path, that content
    nowhere in the run) no longer apply: moved to the store's ``dropped``, counted in
    ``finished.dropped`` (path -> how many). The store is written when that changes it."""
    found = {summary["path"]: summary["sha256"] for _, summary in finished.summaries() if summary.get("sha256")}
    before = review_store.text_of(finished.review)
    finished.dropped = finished.review.follow(found)
    if review_store.text_of(finished.review) != before:
        review_store.save(finished.options.outdir, finished.review)


def executor_for(options: Options) -> Executor:
    """Where the jobs run: local worker processes, or a Dask cluster (``options.scheduler``)."""
    if options.scheduler:
        from .dask_client import run_jobs  # imports Dask itself only when it runs

        return run_jobs
    from .local import run_jobs

    return run_jobs


def finish(finished: Finished) -> None:
    """After the inputs: the reviewer's decisions whose file changed set apart, which files hold the
    same report (the copy used is the one the cross-year checks and the grid read), the cross-year
    checks, then the sheets, the database, then (``--html``) the pages."""
    follow_reviews(finished)
    duplicates.mark(finished)
    cross_year.check(finished)
    # the database is built beside the sheets and pages, on a thread of its own reading the spool
    # through its own handles: sqlite works with the interpreter's lock let go, and the workers
    # have left both cores free (the database was a tenth of a batch of web texts, alone at its end)
    from concurrent.futures import ThreadPoolExecutor

    reader = finished.spool.reader()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-extract-database") as pool:
            built = pool.submit(database.write, dataclasses.replace(finished, spool=reader))
            sheets.write(finished)
            if finished.options.html:  # the views only with --html: a worker process imports this module too
                from . import html_pages

                html_pages.write(finished)
            built.result()  # its error (a failing disk) is the run's; an error above waits for it, then wins
    finally:
        reader.close()

