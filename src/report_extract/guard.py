"""Safe input and output: bounded reads, names safe to print, reading in a bounded child process,
and output targets checked before any work.

- ``read_input``: stat first, then read with a cap; FIFOs, devices and sockets are refused without
  being opened for reading (``/dev/zero`` or a FIFO would otherwise fill memory or block forever).
- ``printable``/``shown``: a file name that is not valid UTF-8 (kept by Python as lone surrogates)
  becomes backslash escapes, so JSON and messages can be written; ``shown`` also escapes control
  characters (ESC, BEL, newline) so a name cannot drive the terminal or forge a message line.
- ``bounded``: run a function in a forked child under a memory limit (RLIMIT_DATA) and a timeout,
  so a native library (pdfium) that runs away on a hostile file is stopped with a one-line error
  instead of taking the machine's memory. Where fork is unavailable it runs in-process. The child
  is the leader of its own process group (LibreOffice joins it), dies with its parent, ignores
  Ctrl-C (the parent decides what stops) and writes its temporary files in a folder of its own;
  the group and the folder go when the reading ends, however it ends (``janitor``).
- ``stop_on_signals``: SIGINT, SIGTERM and SIGHUP raise ``Interrupted`` in the command, so each
  unwinds as Ctrl-C does: children stopped, temporary files removed, one line, exit 128+signal.
"""

from __future__ import annotations

import errno
import os
import pickle
import re
import select
import signal
import stat
import sys
import tempfile
import time

from . import janitor, limits
from .errors import ReportError

# control characters (C0, DEL, C1: escape sequences, OSC titles and links start with them) and the
# bidirectional controls that reorder what a terminal shows (U+202A–E, U+2066–9, U+200E/F, U+061C)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def printable(name: str) -> str:
    """A name as text that encodes to UTF-8: undecodable bytes become ``\\xNN``."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") \
            if _only_surrogate_escapes(name) else name.encode("utf-8", "backslashreplace").decode("utf-8")


def _only_surrogate_escapes(name: str) -> bool:
    try:
        name.encode("utf-8", "surrogateescape")
        return True
    except UnicodeEncodeError:
        return False


def shown(text: str, lines: bool = False) -> str:
    """Text safe for a terminal: printable, with control and bidirectional characters escaped
    (\\n, \\x1b, \\u202e); ``lines``: line breaks kept."""
    text = printable(text)
    return _CONTROL.sub(lambda m: _escape(m.group(), lines), text)


def _escape(ch: str, lines: bool) -> str:
    if lines and ch == "\n":
        return ch
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch)
    return named or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def shown_all(value):
    """Every string in a structure of dicts and lists (a report as data) made safe for a terminal."""
    if isinstance(value, str):
        return shown(value, lines=True)
    if isinstance(value, dict):
        return {shown_all(k): shown_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shown_all(v) for v in value]
    return value


# --- reading inputs ----------------------------------------------------------------------------
def read_input(path: str, name: str | None = None) -> bytes:
    """The bytes of a regular file, at most the input size limit; anything else a ReportError."""
    name = name if name is not None else printable(str(path))
    limit = limits.INPUT_SIZE
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ReportError("no_such_file", name) from None
    except IsADirectoryError:
        raise ReportError("is_a_directory", name) from None
    except PermissionError:
        raise ReportError("permission_denied", name) from None
    except OSError as exc:
        raise _os_error(exc, name) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ReportError("is_a_directory", name)
        if not stat.S_ISREG(info.st_mode):
            raise ReportError("not_regular", name, kind=_kind(info.st_mode))
        limit.check(info.st_size, "size", name, mb=limits.mb(info.st_size))
        return _read_capped(fd, limit, name, info.st_size)
    finally:
        os.close(fd)


def read_stream(stream, name: str = "<stdin>") -> bytes:
    """All of a binary stream (stdin), at most the input size limit."""
    if stream is None:
        raise ReportError("stdin_closed", name)
    limit = limits.INPUT_SIZE
    try:
        data = stream.read(limit.amount + 1)
    except (OSError, ValueError) as exc:  # a closed or unreadable descriptor
        if isinstance(exc, ValueError) or getattr(exc, "errno", None) == errno.EBADF:
            raise ReportError("stdin_closed", name) from None
        raise ReportError("stdin_unreadable", name, errno=exc.errno, strerror=exc.strerror or str(exc)) from None
    if data is None:
        data = b""
    limit.check(len(data), "more_than", name, mb=limits.mb(limit.amount))
    return data


def _read_capped(fd: int, limit: limits.Limit, name: str, size: int) -> bytes:
    chunks, total = [], 0
    while True:
        try:
            chunk = os.read(fd, min(1 << 22, limit.amount + 1 - total) or 1)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        except OSError as exc:
            raise _os_error(exc, name) from None
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit.amount:
            raise limit.error("grew", name, mb=limits.mb(limit.amount))
    return b"".join(chunks)


def _kind(mode: int) -> str:
    """What a path that is no regular file is (a kind ``reasons`` words)."""
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode):
        return "char"
    if stat.S_ISBLK(mode):
        return "block"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def _os_error(exc: OSError, name: str) -> ReportError:
    if exc.errno == errno.ELOOP:
        return ReportError("link_loop", name)
    return ReportError("cannot_read", name, errno=exc.errno, strerror=exc.strerror or str(exc))


# --- a bounded child ---------------------------------------------------------------------------
def set_memory_limit(megabytes: int) -> None:
    """Cap this process's data memory (heap and anonymous mappings) at ``megabytes``."""
    try:
        import resource
    except ImportError:  # not on this platform
        return
    amount = megabytes * (1 << 20)
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            amount = min(amount, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (amount, hard))
    except (ValueError, OSError):
        pass


