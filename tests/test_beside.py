"""Work run beside in a forked process gives what it gives here (issue 12, `xl_idf.beside`)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from workbooks import WORKBOOKS
from xl_idf import beside
from xl_idf.beside import Swap, run_beside
from xl_idf.halves import structure
from xl_idf.programme import Programme, load_programme
from xl_idf.quarter import stage_quarter
from xl_idf.validate import Checked
from xl_idf.workbook import WorkbookContent, read_workbook

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


def _zombies() -> list[int]:
    """This process's children that have ended but were not waited for."""
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
    found = []
    for child in children:
        with contextlib.suppress(FileNotFoundError):  # waited for meanwhile
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                found.append(int(child))
    return found


@linux_only
def test_the_processes_beside_are_waited_for_once_collected_and_reaped(monkeypatch) -> None:
    """Collecting an answer does not wait for the process beside to end (a big one takes the
    kernel milliseconds); `reap` does, and leaves no zombie, nor does the next `run_beside`."""
    waitpid = os.waitpid

    def not_yet(pid: int, options: int) -> tuple[int, int]:
        # As if each had not ended yet when its answer was read: it is left for `reap`.
        return (0, 0) if options & os.WNOHANG else waitpid(pid, options)

    monkeypatch.setattr(os, "waitpid", not_yet)
    collects = [run_beside(lambda n=n: n) for n in range(3)]
    assert [collect() for collect in collects] == [0, 1, 2]
    assert len(beside._ending) == 3
    time.sleep(0.2)  # each has ended by now: a zombie until waited for
    assert len(_zombies()) == 3
    beside.reap(wait=False)  # here still said to be ending: left for later
    assert len(beside._ending) == 3
    beside.reap()
    assert _zombies() == []
    assert beside._ending == []
    # One collected and not waited for is waited for by the next run_beside.
    assert run_beside(lambda: 8)() == 8
    time.sleep(0.2)
    assert run_beside(lambda: 9)() == 9
    assert len(beside._ending) == 1
    beside.reap()
    assert _zombies() == []


def test_the_structure_check_beside_finds_what_it_finds_here() -> None:
    programme = load_programme()
    content = read_workbook(
        WORKBOOKS / "exemple-trimestre-2022T4.xlsx", programme.at(programme.reference_day)
    )
    # A payment without its date, and one of 0 €: the structure check's to find.
    first, second = content.payments[:2]
    payments = (replace(first, date_versement=None), replace(second, montant=Decimal(0)))
    content = replace(content, payments=payments + content.payments[2:])
    here = structure(content)
    assert {f.cell for f in here} >= {first.at("date_versement").cell, second.at("montant").cell}
    assert run_beside(lambda: structure(content))() == here


def test_little_work_is_done_here_when_collected() -> None:
    here = os.getpid()
    collect = run_beside(os.getpid, worth=False)
    assert collect() == here


