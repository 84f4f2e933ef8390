"""The checks across quarters (R01-R05): a file against the register's earlier quarters.

Pure functions of the file's snapshot and of the earlier files: the register's transaction reads
them, these decide. Each message names the earlier quarter, file and cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from xl_idf import french
from xl_idf.catalogue import finding
from xl_idf.dossier import parameters_on
from xl_idf.findings import Finding, Location
from xl_idf.money import ZERO
from xl_idf.payments import NOTHING, Instalments, schedule_payments
from xl_idf.programme import Parameters, Programme
from xl_idf.registre.snapshot import DossierRow, LineRow, PaymentRow, Snapshot

LineKey = tuple[str | None, str | None, str | None]


@dataclass(frozen=True)
class Past:
    """One file of an earlier quarter, as the register holds it (the version in force)."""

    quarter: str
    name: str
    dossiers: tuple[DossierRow, ...]
    lines: tuple[LineRow, ...]
    payments: tuple[PaymentRow, ...]

    def place(self, row: DossierRow | LineRow | PaymentRow) -> str:
        """Where a row stood, for a message: file, sheet and cell."""
        return f"{self.name}, {row.sheet}!{row.cell}"


def across_quarters(
    snapshot: Snapshot, quarter: str, pasts: Sequence[Past], programme: Programme
) -> list[Finding]:
    """Every R finding of a file of `quarter` against the earlier quarters' files."""
    ordered = sorted(pasts, key=lambda p: p.quarter)
    found: list[Finding] = []
    owners = {d.number_key: d for d in snapshot.dossiers}
    found += _lines_changed(snapshot, ordered, owners)
    found += _invoices_again(snapshot, ordered)
    found += _caps_over_quarters(snapshot, quarter, ordered, owners, programme)
    found += _payments_changed(snapshot, ordered, owners)
    found += _dossiers_changed(snapshot, ordered)
    return found


def _key(line: LineRow) -> LineKey:
    return (line.dossier_key, line.provider_key, line.invoice_key)


def _latest(
    pasts: Iterable[Past], owners: dict[str, DossierRow]
) -> dict[LineKey, tuple[Past, LineRow]]:
    """The latest earlier version of each line of the file's dossiers."""
    latest: dict[LineKey, tuple[Past, LineRow]] = {}
    for past in pasts:
        for line in past.lines:
            if line.dossier_key in owners and line.invoice_key:
                latest[_key(line)] = (past, line)
    return latest


def _what(line: LineRow) -> str:
    """A line's days and amount, as a message writes them."""
    days = "jours ?" if line.days is None else french.days(line.days)
    amount = "montant ?" if line.amount is None else french.eur(line.amount)
    return f"{days}, {amount}"


def _lines_changed(
    snapshot: Snapshot, pasts: Sequence[Past], owners: dict[str, DossierRow]
) -> list[Finding]:
    """R01: a line justified in an earlier quarter is missing from the file, or changed."""
    here = {_key(line): line for line in snapshot.lines if line.invoice_key}
    found = []
    for key, (past, before) in _latest(pasts, owners).items():
        if not before.justified:
            continue
        now = here.get(key)
        owner = owners[str(key[0])]
        if now is None:
            change, where = "absente de ce fichier", Location(owner.sheet, owner.cell)
        elif (now.days, now.amount) != (before.days, before.amount):
            change, where = f"{_what(now)} dans ce fichier", Location(now.sheet, now.cell)
        elif not now.justified:
            change, where = (
                "plus justifiée dans ce fichier (exclue ou sans acquittement)",
                Location(now.sheet, now.cell),
            )
        else:
            continue
        found.append(
            finding(
                "R01", where, owner.number, invoice=str(before.invoice),
                provider=str(before.provider), quarter=past.quarter, place=past.place(before),
                before=_what(before), now=change,
            )
        )  # fmt: skip
    return found


def _invoices_again(snapshot: Snapshot, pasts: Sequence[Past]) -> list[Finding]:
    """R02: an invoice of the file already claimed earlier under another dossier or provider."""
    earlier: dict[str, list[tuple[Past, LineRow]]] = {}
    for past in pasts:
        for line in past.lines:
            if line.invoice_key and not line.excluded:
                earlier.setdefault(line.invoice_key, []).append((past, line))
    found = []
    for line in snapshot.lines:
        if line.excluded or not line.invoice_key:
            continue
        for past, before in earlier.get(line.invoice_key, []):
            if (before.provider_key, before.dossier_key) != (line.provider_key, line.dossier_key):
                found.append(
                    finding(
                        "R02", Location(line.sheet, line.cell), line.dossier,
                        invoice=str(line.invoice), quarter=past.quarter,
                        provider=str(before.provider), other=str(before.dossier),
                        place=past.place(before),
                    )
                )  # fmt: skip
                break
    return found


