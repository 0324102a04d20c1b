"""A function of ours run in a forked process, with the face of the ``subprocess.Popen`` it stands
for (``pid``, ``stdin``, ``stdout``, ``poll``, ``wait``, ``returncode``).

Why: a new Python costs its start-up and its imports before it does anything (a batch worker
0.27 s of CPU, the janitor 0.09 s): at the start of every batch the workers sat that long before
their first input, and with ``--jobs 2`` the second worker's start-up was a tenth of the CPU of
a batch of 300 web texts. A process forked from the command has every module the command
imported, at once.

Forking is safe only from a process with one thread (a lock another thread holds at the fork
stays held in the child): ``can_fork`` says so, and callers start a new interpreter otherwise
(a program with threads that calls the batch, say). The child is made to hold nothing of the
command's: its own session, the pipes on 0 and 1 and /dev/null on 2, every other descriptor
closed (the command's files and its output folder's lock are not held by it), the command's
signal handlers and buffered streams not inherited, the command's objects never finalised in it
(``gc.freeze``: a file object of the command's collected there would close a descriptor number
that is now one of the child's), and it ends with ``os._exit``: nothing of the command's runs at
its exit.
"""

from __future__ import annotations

import fcntl
import gc
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

_RESET = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGTSTP")


def can_fork() -> bool:
    """Whether a process of ours may be forked from this one (a POSIX system; this thread the only
    one)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Forked:
    """``run()`` in a forked process in a session of its own; ``stdin``: a pipe to its standard input
    (else /dev/null); ``stdout``: a pipe from its standard output (else /dev/null); unbuffered, as
    ``Popen(bufsize=0)`` gives them. Its exit code is 0 when ``run`` returns, 1 when it raises
    (``SystemExit``: its code)."""

    def __init__(self, run: Callable[[], None], stdin: bool = False, stdout: bool = False):
        pipes = {0: os.pipe() if stdin else None, 1: os.pipe() if stdout else None}
        ready_r, ready_w = os.pipe()  # the child has its session and its descriptors: its group exists
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                try:
                    stream.flush()  # nothing buffered is written twice
                except (OSError, ValueError):
                    pass
        pid = os.fork()
        if pid == 0:
            _child(run, pipes, ready_w)
        os.close(ready_w)
        ours = {0: pipes[0] and pipes[0][1], 1: pipes[1] and pipes[1][0]}
        for number, pipe in pipes.items():
            if pipe is not None:
                os.close(pipe[0] if number == 0 else pipe[1])
        os.read(ready_r, 1)  # b"" too if the child died first: its group is then gone anyway
        os.close(ready_r)
        self.pid = pid
        self.stdin = os.fdopen(ours[0], "wb", buffering=0) if stdin else None
        self.stdout = os.fdopen(ours[1], "rb", buffering=0) if stdout else None
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                done, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere
                done, status = self.pid, 0
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Its exit code (negative: the signal that ended it); ``subprocess.TimeoutExpired`` past
        ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = 0.0005
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"forked process {self.pid}", timeout)
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
        return self.returncode


def _child(run: Callable[[], None], pipes: dict, ready_w: int) -> None:
    """The forked process: never returns."""
    code = 1
    try:
        gc.freeze()  # the command's objects: never collected (nor closed) here
        os.setsid()
        # each descriptor kept, first moved above 2 (a pipe may have been given 0 when the command
        # runs with its standard input closed), then set on 0, 1, 2
        keep = {number: fcntl.fcntl(pipe[0] if number == 0 else pipe[1], fcntl.F_DUPFD, 10)
                for number, pipe in pipes.items() if pipe is not None}
        ready = fcntl.fcntl(ready_w, fcntl.F_DUPFD, 10)
        null = os.open(os.devnull, os.O_RDWR)
        null = fcntl.fcntl(null, fcntl.F_DUPFD, 10)
        for number in (0, 1, 2):
            os.dup2(keep.get(number, null), number)
        ready = os.dup2(ready, 3)
        os.closerange(4, _max_fd())  # the command's files, pipes and locks
        for name in _RESET:
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_DFL)
        signal.set_wakeup_fd(-1)
        sys.stdin = open(0, encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
        os.write(ready, b"x")
        os.close(ready)
        try:
            run()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            try:
                sys.stdout.flush()
            except (OSError, ValueError):
                pass
    except BaseException:  # noqa: B036 - nothing of the command's code may go on in this process
        code = 1
    finally:
        os._exit(code)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        return 1024
