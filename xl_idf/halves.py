"""A file's dossiers checked in two halves, the second in a process beside (`xl_idf.beside`).

From `validate.BESIDE_RECORDS` records, the file's process forks a process beside as soon as
the sheet of lines is read: each process types, stages and checks the lines of its half's
dossiers (the first, those of no single dossier too, which the sheet-wide rules report), their
places in the sheet's order shared (`quarter.split_lines`); the halves swap the invoices their
lines hold (X07 runs across the sheet), then each judges its dossiers. The second half's
findings and dossiers come back as they go on into the report (`Beside`).
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

from xl_idf.across import Invoice, invoices_of
from xl_idf.beside import Swap
from xl_idf.dossier import OnItsOwn
from xl_idf.expenses import InvoiceKey
from xl_idf.findings import Finding, Severity, pack
from xl_idf.programme import Programme
from xl_idf.quarter import Assessed, Places, StagedQuarter, stage_quarter
from xl_idf.records import Dossier, ExpenseLine, Payment
from xl_idf.report import (
    DossierSummary,
    SortKey,
    dossiers_json,
    in_order,
    issue_texts,
    sort_key,
)

if TYPE_CHECKING:
    from xl_idf.workbook import LinesToType, WorkbookContent


@dataclass(frozen=True)
class Judged:
    """Some dossiers of a file judged: their findings, summaries and invoices that count."""

    findings: tuple[Finding, ...]
    dossiers: tuple[DossierSummary, ...]
    invoices: tuple[Invoice, ...]


class Beside(NamedTuple):
    """What the process beside sends back of its half of a file's dossiers: the invoices that
    count, then for `Checked`, as they go on unread, the dossiers (`later`) and their findings
    (`later_findings`), and the severities found among those."""

    invoices: tuple[Invoice, ...]
    later: bytes
    later_findings: bytes
    severities: frozenset[Severity]
    # Or, where each process writes its findings' text (`check_file`'s `written`), their keys
    # and texts in order, and how many of each severity.
    issue_keys: Sequence[SortKey] = ()
    issue_texts: Sequence[str] = ()
    tally: tuple[tuple[Severity, int], ...] = ()


# What a file checked in one process has beside it: nothing.
NOTHING_BESIDE = Beside((), b"", b"", frozenset())


class SecondHalf(NamedTuple):
    """What the second half of a file's dossiers is checked from: the workbook's content (its
    dossiers and payments), the sheet of lines left to type and which of its rows are the
    half's (`chosen`), their places in the sheet's order, and what the first half's check has
    too (the programme, whether the sheet of dossiers is there, the dossiers judged on their
    own)."""

    content: WorkbookContent
    lines: LinesToType | None
    chosen: Sequence[int]
    places: Places | None
    programme: Programme
    dossiers_sheet: bool
    alone: Mapping[int, OnItsOwn]


def second_staged(half: SecondHalf) -> StagedQuarter:
    """The second half's lines typed and staged, with their findings only (the sheet-wide
    ones are the first half's)."""
    content = replace(half.content, findings=())
    if half.lines is not None:
        typed, found = half.lines.records(half.chosen)
        content = replace(content, lines=typed, findings=found)
    staged = stage_quarter(
        content.dossiers, content.lines, content.payments, half.programme, half.dossiers_sheet,
        half.alone, sheet_wide=False, places=half.places,
    )  # fmt: skip
    return replace(staged, findings=content.findings + staged.findings)


def second_half(
    half: SecondHalf,
    span: tuple[int, int],
    cross_file: bool,
    swap: Swap | None,
    json_only: bool,
    shown: str,
) -> Beside:
    """The dossiers `span` of a file, its second half, in the process beside: its lines typed
    and staged, then checked and judged as `judged` does, their summaries pickled apart or
    written as JSON (`json_only`), every finding of the half (its lines' cells, their structure,
    their staging, its dossiers) placed in the file `shown`, in order and packed, or written
    (a run of one file writing only the JSON report). Done there, it is off the file's
    process's path, which hands them on as they are."""
    start, stop = span
    staged = second_staged(half)
    assessed = staged.assess(start, stop)
    others = swap.beside(assessed.held) if swap is not None else {}
    result = judged(staged, assessed, others, cross_file)
    mine = [line for owned in staged.lines_of.values() for line in owned]
    every = staged.findings + lines_structure(mine) + result.findings
    packed = b""
    if stop > start:
        packed = (
            dossiers_json(result.dossiers)
            if json_only
            else pickle.dumps(result.dossiers, protocol=pickle.HIGHEST_PROTOCOL)
        )
    severities = frozenset(f.severity for f in every)
    if json_only and not cross_file:  # written here: nothing joins them after (`check_file`)
        ordered, keys = in_order(every)
        tally = tuple(sorted(Counter(f.severity for f in ordered).items()))
        return Beside(result.invoices, packed, b"", severities, keys, issue_texts(ordered), tally)
    findings = [f.in_file(shown) for f in sorted(every, key=sort_key)]
    return Beside(result.invoices, packed, pack(findings) if findings else b"", severities)


def judged(
    staged: StagedQuarter, assessed: Assessed, others: Mapping[InvoiceKey, int], cross_file: bool
) -> Judged:
    """The dossiers `assessed` covers judged (`others`: the invoices the other half holds), and
    what the report keeps."""
    results = staged.judge(assessed, others)
    counted = [r.line for d in results for r in d.lines if not r.excluded] if cross_file else []
    return Judged(
        tuple(f for r in results for f in r.findings),
        tuple(DossierSummary.of(r) for r in results),
        invoices_of(counted),
    )


def structure(content: WorkbookContent) -> tuple[Finding, ...]:
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


def lines_structure(lines: Sequence[ExpenseLine]) -> tuple[Finding, ...]:
    """The Pandera structure check of some lines (a half's)."""
    from xl_idf.schemas import check_structure

    return tuple(check_structure(lines, ExpenseLine))
