"""A dossier assessed whole: eligibility, subsidy on the quote, de minimis, lines, payments.

This is the one function the batch validator and the consistency checks of the Excel functions
go through, so a report and a cell cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from xl_idf import french
from xl_idf.catalogue import CATALOGUE, cuts, is_blocking
from xl_idf.de_minimis import DeMinimis, check_de_minimis
from xl_idf.decisions import AWARDED_PHASE1, AWARDED_PHASE2
from xl_idf.eligibility import (
    Category,
    Eligibility,
    EligibilityResult,
    assess_eligibility,
    check_identity,
)
from xl_idf.expenses import LineResult, assess_line, mark_duplicates
from xl_idf.findings import Finding
from xl_idf.money import ZERO
from xl_idf.payments import (
    NOTHING,
    Instalments,
    Schedule,
    check_paid_beyond_due,
    check_recorded,
    planned_schedule,
    recorded_payments,
    schedule_payments,
)
from xl_idf.programme import Parameters, Programme
from xl_idf.providers import match_provider
from xl_idf.records import Dossier, ExpenseLine, Payment, PaymentType
from xl_idf.subsidy import Subsidy, compute_subsidy, phase_bases

# Codes that leave a dossier `incomplete` when they stand on its own row (SPEC 2 and 3).
_INCOMPLETE_CODES = frozenset({"F04", "F06", "F07", "F08"})


@dataclass(frozen=True)
class DossierResult:
    """Everything decided about one dossier, and every finding behind it.

    The subsidy (`subsidy_*`) is the one awarded: zero unless the dossier is eligible and no
    blocking rule (S01, S05) stands against its quote, with the part under de minimis set to 0
    by S06 or S07. `quote` keeps the subsidy as computed on the quote, for the explanation.
    The four schedules of SPEC 3: `planned`, `schedule` (due to date), `paid`, `remaining`.
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
    subsidy_phase1: Decimal = ZERO
    subsidy_phase2: Decimal = ZERO
    planned: Instalments = NOTHING
    paid: Instalments = NOTHING

    @property
    def subsidy_total(self) -> Decimal:
        """Total subsidy awarded."""
        return self.subsidy_phase1 + self.subsidy_phase2

    @property
    def due(self) -> Instalments:
        """What is due to date, per instalment (P01-P04)."""
        return self.schedule.due

    @property
    def remaining(self) -> Instalments:
        """Due less paid, per instalment; below zero, paid too much (to be recovered)."""
        return self.due.minus(self.paid)

    @property
    def counts(self) -> bool:
        """Counted in the totals and the number of companies: eligible and awarded > 0."""
        return self.eligibility is Eligibility.ELIGIBLE and self.subsidy_total > 0

    @property
    def blocking(self) -> tuple[str, ...]:
        """The codes that set an amount of this dossier to 0 or cut it, each once, in order."""
        incomplete = self.eligibility is Eligibility.INCOMPLETE
        sheet = self.dossier.at("numero").sheet
        codes = [
            f.code
            for f in self.findings
            if is_blocking(f)
            or cuts(f)
            or (incomplete and f.code in _INCOMPLETE_CODES and f.sheet == sheet)
        ]
        if incomplete and self.dossier.unreadable - set(Dossier.NOT_NEGATIVE):
            codes.insert(0, "F04")  # a value the reader could not use (its F04 is the reader's)
        return tuple(dict.fromkeys(codes))

    def motive(self) -> str:
        """Why the dossier gets less than its quote, in French: the titles of `blocking`."""
        return " ; ".join(f"{code} {CATALOGUE[code].title}" for code in self.blocking)

    def explain(self) -> list[str]:
        """The computation in French, step by step: status, bases, caps, rates, de minimis."""
        lines = [f"Dossier {self.eligibility.french}"]
        if self.eligibility is not Eligibility.ELIGIBLE:
            reasons = [f.message for f in self.findings if f.code in self.blocking]
            lines += reasons
            lines.append(
                "Aucune subvention ni aucun versement tant que le dossier n'est pas corrigé"
            )
            return lines
        lines += self.quote.explain(self.params)
        lines.append(self.de_minimis.explain(self.category, self.params))
        lines += [f.message for f in self.de_minimis.findings]
        lines.append(
            f"Subvention accordée : phase 1 {french.eur(self.subsidy_phase1)} + phase 2 "
            f"{french.eur(self.subsidy_phase2)} = {french.eur(self.subsidy_total)}"
        )
        return lines