def test_a_file_judged_in_two_halves_reports_what_it_reports_judged_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From BESIDE_RECORDS records, half of the dossiers are judged in a process beside, which
    types, stages and checks their lines too: the file's report (findings in order, dossiers in
    order, invoices) is the one judged in place."""
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
    assert calls == [True]  # the second half of the dossiers, from the typing of its lines on
    assert len(whole.report.dossiers) > 1
    assert halves.later  # the second half's summaries, pickled beside
    assert halves.later_findings  # and its findings, packed
    assert halves.report.status == whole.report.status  # counting those found beside
    assert halves.whole() == whole
    assert not whole.later


def _swapped(worth: bool, dies: bool) -> tuple[object, object]:
    """What this process and the process beside each got from a `Swap`."""
    here = os.getpid()
    swap = Swap()

    def work() -> object:
        if dies and os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        return swap.beside({"côté": "beside"})

    try:
        collect = run_beside(work, worth=worth)
        swap.started()
        got = swap.here({"côté": "ici"}, lambda: {"côté": "recalculé ici"})
        return got, collect()
    finally:
        swap.close()


@linux_only
def test_the_two_processes_swap_their_values_midway() -> None:
    opened = len(os.listdir("/proc/self/fd"))
    assert _swapped(worth=True, dies=False) == ({"côté": "beside"}, {"côté": "ici"})
    assert len(os.listdir("/proc/self/fd")) == opened  # every end of the pipes closed


@linux_only
def test_values_larger_than_a_pipe_holds_are_swapped_both_ways() -> None:
    """Each process gives while it reads: megabytes each way (a pipe holds 64 KiB) pass, and
    the thread that gave is gone once the swap is done."""
    here = os.getpid()
    swap = Swap()
    mine, theirs = list(range(400_000)), ["beside"] * 300_000
    threads = threading.active_count()
    try:
        collect = run_beside(lambda: (swap.beside(theirs), threading.active_count()))
        swap.started()
        got = swap.here(mine, lambda: None)
        given, threads_beside = collect()
    finally:
        swap.close()
    assert got == theirs
    assert given == mine
    assert threading.active_count() == threads
    assert threads_beside == 1  # the process beside, forked from this thread alone
    assert os.getpid() == here


@linux_only
def test_a_swap_with_a_process_beside_that_dies_is_computed_here() -> None:
    # This process computes what the other would have given; the work redone here gets what
    # this process gave.
    assert _swapped(worth=True, dies=True) == ({"côté": "recalculé ici"}, {"côté": "ici"})


def test_a_swap_without_a_process_beside_waits_for_nothing() -> None:
    opened = len(os.listdir("/proc/self/fd")) if sys.platform == "linux" else 0
    assert _swapped(worth=False, dies=False) == ({"côté": "recalculé ici"}, {"côté": "ici"})
    if sys.platform == "linux":
        assert len(os.listdir("/proc/self/fd")) == opened


def _copies_across_halves(content: WorkbookContent, rotated: bool) -> WorkbookContent:
    """The sample with one AGILEA invoice entered again on lines of three other AGILEA
    dossiers, which the halves of the dossiers split: the first line (row 2) in the first half
    of the sheet of dossiers, or (`rotated`: its two halves swapped) in the second."""
    dossiers = list(content.dossiers)
    if rotated:
        dossiers = dossiers[15:] + dossiers[:15]
    copied = {"IDF-2022-008": " agil-001-01", "IDF-2022-022": "AGIL-001-01",
              "IDF-2022-029": "Agil-001-01"}  # fmt: skip
    lines = []
    for line in content.lines:
        number = copied.pop(line.dossier or "", None)
        lines.append(line if number is None else replace(line, numero_facture=number))
    assert not copied  # each dossier had a line to copy the invoice on
    return replace(content, dossiers=tuple(dossiers), lines=tuple(lines))


@pytest.mark.parametrize("rotated", [False, True])
def test_invoices_entered_again_across_the_halves_are_x07_as_judged_whole(
    rotated: bool,
) -> None:
    programme = load_programme()
    content = _copies_across_halves(
        read_workbook(WORKBOOKS / "exemple-trimestre-2022T4.xlsx",
                      programme.at(programme.reference_day)),
        rotated,
    )  # fmt: skip
    staged = stage_quarter(content.dossiers, content.lines, content.payments, programme)
    count = len(staged.dossiers)
    whole = staged.judge(staged.assess(0, count))
    first, second = staged.assess(0, count // 2), staged.assess(count // 2, count)
    halves = staged.judge(first, second.held) + staged.judge(second, first.held)
    assert halves == whole
    copies = [f for r in whole for f in r.findings if f.code == "X07"]
    # The first line of each of the three dossiers is a copy of the invoice of row 2, wherever
    # the halves put them.
    assert sorted(int(f.cell[1:]) for f in copies) == sorted(
        next(line.row for line in content.lines if line.dossier == number)
        for number in ("IDF-2022-008", "IDF-2022-022", "IDF-2022-029")
    )
    assert all("Prestations!D2" in f.message for f in copies)
    assert len(copies) == 3


def _copies_across_halves_file(folder: Path, rotated: bool) -> Path:
    """`_copies_across_halves` in the workbook's cells: a copy of the sample, saved."""
    import openpyxl

    book = openpyxl.load_workbook(WORKBOOKS / "exemple-trimestre-2022T4.xlsx")
    dossiers = book["Dossiers"]
    if rotated:
        rows = [[c.value for c in row] for row in dossiers.iter_rows(min_row=2)]
        rows = [r for r in rows if any(v is not None for v in r)]
        for at, values in enumerate(rows[15:] + rows[:15], start=2):
            for column, value in enumerate(values, start=1):
                dossiers.cell(at, column).value = value
    lines = book["Prestations"]
    header = [c.value for c in lines[1]]
    dossier, invoice = header.index("N° dossier") + 1, header.index("N° facture") + 1
    copied = {"IDF-2022-008": " agil-001-01", "IDF-2022-022": "AGIL-001-01",
              "IDF-2022-029": "Agil-001-01"}  # fmt: skip
    for row in range(2, lines.max_row + 1):
        number = copied.pop(lines.cell(row, dossier).value or "", None)
        if number is not None:
            lines.cell(row, invoice).value = number
    assert not copied  # each dossier had a line to copy the invoice on
    path = folder / "copies.xlsx"
    book.save(path)
    return path


