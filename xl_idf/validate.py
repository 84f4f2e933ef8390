"""`xl-idf validate`: whole quarterly workbooks checked, each finding in its cell.

Each file is read in a worker process with a time and a memory limit (`xl_idf.isolation`).
Files are then checked against each other: an invoice is paid once, and a company's caps are for
its whole journey.
"""

from __future__ import annotations

import pickle
import sys
import threading
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from xl_idf.across import Across, Company, Invoice, companies_of
from xl_idf.beside import Swap, reap, run_beside
from xl_idf.catalogue import finding
from xl_idf.dossier import OnItsOwn
from xl_idf.expenses import InvoiceKey
from xl_idf.findings import Finding, Location, unpack
from xl_idf.halves import NOTHING_BESIDE, SecondHalf, judged, second_half, second_staged, structure
from xl_idf.in_worker import in_a_worker, parent_vets, release_after_answer
from xl_idf.isolation import run_isolated
from xl_idf.programme import Programme
from xl_idf.quarter import (
    Places,
    on_their_own,
    split_lines,
    stage_quarter,
)
from xl_idf.records import Dossier
from xl_idf.report import (
    FileReport,
    FileStatus,
    Report,
    dossiers_json,
    in_order,
    issue_texts,
    merged_issues,
    sort_key,
    status_of,
)
from xl_idf.safety import screen

if TYPE_CHECKING:
    from xl_idf.workbook import WorkbookContent


@dataclass(frozen=True)
class Checked:
    """What a worker sends back: the file's report and what other files are checked on."""

    report: FileReport
    invoices: tuple[Invoice, ...] = ()
    companies: tuple[Company, ...] = ()
    # The dossiers judged in the process beside, as it sent them: their summaries pickled, or
    # their JSON text where the report keeps only that (`json_only`); and their findings, in
    # order, packed (`findings.pack`). The file's process hands them on unread, and the
    # parent adds them to the report's (`whole`).
    later: bytes = b""
    later_findings: bytes = b""

    def whole(self) -> Checked:
        """The same, with the dossiers judged beside in its report, after the others, and
        their findings among the others, in order."""
        if not (self.later or self.later_findings):
            return self
        report = self.report
        if self.later_findings:
            # Two runs each in order: merged in one pass. Where two findings tie, the file's
            # process's come first, as when sorted together (F09, the one it finds after the
            # dossiers, is found only where there is no dossier to judge beside).
            beside = unpack(self.later_findings)
            findings = tuple(sorted(report.findings + beside, key=sort_key))
            report = replace(report, findings=findings)
        if report.dossiers_text is not None:
            report = replace(report, dossiers_text=(*report.dossiers_text, self.later))
        elif self.later:
            report = replace(report, dossiers=report.dossiers + pickle.loads(self.later))
        return replace(self, report=report, later=b"", later_findings=b"")


