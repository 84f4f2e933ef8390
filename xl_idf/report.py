"""The validation report: per file, its status, every finding and every dossier's amounts.

Rendered three ways (SPEC 4.3): JSON here (the schema of SPEC 4.3, a contract); a French table
for people and CSV for a spreadsheet in `xl_idf.report_text`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from xl_idf import json_text
from xl_idf.dossier import DossierResult
from xl_idf.eligibility import Eligibility
from xl_idf.findings import Finding, Severity, pack, unpack
from xl_idf.money import CENT
from xl_idf.ooxml import split_reference
from xl_idf.payments import NOTHING, Instalments
from xl_idf.programme import Parameters


class FileStatus(StrEnum):
    """A file's verdict: SPEC 4.3's `status`."""

    VALID = "valid"
    INVALID = "invalid"
    UNREADABLE = "unreadable"

    @property
    def french(self) -> str:
        """The status as finance staff read it."""
        return {"valid": "valide", "invalid": "à corriger", "unreadable": "illisible"}[self.value]


@dataclass(frozen=True)
class DossierSummary:
    """What the report says of one dossier: its outcome, its amounts to the cent, and why."""

    dossier: str
    row: int | None
    eligibility: Eligibility
    category: str | None
    subsidy_phase1: Decimal
    subsidy_phase2: Decimal
    payment_phase1: Decimal
    advance_phase2: Decimal
    balance_phase2: Decimal
    siret: str | None = None
    planned: Instalments = NOTHING
    paid: Instalments = NOTHING
    blocking: tuple[str, ...] = ()
    explanation: tuple[str, ...] = ()
    motive: str = ""
    counts: bool = False  # in the totals and the company count (SPEC 2)

    @property
    def subsidy_total(self) -> Decimal:
        """Phase 1 plus phase 2."""
        return self.subsidy_phase1 + self.subsidy_phase2

    @property
    def due(self) -> Instalments:
        """The payments due to date (the JSON's `payments`)."""
        return Instalments(self.payment_phase1, self.advance_phase2, self.balance_phase2)

    @property
    def remaining(self) -> Instalments:
        """Due less paid, per instalment."""
        return self.due.minus(self.paid)

    @classmethod
    def of(cls, result: DossierResult) -> DossierSummary:
        """The summary of a dossier's assessment."""
        schedule = result.schedule
        return cls(
            dossier=result.dossier.numero or f"ligne {result.dossier.row}",
            row=result.dossier.row,
            eligibility=result.eligibility,
            category=result.category.value if result.category else None,
            subsidy_phase1=result.subsidy_phase1,
            subsidy_phase2=result.subsidy_phase2,
            payment_phase1=schedule.phase1,
            advance_phase2=schedule.advance_phase2,
            balance_phase2=schedule.balance_phase2,
            siret=result.dossier.siret,
            planned=result.planned,
            paid=result.paid,
            blocking=result.blocking,
            explanation=tuple(result.explain()),
            motive=result.motive(),
            counts=result.counts,
        )


@dataclass(frozen=True)
class FileReport:
    """One workbook's verdict, findings (sorted by sheet and row) and dossiers."""

    path: str
    status: FileStatus
    findings: tuple[Finding, ...]
    dossiers: tuple[DossierSummary, ...] = ()
    # Or, for a run that writes only the JSON report (`validate`'s `json_only`), the dossiers'
    # text in that report, written where they were judged (`dossiers_json`), in pieces in order,
    # in UTF-8: half the memory of a Python text holding a « € », and sent as it is.
    dossiers_text: tuple[bytes, ...] | None = None
    # Or, for a run of one file that writes only the JSON report (nothing joins its findings
    # after its process), the findings' text in that report, in UTF-8, written there in order
    # (`merged_issues`), and how many of each severity (`tally`): `findings` is then empty.
    issues_text: bytes | None = None
    tally: tuple[tuple[Severity, int], ...] = ()

    def count(self, severity: Severity) -> int:
        """How many findings of `severity`."""
        if self.issues_text is not None:
            return dict(self.tally).get(severity, 0)
        return sum(1 for f in self.findings if f.severity is severity)

    def adding(self, found: Iterable[Finding], strict: bool) -> FileReport:
        """The same report with `found` among its findings, in order, and its status found
        again (an unreadable file stays so): the checks across files and across quarters."""
        found = tuple(found)
        if not found:
            return self
        if self.issues_text is not None:
            raise ValueError(f"{self.path}: findings kept as JSON text only (run of one file)")
        findings = tuple(sorted(self.findings + found, key=sort_key))
        status = self.status
        if status is not FileStatus.UNREADABLE:
            status = status_of(findings, strict)
        return replace(self, findings=findings, status=status)

    def __reduce__(self) -> tuple[Any, tuple[object, ...]]:
        # Sent from each file's worker with tens of thousands of findings: packed by field.
        return _file_report, (
            self.path, self.status, pack(self.findings), self.dossiers, self.dossiers_text,
            self.issues_text, self.tally,
        )  # fmt: skip

    @property
    def summaries(self) -> tuple[DossierSummary, ...]:
        """The dossiers, for a report other than JSON: refused where only their text was kept."""
        if self.dossiers_text is not None:
            raise ValueError(f"{self.path}: dossiers kept as JSON text only (json_only run)")
        return self.dossiers


@dataclass(frozen=True)
class Report:
    """The report of one `xl-idf validate` run."""

    programme_id: str
    params: Parameters
    files: tuple[FileReport, ...]
    strict: bool = False
    summary: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        statuses = Counter(f.status for f in self.files)
        object.__setattr__(
            self,
            "summary",
            {
                "files": len(self.files),
                "valid": statuses[FileStatus.VALID],
                "invalid": statuses[FileStatus.INVALID],
                "unreadable": statuses[FileStatus.UNREADABLE],
                "errors": sum(f.count(Severity.ERROR) for f in self.files),
                "warnings": sum(f.count(Severity.WARNING) for f in self.files),
            },
        )

    @property
    def exit_code(self) -> int:
        """SPEC 4.3: 0 all valid, 1 a file invalid, 2 a file unreadable."""
        if self.summary["unreadable"]:
            return 2
        return 1 if self.summary["invalid"] else 0

    @property
    def companies(self) -> int:
        """Distinct companies (by SIRET) of the dossiers eligible and awarded more than 0."""
        return len({d.siret for f in self.files for d in f.summaries if d.counts})


def _file_report(
    path: str,
    status: FileStatus,
    packed: bytes,
    dossiers: tuple[DossierSummary, ...],
    dossiers_text: tuple[bytes, ...] | None,
    issues_text: bytes | None,
    tally: tuple[tuple[Severity, int], ...],
) -> FileReport:
    """A `FileReport` unpickled (`FileReport.__reduce__`)."""
    findings = unpack(packed)
    return FileReport(path, status, findings, dossiers, dossiers_text, issues_text, tally)


def status_of(
    findings: Iterable[Finding], strict: bool, also: Iterable[Severity] = ()
) -> FileStatus:
    """Invalid with an error (or, under --strict, a warning) among `findings` or the severities
    `also` of findings kept apart; else valid."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if not failing.isdisjoint(also) or any(f.severity in failing for f in findings):
        return FileStatus.INVALID
    return FileStatus.VALID


_SHEET_ORDER = {"Dossiers": 0, "Prestations": 1, "Versements": 2}


SortKey = tuple[int, str, int, int, str]


def sort_key(found: Finding) -> SortKey:
    """File-level findings first, then by sheet (template order), row and column."""
    if found.sheet is None:
        return (-1, "", 0, 0, found.code)
    column, row = split_reference(found.cell or "") or (0, 0)
    return (_SHEET_ORDER.get(found.sheet, len(_SHEET_ORDER)), found.sheet, row, column, found.code)


def money(amount: Decimal) -> str:
    """An amount as the JSON report writes it: a string with two decimals."""
    return str(amount.quantize(CENT))


def instalments(amounts: Instalments) -> dict[str, str]:
    """A schedule as the JSON report writes it (the keys of SPEC 4.3's `payments`)."""
    return {
        "phase1": money(amounts.phase1),
        "advance_phase2": money(amounts.advance_phase2),
        "balance_phase2": money(amounts.balance_phase2),
    }


def to_json(report: Report) -> str:
    """The JSON report of SPEC 4.3."""
    return to_json_utf8(report).decode()


def to_json_utf8(report: Report) -> bytes:
    """The JSON report in UTF-8, as it is written: each file's dossiers, in UTF-8 pieces where
    they were written (`FileReport.dossiers_text`, else `dossiers_json`), are put in place as
    they are, not decoded, joined into one Python text and encoded again (twice their memory
    for a moment: a « € » makes each character two bytes)."""
    text = json_text.dumps(_payload(report), end="\n").encode()
    # The marks stand where no text of the report can: JSON escapes a NUL in a string.
    # Each file's part of the text ends where its dossiers go; its issues, if written apart
    # (`FileReport.issues_text`), go at their own mark in it.
    *parts, end = text.split(_PIECES.encode())
    out = []
    for file, part in zip(report.files, parts, strict=True):
        issues = file.issues_text
        pieces = file.dossiers_text
        if pieces is None:
            pieces = (dossiers_json(file.dossiers),)
        out += [
            part if issues is None else part.replace(_ISSUES.encode(), issues, 1),
            _DOSSIER.list_of_utf8(pieces),
        ]
    return b"".join([*out, end])


_PIECES = "\x00"  # where a file's dossiers go in the text of `_payload`
_ISSUES = "\x01"  # where a file's issues go, where written apart


def _payload(report: Report) -> dict[str, Any]:
    """The JSON report's values, each file's dossiers marked where they go (`_PIECES`)."""
    return {
        "programme": report.programme_id,
        "summary": report.summary,
        "files": [
            {
                "path": f.path,
                "status": f.status.value,
                # Tens of thousands of findings and dossiers of one shape: each written by
                # filling its shape's template (`json_text.Shape`), the same characters.
                "issues": (
                    _ISSUE.list_text(map(_issue_values, f.findings))
                    if f.issues_text is None
                    else json_text.Raw([_ISSUES])
                ),
                "dossiers": json_text.Raw([_PIECES]),
            }
            for f in report.files
        ],
    }


def _issue_values(i: Finding) -> dict[str, Any]:
    """The values of a finding's JSON object in a file's `issues`, by slot of `_ISSUE`."""
    return {
        "severity": i.severity.value,
        "code": i.code,
        "message": i.message,
        "sheet": i.sheet,
        "cell": i.cell,
        "dossier": i.dossier,
    }


def issue_texts(findings: Iterable[Finding]) -> list[str]:
    """Each finding's JSON object, as the report writes it among a file's `issues`: written
    where the findings are, apart (`merged_issues`)."""
    return [_ISSUE.text(_issue_values(i)) for i in findings]


def in_order(findings: Sequence[Finding]) -> tuple[list[Finding], list[SortKey]]:
    """`findings` in the report's order (`sort_key`; as given where keys tie), and their keys:
    for the findings' text written apart (`issue_texts`, `merged_issues`)."""
    keys = list(map(sort_key, findings))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return [findings[at] for at in order], [keys[at] for at in order]


def merged_issues(runs: Sequence[tuple[Sequence[SortKey], Sequence[str]]]) -> bytes:
    """A file's `issues` list in UTF-8, of runs of findings' texts (`issue_texts`), each run in
    order with its findings' keys (`sort_key`): all in order, and where keys tie, an earlier
    run's first (as the report's `sorted` of them all)."""
    keys = [key for run_keys, _ in runs for key in run_keys]
    texts = [text for _, run_texts in runs for text in run_texts]
    if not texts:
        return b"[]"
    order = sorted(range(len(keys)), key=keys.__getitem__)
    joined = ("," + _ISSUE.inner).join([texts[at] for at in order])
    return _ISSUE.list_of_utf8([joined.encode()])


def dossiers_json(dossiers: Iterable[DossierSummary]) -> bytes:
    """The JSON objects of `dossiers` as the report's list of a file's dossiers writes them, in
    UTF-8: a piece of it (`FileReport.dossiers_text`), the same characters wherever written.

    Each object is encoded as it is written: the whole as one Python text would take twice the
    memory (a « € » makes each character two bytes) for the moment it lives.
    """
    return _DOSSIER.joined_utf8(map(_dossier_values, dossiers))


def _dossier_values(d: DossierSummary) -> dict[str, Any]:
    """The values of a dossier's JSON object, by slot of `_DOSSIER`."""
    values: dict[str, Any] = {
        "dossier": d.dossier,
        "eligibility": d.eligibility.value,
        "category": d.category,
        "phase1": money(d.subsidy_phase1),
        "phase2": money(d.subsidy_phase2),
        "total": money(d.subsidy_total),
        "blocking": list(d.blocking),
        "explanation": list(d.explanation),
    }
    for name, amounts in (
        ("payments", d.due), ("planned", d.planned), ("paid", d.paid), ("remaining", d.remaining)
    ):  # fmt: skip
        for key, text in instalments(amounts).items():
            values[f"{name}_{key}"] = text
    return values


def _instalment_slots(name: str) -> dict[str, str]:
    return {key: f"{name}_{key}" for key in ("phase1", "advance_phase2", "balance_phase2")}


# The JSON objects of SPEC 4.3 (keys and their order), each value by the name of its slot; at
# the depth they stand at: the report's files' lists.
_ISSUE = json_text.Shape(
    {key: key for key in ("severity", "code", "message", "sheet", "cell", "dossier")},
    "\n      ",
)
_DOSSIER = json_text.Shape(
    {
        "dossier": "dossier",
        "eligibility": "eligibility",
        "category": "category",
        "subsidy": {"phase1": "phase1", "phase2": "phase2", "total": "total"},
        "payments": _instalment_slots("payments"),
        "planned": _instalment_slots("planned"),
        "paid": _instalment_slots("paid"),
        "remaining": _instalment_slots("remaining"),
        "blocking": "blocking",
        "explanation": "explanation",
    },
    "\n      ",
)