def _caps_over_quarters(
    snapshot: Snapshot,
    quarter: str,
    pasts: Sequence[Past],
    owners: dict[str, DossierRow],
    programme: Programme,
) -> list[Finding]:
    """R03: the journey's caps over every quarter: the lines of all files, each once."""
    union: dict[LineKey, tuple[str, LineRow]] = {
        key: (past.quarter, line) for key, (past, line) in _latest(pasts, owners).items()
    }
    # The file's own lines (quarter "") replace their earlier versions.
    for line in snapshot.lines:
        if line.invoice_key and line.dossier_key in owners:
            union[_key(line)] = ("", line)
    found = []
    for number_key, owner in owners.items():
        mine = [(quarter, line) for (key, _, _), (quarter, line) in union.items()
                if key == number_key and line.justified]  # fmt: skip
        here = [line for quarter, line in mine if quarter == ""]
        if len(here) == len(mine):
            continue  # nothing but the file's own lines: the file's rules have capped them
        params = parameters_on(owner.filed_on, programme)
        # From the dossier's first quarter in the register (or its first line's, at least).
        seen = {p.quarter for p in pasts if any(d.number_key == number_key for d in p.dossiers)}
        first = min(seen | {q for q, _ in mine if q})
        quarters = f"{first} à {quarter}"
        lines = [line for _, line in mine]
        spent = sum((line.eligible for line in lines), ZERO)
        days2 = sum((line.days or ZERO for line in lines if line.phase == 2), Decimal(0))
        overruns = []
        if spent > params.total_cap:
            overruns.append((
                "dépenses justifiées retenues", french.eur(spent), french.eur(params.total_cap),
                french.eur(spent - params.total_cap),
            ))  # fmt: skip
        if days2 > params.phase2_max_days:
            overruns.append((
                "jours justifiés en phase 2", french.days(days2),
                french.days(params.phase2_max_days),
                french.days(days2 - params.phase2_max_days),
            ))  # fmt: skip
        if not overruns:
            continue
        where = Location(owner.sheet, owner.cell)
        due = _journey_due(owner, lines, params)
        for what, total, cap, excess in overruns:
            found.append(
                finding(
                    "R03", where, owner.number, quarters=quarters, what=what, found=total,
                    cap=cap, excess=excess, journey=french.eur(due.total),
                    file=french.eur(owner.due.total),
                )
            )  # fmt: skip
    return found


def _journey_due(owner: DossierRow, lines: Sequence[LineRow], params: Parameters) -> Instalments:
    """What is due on the journey's justified lines of every quarter, each once: the core's own
    payment rules (P01-P04, the phase and journey caps) on their sums, as within one file."""
    if not owner.counts:
        return NOTHING
    advance = owner.paid.advance_phase2
    schedule = schedule_payments(
        owner.subsidy_phase1,
        owner.subsidy_phase2,
        sum((line.eligible for line in lines if line.phase == 1), ZERO),
        sum((line.eligible for line in lines if line.phase == 2), ZERO),
        sum((line.days or ZERO for line in lines), ZERO),
        params,
        recorded_advance=advance if advance > 0 else None,
    )
    return schedule.due


def _payments_changed(
    snapshot: Snapshot, pasts: Sequence[Past], owners: dict[str, DossierRow]
) -> list[Finding]:
    """R04: a payment recorded in an earlier quarter missing from the file, or of another amount."""
    latest: dict[tuple[str | None, str | None, date | None], tuple[Past, PaymentRow]] = {}
    for past in pasts:
        for payment in past.payments:
            if payment.dossier_key in owners and payment.amount is not None:
                latest[(payment.dossier_key, payment.kind, payment.paid_on)] = (past, payment)
    here = {(p.dossier_key, p.kind, p.paid_on): p for p in snapshot.payments}
    found = []
    for key, (past, before) in latest.items():
        owner = owners[str(key[0])]
        now = here.get(key)
        if now is None:
            change, where = "absent de ce fichier", Location(owner.sheet, owner.cell)
        elif now.amount != before.amount:
            amount = "montant illisible" if now.amount is None else french.eur(now.amount)
            change, where = f"{amount} dans ce fichier", Location(now.sheet, now.cell)
        else:
            continue
        found.append(
            finding(
                "R04", where, owner.number, kind=str(before.kind),
                day=french.day(before.paid_on) if before.paid_on else "?",
                quarter=past.quarter, place=past.place(before),
                before=french.eur(before.amount or ZERO), now=change,
            )
        )  # fmt: skip
    return found


def _dossiers_changed(snapshot: Snapshot, pasts: Sequence[Past]) -> list[Finding]:
    """R05: a dossier's SIRET, category or provider changed; its SIRET under a new number."""
    last: dict[str, tuple[Past, DossierRow]] = {}
    by_siret: dict[str, tuple[Past, DossierRow]] = {}
    for past in pasts:
        for row in past.dossiers:
            last[row.number_key] = (past, row)
            if row.siret:
                by_siret[row.siret] = (past, row)
    found = []
    for row in snapshot.dossiers:
        where = Location(row.sheet, row.cell)
        if row.number_key in last:
            past, before = last[row.number_key]
            for what, old, new in (
                (f"SIRET du dossier « {row.number} »", before.siret, row.siret),
                (f"Catégorie du dossier « {row.number} »", before.category, row.category),
                (f"Prestataire du dossier « {row.number} »", before.provider, row.provider),
            ):
                if old != new:
                    found.append(
                        finding(
                            "R05", where, row.number, what=what, before=str(old or ""),
                            now=str(new or ""), quarter=past.quarter, place=past.place(before),
                        )
                    )  # fmt: skip
        elif row.siret in by_siret:
            past, before = by_siret[row.siret]
            found.append(
                finding(
                    "R05", where, row.number, what=f"N° dossier de l'entreprise {row.siret}",
                    before=before.number, now=row.number, quarter=past.quarter,
                    place=past.place(before),
                )
            )  # fmt: skip
    return found
