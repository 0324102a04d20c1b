"""The spool: what each finished input contributes to the sheets, the database, the cross-year
checks and the pages, kept in scratch files in the output folder rather than in the parent's
memory. Per input, three JSON lines in a worker's spool file (a brief one: the cross-year
essentials and the problem codes; then its sheet rows as CSV text; then what report.sqlite holds
of it), found again by their ``Place``, and the same rows of report.sqlite in the worker's part
beside that file (``part.Part``; a ``Writer`` writes both); and its summary line in the
parent's own spool file. ``Finished`` is what the run hands on once every input is done: the
finished inputs' summaries, in input order, read from here.

Knows no executor and no sheet: it stores and finds lines. Its files are made through ``files``
(exclusively, under unique names) and removed when the run ends, however it ends.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .. import files
from ..identity import settled_body
from .jobs import Job, Options
from .part import Part, part_path
from .review_store import Store

SPOOL_PREFIX = ".report-extract-spool-"  # then the parent's pid, a count, and .jsonl (or .sqlite: a part)
SPOOL_SUFFIXES = (".jsonl", ".sqlite")


class Place(NamedTuple):
    """Where an input's spool lines start: a spool file and an offset in it (a JSON array on a
    worker's pipe)."""

    file: str
    offset: int


def write_lines(handle, path: Path, data: dict) -> Place:
    """Append an input's spool lines (``data``: the ``summary["data"]`` of ``unit.summary_of``) to the
    open spool file at ``path``; returns where they start."""
    place = Place(str(path), handle.tell())
    # first what the cross-year checks need, so that they need not parse the rest; then the sheets' rows
    brief = {"essentials": data["essentials"], "codes": data["codes"]}
    handle.write(json.dumps(brief, ensure_ascii=False) + "\n")
    handle.write(json.dumps(data["rows"], ensure_ascii=False) + "\n")
    handle.write(json.dumps(data["record"], ensure_ascii=False) + "\n")  # report.sqlite's, read last
    handle.flush()
    return place


class Writer:
    """An executor's spool file (a local worker's, the Dask client's) and its part of report.sqlite
    (``part``: the one ``Spool.part_of`` names, or None): ``write`` an input's lines and rows,
    ``close(complete)`` at the end (complete: the writer ended normally, and the part can be used)."""

    def __init__(self, path: Path, mode: str = "a", part: Path | str | None = None):
        self.path = path
        self.handle = files.open_spool(path, mode, encoding="utf-8", errors="backslashreplace")
        self.part = Part(part)

    def write(self, index: int, data: dict) -> Place:
        place = write_lines(self.handle, self.path, data)
        self.part.add(index, data["record"])
        return place

    def close(self, complete: bool) -> None:
        try:
            self.handle.close()
        finally:
            self.part.close(complete)


