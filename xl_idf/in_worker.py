"""What runs in a worker process of `xl_idf.isolation`: its limits, its loop over the files it
is given, and what a file's work can ask of it.

A worker limits its memory, then checks file after file as its parent gives them, and sends
each result back. For a file its parent vets (a big file's safety screen, made there while
the worker reads it), the worker waits for the verdict when the work needs it, and in any case
before it answers (`parent_vets`). What a file's work held is freed once its answer is sent
(`release_after_answer`).
"""

from __future__ import annotations

import faulthandler
import os
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

# Limits for one file's work in a worker: a quarter's workbook needs far less.
MEMORY_BYTES = 3 * 2**30
# A worker that has used this much memory (at its peak) is retired after its file, its memory
# given back: the next files start from a fresh worker.
RETIRE_BYTES = 2**30


def parent_vets() -> Callable[[], Any] | None:
    """In a worker, for a file its parent vets: a function that waits for the verdict (what
    `vet` said to tell the worker) and gives it. Otherwise None: the file is the worker's to
    vet."""
    return _Task.verdict if _Task.vetted else None


class _Task:
    """The file a worker is at work on: whether its parent vets it, and the verdict."""

    tasks: Connection | None = None
    vetted = False
    pending = False  # the verdict not yet read from the pipe
    told: Any = None

    @classmethod
    def verdict(cls) -> Any:
        if cls.pending:
            cls.told = cast(Connection, cls.tasks).recv()
            cls.pending = False
        return cls.told


def in_a_worker() -> bool:
    """Whether this process is a worker (`serve`), which does nothing but its parent's files."""
    return _Release.held is not None


def release_after_answer(*held: object) -> None:
    """In a worker: `held` (a big file's records, hundreds of thousands of objects) is freed
    only once the file's answer is sent, while this process's parent reads it, or not at all
    if no file comes next (the worker ends without freeing anything). Elsewhere: nothing, they
    are freed as usual when let go."""
    if _Release.held is not None:
        _Release.held.append(held)


class _Release:
    """What the file at work holds, to be freed after its answer: kept in a worker only."""

    held: list[tuple[object, ...]] | None = None


def serve(
    tasks: Connection,
    answers: Connection,
    work: Callable[[Path], Any],
    failed: Callable[[Path, str], Any],
    errors: IO[bytes] | None,
) -> None:
    """In the worker: limit memory, then for each file given, do the work and send the result
    back, until there is no more work. After a file it failed on, or one that took much memory,
    the worker ends, and the next file goes to a fresh one."""
    if errors is not None:
        os.dup2(errors.fileno(), 2)  # native code writes to fd 2, Python to sys.stderr: both
        sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
        if faulthandler.is_enabled():  # (pytest's, or -X faulthandler) its dump goes there too
            faulthandler.enable(sys.stderr)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass  # not on this system: the time limit still holds
    # A file's work makes records by the hundred thousand and no garbage cycles to speak of
    # (60 objects in all, measured over 200 files): the cyclic collector would only walk them
    # again and again (a fifth of the time on 100,000 lines). The memory limit above holds.
    import gc

    gc.disable()
    held: list[tuple[object, ...]] = []
    _Release.held = held
    _Task.tasks = tasks
    while True:
        try:
            task = tasks.recv()
        except EOFError:  # the parent is gone
            break
        if task is None:  # no more work
            break
        path, vetted = task
        _Task.vetted = _Task.pending = vetted
        held.clear()  # the file before's (its answer sent, its records freed only now)
        try:
            result, retiring = work(path), _worn_out()
        except MemoryError:
            result, retiring = failed(path, "mémoire insuffisante pour lire ce fichier"), True
        except Exception:
            # A bug of xl-idf: its traceback on stderr, where the parent reads its last line.
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        try:
            # No answer before the verdict: a file refused is stopped here, whatever it gave.
            _Task.verdict()
        except EOFError:  # the parent is gone
            break
        answers.send((result, retiring))
        if retiring:
            break
    answers.close()
    os._exit(0)  # no atexit work inherited from the parent (fork)


def _worn_out() -> bool:
    """Whether this process has used enough memory (at its peak) to be retired."""
    try:
        import resource
    except ImportError:
        return False
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Kibibytes on Linux, bytes on macOS.
    return peak * (1024 if sys.platform == "linux" else 1) > RETIRE_BYTES
