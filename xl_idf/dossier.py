"""A dossier assessed whole: eligibility, subsidy on the quote, de minimis, lines, payments.

This is the one function the batch validator and the consistency checks of the Excel functions
go through, so a report and a cell cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from xl_idf.catalogue import is_blocking
from xl_idf.de_minimis import DeMinimis, check_de_minimis
from xl_idf.eligibility import Category, Eligibility, assess_eligibility, check_identity
from xl_idf.expenses import LineResult, assess_line
from xl_idf.findings import Finding
from xl_idf.money import ZERO
from xl_idf.payments import Schedule, check_recorded, recorded_payments, schedule_payments
from xl_idf.programme import Parameters, Programme
from xl_idf.providers import match_provider
from xl_idf.records import Dossier, ExpenseLine, Payment, PaymentType
from xl_idf.subsidy import Subsidy, compute_subsidy, phase_bases


@dataclass(frozen=True)
class DossierResult:
    """Everything decided about one dossier, and every finding behind it.

    The amounts (`subsidy_*`, `schedule`) are those awarded: zero unless the dossier is eligible
    and no blocking rule (S01, S05, S06, S07) stands against its quote. `quote` keeps the
    subsidy as computed on the quote, for the explanation.
    """

    dossier: Dossier
    params: Parameters
    eligibility: Eligibility
    category: Category | None
    quote: Subsidy
    de_minimis: DeMinimis
    lines: tuple[LineResult, ...]
    schedule: Schedule
    findings: tuple[Finding, ...]
    awarded: bool

    @property
    def subsidy_phase1(self) -> Decimal:
        """Phase 1 subsidy awarded."""
        return self.quote.phase1 if self.awarded else ZERO

    @property
    def subsidy_phase2(self) -> Decimal:
        """Phase 2 subsidy awarded."""
        return self.quote.phase2 if self.awarded else ZERO

    @property
    def subsidy_total(self) -> Decimal:
        """Total subsidy awarded."""
        return self.subsidy_phase1 + self.subsidy_phase2


def parameters_for(dossier: Dossier, programme: Programme) -> Parameters:
    """The parameters in force on the filing date (the programme's last day when unknown)."""
    day = dossier.date_depot
    if day is None or not programme.in_force(day):
        day = programme.reference_day
    return programme.at(day)


def assess_dossier(
    dossier: Dossier,
    lines: Iterable[ExpenseLine],
    payments: Iterable[Payment],
    programme: Programme,
) -> DossierResult:
    """Assess one dossier with its expense lines and recorded payments [SPEC section 3]."""
    params = parameters_for(dossier, programme)
    num = dossier.numero
    eligibility = assess_eligibility(dossier, params)
    identity = check_identity(dossier, params)
    quote = compute_subsidy(dossier, params)
    de_minimis = check_de_minimis(dossier, eligibility.category, quote.phase1, quote.phase2, params)

    if any(is_blocking(f) for f in eligibility.findings + identity):
        status = Eligibility.INELIGIBLE
    elif (
        eligibility.status is Eligibility.INCOMPLETE
        or not quote.complete
        or not de_minimis.complete
        or any(f.code == "F07" for f in identity)
    ):
        status = Eligibility.INCOMPLETE
    else:
        status = Eligibility.ELIGIBLE

    provider = match_provider(dossier.prestataire, params)
    line_results = tuple(_assess_line(line, params, provider) for line in lines)
    payment_list = list(payments)
    recorded = recorded_payments(payment_list)

    awarded = status is Eligibility.ELIGIBLE and not any(
        is_blocking(f) for f in quote.findings + de_minimis.findings
    )
    subsidy_phase1 = quote.phase1 if awarded else ZERO
    subsidy_phase2 = quote.phase2 if awarded else ZERO
    at = dossier.at("numero")
    if awarded:
        justified = [r for r in line_results if r.justified]
        advance_at = next(
            (p.at("montant") for p in payment_list if p.type is PaymentType.ADVANCE_PHASE2), at
        )
        schedule = schedule_payments(
            subsidy_phase1,
            subsidy_phase2,
            sum((r.eligible for r in justified if r.line.phase == 1), ZERO),
            sum((r.eligible for r in justified if r.line.phase == 2), ZERO),
            sum((r.line.jours or ZERO for r in justified), ZERO),
            params,
            recorded_advance=recorded.advance_phase2,
            at=advance_at,
            dossier=num,
        )
    else:
        # SPEC 3: a dossier without subsidy gets no payment either.
        schedule = Schedule(ZERO, ZERO, ZERO, phase_bases(ZERO, ZERO, params), ())
    recorded_findings = check_recorded(
        recorded,
        subsidy_phase1,
        subsidy_phase2,
        at=payment_list[-1].at("montant") if payment_list else at,
        dossier=num,
    )
    findings = (
        eligibility.findings
        + identity
        + quote.findings
        + de_minimis.findings
        + tuple(f for r in line_results for f in r.findings)
        + schedule.findings
        + recorded_findings
    )
    return DossierResult(
        dossier,
        params,
        status,
        eligibility.category,
        quote,
        de_minimis,
        line_results,
        schedule,
        findings,
        awarded,
    )


def _assess_line(line: ExpenseLine, params: Parameters, provider: str | None) -> LineResult:
    """A line of the dossier: the line rules, and its phase, which a dossier's line must have."""
    result = assess_line(line, params, provider)
    if line.phase is not None:
        return result
    extra = () if "phase" in line.unreadable else (line.missing("phase"),)
    return LineResult(line, result.capped, excluded=True, findings=result.findings + extra)