def parameters_for(dossier: Dossier, programme: Programme) -> Parameters:
    """The parameters in force on the filing date (the programme's last day when unknown)."""
    return parameters_on(dossier.date_depot, programme)


def parameters_on(day: date | None, programme: Programme) -> Parameters:
    """The parameters in force on a filing date (SPEC 2), one rule for the report and the cells.

    Without a date, or on a day when not every parameter has a value, those of the programme's
    last day.
    """
    if day is None or not programme.in_force(day):
        day = programme.reference_day
    return programme.at(day)


def assess_lines(
    dossier: Dossier, lines: Iterable[ExpenseLine], params: Parameters
) -> list[LineResult]:
    """The line rules on each line of a dossier (X01-X05, X08-X10, and its phase)."""
    provider = match_provider(dossier.prestataire, params)
    return [_assess_line(line, params, provider) for line in lines]


def assess_dossier(
    dossier: Dossier,
    lines: Iterable[ExpenseLine],
    payments: Iterable[Payment],
    programme: Programme,
) -> DossierResult:
    """Assess one dossier with its expense lines and recorded payments [SPEC section 3]."""
    params = parameters_for(dossier, programme)
    results = mark_duplicates(assess_lines(dossier, lines, params), params, {})
    return judge_dossier(dossier, results, payments, params)


@dataclass(frozen=True, slots=True)
class OnItsOwn:
    """What a dossier's judgement takes from its own row alone, under `params`: its figures
    screened (values below zero set aside, `negatives`), its eligibility and identity, the
    subsidy on its quote and de minimis. Found before its lines and payments are read, where
    there is time for it (`xl_idf.quarter.on_their_own`), or by `judge_dossier` itself."""

    params: Parameters
    given: Dossier  # the dossier as read, whose row this is
    dossier: Dossier  # screened
    negatives: tuple[Finding, ...]
    eligibility: EligibilityResult
    identity: tuple[Finding, ...]
    quote: Subsidy
    de_minimis: DeMinimis


def on_its_own(dossier: Dossier, params: Parameters) -> OnItsOwn:
    """What `dossier`'s judgement takes from its row alone (`OnItsOwn`)."""
    screened, negatives = dossier.screened()
    eligibility = assess_eligibility(screened, params)
    identity = check_identity(screened, params)
    quote = compute_subsidy(screened, params)
    de_minimis = check_de_minimis(
        screened, eligibility.category, quote.phase1, quote.phase2, params
    )
    return OnItsOwn(params, dossier, screened, negatives, eligibility, identity, quote, de_minimis)


