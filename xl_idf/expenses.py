"""Expense lines (X01-X10): which invoices count, and for how much.

[§Dépenses concernées]: consulting expenses performed and invoiced by a referenced provider, in
the region, capped per day of service, dated within the programme, and paid ("acquittées").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from xl_idf import french
from xl_idf.catalogue import finding
from xl_idf.decisions import JUSTIFIED
from xl_idf.findings import Finding, Severity
from xl_idf.money import ZERO, cents_down
from xl_idf.programme import Parameters
from xl_idf.providers import match_provider, name_key, suggestion
from xl_idf.records import ExpenseLine
from xl_idf.slots import maker
from xl_idf.values import fold_once


@dataclass(frozen=True, slots=True)
class LineResult:
    """What one expense line counts for, with the findings that explain it."""

    line: ExpenseLine
    capped: Decimal
    excluded: bool
    findings: tuple[Finding, ...]

    @property
    def eligible(self) -> Decimal:
        """The capped amount, or zero for an excluded line."""
        return ZERO if self.excluded else self.capped

    @property
    def justified(self) -> bool:
        """Counted for payments: paid (it has a date d'acquittement) and not excluded."""
        paid = self.line.date_acquittement is not None
        return JUSTIFIED.holds({"paid": paid, "counts": not self.excluded})


def capped_amount(montant_ht: Decimal, jours: Decimal, params: Parameters) -> Decimal:
    """X02: min(amount excl. tax, daily cap x days), to the cent [§Dépenses concernées]."""
    return cents_down(min(montant_ht, params.daily_cap * jours))


def assess_line(
    line: ExpenseLine, params: Parameters, dossier_provider: str | None = None
) -> LineResult:
    """X01-X05, X08-X10 on one line; `dossier_provider` is the provider of its dossier.

    SPEC 2: a line whose days or amount cannot be read or is below zero counts for nothing
    (excluded, with its F code); a dossier's line also needs its phase and invoice number
    (`xl_idf.dossier`).
    """
    line, negatives = line.screened()
    found: list[Finding] = list(negatives)
    num = line.dossier
    # Each blank value is F07 (unless the reader already refused it), in the columns' order.
    amount, days = line.montant_ht, line.jours
    if amount is None:
        found += line.require("montant_ht")
    if days is None:
        found += line.require("jours")
    capped = ZERO
    if amount is not None and days is not None:
        for name, value in (("jours", days), ("montant_ht", amount)):
            if value == 0:
                found.append(
                    finding(
                        "X05", line.at(name), num, column=line.label(name),
                        found=french.number(value),
                    )
                )  # fmt: skip
        if days > 0 and amount > 0:
            capped = capped_amount(amount, days, params)
            if capped < amount:
                found.append(
                    finding(
                        "X02", line.at("montant_ht"), num, amount=french.eur(amount),
                        days=french.days(days), cap=french.eur(params.daily_cap),
                        capped=french.eur(capped),
                    )
                )  # fmt: skip

    written = line.prestataire
    if written is None:
        found += line.require("prestataire")
    else:
        provider = match_provider(written, params)
        if provider is None:
            found.append(
                finding(
                    "X01", line.at("prestataire"), num, found=str(written),
                    suggestion=suggestion(str(written), params),
                )
            )  # fmt: skip
        elif dossier_provider is not None and provider != dossier_provider:
            found.append(
                finding(
                    "X08", line.at("prestataire"), num, found=str(written),
                    expected=dossier_provider,
                )
            )  # fmt: skip

    if line.date_prestation is None:
        found += line.require("date_prestation")
    for name, what, when in (
        ("date_prestation", "Prestation réalisée", line.date_prestation),
        ("date_facture", "Facturée", line.date_facture),
    ):
        if when is None:
            continue
        if when > params.last_expense_date:
            found.append(
                finding(
                    "X03", line.at(name), num, what=what, found=french.day(when),
                    limit=french.day(params.last_expense_date),
                )
            )  # fmt: skip
        elif when < params.period_start:
            found.append(
                finding(
                    "X09", line.at(name), num, what=what, found=french.day(when),
                    start=french.day(params.period_start),
                )
            )  # fmt: skip

    department = line.departement_prestation
    if department is None:
        found += line.require("departement_prestation")
    elif department not in params.region_departments:
        found.append(
            finding(
                "X04", line.at("departement_prestation"), num, found=str(department),
                region=params.region_name,
            )
        )  # fmt: skip

    excluded = bool(line.unreadable) or any(
        f.code in _EXCLUDING or f.severity is Severity.ERROR for f in found
    )
    if line.date_acquittement is None and not excluded:
        found.append(finding("X10", line.at("date_acquittement"), num))
    return _line_result(line, capped, excluded, tuple(found))


# Made for every line of a sheet: its slots set directly (`xl_idf.slots`).
_line_result = maker(LineResult)

# Warnings that still exclude the line: the programme does not count such expenses.
_EXCLUDING = frozenset({"X03", "X09"})


def mark_duplicates(
    results: Iterable[LineResult], params: Parameters, seen: dict[tuple[str, str], LineResult]
) -> list[LineResult]:
    """X07: an invoice (provider + number) counts once; later copies are excluded.

    Only a line that counts holds its number (SPEC 3, X07): a line already excluded for another
    reason (X01, X03-X05, X09, F04, F07, F08) does not, so its corrected copy counts. `seen`
    carries the numbers already held, across the dossiers of a sheet.
    """
    return [mark_duplicate(result, params, seen) for result in results]


def mark_duplicate(
    result: LineResult, params: Parameters, seen: dict[tuple[str, str], LineResult]
) -> LineResult:
    """X07 on one line, the lines before it in the sheet's order already in `seen`."""
    key = invoice_key(result, params)
    if key is None:
        return result
    first = seen.setdefault(key, result)
    return result if first is result else duplicate_of(result, first.line)


# An invoice, as X07 (in a sheet) and C01 (across files) know it: who issued it, however
# spelled (Top-Tech, TOPTECH: its provider's name key), and its folded number.
InvoiceKey = tuple[str, str]


def invoice_of(provider: str | None, number: str) -> InvoiceKey:
    """The key of the invoice `number` of `provider`."""
    return (name_key(provider or ""), fold_once(number))


def invoice_key(result: LineResult, params: Parameters) -> InvoiceKey | None:
    """The invoice a line holds for X07, or None: an excluded line, or one without a number,
    holds none (SPEC 3, X07)."""
    line = result.line
    if result.excluded or line.numero_facture is None:
        return None
    return invoice_of(line.prestataire, line.numero_facture)


def duplicate_of(result: LineResult, first: ExpenseLine) -> LineResult:
    """X07: the line, a copy of the invoice that `first` holds (before it in the sheet),
    excluded."""
    line = result.line
    duplicate = finding(
        "X07",
        line.at("numero_facture"),
        line.dossier,
        invoice=str(line.numero_facture),
        provider=str(line.prestataire),
        first=_place(first),
    )
    # The copy is excluded: its own "not yet paid" note no longer applies.
    kept = tuple(f for f in result.findings if f.code != "X10")
    return LineResult(line, result.capped, excluded=True, findings=(*kept, duplicate))


def _place(line: ExpenseLine) -> str:
    """Where a line stands, for a message: its cell, or its row, or 'une autre ligne'."""
    where = line.at("numero_facture")
    if where.cell:
        return f"{where.sheet}!{where.cell}"
    return f"ligne {line.row}" if line.row else "une autre ligne"
