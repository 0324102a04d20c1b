"""What an executor is and the rules every executor applies alike.

An executor runs the jobs somewhere (``local``: worker processes on this machine; ``dask_client``:
a Dask cluster) and is called as ``executor(jobs, options, done, spool)``. It calls
``done(index, summary, where)`` once per job, in completion order, with the input's spool lines at
``where`` (a ``spool.Place``, or None); the input's result is in the output folder by then. It
never writes a sheet or a page of index.html, and never decides a status: the summary says it.

Shared here: the order inputs are given out in (``largest_last``: the queue's end first),
reusing a current result (``reuse``) and a reviewer's decisions applied to a result without
reading its input again (``settled``), how long an input may take (``deadline``), and why a worker
that did not answer failed its input (``timed_out``, ``crash_reason``). Imports no executor.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from .. import limits
from ..errors import ReportError
from ..review import NONE, Decisions
from .jobs import Job, Options
from .outfolder import page_path, result_text, write_result
from .spool import Place, Spool
from .unit import page_html, reviewed, summary_of

# seconds each page read by OCR may take at least, whatever --timeout says (loading the OCR models
# and a page of a slow scan take longer than a text file); a --timeout above it raises it
OCR_PAGE_TIMEOUT = 60.0

JobDone = Callable[[int, dict, "Place | list | None"], None]  # done(index, summary, where)


class Executor(Protocol):
    def __call__(self, jobs: list[Job], options: Options, done: JobDone, spool: Spool) -> None: ...


def largest_last(jobs: list[Job]) -> list[Job]:
    """The jobs as a queue that is taken from its end: the largest input first, the smallest last
    (its file's bytes; a group of page images: theirs together). Workers that take the long inputs
    first end together on short ones: in file order a scan or a long PDF at the end kept one worker
    busy while the others had nothing left. The order of the sheets and pages is the input order,
    whatever order the inputs are read in."""

    def size(job: Job) -> int:
        total = 0
        for path in job.parts or [job.path]:
            try:
                total += os.stat(path).st_size
            except (OSError, ValueError):
                pass
        return total

    return sorted(jobs, key=lambda job: (size(job), -job.index))  # equal sizes: input order


def read_source(job: Job) -> bytes:
    """An input's bytes: its file, or the bundle of its page images (ReportError where it cannot
    be read)."""
    from .. import guard, pages

    return pages.read_group(job.parts) if job.parts else guard.read_input(job.path)


def deadline(timeout: float, ocr_pages: int) -> float:
    """Seconds an input may take: ``--timeout``; for an input read by OCR, ``--timeout`` (at least
    OCR_PAGE_TIMEOUT) for each page OCR has started on."""
    return max(timeout, OCR_PAGE_TIMEOUT) * ocr_pages if ocr_pages else timeout


def timed_out(limit: float, ocr_pages: int) -> ReportError:
    """Why an input failed whose worker was stopped at its deadline ``limit``."""
    return ReportError("timed_out", seconds=limit, pages=ocr_pages)


def crash_reason(code: int | None, memory_mb: int = 0) -> ReportError:
    """Why an input failed whose worker process ended with ``code`` while reading it."""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return ReportError("worker_crashed", signal=name, memory_mb=memory_mb or limits.MEMORY.value,
                           **limits.MEMORY.raised_with)
    return ReportError("worker_ended", code=code)


def reuse(path: str, out: Path, existing: dict, start: float, html: bool, source=None, fmt: str = "json",
          decisions: Decisions = NONE) -> dict:
    """The summary line of a current result (``outfolder.current``) at ``out``, marked reused, with
    the reviewer's current ``decisions`` applied (``settled``); its page written first if one is
    asked for and missing (files.OutputError when it cannot be), with the crops of its scan cut from
    ``source`` (``unit.page_html``)."""
    return {**settled(path, out, existing, start, html, fmt, decisions, source), "reused": True}


def settled(path: str, out: Path, result: dict, start: float, html: bool, fmt: str, decisions: Decisions,
            source=None) -> dict:
    """The summary line of the result at ``out`` (``result``: its data) once the reviewer's current
    ``decisions`` are applied: where they change it (new decisions, or earlier ones taken back), the
    result file is written again, and its page if one is asked for or there; a page asked for and
    missing is written (its crops cut from ``source``: the input's bytes, or a function that reads
    them). Nothing of the input is read again but for the crops of a page written."""
    fresh = reviewed(result, decisions)
    if fresh is not None:
        result = fresh
        write_result(out, result_text(fresh, fmt),
                     page_html(fresh, source) if html or page_path(out).exists() else None)
    elif html and not page_path(out).exists():
        write_result(out, None, page_html(result, source))
    return summary_of(path, result, start)
