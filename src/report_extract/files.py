"""Every file report-extract writes goes through here: ``extract -o`` and ``compare -o``, batch's
result files and pages, its CSV sheets, ``report.xlsx``, ``index.html`` and its spool files. This
module owns where those bytes go and what is left on disk; it knows no format (callers hand it text
or bytes, write through an ``AtomicFile``, or, for a library that writes a file by its name, such as
SQLite's ``report.sqlite``, are handed a temporary name: ``write_by_name``).

- **Where**: the target is looked at (following symbolic links) before anything is written.
  A regular file, or a name not yet taken, is written atomically: a temporary file made exclusively,
  under a unique name, in the target's own folder, renamed over the target when complete, and
  removed on any failure, so a reader sees the old file or the new one, never half of one. A
  character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is opened and written
  through, never renamed over. A symbolic link is followed: its target is written as above and
  the link stays a link. A folder, a block device or a socket is refused (``OutputError``, one line).
- **Modes**: a new file gets ``0o666`` less the umask, as ``open()`` would give it (the umask read
  from ``/proc/self/status``, without changing it); a file that is replaced keeps its permission
  bits (not setuid/setgid/sticky, as a write by ``open()`` would clear them) and, where the
  process may, its owner and group.
- **Spool files** (batch's scratch files in its output folder) are made exclusively under unique
  names too, and opened again only if they are still not symbolic links.

Nothing here is flushed to the disk (no fsync): atomic for readers, not durable through a power cut.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from .errors import Failure
from .guard import shown

NEW_FILE_MODE = 0o666  # less the umask, as open() makes files
KEPT_MODE_BITS = 0o777  # what a replaced file keeps: its permission bits
TEMP_NAME_BYTES = 200  # of the target's name in a temporary file's name (NAME_MAX is 255 bytes)
COPY_CHUNK = 1 << 20  # bytes copied at a time into a device (write_by_name)
_UMASK_LOCK = threading.Lock()
_REFUSED = {stat.S_IFDIR: "folder", stat.S_IFBLK: "block", stat.S_IFSOCK: "socket"}  # kinds reasons words


class OutputError(Failure):
    """An output that cannot be written (a ``Failure``: a code of ``reasons.REASONS`` and facts):
    ``str()`` is the one-line reason, naming the file, ``reason_zh`` the same in Chinese; ``errno``
    the system's error number where there was one (a fact of its wording too); ``usage``: the
    command line asks for what cannot be (a suffix we do not write, a path under a file: exit 2;
    else exit 4)."""

    def __init__(self, code: str, errno_: int | None = None, usage: bool = False, **facts):
        self.errno = errno_
        self.usage = usage
        super().__init__(code, **({**facts, "errno": errno_} if errno_ else facts))

    @property
    def disk(self) -> bool:
        """The output disk itself fails (full, read-only, over quota, an I/O error), not one file:
        every later write would fail too, so a batch stops rather than fail input after input."""
        return self.errno in DISK_ERRORS


DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})


def _failed(path, exc: OSError) -> OutputError:
    return OutputError("write_failed", exc.errno, output=_shown(path), strerror=exc.strerror or str(exc))


# --- modes -------------------------------------------------------------------------------------
def current_umask() -> int:
    """The process's umask, read without changing it (``Umask:`` in ``/proc/self/status``, Linux
    4.7+). Elsewhere it is set and set back, under a lock, to 0o077 meanwhile, so that a file
    another thread makes in that instant is more private, never less."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The mode ``open()`` would give a new file: 0o666 less the umask."""
    return NEW_FILE_MODE & ~current_umask()


# --- what a path is ------------------------------------------------------------------------------
def _shown(path: str | os.PathLike) -> str:
    return shown(os.fsdecode(path))


