"""`xl-idf validate`: whole quarterly workbooks checked, each finding in its cell.

Each file is read in a child process with a time and a memory limit (`xl_idf.isolation`).
Files are then checked against each other: an invoice is paid once, and a company's caps are for
its whole journey.
"""

from __future__ import annotations

import pickle
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from xl_idf.beside import Swap, run_beside
from xl_idf.catalogue import finding
from xl_idf.expenses import InvoiceKey, invoice_of
from xl_idf.findings import Finding, Location
from xl_idf.isolation import run_isolated
from xl_idf.ooxml import annotated_source
from xl_idf.programme import Programme
from xl_idf.quarter import Assessed, StagedQuarter, stage_quarter
from xl_idf.records import Dossier, ExpenseLine, Payment
from xl_idf.report import DossierSummary, FileReport, FileStatus, Report, sort_key, status_of
from xl_idf.safety import EXTENSIONS, unreadable_reason

if TYPE_CHECKING:
    from xl_idf.workbook import WorkbookContent


@dataclass(frozen=True)
class Invoice:
    """An invoice as the cross-file check sees it: who issued it, its number, where it stands."""

    provider: str
    number: str
    dossier: str | None
    place: Location


@dataclass(frozen=True)
class Company:
    """A dossier's SIRET and where its number stands, for the cross-file check."""

    siret: str
    dossier: str
    place: Location


@dataclass(frozen=True)
class Checked:
    """What a child process sends back: the file's report and what other files are checked on."""

    report: FileReport
    invoices: tuple[Invoice, ...] = ()
    companies: tuple[Company, ...] = ()
    # The summaries of the dossiers judged in the process beside, pickled there: the file's
    # process hands them on unread, and the parent adds them to the report's (`whole`).
    later: bytes = b""

    def whole(self) -> Checked:
        """The same, with the dossiers judged beside in its report, after the others."""
        if not self.later:
            return self
        dossiers = self.report.dossiers + pickle.loads(self.later)
        return replace(self, report=replace(self.report, dossiers=dossiers), later=b"")


@dataclass(frozen=True)
class Collected:
    """The workbooks a run checks, what it passed over (French lines), and bad paths."""

    files: list[Path]
    skipped: list[str]
    errors: list[str]


def collect(paths: Iterable[Path], recursive: bool = False) -> Collected:
    """The workbook files the user meant (SPEC 4.3), each once, in the order given.

    A folder gives its workbooks at its top level (`recursive`: below too), sorted, without the
    hidden or temporary files (`.…`, `~$…`) and the copies `--annotate` wrote, each passed over
    with a line; a file named on the command line is checked whatever its name. A file named
    twice, through another spelling of its path or a link, is checked once.
    """
    files: list[Path] = []
    skipped: list[str] = []
    errors: list[str] = []
    seen: set[tuple[int, int] | Path] = set()

    def add(path: Path) -> None:
        try:
            status = path.stat()
            key: tuple[int, int] | Path = (status.st_dev, status.st_ino)
        except OSError:
            key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in (path.rglob("*") if recursive else path.iterdir())
                if p.suffix.lower() in EXTENSIONS and p.is_file()
            )  # fmt: skip
            kept = 0
            for file in found:
                if file.name.startswith((".", "~$")):
                    skipped.append(f"« {file} » ignoré : fichier caché ou temporaire")
                elif (source := annotated_source(file)) is not None:
                    skipped.append(f"« {file} » ignoré : copie annotée par xl-idf de « {source} »")
                else:
                    kept += 1
                    add(file)
            if not kept:
                where = "ce dossier" + ("" if recursive else " (sans ses sous-dossiers)")
                errors.append(
                    f"« {path} » : aucun classeur .xlsx ou .xlsm à contrôler dans {where}"
                )
        elif path.exists():
            add(path)
        else:
            errors.append(f"« {path} » : fichier ou dossier introuvable")
    return Collected(files, skipped, errors)


