"""A piece of a file's check run in a forked process beside the rest, on the machine's other core.

A big file's dossiers are checked in two halves, the second in a process forked beside as soon
as the sheet of lines is read, which types, stages and checks its own lines (`xl_idf.halves`);
the two halves swap midway what X07 needs of each other (`Swap`). What a process beside finds
comes back through a pipe. Where there is no fork, or the process beside fails to answer, the
work is done here, at collection: the result is the same either way, only later.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run_beside(work: Callable[[], T], worth: bool = True) -> Callable[[], T]:
    """Start `work()` in a forked process; the function returned gives its result (or raises
    what it raised), waiting for it if need be. Not `worth` it (little work), or on a system
    without fork or with one core: `work` itself, done when collected."""
    if not worth or sys.platform != "linux" or os.cpu_count() == 1:
        return work
    reap()
    try:
        readable, writable = os.pipe()
        pid = os.fork()
    except OSError:
        return work
    if pid == 0:  # the process beside: does the work, sends it, ends without clean-up
        os.close(readable)
        try:
            answer = pickle.dumps(("done", work()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:
            try:
                answer = pickle.dumps(("raised", exc), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                answer = b""
        try:
            with os.fdopen(writable, "wb") as pipe:
                pipe.write(answer)
        finally:
            os._exit(0)
    os.close(writable)

    def collect() -> T:
        with os.fdopen(readable, "rb") as pipe:
            data = pipe.read()
        if not data:
            os.waitpid(pid, 0)
            return work()  # the process beside died: the work is done here
        # Its answer whole, the process beside is ending: the end of a process sharing
        # hundreds of megabytes takes the kernel 10-20 ms, not waited for here (`reap`).
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            _ending.append(pid)
        status, value = pickle.loads(data)
        if status == "raised":
            raise value
        result: T = value
        return result

    return collect


# Processes beside that had answered but not yet ended when their answer was collected.
_ending: list[int] = []


def reap(wait: bool = True) -> None:
    """Wait for the processes beside whose answers were collected to have ended: none is left
    a zombie. Not `wait`ing: only those that have ended are reaped, the others left for later
    (the next `run_beside` waits for them, long after their end)."""
    for pid in list(_ending):
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, 0 if wait else os.WNOHANG) == (0, 0):
                continue  # still ending
        _ending.remove(pid)


class Swap:
    """Two values swapped midway between this process and the one `run_beside` forks next: each
    gives its own and gets the other's (X07 needs the invoices of both halves of a file's
    dossiers before either half is judged).

    Made before `run_beside`, `started` once it has returned. Each process gives its value from
    a thread while it reads the other's, so the two travel at once and neither waits on the
    other for ever, however large. Where nothing came from the process beside (none was forked,
    or it failed), this process computes what it would have given (`here`'s `otherwise`); and
    when the work of the process beside is redone here, `beside` answers what this process gave.
    """

    def __init__(self) -> None:
        self._origin = os.getpid()
        self._up = os.pipe()  # from the process beside to this one
        self._down = os.pipe()  # from this process to the one beside
        self._open = {*self._up, *self._down}  # the ends this process has not closed
        self._given: object = None

    def started(self) -> None:
        """In this process, once the process beside is forked (or not): the ends it keeps."""
        self._close(self._up[1], self._down[0])

    def here(self, mine: T, otherwise: Callable[[], T]) -> T:
        """In this process: give `mine` and get what the process beside gave."""
        self._given = mine
        data = self._swap(self._down[1], mine, self._up[0])
        theirs: T
        try:
            theirs = pickle.loads(data) if data else otherwise()
        except Exception:  # cut short: the process beside died while it gave
            theirs = otherwise()
        return theirs

    def beside(self, mine: T) -> T:
        """In the process beside: give `mine` and get what this process gave (the work redone
        in this process: what it gave)."""
        if os.getpid() == self._origin:
            given: T = self._given  # type: ignore[assignment]
            return given
        self._close(self._up[0], self._down[1])
        data = self._swap(self._up[1], mine, self._down[0])
        if not data:
            raise RuntimeError("nothing came from the process that forked this one")
        theirs: T = pickle.loads(data)
        return theirs

    def close(self) -> None:
        """Every end this process still holds closed (after the work, or when it failed)."""
        self._close(*self._open)

    def _swap(self, out: int, mine: object, into: int) -> bytes:
        """Give `mine` through `out` from a thread while reading what comes through `into`.

        A process gone at the other end: what it gave, if anything, and nothing more is given
        to it (the broken pipe is its end, not an error). The thread has ended on return: no
        thread is left running when this process forks again.
        """
        data = pickle.dumps(mine, protocol=pickle.HIGHEST_PROTOCOL)
        out_file = os.fdopen(self._take(out), "wb")

        def give() -> None:
            with contextlib.suppress(OSError), out_file:
                out_file.write(data)

        giving = threading.Thread(target=give, name="xl-idf-swap", daemon=True)
        giving.start()
        try:
            with os.fdopen(self._take(into), "rb") as pipe:
                return pipe.read()
        finally:
            giving.join()

    def _take(self, end: int) -> int:
        """An end, from now on closed by its caller."""
        self._open.discard(end)
        return end

    def _close(self, *ends: int) -> None:
        for end in ends:
            if end in self._open:
                os.close(self._take(end))
