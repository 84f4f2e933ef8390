"""A quarter's workbook assessed whole: the checks across rows, then every dossier.

The sheet-wide rules are here: a dossier number used on several rows (F06), a line or a payment
whose dossier does not exist (X06) or is written in another case (F05), an invoice entered twice
(X07, across the dossiers of the sheet, in row order: each slice of the dossiers says which
invoices its lines hold, so that slices can be checked apart and still agree).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar, cast, overload

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
    # place in it, by id: an invoice counts on its first line in this order (X07). Where this
    # process holds only some of the lines (`Places`), a place of the others gives a line
    # standing in for it, at its row.
    ordered: Sequence[ExpenseLine]
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


@dataclass(frozen=True)
class Places:
    """The places of the sheet's linked lines in its order (`StagedQuarter.order`), for a
    process that holds only some of them: each one's place by its row, and each place's row."""

    of_row: Mapping[int, int]
    rows: Sequence[int]


def stage_quarter(
    dossiers: Iterable[Dossier],
    lines: Iterable[ExpenseLine],
    payments: Iterable[Payment],
    programme: Programme,
    dossiers_sheet: bool = True,
    alone: Mapping[int, OnItsOwn] | None = None,
    sheet_wide: bool = True,
    places: Places | None = None,
) -> StagedQuarter:
    """The rules across rows of a workbook, before its dossiers are checked (`assess_quarter`).

    `alone`: what the rows of `dossiers` alone give (`on_their_own`), found while the other
    sheets were read, by id; each is taken where found under the parameters the dossier is
    judged by (the same `Programme.at` snapshot), else found again.

    `lines` may be some of the sheet's only, the others staged in another process: `places`
    then gives the linked lines' places in the whole sheet's order (`split_lines`), and
    `sheet_wide` False keeps only the findings of these lines, the dossiers' and payments'
    being the other process's to give."""
    found: list[Finding] = []
    dossier_list = list(dossiers)
    rows: dict[str, list[Dossier]] = {}
    for dossier in dossier_list:
        if dossier.numero is None:
            if sheet_wide:
                found += dossier.require("numero")
            continue
        rows.setdefault(dossier_key(dossier.numero), []).append(dossier)
    # SPEC 2: rows sharing one N° dossier are all unpaid; their lines and payments unassigned.
    duplicated = {
        id(d): _duplicate(d, same) for same in rows.values() if len(same) > 1 for d in same
    }
    owners = {key: same[0] for key, same in rows.items() if len(same) == 1}

    lines_of = _link(lines, owners, rows, found, dossiers_sheet)
    payments_of = _link(payments, owners, rows, found if sheet_wide else [], dossiers_sheet)

    params_of = {
        id(d): params
        for d, params in zip(dossier_list, _parameters(dossier_list, programme), strict=True)
    }
    # Each dossier's lines in the sheet's order too (as given where rows tie).
    for owned in lines_of.values():
        owned.sort(key=_row)
    mine = sorted((line for owned in lines_of.values() for line in owned), key=_row)
    ordered: Sequence[ExpenseLine] = mine
    order = {id(line): place for place, line in enumerate(mine)}
    if places is not None:
        order = {id(line): places.of_row[cast(int, line.row)] for line in mine}
        ordered = _Ordered(places, {order[id(line)]: line for line in mine})
    return StagedQuarter(
        dossier_list, tuple(found), lines_of, payments_of, owners, params_of, duplicated,
        ordered, order, alone or {},
    )  # fmt: skip


class _Ordered(Sequence[ExpenseLine]):
    """The sheet's linked lines by place, this process holding only some of them: another's
    place gives a line standing in for it, at its row (what X07 says of where it is)."""

    def __init__(self, places: Places, mine: dict[int, ExpenseLine]) -> None:
        self.places, self.mine = places, mine

    def __len__(self) -> int:
        return len(self.places.rows)

    @overload
    def __getitem__(self, place: int) -> ExpenseLine: ...
    @overload
    def __getitem__(self, place: slice) -> Sequence[ExpenseLine]: ...
    def __getitem__(self, place: int | slice) -> ExpenseLine | Sequence[ExpenseLine]:
        if isinstance(place, slice):
            return [self[at] for at in range(len(self))[place]]
        line = self.mine.get(place)
        if line is not None:
            return line
        row, like = self.places.rows[place], next(iter(self.mine.values()))
        # Its cells are a line's of this process, in its row (the same columns).
        cells = {name: cell.rstrip("0123456789") + str(row) for name, cell in like.cells.items()}
        return replace(like, row=row, cells=cells)


def split_lines(
    dossiers: Sequence[Dossier], numbers: Sequence[object], rows: Sequence[int], half: int
) -> tuple[list[int], list[int], Places]:
    """The sheet's lines shared between two processes, each staging and checking its own:
    the indices of those of the first (the lines of the dossiers before `half`, and those of
    no single dossier, which the sheet-wide rules report), those of the second (the lines of
    the dossiers from `half` on), and the places of the linked lines in the sheet's order. From
    each non-blank line's typed dossier number and Excel row, in the sheet's order: a line is
    linked when one dossier only has its number (SPEC 2), as `stage_quarter` links them."""
    keyed: dict[str, list[int]] = {}
    for at, dossier in enumerate(dossiers):
        if dossier.numero is not None:
            keyed.setdefault(dossier_key(dossier.numero), []).append(at)
    owner = {key: ats[0] for key, ats in keyed.items() if len(ats) == 1}
    first: list[int] = []
    second: list[int] = []
    linked: list[int] = []
    owner_of: dict[object, int | None] = {}  # by number as typed: each dossier's lines repeat it
    for at, (number, row) in enumerate(zip(numbers, rows, strict=True)):
        if number in owner_of:
            index = owner_of[number]
        else:
            index = owner.get(dossier_key(number)) if isinstance(number, str) else None
            owner_of[number] = index
        if index is not None:
            linked.append(row)
        (second if index is not None and index >= half else first).append(at)
    return first, second, Places({row: place for place, row in enumerate(linked)}, linked)


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
