"""A quarter's workbook assessed whole: the checks across rows, then every dossier.

The sheet-wide rules are here: a dossier number used on several rows (F06), a line or a payment
whose dossier does not exist (X06) or is written in another case (F05), an invoice entered twice
(X07, across the dossiers of the sheet, in row order: each slice of the dossiers says which
invoices its lines hold, so that slices can be checked apart and still agree).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from xl_idf.catalogue import finding
from xl_idf.dossier import (
    DossierResult,
    OnItsOwn,
    assess_lines,
    judge_dossier,
    on_its_own,
    parameters_for,
)
from xl_idf.expenses import InvoiceKey, LineResult, duplicate_of, invoice_key
from xl_idf.findings import Finding
from xl_idf.programme import Parameters, Programme
from xl_idf.records import Dossier, ExpenseLine, Payment, dossier_key

R = TypeVar("R", ExpenseLine, Payment)


@dataclass(frozen=True)
class QuarterResult:
    """Every dossier's result and every finding of the workbook, sheet-wide ones first."""

    dossiers: tuple[DossierResult, ...]
    findings: tuple[Finding, ...]


def assess_quarter(
    dossiers: Iterable[Dossier],
    lines: Iterable[ExpenseLine],
    payments: Iterable[Payment],
    programme: Programme,
    dossiers_sheet: bool = True,
) -> QuarterResult:
    """Assess a workbook's dossiers, lines and payments together [SPEC section 3].

    Without a sheet Dossiers (`dossiers_sheet` False: its F02 says so), lines and payments are
    not each reported as belonging to no dossier (X06): one missing sheet, one finding.
    """
    staged = stage_quarter(dossiers, lines, payments, programme, dossiers_sheet)
    results = staged.judge(staged.assess(0, len(staged.dossiers)))
    return QuarterResult(
        dossiers=tuple(results),
        findings=staged.findings + tuple(f for r in results for f in r.findings),
    )


@dataclass(frozen=True)
class Assessed:
    """The lines of the dossiers `start` to `stop` checked, each on its own (X01-X05, X08-X10),
    and the invoices they hold: each invoice's first line among them, by its place in the
    sheet's order (`StagedQuarter.order`)."""

    start: int
    stop: int
    # Each dossier's lines checked, each with the invoice it holds (None: none) and its place.
    lines_of: dict[str, list[tuple[LineResult, InvoiceKey | None, int]]]
    held: dict[InvoiceKey, int]


@dataclass(frozen=True)
class StagedQuarter:
    """A workbook with its rules across rows done (F06, X06, F05): each dossier with its lines
    and payments, and its parameters.

    What is left splits by dossiers, so that any slice of them can be checked apart, in another
    process too: their lines' checks (`assess`), then, once the invoices held by the other
    dossiers are known (X07 runs across the sheet, in row order), their judgement (`judge`).
    """

    dossiers: list[Dossier]
    findings: tuple[Finding, ...]  # the sheet-wide ones, found before any dossier is judged
    lines_of: dict[str, list[ExpenseLine]]
    payments_of: dict[str, list[Payment]]
    owners: dict[str, Dossier]
    params_of: dict[int, Parameters]
    duplicated: dict[int, tuple[Finding, ...]]
    # The linked lines in the sheet's order (by row; as linked where rows tie), and each one's
    # place in it, by id: an invoice counts on its first line in this order (X07).
    ordered: list[ExpenseLine]
    order: dict[int, int]
    # What each dossier's row alone gives, by id, where found before (`on_their_own`).
    alone: Mapping[int, OnItsOwn]

    def _own(self, dossier: Dossier) -> str | None:
        """The key of the lines and payments `dossier` owns; None: it owns none (F06, or no
        number)."""
        number = "" if dossier.numero is None else dossier_key(dossier.numero)
        return number if self.owners.get(number) is dossier else None

    def assess(self, start: int, stop: int) -> Assessed:
        """The lines of the dossiers `start` to `stop` (excluded) checked, and what they hold."""
        lines_of: dict[str, list[tuple[LineResult, InvoiceKey | None, int]]] = {}
        held: dict[InvoiceKey, int] = {}
        order = self.order
        for dossier in self.dossiers[start:stop]:
            key = self._own(dossier)
            owned = self.lines_of.get(key) if key is not None else None
            if key is None or not owned:
                continue
            params = self.params_of[id(dossier)]
            checked = []
            for result in assess_lines(dossier, owned, params):
                invoice, place = invoice_key(result, params), order[id(result.line)]
                checked.append((result, invoice, place))
                if invoice is not None and place < held.get(invoice, place + 1):
                    held[invoice] = place
            lines_of[key] = checked
        return Assessed(start, stop, lines_of, held)

    def judge(
        self, assessed: Assessed, others: Mapping[InvoiceKey, int] | None = None
    ) -> list[DossierResult]:
        """The results of the dossiers `assessed` covers, in order. `others`: the invoices held
        by the sheet's other dossiers (`Assessed.held` of the rest), for X07."""
        others = others or {}
        results = []
        for dossier in self.dossiers[assessed.start : assessed.stop]:
            key = self._own(dossier)
            params = self.params_of[id(dossier)]
            lines = [
                self._counted(checked, assessed.held, others)
                for checked in (assessed.lines_of.get(key, []) if key is not None else [])
            ]
            results.append(
                judge_dossier(
                    dossier,
                    lines,
                    self.payments_of.get(key, []) if key is not None else [],
                    params,
                    duplicated=self.duplicated.get(id(dossier), ()),
                    own=self.alone.get(id(dossier)),
                )
            )
        return results

    def _counted(
        self,
        checked: tuple[LineResult, InvoiceKey | None, int],
        held: Mapping[InvoiceKey, int],
        others: Mapping[InvoiceKey, int],
    ) -> LineResult:
        """X07 on a line: a copy of an invoice held by a line before it in the sheet."""
        result, invoice, place = checked
        if invoice is None:
            return result
        first = min(held.get(invoice, place), others.get(invoice, place))
        return result if first == place else duplicate_of(result, self.ordered[first])


