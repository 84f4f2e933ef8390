"""What the register keeps of one checked file: its dossiers with their amounts, lines, payments.

A snapshot is made in a child process, as the check itself (`xl_idf.isolation`), and holds only
plain values, each with its sheet and cell, so that a later quarter's message can name them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from xl_idf.decisions import JUSTIFIED
from xl_idf.dossier import DossierResult
from xl_idf.money import ZERO
from xl_idf.payments import Instalments
from xl_idf.programme import Programme
from xl_idf.providers import match_provider, name_key
from xl_idf.records import dossier_key
from xl_idf.values import fold


@dataclass(frozen=True)
class DossierRow:
    """A dossier as recorded: who, its outcome, and its four schedules."""

    number: str
    number_key: str
    sheet: str | None
    cell: str | None
    company: str | None
    siret: str | None
    category: str | None
    provider: str | None
    department: str | None
    filed_on: date | None
    eligibility: str
    counts: bool
    subsidy_phase1: Decimal
    subsidy_phase2: Decimal
    de_minimis: Decimal
    planned: Instalments
    due: Instalments
    paid: Instalments
    remaining: Instalments


@dataclass(frozen=True)
class LineRow:
    """An expense line as recorded, with what it counted for."""

    dossier_key: str | None
    dossier: str | None
    sheet: str | None
    cell: str | None
    phase: int | None
    provider: str | None
    provider_key: str | None
    invoice: str | None
    invoice_key: str | None
    service_on: date | None
    paid_on: date | None
    days: Decimal | None
    amount: Decimal | None
    eligible: Decimal
    excluded: bool

    @property
    def justified(self) -> bool:
        """Paid and not excluded: it counts for the payments (SPEC 3), as the core decides it."""
        return JUSTIFIED.holds({"paid": self.paid_on is not None, "counts": not self.excluded})


@dataclass(frozen=True)
class PaymentRow:
    """A payment of the sheet Versements as recorded."""

    dossier_key: str | None
    dossier: str | None
    sheet: str | None
    cell: str | None
    kind: str | None
    paid_on: date | None
    amount: Decimal | None


@dataclass(frozen=True)
class Snapshot:
    """One readable file: its name, digest, source, status, and its rows."""

    name: str
    sha256: str
    source: str
    dossiers: tuple[DossierRow, ...]
    lines: tuple[LineRow, ...]
    payments: tuple[PaymentRow, ...]


def digest(path: Path) -> str:
    """The file's SHA-256: the same bytes are the same file, whatever its name."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def take_snapshot(path: Path, programme: Programme) -> Snapshot | None:
    """Read and assess `path` again, in this process (a child's), for the register.

    None for a file the reader refuses: an unreadable file is not recorded.
    """
    from xl_idf.quarter import assess_quarter
    from xl_idf.safety import screen
    from xl_idf.workbook import WorkbookUnreadable, read_workbook

    screening = screen(path)
    if screening.reason is not None:
        return None
    params = programme.at(programme.reference_day)
    try:
        content = read_workbook(path, params, screening.formula_parts)
    except WorkbookUnreadable:
        return None
    result = assess_quarter(content.dossiers, content.lines, content.payments, programme)
    dossiers = tuple(_dossier(r) for r in result.dossiers if r.dossier.numero)
    assessed = {id(r.line): r for d in result.dossiers for r in d.lines}
    lines = []
    for line in content.lines:
        where = line.at("numero_facture")
        found = assessed.get(id(line))
        lines.append(
            LineRow(
                dossier_key=dossier_key(line.dossier) if line.dossier else None,
                dossier=line.dossier,
                sheet=where.sheet,
                cell=where.cell,
                phase=line.phase,
                provider=line.prestataire,
                provider_key=name_key(line.prestataire) if line.prestataire else None,
                invoice=line.numero_facture,
                invoice_key=fold(line.numero_facture) if line.numero_facture else None,
                service_on=line.date_prestation,
                paid_on=line.date_acquittement,
                days=line.jours,
                amount=line.montant_ht,
                eligible=found.eligible if found else ZERO,
                # A line no dossier owns (X06, F06) counts for nothing.
                excluded=found.excluded if found else True,
            )
        )
    payments = tuple(
        PaymentRow(
            dossier_key=dossier_key(p.dossier) if p.dossier else None,
            dossier=p.dossier,
            sheet=p.at("montant").sheet,
            cell=p.at("montant").cell,
            kind=p.type.value if p.type else None,
            paid_on=p.date_versement,
            amount=p.montant,
        )
        for p in content.payments
    )
    providers = Counter(d.provider for d in dossiers if d.provider)
    source = providers.most_common(1)[0][0] if providers else path.name
    return Snapshot(path.name, digest(path), source, dossiers, tuple(lines), payments)


def _dossier(result: DossierResult) -> DossierRow:
    """A dossier's row: its values and the amounts the core computed."""
    dossier = result.dossier
    where = dossier.at("numero")
    number = dossier.numero or ""
    return DossierRow(
        number=number,
        number_key=dossier_key(number),
        sheet=where.sheet,
        cell=where.cell,
        company=dossier.raison_sociale,
        siret=dossier.siret,
        category=result.category.value if result.category else None,
        provider=match_provider(dossier.prestataire, result.params) or dossier.prestataire,
        department=dossier.departement,
        filed_on=dossier.date_depot,
        eligibility=result.eligibility.value,
        counts=result.counts,
        subsidy_phase1=result.subsidy_phase1,
        subsidy_phase2=result.subsidy_phase2,
        # The part under de minimis actually awarded: none when refused (S06, S07).
        de_minimis=ZERO
        if result.de_minimis.refused or not result.counts
        else result.de_minimis.part,
        planned=result.planned,
        due=result.due,
        paid=result.paid,
        remaining=result.remaining,
    )
