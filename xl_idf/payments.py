"""Payments on justified expenses (P01-P06): planned, due, paid and remaining, per instalment.

[§Modalités de versement]: payment is in proportion to justified expenses, once at least the
minimum length of service is justified; phase 1 is paid once at its end; phase 2 gets an advance
of at most a share of its subsidy, then the balance at its end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from xl_idf import french
from xl_idf.catalogue import finding
from xl_idf.findings import NOWHERE, Finding, Location
from xl_idf.money import ZERO, share
from xl_idf.programme import Parameters
from xl_idf.records import Payment, PaymentType
from xl_idf.subsidy import Bases, phase_bases


@dataclass(frozen=True)
class Instalments:
    """One amount per instalment: phase 1, phase 2 advance, phase 2 balance."""

    phase1: Decimal
    advance_phase2: Decimal
    balance_phase2: Decimal

    @property
    def total(self) -> Decimal:
        """All three instalments together."""
        return self.phase1 + self.advance_phase2 + self.balance_phase2

    def minus(self, other: Instalments) -> Instalments:
        """Instalment by instalment, this less `other` (what remains: due less paid)."""
        return Instalments(
            self.phase1 - other.phase1,
            self.advance_phase2 - other.advance_phase2,
            self.balance_phase2 - other.balance_phase2,
        )

    def items(self) -> tuple[tuple[PaymentType, Decimal], ...]:
        """Each instalment with the payment type it is recorded under."""
        return (
            (PaymentType.PHASE1, self.phase1),
            (PaymentType.ADVANCE_PHASE2, self.advance_phase2),
            (PaymentType.BALANCE_PHASE2, self.balance_phase2),
        )


NOTHING = Instalments(ZERO, ZERO, ZERO)


def planned_schedule(
    subsidy_phase1: Decimal, subsidy_phase2: Decimal, params: Parameters
) -> Instalments:
    """The schedule planned on the quote: phase 1, the largest advance, then the balance."""
    advance = share(params.phase2_advance_max_rate, subsidy_phase2)
    return Instalments(subsidy_phase1, advance, subsidy_phase2 - advance)


@dataclass(frozen=True)
class Schedule:
    """The payments due to date on the justified bases (P01-P04), with their findings."""

    phase1: Decimal
    advance_phase2: Decimal
    balance_phase2: Decimal
    justified: Bases
    findings: tuple[Finding, ...]

    @property
    def total(self) -> Decimal:
        """Everything the schedule pays (a negative balance is a reimbursement)."""
        return self.phase1 + self.advance_phase2 + self.balance_phase2

    @property
    def due(self) -> Instalments:
        """The three amounts due, as instalments."""
        return Instalments(self.phase1, self.advance_phase2, self.balance_phase2)


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
    """P01-P04: phase 1 payment, phase 2 advance and balance due [§Modalités de versement].

    `justified_phase1`/`justified_phase2` are the eligible amounts of each phase's paid lines,
    after their own caps; the phase caps apply here, so a cell and the report agree. Phase 2
    has begun once it has a justified amount or a recorded advance (SPEC 3).
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
    begun = justified_phase2 > 0 or (recorded_advance is not None and recorded_advance > 0)
    if justified_days < params.min_days:
        # Nothing is due on justified expenses yet; an advance recorded was paid and stays.
        advance = recorded_advance if recorded_advance is not None else ZERO
        found.append(
            finding(
                "P01",
                at,
                dossier,
                found=french.days(justified_days),
                expected=french.days(params.min_days),
                advance=f"versé {french.eur(advance)} conservé"
                if recorded_advance is not None
                else "à 0",
            )
        )
        return Schedule(ZERO, advance, ZERO, bases, tuple(found))

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
    # A recorded advance is the advance due (it was paid); else the planned one, once begun.
    advance = recorded_advance if recorded_advance is not None else (max_advance if begun else ZERO)
    balance = ZERO
    if begun:
        due_phase2 = min(subsidy_phase2, share(params.phase2_rate, bases.phase2))
        balance = due_phase2 - advance
        if balance < 0:
            paid = recorded_advance is not None
            found.append(
                finding(
                    "P04",
                    at,
                    dossier,
                    found=french.eur(balance),
                    due=french.eur(due_phase2),
                    advance=("acompte versé " if paid else "acompte prévu, non versé, ")
                    + french.eur(advance),
                    consequence=(
                        f"trop-perçu de {french.eur(-balance)} à reverser si la phase 2 s'arrête là"
                        if paid
                        else "l'acompte prévu dépasserait ce qui est justifié à ce jour ; rien "
                        "n'a été versé, rien n'est à reverser"
                    ),
                )
            )
    return Schedule(phase1, advance, balance, bases, tuple(found))


@dataclass(frozen=True)
class Recorded:
    """The payments already recorded for a dossier (sheet Versements), per type."""

    phase1: Decimal
    advance_phase2: Decimal | None
    balance_phase2: Decimal
    counts: Mapping[PaymentType, int] = field(default_factory=dict)

    @property
    def phase1_count(self) -> int:
        """How many phase 1 payments were recorded (SPEC: one)."""
        return self.counts.get(PaymentType.PHASE1, 0)

    @property
    def phase2(self) -> Decimal:
        """Advance and balance of phase 2 together."""
        return (self.advance_phase2 or ZERO) + self.balance_phase2

    @property
    def paid(self) -> Instalments:
        """What was paid, instalment by instalment."""
        return Instalments(self.phase1, self.advance_phase2 or ZERO, self.balance_phase2)


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
        advance_phase2=sums[PaymentType.ADVANCE_PHASE2]
        if counts[PaymentType.ADVANCE_PHASE2]
        else None,
        balance_phase2=sums[PaymentType.BALANCE_PHASE2],
        counts=counts,
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


def check_paid_beyond_due(
    recorded: Recorded,
    due: Instalments,
    places: Mapping[PaymentType, Location],
    dossier: str | None = None,
) -> tuple[Finding, ...]:
    """P06: an instalment with a recorded payment whose paid amount exceeds its due amount.

    A negative remaining with nothing recorded on it is P04's (a balance below zero).
    """
    found: list[Finding] = []
    paid = recorded.paid
    for (kind, owed), (_, given) in zip(due.items(), paid.items(), strict=True):
        if recorded.counts.get(kind, 0) and given > owed:
            found.append(
                finding(
                    "P06",
                    places.get(kind, NOWHERE),
                    dossier,
                    what=str(kind),
                    paid=french.eur(given),
                    due=french.eur(owed),
                    remaining=french.eur(owed - given),
                )
            )
    return tuple(found)
