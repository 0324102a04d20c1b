"""Where ``extract`` writes: stdout, one file, or one file per input in a folder; checked before
any input is read, so a bad ``-o`` is one line (exit 2), not a traceback after minutes of work.
How the bytes are written (atomically, through devices and FIFOs, modes) is ``files.py``'s.

- ``-o -`` (or no ``-o``): stdout.
- ``-o`` naming an existing folder (or ending in ``/``): one file per input, named after it
  (``report.pdf`` -> ``report.pdf.json``), as docling and pandoc users expect.
- ``-o x.yaml`` / ``.csv`` / ``.jsonl`` / ``.json`` / ``.html`` picks the format when ``-f`` is not
  given; another suffix without ``-f`` (``out.xlsx``) is a usage error, never JSON in a file of
  another kind. A name without a suffix is JSON.
- stdout that is full (``/dev/full``), closed or a broken pipe: one line, exit 4.
"""

from __future__ import annotations

import errno
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .files import OutputError, is_stream
from .guard import printable, shown

SUFFIX_FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".yaml": "yaml", ".yml": "yaml",
                  ".csv": "csv", ".html": "html", ".htm": "html"}
EXTENSIONS = {"json": "json", "jsonl": "jsonl", "yaml": "yaml", "csv": "csv", "html": "html"}

STDOUT = "-"


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


def plan(output: str | None, fmt: str | None) -> Plan:
    """The output plan for ``-o`` as typed (``None``: not given; ``-``: stdout; a trailing ``/``:
    a folder, made when missing) and ``-f`` (``None``: not given). OutputError for a name that
    cannot be written, or a suffix whose format we do not write."""
    if output is None or output == STDOUT:
        return Plan(fmt or "json", None)
    path = Path(output)
    if path.is_dir() or output.endswith(("/", os.sep)):
        _check_folder(path, create=not path.exists())
        return Plan(fmt or "json", None, path)
    suffix = path.suffix.lower()
    if fmt is None and suffix and suffix not in SUFFIX_FORMATS:
        raise OutputError("suffix_not_written", usage=True, output=shown(output), suffix=shown(suffix),
                          suffixes=list(SUFFIX_FORMATS))
    chosen = fmt or SUFFIX_FORMATS.get(suffix, "json")
    if is_stream(path):  # /dev/null, /dev/stdout, a FIFO: written through, its folder never touched
        return Plan(chosen, path)
    parent = Path(os.path.realpath(path)).parent if path.is_symlink() else path.parent  # a link: its target's
    for ancestor in [parent, *parent.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise OutputError("under_a_file", usage=True, output=shown(output), ancestor=shown(str(ancestor)))
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise OutputError("folder_unwritable", output=shown(output), ancestor=shown(str(ancestor)))
            break
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError("read_only", output=shown(output))
    return Plan(chosen, path)


def _check_folder(folder: Path, create: bool) -> None:
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError("mkdir_failed", exc.errno, output=shown(str(folder)), strerror=exc.strerror) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError("into_unwritable", output=shown(str(folder)))


def write_stdout(text: str) -> None:
    """Data to stdout; a full disk or a closed stdout is an OutputError, a closed pipe is quiet."""
    stream = sys.stdout
    if stream is None:
        raise OutputError("stdout_closed")
    try:
        stream.buffer.write(text.encode("utf-8")) if hasattr(stream, "buffer") else stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:
        number = getattr(exc, "errno", None)
        silence_stdout()
        if number == errno.EBADF or isinstance(exc, ValueError):
            raise OutputError("stdout_closed") from None
        raise OutputError("stdout_failed", number, strerror=getattr(exc, "strerror", None) or str(exc)) from None


def silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail once more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