class Spool:
    """The spool files of one run in ``outdir``: new ones for the executors' workers (``new_file``),
    the parent's own for summaries, and the place of each input's lines. The parent holds offsets,
    not reports."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        for suffix in SPOOL_SUFFIXES:  # left by a run that was killed
            for stale in outdir.glob(f"{SPOOL_PREFIX}*{suffix}"):
                stale.unlink(missing_ok=True)
        self.where: dict[int, Place] = {}
        self.handles: dict[str, object] = {}
        self.count = 0
        self.parts: set[str] = set()  # the spool files that have a part beside them (made here)
        self.summaries_path = self.new_file()
        self.summaries = files.open_spool(self.summaries_path, "w+", encoding="utf-8")  # the parent's own spool
        self.summary_at: dict[int, int] = {}

    def put_summary(self, index: int, summary: dict) -> None:
        self.summaries.seek(0, os.SEEK_END)
        self.summary_at[index] = self.summaries.tell()
        self.summaries.write(json.dumps(summary, ensure_ascii=False) + "\n")

    def get_summary(self, index: int) -> dict | None:
        if index not in self.summary_at:
            return None
        self.summaries.seek(self.summary_at[index])
        return json.loads(self.summaries.readline())

    def new_file(self, with_part: bool = False) -> Path:
        """A new spool file, made (empty) under a unique name: nothing planted there is followed.
        ``with_part``: an executor's, with its part of report.sqlite beside it (``part_of``), made
        empty and exclusively too; where that name is taken, there is no part."""
        self.count += 1
        path = files.new_spool(self.outdir, f"{SPOOL_PREFIX}{os.getpid()}-{self.count}-", ".jsonl")
        if with_part and files.new_spool_at(part_path(path)):
            self.parts.add(str(path))
        return path

    def part_of(self, path: Path | str) -> Path | None:
        """The part made beside a spool file of ``new_file``, or None."""
        return part_path(path) if str(path) in self.parts else None

    def put(self, index: int, where: Place | list | None) -> None:
        """Where the input's lines are (``write_lines``' Place, or the array a worker sent); None: none."""
        if where is not None:
            self.where[index] = Place(*where)

    def rows(self, index: int) -> dict | None:
        """The input's rows of wide.csv, long.csv and problems.csv, as CSV text."""
        handle = self._at(index)
        if handle is None:
            return None
        handle.readline()
        return json.loads(handle.readline())

    def record(self, index: int) -> dict | None:
        """What report.sqlite holds of the input (``unit.record_of``)."""
        handle = self._at(index)
        if handle is None:
            return None
        handle.readline()
        handle.readline()
        return json.loads(handle.readline())

    def brief(self, index: int) -> dict | None:
        """The input's cross-year essentials and problem codes only."""
        handle = self._at(index)
        return None if handle is None else json.loads(handle.readline())

    def _at(self, index: int):
        if index not in self.where:
            return None
        path, offset = self.where[index]
        if path not in self.handles:
            self.handles[path] = files.open_spool(path, "r", encoding="utf-8")
        handle = self.handles[path]
        handle.seek(offset)
        return handle

    def reader(self) -> SpoolReader:
        """The same spool read through handles of its own, for another thread (a handle is a file
        offset: two threads seeking one handle would read each other's lines). Nothing is written
        through it; closing it closes its handles only."""
        self.summaries.flush()
        return SpoolReader(self)

    def close(self) -> None:
        self.close_handles()
        for suffix in SPOOL_SUFFIXES:
            for path in self.outdir.glob(f"{SPOOL_PREFIX}{os.getpid()}-*{suffix}"):
                path.unlink(missing_ok=True)

    def close_handles(self) -> None:
        self.summaries.close()
        for handle in self.handles.values():
            handle.close()


class SpoolReader(Spool):
    """A second reader of a finished run's spool (``Spool.reader``)."""

    def __init__(self, spool: Spool):  # not Spool.__init__, which clears the spool folder
        self.outdir, self.where, self.summary_at, self.count = spool.outdir, spool.where, spool.summary_at, spool.count
        self.parts = spool.parts
        self.summaries_path = spool.summaries_path
        self.handles = {}
        self.summaries = files.open_spool(spool.summaries_path, "r", encoding="utf-8")

    def close(self) -> None:  # its handles only: the files are the run's
        self.close_handles()


@dataclass
class Finished:
    """The inputs of a run once every one is done, for the cross-year checks, the sheets and the
    pages: ``statuses`` of the inputs finished (an interrupted run finishes none of the rest),
    the summaries of paths that do not exist (``missing``), and what the cross-year checks found."""

    jobs: list[Job]
    statuses: dict[int, str]
    missing: list[dict]
    spool: Spool
    options: Options
    review: Store = field(default_factory=Store)  # the reviewer's decisions (review_store), read as the run began
    cross: dict[int, list] = field(default_factory=dict)  # input -> its cross-year problems
    counts: dict[int, dict] = field(default_factory=dict)  # input -> its new problem counts, where they changed
    # input -> {"duplicate_of": the path of the copy used or None, "copies": n} (archive.duplicates)
    duplicates: dict[int, dict] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)  # path -> decisions that no longer apply (changed)

    def summaries(self) -> Iterator[tuple[Job, dict]]:
        """Each finished input and its summary line, in input order: its counts as the cross-year
        checks left them, its body as ``--bodies`` settles it, the copies of its body and year."""
        for job in self.jobs:
            if job.index not in self.statuses:
                continue
            summary = {**self.spool.get_summary(job.index), **self.counts.get(job.index, {}),
                       **self.duplicates.get(job.index, {})}
            if self.options.bodies:  # the user's table settles which body a report belongs to
                summary["body"] = settled_body(summary.get("organization"), self.options.bodies)
            yield job, summary