def _checked_whole_and_in_halves(
    monkeypatch: pytest.MonkeyPatch, path: Path, programme: Programme
) -> Checked:
    """`path` checked in one process, and in two halves (the second beside): the same."""
    from xl_idf import validate

    monkeypatch.setattr(validate, "BESIDE_RECORDS", 10**9)
    whole = validate.check_file(path, programme, cross_file=True)
    monkeypatch.setattr(validate, "BESIDE_RECORDS", 0)
    halves = validate.check_file(path, programme, cross_file=True)
    assert halves.later  # judged in halves, the second beside
    assert halves.whole() == whole
    return whole


@linux_only
@pytest.mark.parametrize("rotated", [False, True])
def test_a_file_with_copies_across_halves_reports_what_it_reports_judged_whole(
    monkeypatch: pytest.MonkeyPatch, rotated: bool, tmp_path: Path
) -> None:

    programme = load_programme()
    path = _copies_across_halves_file(tmp_path, rotated)
    whole = _checked_whole_and_in_halves(monkeypatch, path, programme)
    assert sum(f.code == "X07" for f in whole.report.findings) == 3


@linux_only
@pytest.mark.parametrize("beside_records", [0, 10**9])
@pytest.mark.parametrize("rotated", [False, True])
def test_a_file_alone_writes_its_findings_where_judged_as_the_report_writes_them(
    monkeypatch: pytest.MonkeyPatch, rotated: bool, beside_records: int, tmp_path: Path
) -> None:
    """A run of one file writing only the JSON report: each process writes its findings' text
    and the file's process puts them in order (`FileReport.issues_text`). The report is the
    one written from the findings, to the byte; the counts and the status are the same."""
    from xl_idf import validate
    from xl_idf.findings import Severity
    from xl_idf.report import Report, to_json_utf8

    programme = load_programme()
    path = _copies_across_halves_file(tmp_path, rotated)
    monkeypatch.setattr(validate, "BESIDE_RECORDS", beside_records)
    found = validate.check_file(path, programme, cross_file=False).whole().report
    written = validate.check_file(path, programme, cross_file=False, json_only=True)
    assert written.report.issues_text is not None
    assert written.report.findings == ()
    assert bool(written.later) is (beside_records == 0)  # judged in halves, or whole
    params = programme.at(programme.reference_day)

    def report(file: object) -> Report:
        return Report(programme_id=programme.id, params=params, files=(file,))  # type: ignore[arg-type]

    text = to_json_utf8(report(written.whole().report))
    assert text == to_json_utf8(report(found))
    for severity in Severity:
        assert written.report.count(severity) == found.count(severity)
    assert written.report.status == found.status
    assert sum(f.code == "X07" for f in found.findings) == 3


def test_runs_of_findings_written_apart_are_merged_in_order_an_earlier_run_first_on_ties() -> None:
    from xl_idf.findings import Severity as S
    from xl_idf.findings import made
    from xl_idf.report import issue_texts, merged_issues, sort_key

    def run(tag: str, *cells: str) -> tuple[list[object], list[str], list[object]]:
        found = [made("X02", S.WARNING, f"{tag} {cell}", "Prestations", cell) for cell in cells]
        found.sort(key=sort_key)
        return [sort_key(f) for f in found], issue_texts(found), found

    first, second = run("a", "E2", "E10", "A3"), run("b", "E3", "E10", "E9")
    merged = merged_issues([first[:2], second[:2]])  # type: ignore[list-item]
    expected = sorted(first[2] + second[2], key=sort_key)  # the first run's E10 before
    assert [i["message"] for i in json.loads(merged)] == [f.message for f in expected]
    assert [i["message"] for i in json.loads(merged)][4:] == ["a E10", "b E10"]
    assert merged_issues([([], []), ([], [])]) == b"[]"


