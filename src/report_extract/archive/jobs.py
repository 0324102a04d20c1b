"""What a batch is asked to do: the options it runs with (``Options``) and one input to read
(``Job``). Plain records, read by every module of the package; this module imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Job:
    """One input, as ``discovery`` found it; sent to a worker as JSON (``job.__dict__``)."""

    index: int  # its place in input order: the order of the sheets and of index.html
    path: str  # as found (what the user named, joined with the walk); a group of page images: its label
    rel: str  # relative path inside the output folder, without the result suffix
    parts: list | None = None  # the page image files of one report (pages.group), in page order


@dataclass
class Options:
    """How the batch runs: the command line's options (``cli.batch``), sent to each worker as JSON."""

    outdir: Path
    fmt: str = "json"
    force: bool = False
    timeout: float = 60.0
    jobs: int = 0
    xlsx: bool = False
    memory_mb: int = 0  # each worker's memory limit (0: limits.MEMORY)
    html: bool = False  # a page per report and index.html (views.dashboard)
    scheduler: str | None = None  # a Dask scheduler's address, or local:N; None: local worker processes
    shared_fs: bool = False  # cluster workers can read the inputs' paths themselves
    ocr: str = "auto"
    bodies: dict | None = None  # --bodies: a name as written -> its canonical name (identity.read_bodies)