def die_with_parent(signal_number: int = signal.SIGTERM) -> None:
    """Linux: this process gets ``signal_number`` when its parent dies (prctl PR_SET_PDEATHSIG),
    so a batch worker does not run on as an orphan after the batch is killed."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal_number), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


class Interrupted(BaseException):
    """A command stopped by a signal (SIGINT, SIGTERM, SIGHUP): unwinds like Ctrl-C, but is not a
    KeyboardInterrupt, which click would turn into "Aborted!"."""

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number

    @property
    def name(self) -> str:
        return signal.Signals(self.number).name

    @property
    def exit_code(self) -> int:
        return 128 + self.number  # as a shell reports a command killed by it: 130, 143, 129


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def stop_on_signals() -> None:
    """In a command (the main thread): each of STOP_SIGNALS raises Interrupted once; the ones that
    come while it unwinds (a second Ctrl-C, the terminal's hang-up after it) are let pass, so that
    the children are stopped and the temporary files removed whole."""

    def stop(number, _frame):
        for each in STOP_SIGNALS:
            signal.signal(each, lambda *_: None)
        raise Interrupted(number)

    for number in STOP_SIGNALS:
        signal.signal(number, stop)


def fault_injection(path: str) -> None:
    """For tests of the reading processes: REPORT_EXTRACT_FAULTS="hang:NAME,crash:NAME" makes the
    process that reads an input whose path contains NAME hang or die (as a native library would);
    "orphan:NAME" starts a child (as LibreOffice would), writes a file in the temporary folder,
    notes them in PATH.note and hangs; "spin:NAME" notes itself and runs in C code for ever (no
    signal handler of Python's runs), as pdfium on a hostile PDF; "pause:NAME" notes itself,
    waits 2 s and reads on; "nospace:NAME" fails as a full output disk would; "hog:NAME" allocates
    memory until it fails."""
    faults = os.environ.get("REPORT_EXTRACT_FAULTS", "")
    for fault in filter(None, faults.split(",")):
        kind, _, needle = fault.partition(":")
        if not needle or needle not in path:
            continue
        if kind == "hang":
            time.sleep(10 ** 6)
        elif kind == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        elif kind == "orphan":
            import subprocess

            child = subprocess.Popen(["sleep", "1000"])
            handle, scratch = tempfile.mkstemp(prefix="copy-of-input-")
            os.close(handle)
            _note(path, child=child.pid, scratch=scratch)
            time.sleep(10 ** 6)
        elif kind == "spin":
            import hashlib

            _note(path)
            while True:  # minutes a call in C, never back in Python to run a signal handler
                hashlib.pbkdf2_hmac("sha256", b"spin", b"spin", 10 ** 9)
        elif kind == "pause":
            _note(path)
            time.sleep(2)
        elif kind == "nospace":  # the output disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        elif kind == "hog":
            hoard = []
            while True:
                hoard.append(bytearray(64 << 20))


def _note(path: str, **more) -> None:
    import json

    note = {"worker": os.getpid(), "tmp": tempfile.gettempdir(), **more}
    with open(path + ".note.tmp", "w", encoding="utf-8") as handle:
        json.dump(note, handle)
    os.replace(path + ".note.tmp", path + ".note")  # whole when it is seen


def memory_error(name: str | None = None) -> ReportError:
    return limits.MEMORY.error("memory", name)


def nesting_error(name: str | None = None) -> ReportError:
    """Python's own recursion limit met while reading (a parser that recurses per level)."""
    return limits.NESTING.error("nested", name)


def bounded(function, *args, memory_mb: int | None = None, timeout: float | None = None, name: str = ""):
    """``function(*args)`` in a forked child under a memory limit and a timeout; its result (or its
    ReportError) comes back pickled. Anything that kills the child becomes a one-line ReportError.
    The child's process group and temporary folder are gone when this returns or raises."""
    if not hasattr(os, "fork"):
        return function(*args)
    memory_mb = memory_mb or limits.MEMORY.value
    timeout = timeout or limits.TIME.value
    folder = janitor.temporary_folder("report-extract-")
    try:
        read_end, write_end = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # the child: compute, send, leave without running the parent's cleanup
            os.close(read_end)
            _child(function, args, write_end, parent, folder, memory_mb, name)
        os.close(write_end)
        try:
            os.setpgid(pid, pid)  # as the child does itself: whichever runs first
        except OSError:
            pass
        janitor.watch_group(pid)
        try:
            payload = _collect(read_end, pid, timeout, name)
        finally:
            os.close(read_end)
            status = _end(pid)
    finally:
        janitor.remove_folder(folder)
    if not payload:
        raise _death(status, memory_mb, name)
    outcome = pickle.loads(payload)
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] == "error":  # the child's own ReportError, its code and facts pickled
        error = outcome[1]
        error.path = error.path or name
        raise error
    raise InternalError(outcome[1], outcome[2])


def _child(function, args, write_end: int, parent: int, folder: str, memory_mb: int, name: str):
    """The reading process: never returns."""
    code = 0
    try:
        try:
            os.setpgid(0, 0)  # its own group: what it starts (LibreOffice) is killed with it
        except OSError:  # the parent made it so first
            pass
        # certain, even inside a native library that runs away; "parent" is the thread that forked
        # (Linux), so bounded() is called from the command's main thread, which lasts as long as it
        die_with_parent(signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before that was set
            os._exit(1)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
        for number in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)  # not the parent's Interrupted
        _quiet_std_streams()
        os.environ["TMPDIR"] = tempfile.tempdir = folder  # its copies and LibreOffice's, removed with it
        set_memory_limit(memory_mb)
        fault_injection(name)
        try:
            outcome = ("ok", function(*args))
        except ReportError as exc:
            outcome = ("error", exc)
        except MemoryError:
            outcome = ("error", memory_error())
        except RecursionError:
            outcome = ("error", nesting_error())
        except BaseException as exc:  # noqa: B036 - a bug of ours, reported by the parent
            outcome = ("bug", f"{type(exc).__name__}: {exc}", _traceback())
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("error", memory_error()))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    except BaseException:  # noqa: B036
        code = 70
    finally:
        os._exit(code)