def check_file(
    path: Path, programme: Programme, strict: bool = False, cross_file: bool = True
) -> Checked:
    """Read and check one workbook, in this process.

    `cross_file` False: the invoices and companies that other files are checked against are
    not gathered (a run of one file; they cost more to send back than to find).
    """
    from xl_idf.workbook import WorkbookUnreadable, read_workbook

    shown = str(path)
    reason = unreadable_reason(path)
    if reason is not None:
        return Checked(unreadable(shown, reason))
    loading = _load_schemas()
    try:
        content = read_workbook(path, programme.at(programme.reference_day))
    except WorkbookUnreadable as exc:
        return Checked(unreadable(shown, str(exc)))
    finally:
        if loading is not None:
            loading.join()
    # The structure check beside the rules, in a process of its own (`xl_idf.beside`).
    records = len(content.dossiers) + len(content.lines) + len(content.payments)
    worth = records >= BESIDE_RECORDS
    structure = run_beside(partial(_structure, content), worth=worth)
    dossiers_sheet = not _sheet_missing(content, Dossier.SHEET)
    staged = stage_quarter(
        content.dossiers, content.lines, content.payments, programme, dossiers_sheet
    )
    # The dossiers, checked each on its own, in two halves: the second in a process beside.
    # Each half's lines are checked, then the halves swap the invoices their lines hold (X07
    # runs across the sheet), then each half's dossiers are judged.
    count = len(staged.dossiers)
    half = count // 2 if worth else count
    swap = Swap() if half < count else None
    try:
        second = run_beside(
            partial(_judged_packed, staged, half, count, cross_file, swap), worth=half < count
        )
        mine = staged.assess(0, half)
        others: Mapping[InvoiceKey, int] = {}
        if swap is not None:
            swap.started()
            others = swap.here(mine.held, lambda: staged.assess(half, count).held)
        first = _judged(staged, mine, others, cross_file)
        rest, later = second()
    finally:
        if swap is not None:
            swap.close()
    every = (
        content.findings + structure() + staged.findings + first.findings + rest.findings
        + _no_dossier(content)
    )  # fmt: skip
    findings = tuple(f.in_file(shown) for f in sorted(every, key=sort_key))
    report = FileReport(
        path=shown,
        status=status_of(findings, strict),
        findings=findings,
        dossiers=first.dossiers,
    )
    if not cross_file:
        return Checked(report, later=later)
    invoices = first.invoices + rest.invoices
    return Checked(report, invoices, _companies(content.dossiers), later)


@dataclass(frozen=True)
class Judged:
    """Some dossiers of a file judged: their findings, summaries and invoices that count."""

    findings: tuple[Finding, ...]
    dossiers: tuple[DossierSummary, ...]
    invoices: tuple[Invoice, ...]


def _judged_packed(
    staged: StagedQuarter, start: int, stop: int, cross_file: bool, swap: Swap | None
) -> tuple[Judged, bytes]:
    """`_judged` of the dossiers `start` to `stop`, in the process beside, their summaries
    pickled apart (`Checked.later`): done there, the pickling is off the file's process's path,
    which hands them on as they are."""
    assessed = staged.assess(start, stop)
    others = swap.beside(assessed.held) if swap is not None else {}
    judged = _judged(staged, assessed, others, cross_file)
    packed = (
        pickle.dumps(judged.dossiers, protocol=pickle.HIGHEST_PROTOCOL) if stop > start else b""
    )
    return replace(judged, dossiers=()), packed


def _judged(
    staged: StagedQuarter, assessed: Assessed, others: Mapping[InvoiceKey, int], cross_file: bool
) -> Judged:
    """The dossiers `assessed` covers judged (`others`: the invoices the other half holds), and
    what the report keeps."""
    results = staged.judge(assessed, others)
    counted = [r.line for d in results for r in d.lines if not r.excluded] if cross_file else []
    return Judged(
        tuple(f for r in results for f in r.findings),
        tuple(DossierSummary.of(r) for r in results),
        _invoices(counted),
    )


# From how many records a file's structure check is worth a process beside the rules: forking
# costs milliseconds, the check of a few hundred records less.
BESIDE_RECORDS = 3000


def _structure(content: WorkbookContent) -> tuple[Finding, ...]:
    """The Pandera structure check of the three sheets' records."""
    from xl_idf.schemas import check_structure

    return tuple(
        f
        for kind, records in (
            (Dossier, content.dossiers),
            (ExpenseLine, content.lines),
            (Payment, content.payments),
        )
        for f in check_structure(records, kind)
    )


