"""A piece of a file's check run in a forked process beside the rest, on the machine's other core.

Once a workbook is typed, its structure check (Pandera) and its rules need the same records and
nothing from each other: the structure check runs in a process forked then (it shares the
records without copying them) while this one applies the rules. What it finds comes back
through a pipe. Where there is no fork, or the process beside fails to answer, the work is done
here, at collection: the result is the same either way, only later.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run_beside(work: Callable[[], T], worth: bool = True) -> Callable[[], T]:
    """Start `work()` in a forked process; the function returned gives its result (or raises
    what it raised), waiting for it if need be. Not `worth` it (little work), or on a system
    without fork or with one core: `work` itself, done when collected."""
    if not worth or sys.platform != "linux" or os.cpu_count() == 1:
        return work
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
        os.waitpid(pid, 0)
        if not data:
            return work()  # the process beside died: the work is done here
        status, value = pickle.loads(data)
        if status == "raised":
            raise value
        result: T = value
        return result

    return collect