def _quiet_std_streams() -> None:
    """The child reads no terminal (its group is not the terminal's) and prints nothing into the
    parent's data on stdout: stdin from /dev/null, stdout to stderr."""
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.dup2(2, 1)
    except OSError:
        pass


def _end(pid: int) -> int:
    """Kill what is left of the child's group (its result is in, or it is past saving) while the
    child is not yet reaped, so the group's number cannot be another's; then reap it."""
    janitor.kill_group(pid)
    janitor.release_group(pid)
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:
            return 0
        except InterruptedError:
            continue


class InternalError(Exception):
    """A bug of ours inside the bounded child: its message and traceback text."""

    def __init__(self, message: str, trace: str):
        super().__init__(message)
        self.trace = trace


def _traceback() -> str:
    import traceback

    return traceback.format_exc()


def _collect(fd: int, pid: int, timeout: float, name: str) -> bytes:
    deadline = time.monotonic() + timeout
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:  # the caller kills it (and its group)
            raise limits.TIME.error("still_reading", name, seconds=timeout)
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _death(status: int, memory_mb: int, name: str) -> ReportError:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            signame = signal.Signals(number).name
        except ValueError:
            signame = f"signal {number}"
        return ReportError("reader_killed", name, signal=signame, memory_mb=memory_mb, **limits.MEMORY.raised_with)
    return ReportError("reader_ended", name, code=os.WEXITSTATUS(status))