def _looked_at(path: str | os.PathLike) -> os.stat_result | None:
    """The stat of what ``path`` leads to (links followed); None where nothing is there yet."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _failed(path, exc) from None


def refuse_unwritable(path: str | os.PathLike) -> None:
    """Raise OutputError when ``path`` (links followed) is a folder, a block device, a socket or
    anything else that is neither a file, a character device, a FIFO nor a name not yet taken."""
    info = _looked_at(path)
    if info is None or _is_stream(info.st_mode) or stat.S_ISREG(info.st_mode):
        return
    raise OutputError("refused", output=_shown(path), kind=_REFUSED.get(stat.S_IFMT(info.st_mode), "other"))


def is_stream(path: str | os.PathLike) -> bool:
    """Whether ``path`` (links followed) is a character device or a FIFO: written through, not replaced."""
    try:
        return _is_stream(os.stat(path).st_mode)
    except OSError:
        return False


def _is_stream(mode: int) -> bool:
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


# --- writing -----------------------------------------------------------------------------------
class AtomicFile:
    """A file written piece by piece that appears whole or not at all. ``write`` goes to a
    temporary file beside the target (links followed); ``commit`` gives it its mode and renames it
    over the target; ``discard`` removes it. As a context manager: commit on a clean exit, discard
    on an exception. A character device or a FIFO is written straight through (nothing to undo).
    Every OSError becomes an OutputError naming ``path``. ``binary``: bytes, else UTF-8 text with
    newlines as written."""

    def __init__(self, path: str | os.PathLike, binary: bool = False):
        self.path = path
        self.temporary: str | None = None  # None: written straight through
        self._done = False
        try:
            self.handle = self._open(binary)
        except OSError as exc:
            raise _failed(path, exc) from None

    def _open(self, binary: bool):
        mode, text = ("wb", {}) if binary else ("w", {"encoding": "utf-8", "newline": ""})
        info = _looked_at(self.path)
        if info is not None and _is_stream(info.st_mode):
            fd = os.open(self.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
            if _is_stream(os.fstat(fd).st_mode):
                return os.fdopen(fd, mode, **text)
            os.close(fd)  # replaced by a file since it was looked at: written as a file
            info = _looked_at(self.path)
        refuse_unwritable(self.path)
        target = Path(os.path.realpath(self.path))  # a link's target; the link itself stays
        target.parent.mkdir(parents=True, exist_ok=True)
        self._target, self._kept = target, info if info is not None and stat.S_ISREG(info.st_mode) else None
        name = target.name
        while len(os.fsencode(name)) > TEMP_NAME_BYTES:
            name = name[:-1]
        fd, self.temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=target.parent)
        try:
            return os.fdopen(fd, mode, **text)
        except BaseException:
            os.close(fd)
            self._remove()
            raise

    def write(self, data) -> None:
        try:
            self.handle.write(data)
        except OSError as exc:
            self.discard()
            raise _failed(self.path, exc) from None

    def commit(self) -> None:
        """Put what was written in place (or, written through, close the device)."""
        if self._done:
            return
        self._done = True
        try:
            if self.temporary is not None:
                self.handle.flush()
                self._give_mode(self.handle.fileno())
            self.handle.close()
            if self.temporary is not None:
                os.replace(self.temporary, self._target)
                self.temporary = None
        except OSError as exc:
            self._close_quietly()
            self._remove()
            raise _failed(self.path, exc) from None

    def discard(self) -> None:
        """Leave the target as it was: the temporary file is removed."""
        if self._done:
            return
        self._done = True
        self._close_quietly()
        self._remove()

    def _give_mode(self, fd: int) -> None:
        """A replaced file's owner and permission bits; a new file's 0o666 less the umask."""
        kept = self._kept
        if kept is None:
            os.fchmod(fd, new_file_mode())
            return
        mine = os.fstat(fd)
        if (kept.st_uid, kept.st_gid) != (mine.st_uid, mine.st_gid):
            for uid in (kept.st_uid, -1):  # root may give the file back to its owner; others its group
                try:
                    os.fchown(fd, uid, kept.st_gid)
                    break
                except OSError:
                    continue
        os.fchmod(fd, stat.S_IMODE(kept.st_mode) & KEPT_MODE_BITS)

    def _close_quietly(self) -> None:
        try:
            self.handle.close()
        except OSError:
            pass

    def _remove(self) -> None:
        if self.temporary is not None:
            try:
                os.unlink(self.temporary)
            except OSError:
                pass
            self.temporary = None

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind, value, traceback) -> bool:
        if kind is None:
            self.commit()
        else:
            self.discard()
        return False


def write_text(path: str | os.PathLike, text: str) -> None:
    """``text`` (UTF-8, newlines as given) into ``path``, atomically or through (see the module)."""
    with AtomicFile(path) as handle:
        handle.write(text)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """``data`` into ``path``, atomically or through (see the module)."""
    with AtomicFile(path, binary=True) as handle:
        handle.write(data)


def write_by_name(path: str | os.PathLike, make: Callable[[str], None]) -> None:
    """A file that another library writes by its name (an SQLite database): ``make(name)`` writes
    it at the temporary name an ``AtomicFile`` makes beside the target (exclusively, unique), and it
    is put in place as ``AtomicFile.commit`` does, mode and all; on any failure the temporary file
    is removed and the target is as it was. A character device or a FIFO is given the bytes
    ``make`` wrote in a private temporary folder, copied through."""
    with AtomicFile(path, binary=True) as out:
        if out.temporary is not None:
            make(out.temporary)  # the handle stays empty: commit flushes nothing over what make wrote
            return
        with tempfile.TemporaryDirectory(prefix="report-extract-") as scratch:
            built = os.path.join(scratch, "built")
            make(built)
            with open(built, "rb") as handle:
                while chunk := handle.read(COPY_CHUNK):
                    out.write(chunk)


# --- spool files ---------------------------------------------------------------------------------
def new_spool(folder: Path, prefix: str, suffix: str) -> Path:
    """An empty file of this process's own in ``folder``, made exclusively under a unique name
    (mode 0600); open it again with ``open_spool``."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    os.close(fd)
    return Path(name)


def new_spool_at(path: str | os.PathLike) -> bool:
    """An empty file of this process's own at exactly ``path`` (mode 0600; a spool file's part of
    report.sqlite beside it, which SQLite then opens by name), made exclusively: False, and nothing
    made, where a file or a link is there already."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
    except OSError:
        return False
    return True


def open_spool(path: str | os.PathLike, mode: str, **options):
    """``open()`` of a spool file that refuses a symbolic link put in its place (O_NOFOLLOW)."""
    return open(path, mode, opener=_no_follow, **options)


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), 0o600)
