"""Where ``extract`` writes: stdout, one file, or one file per input in a folder; checked before
any input is read, so a bad ``-o`` is one line (exit 2), not a traceback after minutes of work.

- ``-o`` naming an existing folder (or ending in ``/``): one file per input, named after it
  (``report.pdf`` -> ``report.pdf.json``), as docling and pandoc users expect.
- ``-o x.yaml`` / ``.csv`` / ``.jsonl`` / ``.json`` picks the format when ``-f`` is not given.
- stdout that is full (``/dev/full``), closed or a broken pipe: one line, exit 4.
"""

from __future__ import annotations

import errno
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .guard import printable, shown

SUFFIX_FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".yaml": "yaml", ".yml": "yaml",
                  ".csv": "csv", ".html": "html", ".htm": "html"}
EXTENSIONS = {"json": "json", "jsonl": "jsonl", "yaml": "yaml", "csv": "csv", "html": "html"}


class OutputError(Exception):
    """The output cannot be written: ``str()`` is the one-line reason."""


@dataclass
class Plan:
    fmt: str
    target: Path | None  # one file; None: stdout or a folder
    folder: Path | None = None  # one file per input

    def file_for(self, input_name: str, taken: set[str]) -> Path:
        base = Path(input_name).name if input_name not in ("-", "<stdin>") else "stdin"
        candidate, n = f"{printable(base)}.{EXTENSIONS[self.fmt]}", 1
        while candidate in taken:  # two inputs of one name from different folders
            n += 1
            candidate = f"{printable(base)}~{n}.{EXTENSIONS[self.fmt]}"
        taken.add(candidate)
        return self.folder / candidate


def plan(output: Path | None, fmt: str | None) -> Plan:
    """The output plan for ``-o`` and ``-f`` as given (``fmt`` None: not given)."""
    if output is None:
        return Plan(fmt or "json", None)
    text = os.fsdecode(output)
    if output.is_dir() or text.endswith(os.sep):
        folder = output
        _check_folder(folder, create=not output.exists())
        return Plan(fmt or "json", None, folder)
    chosen = fmt or SUFFIX_FORMATS.get(output.suffix.lower(), "json")
    parent = output.parent
    for ancestor in [parent, *parent.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise OutputError(f"cannot write {shown(text)}: {shown(str(ancestor))} is a file, not a folder")
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise OutputError(f"cannot write {shown(text)}: {shown(str(ancestor))} is not writable")
            break
    if output.exists() and not os.access(output, os.W_OK):
        raise OutputError(f"cannot write {shown(text)}: the file is read-only")
    return Plan(chosen, output)


def _check_folder(folder: Path, create: bool) -> None:
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {shown(str(folder))} ({exc.strerror})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into {shown(str(folder))}: the folder is not writable")


def write_file(path: Path, text: str) -> None:
    from .writers import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        raise OutputError(f"cannot write {shown(os.fsdecode(path))} ({exc.strerror or exc})") from None


def write_stdout(text: str) -> None:
    """Data to stdout; a full disk or a closed stdout is an OutputError, a closed pipe is quiet."""
    stream = sys.stdout
    if stream is None:
        raise OutputError("cannot write the output: standard output is closed (use -o FILE)")
    try:
        stream.buffer.write(text.encode("utf-8")) if hasattr(stream, "buffer") else stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:
        number = getattr(exc, "errno", None)
        silence_stdout()
        if number == errno.EBADF or isinstance(exc, ValueError):
            raise OutputError("cannot write the output: standard output is closed (use -o FILE)") from None
        reason = "no space left on the device" if number == errno.ENOSPC else (getattr(exc, "strerror", None) or str(exc))
        raise OutputError(f"cannot write to standard output ({reason})") from None


def silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail once more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
