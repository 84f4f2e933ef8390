"""Each file read in a child process, with a time and a memory limit.

A hostile or broken file can abort python-calamine's native code (SIGABRT on a far cell, a
512 GiB allocation): that must cost that file, not the run. The parent starts `jobs` worker
processes, gives each a file at a time, collects what each sends back, and turns a death, a
memory error or a time-out into a French reason for that file; a worker that died or failed is
replaced by a fresh one for the files left.

A worker checks file after file: a process for each file cost its start and its end, and a
copy of each page it wrote of its parent's memory, more than a small file's check itself
(64 against 35 ms a file on this project's machine). A worker at work on a small file is given
its next one already (`BIG_BYTES`), which waits in its pipe: it goes on to it at once,
instead of waiting for this process to read its answer and give it another (a tenth of the time
of small files with two workers, which take the cores this process would need).

A big file can be vetted here (`vet`: the safety screen) while its worker already reads it, on
the other core: the worker waits for the verdict only when it needs what the vetting found
(`parent_vets`), and a file the vetting refuses is failed with its reason, its worker stopped,
whatever the worker was doing with it (a reader's crash on it included).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

from xl_idf import french
from xl_idf.in_worker import serve

T = TypeVar("T")

# The time limit for one file's work in a worker (its memory's: `in_worker`): a quarter's
# workbook needs far less.
TIMEOUT_SECONDS = 120
STDERR_KEPT = 4096  # of a dead child's stderr, kept from each end: not a whole Rust backtrace
POLL_SECONDS = 0.2  # how often running children are checked against the time limit
# A big file, at least this big, takes long enough for the wait between two files not to count:
# it is never given ahead (a worker at work on a small file is given the next one already if
# small too), it goes to whichever worker is free first, and it is vetted here while that
# worker reads it (`vet`), its screen (a seventh of a second for 100,000 lines) off the
# worker's path. A small one is screened by its worker, as this process's time is the
# workers' then.
BIG_BYTES = 256 * 2**10


def run_isolated(
    paths: Sequence[Path],
    work: Callable[[Path], T],
    failed: Callable[[Path, str], T],
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
    arrived: Callable[[T], None] | None = None,
    vet: Callable[[Path], tuple[str | None, Any]] | None = None,
) -> list[T]:
    """`work(path)` on each file in a worker process, `jobs` at a time, in the order of `paths`.

    A worker that dies, runs out of memory or of time on a file gives `failed(path, why)` for
    it instead, `why` in French, and is replaced. `arrived` is called in this process with each
    result in the order of `paths`, as soon as it and those before it are there, while the
    workers go on. `vet(path)`, for a big file (`BIG_BYTES`), in this process once its worker
    has it: (why not, in French, or None; what to tell the worker, `parent_vets`).
    """
    # fork: the worker starts with the programme and modules already loaded (Linux only).
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    results: list[T | None] = [None] * len(paths)
    waiting = deque(range(len(paths)))
    workers: list[_Worker] = []
    ended = False
    in_order = _InOrder(results, arrived, progress)
    try:
        # Each file's size once: whether it is big decides how it is given (`BIG_BYTES`).
        big = [_size(path) >= BIG_BYTES for path in paths]
        tools = _Tools(context, work, failed, vet, big)
        _supervise(tools, paths, waiting, workers, results, jobs, in_order)
        ended = True
    finally:
        # Done: each worker told there is nothing more, and waited for. Interrupted (Ctrl+C) or
        # failed: none is left reading files or waiting on a pipe.
        for worker in workers:
            worker.end(kill=not ended)
    return [r for r in results if r is not None]


class _Tools(NamedTuple):
    """How workers are started, what they do, and what this process does about a file."""

    context: Any
    work: Callable[[Path], Any]
    failed: Callable[[Path, str], Any]
    vet: Callable[[Path], tuple[str | None, Any]] | None
    big: Sequence[bool]  # by file: whether it is big (`BIG_BYTES`)


def _supervise(
    tools: _Tools,
    paths: Sequence[Path],
    waiting: deque[int],
    workers: list[_Worker],
    results: list[Any],
    jobs: int,
    in_order: _InOrder,
) -> None:
    """Give the files to the workers, `jobs` at most, and collect what each sends back."""
    failed = tools.failed
    while True:
        for index, why in _hand_out(tools, paths, waiting, workers, jobs):
            results[index] = failed(paths[index], why)
            in_order.there(index)
        if not waiting:
            # No file left to give: each worker ends as soon as it has answered (an idle one at
            # once), its end (milliseconds of the kernel's for a big one) while its answer is read.
            for worker in workers:
                worker.last()
        busy = {w.answers: w for w in workers if w.index is not None}
        if not busy:
            return
        for connection in cast(list[Connection], wait(list(busy), timeout=POLL_SECONDS)):
            worker = busy[connection]
            index = cast(int, worker.index)
            try:
                results[index], retiring = connection.recv()
            except EOFError:
                results[index] = failed(paths[index], _died(worker.process, worker.stderr()))
                retiring = True
            worker.done()
            if retiring:  # the files waiting in its pipe go to another
                waiting.extendleft(reversed(worker.queue))
                workers.remove(worker)
                worker.end()
            in_order.there(index)
        now = time.monotonic()
        for worker in [w for w in workers if w.index is not None]:
            if now - worker.since > TIMEOUT_SECONDS:
                index = cast(int, worker.index)
                worker.done()
                waiting.extendleft(reversed(worker.queue))
                workers.remove(worker)
                worker.end(kill=True)
                results[index] = failed(
                    paths[index],
                    f"lecture interrompue après {TIMEOUT_SECONDS} s (fichier trop lourd ou piégé)",
                )
                in_order.there(index)


def _hand_out(
    tools: _Tools,
    paths: Sequence[Path],
    waiting: deque[int],
    workers: list[_Worker],
    jobs: int,
) -> list[tuple[int, str]]:
    """Give the waiting files to the workers that want one, starting workers up to `jobs`;
    the files refused by their vetting, each with why."""
    refused: list[tuple[int, str]] = []
    while True:
        gone = False
        while waiting and sum(not w.told for w in workers) < jobs:
            workers.append(_Worker(tools.context, tools.work, tools.failed))
            gone |= _give(tools, workers[-1], waiting, paths, workers, refused)
        for worker in list(workers):
            while waiting and worker.wants(waiting[0], tools.big):
                if _give(tools, worker, waiting, paths, workers, refused):
                    gone = True
                    break
                if worker not in workers or worker.told:
                    break
        if not gone:
            return refused


def _give(
    tools: _Tools,
    worker: _Worker,
    waiting: deque[int],
    paths: Sequence[Path],
    workers: list[_Worker],
    refused: list[tuple[int, str]],
) -> bool:
    """Give `worker` the first waiting file, vetted here if it is big and the worker idle.
    Whether the worker is gone (killed from outside while idle, or stopped on a file refused)."""
    index = waiting[0]
    vetted = tools.vet is not None and worker.index is None and tools.big[index]
    try:
        worker.give(index, paths, vetted)
    except OSError:
        if worker.index is None:  # it ended while idle (killed from outside):
            workers.remove(worker)  # another takes the file
            worker.end(kill=True)
            return True
        worker.told = True  # it ended at work: its answers' end says so (`_supervise`)
        return False
    waiting.popleft()
    if not vetted:
        return False
    try:
        why, verdict = cast(Callable[[Path], tuple[str | None, Any]], tools.vet)(paths[index])
    except Exception as exc:  # a bug of xl-idf's: it costs this file, as in a worker
        why, verdict = _internal_error(f"{type(exc).__name__}: {exc}"), None
    if why is None:
        with contextlib.suppress(OSError):  # it ended meanwhile: its answers' end says so
            worker.tasks.send(verdict)
        return False
    # Refused: whatever the worker did with the file (read it, crashed on it) is not its result.
    worker.done()
    waiting.extendleft(reversed(worker.queue))
    workers.remove(worker)
    worker.end(kill=True)
    refused.append((index, why))
    return True


def _size(path: Path) -> int:
    """A file's size; 0 if it cannot be known (it is then read as missing, at once)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


