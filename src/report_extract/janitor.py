"""What we start and the temporary folders we write go when we do, however we end.

A command that starts processes (``extract``: a reading process an input; ``batch``: its workers)
lists each process group and each temporary folder with the janitor as it makes them, and takes
them off the list when it has ended and removed them. The janitor is a small process of its own,
started with the first entry, in its own session (a terminal's Ctrl-C or hang-up does not reach
it). When the command ends in any way, even by SIGKILL, the janitor's pipe closes; it then kills
the process groups still listed, removes the folders still listed, and ends.

Nothing here knows what runs in those groups or what is written in those folders. A file that
belongs to a folder but lives elsewhere (LibreOffice's pipe in /tmp) is named by a link inside
the folder (``also_remove``), and goes when the folder goes.

Linux and the BSDs; where there is no ``fork`` the reading runs in-process and nothing is listed.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile

from . import forked

ALSO_REMOVE = ".report-extract-also-remove-"  # a link in a folder to a file that goes with it
JANITOR_WAIT = 10.0  # seconds a command that ends waits for its janitor to finish cleaning up

_janitor: subprocess.Popen | None = None
_listed: set[tuple[str, object]] = set()  # what the janitor holds: ("group", pgid), ("folder", path)
_inherited: list = []  # in a forked child: the parent's janitor, closed and left alone


# --- the command's side ----------------------------------------------------------------------------
def temporary_folder(prefix: str) -> str:
    """A new temporary folder (in $TMPDIR), listed until ``remove_folder``."""
    path = tempfile.mkdtemp(prefix=prefix)
    _tell("+", "folder", path)
    return path


def remove_folder(path: str) -> None:
    """Remove a folder made by ``temporary_folder``, and what its links name (``also_remove``)."""
    remove_now(path)
    _tell("-", "folder", path)


def watch_group(pgid: int) -> None:
    """List a process group we started: killed if we end before ``release_group``."""
    _tell("+", "group", pgid)


def release_group(pgid: int) -> None:
    _tell("-", "group", pgid)


def _tell(op: str, kind: str, value) -> None:
    entry = (kind, value)
    if op == "+":
        _listed.add(entry)
    else:
        _listed.discard(entry)
    if op == "-" and _janitor is None:
        return
    for _attempt in range(2):  # a janitor that died is started again, and given the whole list
        pipe = _pipe()
        if pipe is None:
            return
        try:
            pipe.write(_line(op, kind, value))
            pipe.flush()
            return
        except (OSError, ValueError):
            _forget()


def _line(op: str, kind: str, value) -> bytes:
    return (json.dumps([op, kind, value]) + "\n").encode("utf-8", "surrogatepass")


def _pipe():
    global _janitor
    if _janitor is not None and _janitor.poll() is None:
        return _janitor.stdin
    try:
        if forked.can_fork():  # no new Python to start: there at once (forked.py says why and how)
            _janitor = forked.Forked(lambda: serve(os.fdopen(0, "rb", closefd=False)), stdin=True)
        else:
            _janitor = subprocess.Popen([sys.executable, "-m", "report_extract.janitor"], stdin=subprocess.PIPE,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:  # cleanup then happens only where we end normally
        _janitor = None
        return None
    for kind, value in sorted(_listed, key=repr):
        _janitor.stdin.write(_line("+", kind, value))
    return _janitor.stdin


def _forget() -> None:
    global _janitor
    if _janitor is not None:
        try:
            _janitor.stdin.close()
        except OSError:
            pass
        _janitor = None


def at_exit() -> None:
    """A normal end: the janitor is told by its pipe closing, and waited for, so that what is
    still listed is gone before the command returns."""
    global _janitor
    janitor, _janitor = _janitor, None
    if janitor is None:
        return
    try:
        janitor.stdin.close()
    except OSError:
        pass
    try:
        janitor.wait(timeout=JANITOR_WAIT)
    except subprocess.TimeoutExpired:
        pass


def _in_forked_child() -> None:
    """A forked child (a reading process) holds no end of its parent's janitor: the janitor must
    see its pipe close when the parent ends, whatever the child is doing then."""
    global _janitor
    if _janitor is not None:
        try:
            _janitor.stdin.close()  # flushed after each line: nothing of the parent's is written
        except (OSError, ValueError):
            pass
        _inherited.append(_janitor)  # never collected here: its __del__ is the parent's business
        _janitor = None
    _listed.clear()


atexit.register(at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_in_forked_child)


# --- removing -------------------------------------------------------------------------------------
def also_remove(folder: str, target: str) -> None:
    """``target`` (outside ``folder``) is removed with ``folder``: a link to it inside the folder."""
    for n in range(100):
        try:
            os.symlink(target, os.path.join(folder, f"{ALSO_REMOVE}{n}"))
            return
        except FileExistsError:
            continue
        except OSError:
            return


def remove_now(path: str) -> None:
    """Remove a folder and what its links name (``remove_linked``), whoever asks (the command, or
    the janitor after it)."""
    remove_linked(path)
    shutil.rmtree(path, ignore_errors=True)


def remove_linked(path: str) -> None:
    """Remove the files that the ``also_remove`` links anywhere in a folder name (a socket or a
    file of ours, never a folder)."""
    try:
        for root, _dirs, files in os.walk(path):
            for name in files:
                if name.startswith(ALSO_REMOVE):
                    _remove_target(os.path.join(root, name))
    except OSError:
        pass


def _remove_target(link: str) -> None:
    try:
        target = os.readlink(link)
        info = os.lstat(target)
        if not stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
            os.unlink(target)
    except OSError:
        pass


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass


def kill_tree(pid: int) -> None:
    """SIGKILL a process and all its descendants (LibreOffice's launcher and the office it
    starts). Linux: found in /proc before any is killed; elsewhere only ``pid`` itself."""
    doomed = [pid, *_descendants(pid)]
    for victim in doomed:
        try:
            os.kill(victim, signal.SIGKILL)
        except OSError:
            pass


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rpartition(b")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))  # fields: state, ppid, ...
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children.get(child, []))
    return found


# --- the janitor process ----------------------------------------------------------------------------
def main() -> None:
    """``python -m report_extract.janitor`` (where there is no fork): the list from stdin."""
    serve(sys.stdin.buffer)


def serve(pipe) -> None:
    """Read the list from ``pipe`` until it closes; then kill and remove what is still on it."""
    for number in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(number, signal.SIG_IGN)  # only the end of its pipe ends it (or SIGKILL)
    groups: set[int] = set()
    folders: set[str] = set()
    for raw in pipe:
        try:
            op, kind, value = json.loads(raw.decode("utf-8", "surrogatepass"))
        except ValueError:
            continue
        held = groups if kind == "group" else folders
        if op == "+":
            held.add(value)
        else:
            held.discard(value)
    for pgid in groups:
        kill_group(pgid)
    for path in folders:
        remove_now(path)


if __name__ == "__main__":
    main()