def _odd_lines_file(folder: Path) -> Path:
    """The sample with what the sheet-wide rules find, on lines of both halves of the dossiers:
    a dossier number in another case (F05), unknown (X06) or blank (F07), two dossiers under one
    number (F06: their lines unassigned), an amount that cannot be read (F04), an invoice
    entered twice within the second half and once more in the first (X07), a payment of an
    unknown dossier (X06), blank rows among the lines."""
    import openpyxl

    book = openpyxl.load_workbook(WORKBOOKS / "exemple-trimestre-2022T4.xlsx")
    book["Dossiers"]["A22"].value = "IDF-2022-020"  # IDF-2022-021 now shares 020's number
    lines = book["Prestations"]
    header = [c.value for c in lines[1]]
    at = {label: header.index(label) + 1 for label in ("N° dossier", "N° facture",
                                                      "Montant HT (€)", "Prestataire")}  # fmt: skip
    rows = {}  # each dossier's first line's row
    for row in range(2, lines.max_row + 1):
        rows.setdefault(lines.cell(row, at["N° dossier"]).value, row)
    lines.cell(rows["IDF-2022-025"], at["N° dossier"]).value = "idf-2022-025"
    lines.cell(rows["IDF-2022-003"], at["N° dossier"]).value = "IDF-9999-999"
    lines.cell(rows["IDF-2022-027"], at["N° dossier"]).value = None
    lines.cell(rows["IDF-2022-026"], at["Montant HT (€)"]).value = "abc"
    # One invoice of 028's on a line of 029 (second half) and of 004 (first half).
    invoice = lines.cell(rows["IDF-2022-028"], at["N° facture"]).value
    provider = lines.cell(rows["IDF-2022-028"], at["Prestataire"]).value
    for number in ("IDF-2022-029", "IDF-2022-004"):
        lines.cell(rows[number], at["N° facture"]).value = invoice
        lines.cell(rows[number], at["Prestataire"]).value = provider
    for row in (rows["IDF-2022-010"], rows["IDF-2022-024"]):  # blank rows among the lines
        for column in range(1, len(header) + 1):
            lines.cell(row, column).value = None
    book["Versements"]["A3"].value = "IDF-8888-888"
    path = folder / "lignes-singulieres.xlsx"
    book.save(path)
    return path


@linux_only
@pytest.mark.parametrize("json_only", [False, True])
def test_odd_lines_split_between_the_halves_report_what_they_report_judged_whole(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, json_only: bool
) -> None:
    """Each process types, stages and checks the lines of its half's dossiers (the first,
    those of no single dossier too): every sheet-wide finding is found once, where the whole
    sheet checked in one process finds it, and the report is the same."""
    from xl_idf import validate
    from xl_idf.report import Report, to_json_utf8

    programme = load_programme()
    path = _odd_lines_file(tmp_path)
    whole = _checked_whole_and_in_halves(monkeypatch, path, programme)
    codes = [f.code for f in whole.report.findings]
    for code in ("F04", "F05", "F06", "F07", "X06", "X07"):
        assert code in codes, code
    assert codes.count("X07") == 2  # 029's and 004's copies of 028's invoice, after it
    # The line and the payment of unknown dossiers, and those of 021, whose number is gone.
    content = read_workbook(path, programme.at(programme.reference_day))
    gone = sum(r.dossier == "IDF-2022-021" for r in content.lines + content.payments)
    assert gone
    assert sum(f.code == "X06" for f in whole.report.findings) == 2 + gone
    if json_only:  # a run of one file writing the JSON report only
        params = programme.at(programme.reference_day)
        written = validate.check_file(path, programme, cross_file=False, json_only=True)
        whole_alone = validate.check_file(path, programme, cross_file=False).whole()
        assert to_json_utf8(
            Report(programme_id=programme.id, params=params, files=(written.whole().report,))
        ) == to_json_utf8(
            Report(programme_id=programme.id, params=params, files=(whole_alone.report,))
        )


@linux_only
def test_a_second_half_whose_process_dies_is_checked_here_the_same(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The process beside ends before it gives anything: this process types, stages and
    checks the second half's lines itself, from the rows it kept of them, and the report is
    the one judged whole."""
    from xl_idf import validate

    programme = load_programme()
    path = _odd_lines_file(tmp_path)
    monkeypatch.setattr(validate, "BESIDE_RECORDS", 10**9)
    whole = validate.check_file(path, programme, cross_file=True)
    monkeypatch.setattr(validate, "BESIDE_RECORDS", 0)
    here = os.getpid()

    def dies(work: object, worth: bool = True) -> object:
        def dying() -> object:
            if os.getpid() != here:
                os._exit(1)  # the process beside, before it gives its invoices
            return work()  # type: ignore[operator]

        return run_beside(dying, worth)

    monkeypatch.setattr(validate, "run_beside", dies)
    halves = validate.check_file(path, programme, cross_file=True)
    assert halves.whole() == whole
