"""Each file read in a child process of its own, with a time and a memory limit.

A hostile or broken file can abort python-calamine's native code (SIGABRT on a far cell, a
512 GiB allocation): that must cost that file, not the run. The parent starts `jobs` children
at a time, collects what each sends back, and turns a death, a memory error or a time-out into
a French reason for that file.
"""

from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from xl_idf import french

T = TypeVar("T")

# Limits for one file's child process: a quarter's workbook needs far less.
TIMEOUT_SECONDS = 120
MEMORY_BYTES = 3 * 2**30
STDERR_KEPT = 4096  # of a dead child's stderr, kept from each end: not a whole Rust backtrace
POLL_SECONDS = 0.2  # how often running children are checked against the time limit


def run_isolated(
    paths: Sequence[Path],
    work: Callable[[Path], T],
    failed: Callable[[Path, str], T],
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
    started: Callable[[], None] | None = None,
) -> list[T]:
    """`work(path)` on each file in a child process, `jobs` at a time, in the order of `paths`.

    A child that dies, runs out of memory or of time gives `failed(path, why)` instead, `why`
    in French. `started` is called once, in this process, right after the first child started:
    what it loads, the children started after it inherit, while the first one is already at work.
    """
    # fork: the child starts with the programme and modules already loaded (Linux only).
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    start_process = cast(Callable[..., multiprocessing.process.BaseProcess], context.Process)  # type: ignore[attr-defined]
    results: list[T | None] = [None] * len(paths)
    waiting = list(enumerate(paths))
    running: dict[Connection, _Running] = {}
    # Children that have answered, waited for once the next ones are started: a child's exit
    # (its memory given back) takes milliseconds, in which a core would stand idle.
    answered: list[_Running] = []
    try:
        _supervise(
            context, start_process, waiting, running, answered, results, work, failed, jobs,
            progress, started,
        )  # fmt: skip
    finally:
        # Interrupted (Ctrl+C) or failed: no child is left reading files or waiting on a pipe.
        for connection, item in running.items():
            item.child.kill()
            connection.close()
            item.end()
        while answered:
            answered.pop().end()
    return [r for r in results if r is not None]


def _supervise(
    context: Any,
    start_process: Callable[..., multiprocessing.process.BaseProcess],
    waiting: list[tuple[int, Path]],
    running: dict[Connection, _Running],
    answered: list[_Running],
    results: list[Any],
    work: Callable[[Path], Any],
    failed: Callable[[Path, str], Any],
    jobs: int,
    progress: Callable[[int, int], None] | None,
    started: Callable[[], None] | None,
) -> None:
    """Start children `jobs` at a time and collect what each sends back, in `results`."""
    paths = [path for _, path in waiting]
    done = 0
    while waiting or running:
        while waiting and len(running) < jobs:
            index, path = waiting.pop(0)
            receive, send = context.Pipe(duplex=False)
            # The child's stderr goes to a file of its own: a native crash prints its memory
            # request and a Rust backtrace there, which must not reach the user's terminal.
            errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _Running.end)
            # Only a forked child inherits the file; a spawned one keeps the parent's stderr.
            capture = errors if context.get_start_method() == "fork" else None
            child = start_process(target=_child, args=(path, work, failed, send, capture))
            child.start()
            send.close()
            running[receive] = _Running(index, child, time.monotonic(), errors)
            if started is not None:
                started()
                started = None
        while answered:
            answered.pop().end()
        for connection in cast(list[Connection], wait(list(running), timeout=POLL_SECONDS)):
            item = running.pop(connection)
            try:
                results[item.index] = connection.recv()
            except EOFError:
                reason = _died(item.child, item.stderr())
                results[item.index] = failed(paths[item.index], reason)
            connection.close()
            answered.append(item)
            done += 1
            if progress:
                progress(done, len(paths))
        now = time.monotonic()
        for connection, item in list(running.items()):
            if now - item.started > TIMEOUT_SECONDS:
                item.child.kill()
                running.pop(connection)
                connection.close()
                item.end()
                results[item.index] = failed(
                    paths[item.index],
                    f"lecture interrompue après {TIMEOUT_SECONDS} s (fichier trop lourd ou piégé)",
                )
                done += 1
                if progress:
                    progress(done, len(paths))


@dataclass(frozen=True)
class _Running:
    """A child process at work on the file at `index` of the run, and where its stderr goes."""

    index: int
    child: multiprocessing.process.BaseProcess
    started: float
    errors: IO[bytes]

    def stderr(self) -> str:
        """What the child wrote to stderr: its start (a native crash's reason, before its
        backtrace) and its end (a Python exception's last line), if too long for both."""
        self.child.join()
        size = self.errors.seek(0, os.SEEK_END)
        self.errors.seek(0)
        if size <= 2 * STDERR_KEPT:
            return self.errors.read().decode("utf-8", errors="replace")
        start = self.errors.read(STDERR_KEPT)
        self.errors.seek(size - STDERR_KEPT)
        return (start + b"\n...\n" + self.errors.read()).decode("utf-8", errors="replace")

    def end(self) -> None:
        """Wait for the child to be gone and free what it held."""
        self.child.join()
        self.child.close()
        self.errors.close()


def _died(child: multiprocessing.process.BaseProcess, stderr: str) -> str:
    """Why a child process ended without a report, in French, from its exit and last words."""
    child.join()
    code = child.exitcode or 0
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        # Rust's allocator says how much it asked for before it aborts (512 GiB was seen).
        asked = re.search(r"memory allocation of (\d+) bytes failed", stderr)
        if asked:
            name += f", {french.number(int(asked.group(1)) // 2**30)} Gio de mémoire demandés"
        return (
            f"le lecteur de classeurs s'est arrêté net sur ce fichier ({name}) : fichier "
            "corrompu, trop volumineux ou piégé"
        )
    if "Traceback (most recent call last)" in stderr:
        # An exception nothing caught is a bug of xl-idf, not a fault of the file: say so.
        last = [line for line in stderr.strip().splitlines() if line.strip()][-1]
        return f"erreur interne de xl-idf sur ce fichier, à signaler : {last.strip()}"
    return (
        f"le lecteur de classeurs s'est arrêté (code {code}) : fichier corrompu, "
        "trop volumineux ou piégé"
    )


def _child(
    path: Path,
    work: Callable[[Path], Any],
    failed: Callable[[Path, str], Any],
    send: Connection,
    errors: IO[bytes] | None,
) -> None:
    """In the child process: limit memory, do the work on the file, send the result back."""
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
    # One file's work makes records by the hundred thousand and no garbage cycles to speak of:
    # the cyclic collector would only walk them again and again (a fifth of the time on 100,000
    # lines). The process ends with the file, and the memory limit above still holds.
    gc.disable()
    try:
        result = work(path)
    except MemoryError:
        result = failed(path, "mémoire insuffisante pour lire ce fichier")
    send.send(result)
    send.close()
    os._exit(0)  # no atexit work inherited from the parent (fork)