def _prepare_schemas() -> None:
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


def _failed(path: Path, why: str) -> Checked:
    """What a file's child process that died, ran out of memory or of time gives (picklable)."""
    return Checked(unreadable(str(path), why))


def unreadable(path: str, reason: str) -> FileReport:
    """The report of a file that could not be read: one F01 finding saying why."""
    return FileReport(
        path=path,
        status=FileStatus.UNREADABLE,
        findings=(finding("F01", Location(), why=reason).in_file(path),),
    )


def _invoices(lines: Iterable[ExpenseLine]) -> tuple[Invoice, ...]:
    """The invoices of the lines that count: an excluded line holds no number (as for X07)."""
    return tuple(
        Invoice(line.prestataire, line.numero_facture, line.dossier, line.at("numero_facture"))
        for line in lines
        if line.prestataire and line.numero_facture
    )


def _companies(dossiers: Iterable[Dossier]) -> tuple[Company, ...]:
    return tuple(
        Company(d.siret, d.numero, d.at("numero")) for d in dossiers if d.siret and d.numero
    )


def validate(
    paths: Sequence[Path],
    programme: Programme,
    jobs: int = 1,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check every file (`jobs` at a time, each in its own process), then across files."""
    # Loaded once here, so that forked children inherit them instead of loading them each;
    # the schemas, slow to load, once the first child is at work (it loads its own meanwhile).
    import xl_idf.workbook  # noqa: F401

    checked = run_isolated(
        paths,
        partial(check_file, programme=programme, strict=strict, cross_file=len(paths) > 1),
        _failed,
        max(1, jobs),
        progress,
        started=_prepare_schemas if len(paths) > 1 else None,
    )
    reports = across_files([c.whole() for c in checked], strict)
    return Report(
        programme_id=programme.id,
        params=programme.at(programme.reference_day),
        files=tuple(reports),
        strict=strict,
    )


def across_files(checked: Sequence[Checked], strict: bool) -> list[FileReport]:
    """C01 (an invoice in two files) and C02 (one SIRET under two dossier numbers)."""
    extra: list[list[Finding]] = [[] for _ in checked]
    invoices: dict[tuple[str, str], tuple[str, Invoice]] = {}
    companies: dict[str, tuple[str, Company]] = {}
    for index, item in enumerate(checked):
        path = item.report.path
        for invoice in item.invoices:
            key = invoice_of(invoice.provider, invoice.number)
            earlier = invoices.setdefault(key, (path, invoice))
            # Twice in one file is X07, found by the file's own check.
            if earlier[0] != path:
                extra[index].append(
                    finding(
                        "C01", invoice.place, invoice.dossier, invoice=invoice.number,
                        provider=invoice.provider, first=_where(*earlier),
                    ).in_file(path)
                )  # fmt: skip
        for company in item.companies:
            first_path, first = companies.setdefault(company.siret, (path, company))
            # The same dossier number again is the same journey (another quarter's file).
            if first is company or first.dossier == company.dossier:
                continue
            extra[index].append(
                finding(
                    "C02", company.place, company.dossier, siret=company.siret,
                    first=_where(first_path, first), first_dossier=first.dossier,
                    here=_where(path, company),
                ).in_file(path)
            )  # fmt: skip
    reports = []
    for item, added in zip(checked, extra, strict=True):
        report = item.report
        if added:
            findings = tuple(sorted(report.findings + tuple(added), key=sort_key))
            status = report.status
            if status is not FileStatus.UNREADABLE:
                status = status_of(findings, strict)
            report = FileReport(report.path, status, findings, report.dossiers)
        reports.append(report)
    return reports


def _where(path: str, item: Invoice | Company) -> str:
    """A place in another file, for a message: file, sheet and cell."""
    return f"{_file_name(path)}, {item.place.sheet}!{item.place.cell}"


@lru_cache(maxsize=1024)
def _file_name(path: str) -> str:
    """A file's name (found once per file: a run names each file thousands of times)."""
    return Path(path).name