def stage_quarter(
    dossiers: Iterable[Dossier],
    lines: Iterable[ExpenseLine],
    payments: Iterable[Payment],
    programme: Programme,
    dossiers_sheet: bool = True,
    alone: Mapping[int, OnItsOwn] | None = None,
) -> StagedQuarter:
    """The rules across rows of a workbook, before its dossiers are checked (`assess_quarter`).

    `alone`: what the rows of `dossiers` alone give (`on_their_own`), found while the other
    sheets were read, by id; each is taken where found under the parameters the dossier is
    judged by (the same `Programme.at` snapshot), else found again."""
    found: list[Finding] = []
    dossier_list = list(dossiers)
    rows: dict[str, list[Dossier]] = {}
    for dossier in dossier_list:
        if dossier.numero is None:
            found += dossier.require("numero")
            continue
        rows.setdefault(dossier_key(dossier.numero), []).append(dossier)
    # SPEC 2: rows sharing one N° dossier are all unpaid; their lines and payments unassigned.
    duplicated = {
        id(d): _duplicate(d, same) for same in rows.values() if len(same) > 1 for d in same
    }
    owners = {key: same[0] for key, same in rows.items() if len(same) == 1}

    lines_of = _link(lines, owners, rows, found, dossiers_sheet)
    payments_of = _link(payments, owners, rows, found, dossiers_sheet)

    params_of = {
        id(d): params
        for d, params in zip(dossier_list, _parameters(dossier_list, programme), strict=True)
    }
    # Each dossier's lines in the sheet's order too (as given where rows tie).
    for owned in lines_of.values():
        owned.sort(key=_row)
    ordered = sorted((line for owned in lines_of.values() for line in owned), key=_row)
    order = {id(line): place for place, line in enumerate(ordered)}
    return StagedQuarter(
        dossier_list, tuple(found), lines_of, payments_of, owners, params_of, duplicated,
        ordered, order, alone or {},
    )  # fmt: skip


def on_their_own(dossiers: Sequence[Dossier], programme: Programme) -> dict[int, OnItsOwn]:
    """What each dossier's row alone gives (`dossier.on_its_own`), by id, under the parameters
    `stage_quarter` judges it by: found while the sheet of lines is still being parsed."""
    return {
        id(d): on_its_own(d, params)
        for d, params in zip(dossiers, _parameters(dossiers, programme), strict=True)
    }


def _parameters(dossiers: Sequence[Dossier], programme: Programme) -> list[Parameters]:
    """Each dossier's parameters, those in force on its filing date, found once a date."""
    on_day: dict[date | None, Parameters] = {}
    for d in dossiers:
        if d.date_depot not in on_day:
            on_day[d.date_depot] = parameters_for(d, programme)
    return [on_day[d.date_depot] for d in dossiers]


def _row(line: ExpenseLine) -> int:
    return line.row or 0


def _duplicate(dossier: Dossier, same: Sequence[Dossier]) -> tuple[Finding, ...]:
    """F06 on one of the rows that share a N° dossier, naming the others."""
    others = [
        f"{where.sheet}!{where.cell}" if where.cell else f"ligne {other.row}"
        for other in same
        if other is not dossier
        for where in (other.at("numero"),)
    ]
    return (
        finding(
            "F06",
            dossier.at("numero"),
            dossier.numero,
            found=str(dossier.numero),
            others=", ".join(others),
        ),
    )


def _link(
    records: Iterable[R],
    owners: dict[str, Dossier],
    rows: dict[str, list[Dossier]],
    found: list[Finding],
    report_unknown: bool = True,
) -> dict[str, list[R]]:
    """Each line or payment under its dossier's key; X06 when no dossier has its number.

    The number is matched ignoring case and outer spaces, with an F05 warning when the case
    differs (SPEC 2). A record of a number on several rows (F06) stays unassigned.
    """
    linked: dict[str, list[R]] = {}
    for record in records:
        number = record.dossier
        if number is None:
            found += record.require("dossier")
            continue
        key = dossier_key(number)
        if key not in rows:
            if report_unknown:
                found.append(finding("X06", record.at("dossier"), number, found=number))
            continue
        owner = owners.get(key)
        if owner is None:
            continue
        if owner.numero != number:
            found.append(
                finding(
                    "F05",
                    record.at("dossier"),
                    owner.numero,
                    column=record.header("dossier"),
                    note=f"saisi « {number} », lu {owner.numero} (dossier de la feuille Dossiers)",
                )
            )
        linked.setdefault(key, []).append(record)
    return linked