def check_file(
    path: Path,
    programme: Programme,
    strict: bool = False,
    cross_file: bool = True,
    json_only: bool = False,
) -> Checked:
    """Read and check one workbook, in this process.

    `cross_file` False: the invoices and companies that other files are checked against are
    not gathered (a run of one file; they cost more to send back than to find). `json_only`:
    the dossiers are kept as their text in the JSON report, written where they are judged
    (`FileReport.dossiers_text`), for a run that writes only that report.
    """
    from xl_idf.workbook import WorkbookUnreadable, read_workbook_parts

    shown = str(path)
    # Screened here, or, for a big file, by the parent while this process reads it: the sheets'
    # parts holding a formula then come from there when the reader needs them.
    formula_parts: Collection[str] | Callable[[], Collection[str]] | None = parent_vets()
    if formula_parts is None:
        screening = screen(path)
        if screening.reason is not None:
            return Checked(unreadable(shown, screening.reason))
        formula_parts = screening.formula_parts
    loading = _load_schemas()
    # The dossiers' rows judged on their own while the sheet of lines is parsed (`on_their_own`).
    alone: dict[int, OnItsOwn] = {}
    try:
        content, lines = read_workbook_parts(
            path,
            programme.at(programme.reference_day),
            formula_parts,
            lambda dossiers: alone.update(on_their_own(dossiers, programme)),
        )
    except WorkbookUnreadable as exc:
        return Checked(unreadable(shown, str(exc)))
    finally:
        if loading is not None:
            loading.join()
    rows = lines.numbers if lines is not None else []
    records = len(content.dossiers) + len(rows) + len(content.payments)
    dossiers_sheet = not _sheet_missing(content, Dossier.SHEET)
    # The dossiers checked each on its own, in two halves, the second in a process beside from
    # the typing of its lines on: each process types, stages and checks the lines of its half's
    # dossiers (the first, those of no single dossier too), then the halves swap the invoices
    # their lines hold (X07 runs across the sheet), then each judges its dossiers.
    count = len(content.dossiers)
    half = count // 2 if records >= BESIDE_RECORDS else count
    chosen: list[int] | None = None  # this process's lines (None: all)
    theirs: list[int] = []
    places: Places | None = None
    if half < count:
        numbers = (lines.dossiers() if lines is not None else None) or [None] * len(rows)
        chosen, theirs, places = split_lines(content.dossiers, numbers, rows, half)
    swap = Swap() if half < count else None
    # A run of one file writing only the JSON report: each process writes its findings' text
    # too, and this one puts them in order (nothing joins them after).
    written = json_only and not cross_file
    try:
        theirs_half = SecondHalf(content, lines, theirs, places, programme, dossiers_sheet, alone)
        second = (
            run_beside(
                partial(second_half, theirs_half, (half, count), cross_file, swap, json_only, shown)
            )
            if half < count
            else lambda: NOTHING_BESIDE
        )
        if lines is not None:
            content = lines.into(content, *lines.records(chosen))
            if half < count:  # the other half's rows kept only in case its process fails
                lines.keep_only(theirs)
        staged = stage_quarter(
            content.dossiers, content.lines, content.payments, programme, dossiers_sheet, alone,
            places=places,
        )  # fmt: skip
        mine = staged.assess(0, half)
        others: Mapping[InvoiceKey, int] = {}
        if swap is not None:
            swap.started()
            others = swap.here(
                mine.held,
                lambda: second_staged(theirs_half).assess(half, count).held,
            )
        first = judged(staged, mine, others, cross_file)
        text = (dossiers_json(first.dossiers),) if json_only else None
        # The findings of this process, in order while the process beside puts its own in
        # order; those join them in the parent (`Checked.whole`).
        every = (
            content.findings + structure(content) + staged.findings + first.findings
            + _no_dossier(content)
        )  # fmt: skip
        if written:
            ordered, keys = in_order(every)
            findings = tuple(ordered)
            # Written while the process beside finishes its half.
            mine_written = (keys, issue_texts(findings))
        else:
            findings = tuple(f.in_file(shown) for f in sorted(every, key=sort_key))
        rest = second()
    finally:
        if swap is not None:
            swap.close()
    report = FileReport(
        path=shown,
        status=status_of(findings, strict, also=rest.severities),
        findings=() if written else findings,
        dossiers=() if json_only else first.dossiers,
        dossiers_text=text,
    )
    if written:
        tally = Counter(f.severity for f in findings) + Counter(dict(rest.tally))
        report = replace(
            report,
            issues_text=merged_issues((mine_written, (rest.issue_keys, rest.issue_texts))),
            tally=tuple(sorted(tally.items())),
        )
    reap(wait=False)  # the processes beside that have ended (the others, at the next file's)
    # Its records freed after the answer is sent, not before (a twentieth of a second for
    # 100,000 lines), or never if it is the worker's last file.
    release_after_answer(content, lines, staged, first)
    if not cross_file:
        return Checked(report, later=rest.later, later_findings=rest.later_findings)
    invoices = first.invoices + rest.invoices
    companies = companies_of(content.dossiers)
    return Checked(report, invoices, companies, rest.later, rest.later_findings)