class _InOrder:
    """Results told as they come (`progress`), and given on in the files' order (`arrived`)."""

    def __init__(
        self,
        results: list[Any],
        arrived: Callable[[Any], None] | None,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.results, self.arrived, self.progress = results, arrived, progress
        self.there_already: set[int] = set()
        self.next = 0  # the first file whose result is not given on yet

    def there(self, index: int) -> None:
        """The result of file `index` is in `results`."""
        self.there_already.add(index)
        if self.progress:
            self.progress(len(self.there_already), len(self.results))
        while self.next in self.there_already:
            if self.arrived is not None:
                self.arrived(self.results[self.next])
            self.next += 1


class _Worker:
    """A worker process, the files it was given (`queue`: the first it is at work on, the next
    waiting in its pipe), since when it is at work on the first, and where its stderr goes (a
    file of its own, read from where the file's work began)."""

    def __init__(
        self, context: Any, work: Callable[[Path], Any], failed: Callable[[Path, str], Any]
    ) -> None:
        tasks, self.tasks = context.Pipe(duplex=False)
        self.answers, answers = context.Pipe(duplex=False)
        # A native crash prints its memory request and a Rust backtrace on stderr, which must
        # not reach the user's terminal. Only a forked worker inherits the file; a spawned one
        # keeps the parent's stderr.
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by end)
        capture = self.errors if context.get_start_method() == "fork" else None
        self.process = context.Process(
            target=serve, args=(tasks, answers, work, failed, capture), name="xl-idf-lecteur"
        )
        self.process.start()
        tasks.close()
        answers.close()
        self.queue: deque[int] = deque()
        self.since = 0.0
        self.written = 0  # the size of its stderr when it began its current file
        self.told = False  # that no work comes after the files it was given

    @property
    def index(self) -> int | None:
        """The file it is at work on (None: idle)."""
        return self.queue[0] if self.queue else None

    def wants(self, index: int, big: Sequence[bool]) -> bool:
        """Whether to give it file `index` now: it is idle, or at work on a small file with
        none waiting and this one is small too (`big`, by file: a big one goes to whichever
        worker is free first, and is vetted then); and it was not told that no work comes."""
        if self.told:
            return False
        queue = self.queue
        return not queue or (len(queue) == 1 and not big[queue[0]] and not big[index])

    def give(self, index: int, paths: Sequence[Path], vetted: bool = False) -> None:
        """Start the work on file `index`, or give it to be started after the current one;
        `vetted`: this process vets it and sends the worker the verdict next."""
        self.tasks.send((paths[index], vetted))
        if not self.queue:
            self._began()
        self.queue.append(index)

    def done(self) -> None:
        """Its current file is answered (or failed): it is at work on the next one, if any."""
        self.queue.popleft()
        if self.queue:
            self._began()

    def _began(self) -> None:
        self.written = os.fstat(self.errors.fileno()).st_size
        self.since = time.monotonic()

    def stderr(self) -> str:
        """What the worker wrote to stderr since it was given its file: its start (a native
        crash's reason, before its backtrace) and its end (a Python exception's last line),
        if too long for both."""
        self.process.join()
        size = self.errors.seek(0, os.SEEK_END)
        start = self.written
        self.errors.seek(start)
        if size - start <= 2 * STDERR_KEPT:
            return self.errors.read().decode("utf-8", errors="replace")
        head = self.errors.read(STDERR_KEPT)
        self.errors.seek(size - STDERR_KEPT)
        return (head + b"\n...\n" + self.errors.read()).decode("utf-8", errors="replace")

    def last(self) -> None:
        """Tell the worker that no work comes after its current file (if it has one)."""
        if not self.told:
            self.told = True
            # Said, not left to the pipe's end: the workers forked later hold that end too.
            with contextlib.suppress(OSError):
                self.tasks.send(None)

    def end(self, kill: bool = False) -> None:
        """Tell the worker there is no more work (or kill it), wait for it, free what it held."""
        if kill:
            self.process.kill()
        else:
            self.last()
        self.tasks.close()
        self.answers.close()
        self.process.join()
        self.process.close()
        self.errors.close()


def _died(child: multiprocessing.process.BaseProcess, stderr: str) -> str:
    """Why a worker ended without a report, in French, from its exit and last words."""
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
        return _internal_error(last.strip())
    return (
        f"le lecteur de classeurs s'est arrêté (code {code}) : fichier corrompu, "
        "trop volumineux ou piégé"
    )


def _internal_error(last: str) -> str:
    """Why a file failed on a bug of xl-idf (an exception nothing caught, its last line)."""
    return f"erreur interne de xl-idf sur ce fichier, à signaler : {last}"
