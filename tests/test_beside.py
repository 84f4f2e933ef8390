"""Work run beside in a forked process gives what it gives here (issue 12, `xl_idf.beside`)."""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import replace
from decimal import Decimal

import pytest

from workbooks import WORKBOOKS
from xl_idf.beside import run_beside
from xl_idf.programme import load_programme
from xl_idf.validate import _structure
from xl_idf.workbook import read_workbook

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="forks only on Linux")


@linux_only
def test_the_result_comes_back_from_the_process_beside() -> None:
    here = os.getpid()
    collect = run_beside(lambda: (os.getpid(), [Decimal("1.10"), "été", None]))
    pid, value = collect()
    assert pid != here  # really done in another process
    assert value == [Decimal("1.10"), "été", None]


@linux_only
def test_what_the_work_raised_is_raised_where_collected() -> None:
    def fails() -> None:
        raise ValueError("mauvaise valeur")

    collect = run_beside(fails)
    with pytest.raises(ValueError, match="mauvaise valeur"):
        collect()


@linux_only
def test_a_process_beside_that_dies_leaves_the_work_to_this_one() -> None:
    here = os.getpid()

    def dies_beside() -> int:
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        return 42

    assert run_beside(dies_beside)() == 42


def test_the_structure_check_beside_finds_what_it_finds_here() -> None:
    programme = load_programme()
    content = read_workbook(
        WORKBOOKS / "exemple-trimestre-2022T4.xlsx", programme.at(programme.reference_day)
    )
    # A payment without its date, and one of 0 €: the structure check's to find.
    first, second = content.payments[:2]
    payments = (replace(first, date_versement=None), replace(second, montant=Decimal(0)))
    content = replace(content, payments=payments + content.payments[2:])
    here = _structure(content)
    assert {f.cell for f in here} >= {first.at("date_versement").cell, second.at("montant").cell}
    assert run_beside(lambda: _structure(content))() == here


def test_little_work_is_done_here_when_collected() -> None:
    here = os.getpid()
    collect = run_beside(os.getpid, worth=False)
    assert collect() == here


def test_a_file_judged_in_two_halves_reports_what_it_reports_judged_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From BESIDE_RECORDS records, half of the dossiers are judged in a process beside: the
    file's report (findings in order, dossiers in order, invoices) is the one judged in place."""
    from xl_idf import validate

    programme = load_programme()
    path = WORKBOOKS / "exemple-trimestre-2022T4.xlsx"
    monkeypatch.setattr(validate, "BESIDE_RECORDS", 10**9)
    whole = validate.check_file(path, programme, cross_file=True)
    monkeypatch.setattr(validate, "BESIDE_RECORDS", 0)
    calls: list[bool] = []

    def beside(work: object, worth: bool = True) -> object:
        calls.append(worth)
        return run_beside(work, worth)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "run_beside", beside)
    halves = validate.check_file(path, programme, cross_file=True)
    assert calls == [True, True]  # the structure check, then the second half of the dossiers
    assert len(whole.report.dossiers) > 1
    assert halves.later  # the second half's summaries, pickled beside
    assert halves.whole() == whole
    assert not whole.later