# From how many records a file's dossiers are checked in two halves, the second in a process
# beside (`xl_idf.halves`): forking costs milliseconds, the check of a few hundred records less.
BESIDE_RECORDS = 3000


def _prepare_schemas() -> None:
    if in_a_worker() and "hypothesis" not in sys.modules:
        # pandera imports hypothesis, for a data synthesis xl-idf never uses, wherever it is
        # installed (beside the tests: it is one of their extras, not xl-idf's): a tenth of a
        # second of each worker's start. A worker checks files only: it does without, as
        # pandera does where hypothesis is not installed (`HAS_HYPOTHESIS`).
        sys.modules["hypothesis"] = None  # type: ignore[assignment]
    from xl_idf.schemas import prepare

    prepare()


def _load_schemas() -> threading.Thread | None:
    """Pandera's schemas loaded in a thread while python-calamine reads the cells, if not yet.

    Loading them takes most of a second; python-calamine releases the interpreter while it
    reads, so the two overlap (the first file of a run: the parent loads them for the others).
    """
    if "xl_idf.schemas" in sys.modules:
        return None

    thread = threading.Thread(target=_prepare_schemas, name="xl-idf-schemas", daemon=True)
    thread.start()
    return thread


def _sheet_missing(content: WorkbookContent, sheet: str) -> bool:
    """Whether the reader found no sheet `sheet` in the workbook (its F02)."""
    return any(f.code == "F02" and f.sheet == sheet for f in content.findings)


def _no_dossier(content: WorkbookContent) -> tuple[Finding, ...]:
    """F09: a workbook whose sheet Dossiers is there but holds no dossier (SPEC 3)."""
    if content.dossiers or _sheet_missing(content, Dossier.SHEET):
        return ()
    return (finding("F09", Location(Dossier.SHEET), sheet=Dossier.SHEET),)


def _vet(path: Path) -> tuple[str | None, frozenset[str]]:
    """The safety screen of a big file, in the parent while its worker reads it: why it must
    not be read (its F01, as `check_file` would give it), and its sheets' parts holding a
    formula, for the worker."""
    screening = screen(path)
    return screening.reason, screening.formula_parts


def _failed(path: Path, why: str) -> Checked:
    """What a file whose worker died, ran out of memory or of time gives (picklable)."""
    return Checked(unreadable(str(path), why))


def unreadable(path: str, reason: str) -> FileReport:
    """The report of a file that could not be read: one F01 finding saying why."""
    return FileReport(
        path=path,
        status=FileStatus.UNREADABLE,
        findings=(finding("F01", Location(), why=reason).in_file(path),),
    )


def validate(
    paths: Sequence[Path],
    programme: Programme,
    jobs: int = 1,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
    json_only: bool = False,
) -> Report:
    """Check every file (`jobs` at a time, in worker processes), then across files.

    `json_only`: the report is for its JSON text only (`check_file`), rendered faster."""
    # Loaded once here, so that forked workers inherit it instead of loading it each. The
    # schemas are not: each worker loads them while it reads its first file (`_load_schemas`),
    # the workers side by side, where this process loading them first would hold the second
    # worker back by that long.
    import xl_idf.workbook  # noqa: F401

    # Each file checked against the files before it as soon as they are all read (`Across`),
    # while the next ones are.
    across, reports = Across(strict), list[FileReport]()
    run_isolated(
        paths,
        partial(
            check_file,
            programme=programme,
            strict=strict,
            cross_file=len(paths) > 1,
            json_only=json_only,
        ),
        _failed,
        max(1, jobs),
        progress,
        arrived=lambda checked: reports.append(across.add(checked.whole())),
        vet=_vet,
    )
    return Report(
        programme_id=programme.id,
        params=programme.at(programme.reference_day),
        files=tuple(reports),
        strict=strict,
    )
