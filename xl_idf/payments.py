"""Payments on justified expenses (P01-P05): what is due to the company, and when.

[§Modalités de versement]: payment is in proportion to justified expenses, once at least the
minimum length of service is justified; phase 1 is paid once at its end; phase 2 gets an advance
of at most a share of its subsidy, then the balance at its end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from xl_idf import french
from xl_idf.catalogue import finding
from xl_idf.findings import NOWHERE, Finding, Location
from xl_idf.money import ZERO, share
from xl_idf.programme import Parameters
from xl_idf.records import Payment, PaymentType
from xl_idf.subsidy import Bases, phase_bases


@dataclass(frozen=True)
class Schedule:
    """The payments computed for a dossier, on the justified bases, with their findings."""

    phase1: Decimal
    advance_phase2: Decimal
    balance_phase2: Decimal
    justified: Bases
    findings: tuple[Finding, ...]

    @property
    def total(self) -> Decimal:
        """Everything the schedule pays (a negative balance is a reimbursement)."""
        return self.phase1 + self.advance_phase2 + self.balance_phase2


def schedule_payments(
    subsidy_phase1: Decimal,
    subsidy_phase2: Decimal,
    justified_phase1: Decimal,
    justified_phase2: Decimal,
    justified_days: Decimal,
    params: Parameters,
    recorded_advance: Decimal | None = None,
    at: Location = NOWHERE,
    dossier: str | None = None,
) -> Schedule:
    """P01-P04: phase 1 payment, phase 2 advance and balance [§Modalités de versement].

    `justified_phase1`/`justified_phase2` are the eligible amounts of each phase's paid lines,
    after their own caps; the phase caps apply here, so a cell and the report agree.
    """
    found: list[Finding] = []
    bases = phase_bases(justified_phase1, justified_phase2, params)
    max_advance = share(params.phase2_advance_max_rate, subsidy_phase2)
    if recorded_advance is not None and recorded_advance > max_advance:
        found.append(
            finding(
                "P03",
                at,
                dossier,
                found=french.eur(recorded_advance),
                rate=french.percent(params.phase2_advance_max_rate),
                expected=french.eur(max_advance),
            )
        )
    if justified_days < params.min_days:
        found.append(
            finding(
                "P01",
                at,
                dossier,
                found=french.days(justified_days),
                expected=french.days(params.min_days),
            )
        )
        return Schedule(ZERO, ZERO, ZERO, bases, tuple(found))

    phase1 = min(subsidy_phase1, share(params.phase1_rate, bases.phase1))
    if phase1 < subsidy_phase1:
        found.append(
            finding(
                "P02",
                at,
                dossier,
                found=french.eur(bases.phase1),
                payment=french.eur(phase1),
                subsidy=french.eur(subsidy_phase1),
            )
        )
    advance = max_advance if recorded_advance is None else recorded_advance
    due_phase2 = min(subsidy_phase2, share(params.phase2_rate, bases.phase2))
    balance = due_phase2 - advance
    if balance < 0 and (bases.phase2 > 0 or recorded_advance is not None):
        found.append(
            finding(
                "P04",
                at,
                dossier,
                found=french.eur(-balance),
                due=french.eur(due_phase2),
                advance=("acompte prévu " if recorded_advance is None else "acompte versé ")
                + french.eur(advance),
            )
        )
    return Schedule(phase1, advance, balance, bases, tuple(found))


@dataclass(frozen=True)
class Recorded:
    """The payments already recorded for a dossier (sheet Versements), per type."""

    phase1: Decimal
    phase1_count: int
    advance_phase2: Decimal | None
    balance_phase2: Decimal

    @property
    def phase2(self) -> Decimal:
        """Advance and balance of phase 2 together."""
        return (self.advance_phase2 or ZERO) + self.balance_phase2


def recorded_payments(payments: Iterable[Payment]) -> Recorded:
    """Sum the recorded payments of one dossier by type (blank amounts or types are skipped)."""
    sums = dict.fromkeys(PaymentType, ZERO)
    counts = dict.fromkeys(PaymentType, 0)
    for payment in payments:
        if payment.type is None or payment.montant is None:
            continue
        sums[payment.type] += payment.montant
        counts[payment.type] += 1
    return Recorded(
        phase1=sums[PaymentType.PHASE1],
        phase1_count=counts[PaymentType.PHASE1],
        advance_phase2=sums[PaymentType.ADVANCE_PHASE2]
        if counts[PaymentType.ADVANCE_PHASE2]
        else None,
        balance_phase2=sums[PaymentType.BALANCE_PHASE2],
    )


def check_recorded(
    recorded: Recorded,
    subsidy_phase1: Decimal,
    subsidy_phase2: Decimal,
    at: Location = NOWHERE,
    dossier: str | None = None,
) -> tuple[Finding, ...]:
    """P05: recorded payments never exceed the subsidy, and phase 1 is paid once."""
    found: list[Finding] = []
    if recorded.phase1_count > 1:
        found.append(
            finding(
                "P05",
                at,
                dossier,
                what="Phase 1 versée en plusieurs fois (versement unique)",
                found=f"{recorded.phase1_count} versements",
                expected="1 versement",
            )
        )
    for label, paid, subsidy in (
        ("Versements de la phase 1", recorded.phase1, subsidy_phase1),
        ("Versements de la phase 2", recorded.phase2, subsidy_phase2),
    ):
        if paid > subsidy:
            found.append(
                finding(
                    "P05",
                    at,
                    dossier,
                    what=label,
                    found=french.eur(paid),
                    expected=french.eur(subsidy),
                )
            )
    return tuple(found)
