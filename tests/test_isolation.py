"""Each file in a child process (`xl_idf.isolation`): workers that check file after file.

What a file costs stays its own: a worker that dies, raises, runs out of memory or of time on a
file gives that file its French reason, and the other files are checked as when alone, by the
same worker or a fresh one.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from xl_idf import in_worker, isolation
from xl_idf.isolation import run_isolated

# What a test's work does, by the name of the file it is given.
ABORT_NOTE = "memory allocation of 549755813888 bytes failed\n"


def _work(path: Path) -> tuple[str, int]:
    """The file's name and the worker's pid, after what the name asks for."""
    name = path.name
    if name.startswith("kill"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("raise"):
        raise ValueError(f"valeur inattendue dans {name}")
    if name.startswith("memory"):
        raise MemoryError
    if name.startswith("sleep"):
        time.sleep(60)
    if name.startswith("pause"):
        time.sleep(1)
    if name.startswith("note"):  # a worker's stderr, on a file it checks to the end
        sys.stderr.write(ABORT_NOTE)
        sys.stderr.flush()
    return name, os.getpid()


def _failed(path: Path, why: str) -> tuple[str, str]:
    return path.name, why


def _paths(*names: str) -> list[Path]:
    return [Path(name) for name in names]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_in_the_order_of_the_files_each_from_a_worker(jobs: int) -> None:
    names = [f"f{i}.xlsx" for i in range(7)]
    results = run_isolated(_paths(*names), _work, _failed, jobs=jobs)
    assert [name for name, _ in results] == names
    pids = {pid for _, pid in results}
    assert len(pids) <= jobs  # each worker checks file after file
    assert os.getpid() not in pids  # and not this process


def test_a_worker_that_failed_on_a_file_is_not_given_the_next() -> None:
    """After a file its worker died, raised or ran out of memory on, the next files go to a
    fresh worker; the files before went to the same one."""
    names = ["a", "b", "kill", "c", "raise", "d", "memory", "e", "f"]
    results = dict(run_isolated(_paths(*names), _work, _failed, jobs=1))
    workers = [results[name] for name in ("a", "b", "c", "d", "e", "f")]
    assert workers[0] == workers[1]
    assert len({workers[1], workers[2], workers[3], workers[4]}) == 4
    assert workers[4] == workers[5]
    assert results["memory"] == "mémoire insuffisante pour lire ce fichier"


def test_a_worker_that_used_much_memory_is_retired_after_its_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(in_worker, "RETIRE_BYTES", 0)  # every worker has used that much
    results = run_isolated(_paths("a", "b", "c"), _work, _failed, jobs=1)
    assert len({pid for _, pid in results}) == 3


def test_progress_is_told_each_file_done() -> None:
    told: list[tuple[int, int]] = []
    run_isolated(
        _paths("a", "b", "c"), _work, _failed, jobs=2, progress=lambda d, n: told.append((d, n))
    )
    assert told == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_child_killed_costs_only_its_file(jobs: int) -> None:
    results = run_isolated(_paths("a", "kill", "b", "c"), _work, _failed, jobs=jobs)
    assert [r[0] for r in results] == ["a", "kill", "b", "c"]
    assert results[1][1] == (
        "le lecteur de classeurs s'est arrêté net sur ce fichier (SIGKILL) : fichier corrompu, "
        "trop volumineux ou piégé"
    )
    assert all(isinstance(r[1], int) for r in (results[0], results[2], results[3]))


def test_an_exception_is_an_internal_error_of_its_file_only() -> None:
    results = run_isolated(_paths("a", "raise", "b"), _work, _failed, jobs=1)
    assert results[1] == (
        "raise",
        "erreur interne de xl-idf sur ce fichier, à signaler : "
        "ValueError: valeur inattendue dans raise",
    )
    assert [r[0] for r in results] == ["a", "raise", "b"]
    assert isinstance(results[2][1], int)


def test_a_memory_error_is_said_for_its_file_only() -> None:
    results = run_isolated(_paths("a", "memory", "b"), _work, _failed, jobs=1)
    assert results[1] == ("memory", "mémoire insuffisante pour lire ce fichier")
    assert isinstance(results[0][1], int)
    assert isinstance(results[2][1], int)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_past_the_time_limit_is_stopped_and_the_others_checked(
    monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    monkeypatch.setattr(isolation, "TIMEOUT_SECONDS", 1)
    monkeypatch.setattr(isolation, "POLL_SECONDS", 0.05)
    started = time.monotonic()
    # (the file after it, given ahead to its worker, is checked by another)
    results = run_isolated(_paths("a", "sleep", "b", "c"), _work, _failed, jobs=jobs)
    assert time.monotonic() - started < 20
    assert results[1] == (
        "sleep",
        "lecture interrompue après 1 s (fichier trop lourd ou piégé)",
    )
    assert [r[0] for r in results] == ["a", "sleep", "b", "c"]
    assert all(isinstance(r[1], int) for r in (results[0], results[2], results[3]))


def test_what_was_written_on_an_earlier_file_is_not_the_reason_of_a_later_one() -> None:
    """The reader's « memory allocation of … failed » on a file that was read after all does
    not turn up in the reason of the next file, whose reader dies."""
    results = run_isolated(_paths("note", "kill"), _work, _failed, jobs=1)
    assert isinstance(results[0][1], int)
    assert results[1][1] == (
        "le lecteur de classeurs s'est arrêté net sur ce fichier (SIGKILL) : fichier corrompu, "
        "trop volumineux ou piégé"
    )


def test_no_file_no_child() -> None:
    assert run_isolated([], _work, _failed, jobs=2) == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_child_is_waited_for_when_the_run_ends(jobs: int) -> None:
    # Every worker is told there is no more work and waited for: none is left behind, whether
    # it answered, died or raised.
    names = ["a.xlsx", "kill.xlsx", "b.xlsx", "raise.xlsx", "c.xlsx"]
    results = run_isolated(_paths(*names), _work, _failed, jobs=jobs)
    assert [r[0] for r in results] == names
    pids = [pid for _, pid in results if isinstance(pid, int)]
    assert len(pids) == 3
    for pid in pids:
        with pytest.raises(ChildProcessError):  # reaped already: no longer this process's child
            os.waitpid(pid, os.WNOHANG)


def test_a_worker_gone_while_idle_hands_its_next_file_to_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker killed from outside between two files (the system short of memory): the file
    it would have been given goes to a fresh worker, and is checked."""
    killed: list[int] = []
    real = isolation._Worker.give

    def give(worker: isolation._Worker, index: int, paths: list[Path], vetted: bool) -> None:
        if index == 1 and not killed:
            worker.process.kill()
            worker.process.join()
            killed.append(worker.process.pid)
        real(worker, index, paths, vetted)

    monkeypatch.setattr(isolation._Worker, "give", give)
    monkeypatch.setattr(isolation, "BIG_BYTES", 0)  # no file given ahead: idle between two
    results = run_isolated(_paths("a", "b", "c"), _work, _failed, jobs=1)
    assert [name for name, _ in results] == ["a", "b", "c"]
    assert all(isinstance(pid, int) for _, pid in results)
    assert results[0][1] == killed[0]
    assert results[1][1] != killed[0]