def judge_dossier(
    dossier: Dossier,
    line_results: Sequence[LineResult],
    payments: Iterable[Payment],
    params: Parameters,
    duplicated: tuple[Finding, ...] = (),
    own: OnItsOwn | None = None,
) -> DossierResult:
    """A dossier's outcome from its assessed lines and its payments; `duplicated` its F06s;
    `own` what its row alone gives, if found already (for this very dossier, under these
    `params`; otherwise found again)."""
    if own is None or own.given is not dossier or own.params is not params:
        own = on_its_own(dossier, params)
    dossier, negatives, eligibility = own.dossier, own.negatives, own.eligibility
    identity, quote, de_minimis = own.identity, own.quote, own.de_minimis
    num = dossier.numero

    if any(is_blocking(f) for f in eligibility.findings + identity):
        status = Eligibility.INELIGIBLE
    elif (
        duplicated
        or negatives
        or eligibility.status is Eligibility.INCOMPLETE
        or not quote.complete
        or not de_minimis.complete
        or any(f.code == "F07" for f in identity)
    ):
        status = Eligibility.INCOMPLETE
    else:
        status = Eligibility.ELIGIBLE

    payment_list, ignored = _usable(payments)
    recorded = recorded_payments(payment_list)
    awarded = status is Eligibility.ELIGIBLE and not quote.blocked
    # The part awarded: counted, and what de minimis leaves (the calculator's formulas too).
    facts = {
        "counted": awarded,
        "de_minimis_ok": not de_minimis.refused,
        "sme": eligibility.category is Category.PME,
    }
    subsidy_phase1 = quote.phase1 if AWARDED_PHASE1.holds(facts) else ZERO
    subsidy_phase2 = quote.phase2 if AWARDED_PHASE2.holds(facts) else ZERO
    at = dossier.at("numero")
    places = {p.type: p.at("montant") for p in payment_list if p.type is not None}
    if awarded:
        justified = [r for r in line_results if r.justified]
        schedule = schedule_payments(
            subsidy_phase1,
            subsidy_phase2,
            sum((r.eligible for r in justified if r.line.phase == 1), ZERO),
            sum((r.eligible for r in justified if r.line.phase == 2), ZERO),
            sum((r.line.jours or ZERO for r in justified), ZERO),
            params,
            recorded_advance=recorded.advance_phase2,
            at=places.get(PaymentType.ADVANCE_PHASE2, at),
            dossier=num,
        )
    else:
        # SPEC 3: a dossier without subsidy gets no payment either.
        schedule = Schedule(ZERO, ZERO, ZERO, phase_bases(ZERO, ZERO, params), ())
    # SPEC 2: an incomplete or ineligible dossier has every schedule at 0 in every output.
    counted = status is Eligibility.ELIGIBLE
    paid = recorded.paid if counted else NOTHING
    recorded_findings = check_recorded(
        recorded,
        subsidy_phase1,
        subsidy_phase2,
        at=payment_list[-1].at("montant") if payment_list else at,
        dossier=num,
    )
    beyond = check_paid_beyond_due(recorded, schedule.due, places, num) if counted else ()
    findings = (
        duplicated
        + negatives
        + eligibility.findings
        + identity
        + quote.findings
        + de_minimis.findings
        + tuple(f for r in line_results for f in r.findings)
        + ignored
        + schedule.findings
        + recorded_findings
        + beyond
    )
    return DossierResult(
        dossier,
        params,
        status,
        eligibility.category,
        quote,
        de_minimis,
        tuple(line_results),
        schedule,
        findings,
        awarded,
        subsidy_phase1=subsidy_phase1,
        subsidy_phase2=subsidy_phase2,
        planned=planned_schedule(subsidy_phase1, subsidy_phase2, params),
        paid=paid,
    )


def _usable(payments: Iterable[Payment]) -> tuple[list[Payment], tuple[Finding, ...]]:
    """The payments that can be counted; one below zero is ignored with its F04 (SPEC 2)."""
    usable: list[Payment] = []
    found: list[Finding] = []
    for payment in payments:
        screened, negatives = payment.screened()
        found += negatives
        if not negatives:
            usable.append(screened)
    return usable, tuple(found)


# What a line of a dossier must also say: which phase it is for, and which invoice (SPEC 2).
_LINE_REQUIRED = ("phase", "numero_facture")


def _assess_line(line: ExpenseLine, params: Parameters, provider: str | None) -> LineResult:
    """A line of the dossier: the line rules, then its phase and invoice number, both needed."""
    result = assess_line(line, params, provider)
    blank = [name for name in _LINE_REQUIRED if getattr(line, name) is None]
    if not blank:
        return result
    extra = tuple(f for name in blank for f in line.require(name))
    kept = tuple(f for f in result.findings if f.code != "X10")
    return LineResult(line, result.capped, excluded=True, findings=kept + extra)
