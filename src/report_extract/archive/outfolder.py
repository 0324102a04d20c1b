"""The output folder: where each result and its page go (``result_path``, ``page_path``), reading a
result back (``load_result``) and whether it is current (``current``: made from the same bytes, by
this version, with the same OCR mode), writing results (atomically, through ``files``), the lock
one batch holds on the folder, what a killed run left half-written, and every result in the folder
(``results``, for the ``review`` commands).

Knows no executor, no sheet and no report model: results are text going in and dicts coming back.
The spool files kept here are ``spool``'s.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path

from .. import files
from ..errors import ReportError
from ..guard import printable

LOCK_NAME = ".report-extract.lock"  # in the output folder: held while a batch writes into it


class OutputBusy(OSError):
    """Another batch is writing into the same output folder."""


def take_lock(outdir: Path):
    """An exclusive lock on the output folder, held while the batch runs (released when the process
    ends, however it ends); OutputBusy where another batch holds it. Its file also marks the
    folder as an output folder, which no later batch walks as part of an archive."""
    import fcntl

    handle = open(outdir / LOCK_NAME, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise OutputBusy(errno.EBUSY, "another batch is writing into this folder; run one batch at a time on an "
                                      "output folder") from None
    return handle


def remove_half_written(outdir: Path) -> None:
    """Temporary files of atomic writes (``.NAME.XXXX.tmp``) that a killed run left behind: its
    workers die with it, possibly in the middle of a write."""
    for path in outdir.rglob(".*.tmp"):
        try:
            if path.is_file() and not path.is_symlink():
                path.unlink()
        except OSError:
            pass


def resolved(path: Path) -> Path:
    """The real path, or the absolute one where links loop (resolve() raises on a loop)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


def result_path(outdir: Path, rel: str, fmt: str, root: Path | None = None) -> Path:
    """The result file of the input at ``rel`` (``Job.rel``); ReportError where a symbolic link inside
    the output folder would take it elsewhere. ``root``: ``outdir`` resolved, when the caller
    resolved it once for many inputs."""
    target = resolved(outdir / f"{rel}.{fmt}")
    if (root or resolved(outdir)) not in target.parents:
        raise ReportError("result_outside", target=printable(str(target)))
    return target


def page_path(result: Path) -> Path:
    """The page of a result file (``batch --html``): report.pdf.json -> report.pdf.html."""
    return result.with_suffix(".html")


def load_result(path: Path, fmt: str) -> dict | None:
    """A result file as data; None when it is missing or damaged (it is then made again)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        if fmt == "json":
            return json.loads(text)
        import yaml

        return yaml.safe_load(text)
    except Exception:
        return None  # a damaged result is made again


RESULT_SUFFIXES = (".json", ".yaml")  # a result file's (batch -f json | yaml)


def results(outdir: Path) -> Iterator[tuple[Path, dict]]:
    """Every result file in the output folder and its data, in the order of their paths: the files
    ending .json or .yaml that hold a report (``schema_version``); the folder's own files (the
    review store, hidden files) and damaged results are passed over."""
    for path in sorted(p for p in Path(outdir).rglob("*") if p.suffix in RESULT_SUFFIXES):
        if path.name.startswith(".") or not path.is_file() or path.is_symlink():
            continue
        data = load_result(path, path.suffix[1:])
        if isinstance(data, dict) and "schema_version" in data and isinstance(data.get("problems"), list):
            yield path, data


def current(out: Path, fmt: str, digest: str, ocr: str) -> dict | None:
    """The result already in the output folder when it was made from these same bytes, by this
    version of report-extract, with the same OCR mode (what changes a result)."""
    existing = load_result(out, fmt)
    if existing is not None and reusable(existing, ocr) and existing.get("source", {}).get("sha256") == digest:
        return existing
    return None


def reusable(result: dict, ocr: str) -> bool:
    """Whether a result was made by this version with this OCR mode (its input's digest aside)."""
    from .. import __version__

    made = (result.get("source") or {}).get("read_with") or {}
    return made.get("version") == __version__ and made.get("ocr") == ocr


def write_result(out: Path, text: str | None, page: str | None) -> None:
    """An input's result file and its page (None: not written); files.OutputError when one cannot
    be: a folder or a socket in its place fails that input, a failing disk (``exc.disk``: full,
    read-only) stops the batch."""
    if text is not None:
        files.write_text(out, text)
    if page is not None:
        files.write_text(page_path(out), page)


def rewrite_result(path: Path, data: dict, fmt: str) -> None:
    """A result file written again from its data (the cross-year checks changed its problems)."""
    files.write_text(path, result_text(data, fmt))


def result_text(data: dict, fmt: str) -> str:
    """A result file's text from its data, as ``writers`` writes a report (json, or yaml)."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