def _gives(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int | None]]:
    """Each file given, with the file its worker was at work on then (None: idle)."""
    gives: list[tuple[int, int | None]] = []
    real = isolation._Worker.give

    def give(worker: isolation._Worker, index: int, paths: list[Path], vetted: bool) -> None:
        busy = worker.index
        real(worker, index, paths, vetted)
        gives.append((index, busy))

    monkeypatch.setattr(isolation._Worker, "give", give)
    return gives


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_at_work_on_a_small_file_is_given_the_next_one_already(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: int
) -> None:
    """The next file waits in the worker's pipe while it checks a small one: no wait for this
    process between two files. Behind a big file, none waits: it goes to whichever worker is
    free first."""
    gives = _gives(monkeypatch)
    names = [f"f{i}.xlsx" for i in range(6)]
    results = run_isolated(_paths(*names), _work, _failed, jobs=jobs)
    assert [name for name, _ in results] == names
    assert len(gives) == 6
    ahead = [index for index, busy in gives if busy is not None]
    assert ahead  # given while their worker was at work on the one before
    assert all(busy < index for index, busy in gives if busy is not None)

    gives.clear()
    monkeypatch.setattr(isolation, "BIG_BYTES", 100)
    big = []
    for name in names:
        (tmp_path / name).write_bytes(b"x" * 100)
        big.append(tmp_path / name)
    results = run_isolated(big, _work, _failed, jobs=jobs)
    assert [name for name, _ in results] == names
    assert [busy for _, busy in gives] == [None] * 6


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_files_waiting_for_a_worker_that_dies_go_to_another(
    monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """A file was given ahead to a worker that dies, raises or is retired on the one before:
    it is checked by another worker, as if given after."""
    gives = _gives(monkeypatch)
    names = ["a", "kill", "b", "raise", "c", "memory", "d", "e"]
    results = run_isolated(_paths(*names), _work, _failed, jobs=jobs)
    assert [r[0] for r in results] == names
    pids = dict(results)
    assert all(isinstance(pids[name], int) for name in ("a", "b", "c", "d", "e"))
    if jobs == 1:  # one worker at a time: each file after a bad one was given ahead of it
        for before, bad, after in (("a", "kill", "b"), ("b", "raise", "c"), ("c", "memory", "d")):
            assert (names.index(after), names.index(bad)) in gives
            assert pids[after] != pids[before]


def test_results_are_given_on_in_the_files_order_as_soon_as_they_are_there() -> None:
    """`arrived` gets each result in the order of the files, a file's as soon as it and those
    before it are there, while the workers go on; `progress` is told each file as it comes."""
    given: list[str] = []
    told: list[int] = []
    # b and c are done before pause-a, by the other worker: given on after it all the same.
    results = run_isolated(
        _paths("pause-a", "b", "c"), _work, _failed, jobs=2,
        progress=lambda done, _: told.append(done),
        arrived=lambda result: given.append(result[0]),
    )  # fmt: skip
    assert given == [name for name, _ in results] == ["pause-a", "b", "c"]
    assert told == [1, 2, 3]
    # a and b are given on while pause-c is at work, a second before the run ends.
    when: dict[str, float] = {}
    run_isolated(
        _paths("a", "b", "pause-c"), _work, _failed, jobs=1,
        arrived=lambda result: when.setdefault(result[0], time.monotonic()),
    )  # fmt: skip
    ended = time.monotonic()
    assert list(when) == ["a", "b", "pause-c"]
    assert when["b"] < ended - 0.5


@pytest.mark.parametrize("jobs", [1, 2])
def test_workers_end_as_soon_as_no_file_is_left_to_give(jobs: int) -> None:
    """Once the last file is given, each worker is told no work comes after its current one:
    it ends as soon as it has answered (an idle one at once), while its answer is used, not
    when the run ends."""
    alive: list[list[int]] = []

    def arrived(result: tuple[str, int]) -> None:
        if result[0] == "pause-c":  # the last one: every worker has answered
            deadline = time.monotonic() + 5
            while multiprocessing.active_children() and time.monotonic() < deadline:
                time.sleep(0.02)
            alive.append([p.pid for p in multiprocessing.active_children()])

    results = run_isolated(_paths("a", "b", "pause-c"), _work, _failed, jobs=jobs, arrived=arrived)
    assert [name for name, _ in results] == ["a", "b", "pause-c"]
    assert alive == [[]]


class _Held:
    """An object that leaves a mark in `folder` when it is freed."""

    def __init__(self, folder: Path, name: str) -> None:
        self.mark = folder / f"freed-{name}"

    def __del__(self) -> None:
        self.mark.write_text("")


def _holding(path: Path) -> tuple[str, bool]:
    """Hold an object till the answer is sent; say whether the file before's was freed."""
    folder, name = path.parent, path.name
    in_worker.release_after_answer(_Held(folder, name))
    before = f"f{int(name[1:]) - 1}"
    return name, (folder / f"freed-{before}").exists()


def test_what_a_file_held_is_freed_after_its_answer_or_never_after_the_last(
    tmp_path: Path,
) -> None:
    """A worker frees what a file held (`release_after_answer`) once its answer is sent, before
    the next file's work: not at all after its last file, which it ends on."""
    paths = [tmp_path / f"f{i}" for i in range(1, 5)]
    results = run_isolated(paths, _holding, _failed, jobs=1)
    assert results == [("f1", False), ("f2", True), ("f3", True), ("f4", True)]
    assert not (tmp_path / "freed-f4").exists()  # the worker ended without freeing it
    # Outside a worker, nothing is kept: freed as soon as let go.
    in_worker.release_after_answer(_Held(tmp_path, "here"))
    assert (tmp_path / "freed-here").exists()


# --- Big files vetted in the parent while their worker reads them ---------------------------


def _vetting(path: Path) -> tuple[str, Any]:
    """The file's name and what its parent's vetting told the worker (None: not vetted)."""
    verdict = in_worker.parent_vets()
    if path.name.startswith("crash"):  # the reader crashes before it asks for the verdict
        os.kill(os.getpid(), signal.SIGKILL)
    if path.name.startswith("quick"):  # the reader gives up before it asks for the verdict
        return path.name, "abandonné"
    return path.name, None if verdict is None else verdict()


def _vet(path: Path) -> tuple[str | None, Any]:
    if path.name.startswith("bug"):
        raise ValueError(f"contrôle préalable en défaut sur {path.name}")
    if path.name.startswith(("refused", "crash-refused", "quick-refused")):
        return "refusé par le contrôle préalable", None
    return None, f"vu {path.name}"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_big_file_is_vetted_here_and_its_worker_told_or_stopped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: int
) -> None:
    """A big file given to an idle worker is vetted in this process: the worker gets the
    verdict when it asks (`parent_vets`); a refused one gets its reason, whatever its worker
    did with it (crashed on it, or answered without asking), and the files after it are
    checked as usual. A small file
    is its worker's to vet."""
    monkeypatch.setattr(isolation, "BIG_BYTES", 100)
    names = ["grand-a", "petit-b", "refused-c", "grand-d", "crash-refused-e", "crash-f",
             "quick-refused-g", "quick-h", "bug-j", "grand-i"]  # fmt: skip
    paths = []
    for name in names:
        paths.append(tmp_path / name)
        paths[-1].write_bytes(b"x" * (10 if name.startswith("petit") else 200))
    results = run_isolated(paths, _vetting, _failed, jobs=jobs, vet=_vet)
    assert [name for name, _ in results] == names
    told = dict(results)
    assert told["grand-a"] == "vu grand-a"
    assert told["grand-d"] == "vu grand-d"
    assert told["grand-i"] == "vu grand-i"
    assert told["petit-b"] is None  # not vetted here
    assert told["refused-c"] == "refusé par le contrôle préalable"
    assert told["crash-refused-e"] == "refusé par le contrôle préalable"
    assert told["crash-f"].startswith("le lecteur de classeurs s'est arrêté net")
    # No answer before the verdict: one given up on early is refused all the same.
    assert told["quick-refused-g"] == "refusé par le contrôle préalable"
    assert told["quick-h"] == "abandonné"
    # The vetting's own bug costs its file only, said as a worker's would be.
    assert told["bug-j"] == (
        "erreur interne de xl-idf sur ce fichier, à signaler : "
        "ValueError: contrôle préalable en défaut sur bug-j"
    )
