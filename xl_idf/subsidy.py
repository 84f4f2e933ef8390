"""The subsidy awarded on the quote (S01-S05, S08), and the capped bases it rests on.

[§Montant de l'aide] and [§Dépenses concernées]: each phase's base is its quoted amount under the
daily cap and the phase's length; both bases together stay under the journey's cap (phase 2
reduced first); phase 1 is paid at its rate, phase 2 at its own; the subsidy never exceeds the
company's equity (phase 2 reduced first).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from xl_idf import french
from xl_idf.catalogue import finding, is_blocking
from xl_idf.findings import Finding
from xl_idf.money import ZERO, at_least_zero, cents_down, share
from xl_idf.programme import Parameters
from xl_idf.records import Dossier


class Cap(StrEnum):
    """The caps that can reduce a base or a subsidy, named as finance staff say them."""

    DAILY = "plafond journalier"
    PHASE_DAYS = "plafond de durée de la phase"
    TOTAL = "plafond du parcours"
    EQUITY = "plafond des fonds propres"


@dataclass(frozen=True)
class CapApplied:
    """A cap that changed an amount: which one, on which phase, from what to what."""

    cap: Cap
    phase: int
    before: Decimal
    after: Decimal

    def explain(self) -> str:
        """One French sentence: which cap reduced which amount."""
        what = "subvention" if self.cap is Cap.EQUITY else "base"
        return (
            f"Phase {self.phase} : {self.cap.value} appliqué, {what} ramenée de "
            f"{french.eur(self.before)} à {french.eur(self.after)}"
        )


@dataclass(frozen=True)
class Bases:
    """The eligible base of each phase after the caps, and the caps that applied."""

    phase1: Decimal
    phase2: Decimal
    caps: tuple[CapApplied, ...]


def phase_bases(
    amount1: Decimal,
    amount2: Decimal,
    params: Parameters,
    days1: Decimal | None = None,
    days2: Decimal | None = None,
) -> Bases:
    """Bases = min(amount, daily cap x days, daily cap x phase days), under the journey's cap.

    Without days (justified expenses already capped line by line) the daily cap is not applied
    again. [§Dépenses concernées], [§Montant de l'aide]; SPEC 3, subsidy steps 1-2.
    """
    caps: list[CapApplied] = []

    def lower(cap: Cap, phase: int, base: Decimal, limit: Decimal) -> Decimal:
        if limit < base:
            caps.append(CapApplied(cap, phase, base, limit))
            return limit
        return base

    bases = []
    for phase, amount, days, max_days in (
        (1, amount1, days1, params.phase1_max_days),
        (2, amount2, days2, params.phase2_max_days),
    ):
        base = amount
        if days is not None:
            base = lower(Cap.DAILY, phase, base, cents_down(params.daily_cap * days))
        base = lower(Cap.PHASE_DAYS, phase, base, cents_down(params.daily_cap * max_days))
        bases.append(base)
    base1, base2 = bases
    # The journey's cap takes from phase 2 first; phase 1 alone can reach it only under a
    # programme whose journey cap is below a full phase 1.
    base1 = lower(Cap.TOTAL, 1, base1, params.total_cap)
    base2 = lower(Cap.TOTAL, 2, base2, at_least_zero(params.total_cap - base1))
    return Bases(base1, base2, tuple(caps))


@dataclass(frozen=True)
class Subsidy:
    """The subsidy per phase, the bases and caps behind it, and the findings that explain it.

    `complete` is False when a value it needs is missing: the amounts are then zero.
    A blocking finding (S01, S05) also leaves the amounts at zero.
    """

    base_phase1: Decimal
    base_phase2: Decimal
    phase1: Decimal
    phase2: Decimal
    caps: tuple[CapApplied, ...]
    findings: tuple[Finding, ...]
    complete: bool = True

    @property
    def total(self) -> Decimal:
        """Phase 1 plus phase 2."""
        return self.phase1 + self.phase2

    @property
    def blocked(self) -> bool:
        """True when a rule forbids any subsidy on this quote."""
        return any(is_blocking(f) for f in self.findings)

    def explain(self, params: Parameters | None = None) -> list[str]:
        """The computation in French, step by step: bases, each cap, rates, findings, result."""
        lines = [
            f"Base phase 1 : {french.eur(self.base_phase1)} ; base phase 2 : "
            f"{french.eur(self.base_phase2)}"
        ]
        lines += [cap.explain() for cap in self.caps if cap.cap is not Cap.EQUITY]
        if params is not None and self.complete and not self.blocked:
            lines.append(
                f"Taux : {french.percent(params.phase1_rate)} de la base de la phase 1, "
                f"{french.percent(params.phase2_rate)} de la base de la phase 2 "
                "(arrondis au centime inférieur)"
            )
        lines += [cap.explain() for cap in self.caps if cap.cap is Cap.EQUITY]
        lines += [f.message for f in self.findings]
        lines.append(
            f"Subvention sur le devis : phase 1 {french.eur(self.phase1)} + phase 2 "
            f"{french.eur(self.phase2)} "
            f"= {french.eur(self.total)}"
        )
        return lines


def _no_subsidy(findings: list[Finding], complete: bool) -> Subsidy:
    return Subsidy(ZERO, ZERO, ZERO, ZERO, (), tuple(findings), complete=complete)


# The fields of the quote: a value below zero there is a typing slip (F04), not a quote.
QUOTE_FIELDS = ("jours_p1", "montant_p1", "jours_p2", "montant_p2")


def compute_subsidy(dossier: Dossier, params: Parameters) -> Subsidy:
    """S01-S05, S08, S09: the subsidy on the dossier's quote, under every cap [§Montant de l'aide].

    SPEC 3, in order: bases and caps (steps 1-2), rates (3), equity cap (4); de minimis comes
    after, in `xl_idf.de_minimis`.
    """
    dossier, negatives = dossier.screened(QUOTE_FIELDS)
    found: list[Finding] = list(negatives)
    num = dossier.numero
    complete = not negatives

    def value(name: str, required: bool) -> Decimal | None:
        nonlocal complete
        raw: Decimal | None = getattr(dossier, name)
        if raw is None and required:
            complete = False
            found.extend(dossier.require(name))
        return raw

    days1, days2 = dossier.jours_p1, dossier.jours_p2
    phase1_quoted = days1 is not None and days1 > 0
    phase2_quoted = days2 is not None and days2 > 0
    if not phase1_quoted and "jours_p1" not in dossier.unreadable:
        if phase2_quoted:
            # A phase 1 of 0 or blank days with a phase 2 is S05 only (SPEC 3).
            found.append(
                finding("S05", dossier.at("jours_p2"), num, found=french.days(days2 or ZERO))
            )
            return _no_subsidy(found, complete)
        if "jours_p2" not in dossier.unreadable:
            # Nothing quoted at all: the quote is missing, not too short (F07).
            found.append(dossier.missing("jours_p1"))
        return _no_subsidy(found, complete=False)

    days1 = value("jours_p1", required=True)
    amount1 = value("montant_p1", required=True)
    # Phase 2 is optional, but a half-filled phase 2 cannot be computed.
    phase2_given = dossier.jours_p2 is not None or dossier.montant_p2 is not None
    days2 = value("jours_p2", required=phase2_given)
    amount2 = value("montant_p2", required=phase2_given)
    equity = value("fonds_propres", required=True)
    if not complete or days1 is None or amount1 is None or equity is None:
        return _no_subsidy(found, complete=False)
    days2 = days2 or ZERO
    amount2 = amount2 or ZERO

    if days1 < params.min_days:
        found.append(
            finding(
                "S01",
                dossier.at("jours_p1"),
                num,
                found=french.days(days1),
                expected=french.days(params.min_days),
            )
        )
    for phase, days, max_days, name in (
        (1, days1, params.phase1_max_days, "jours_p1"),
        (2, days2, params.phase2_max_days, "jours_p2"),
    ):
        if days > max_days:
            found.append(
                finding(
                    "S02",
                    dossier.at(name),
                    num,
                    phase=str(phase),
                    found=french.days(days),
                    expected=french.days(max_days),
                )
            )

    bases = phase_bases(amount1, amount2, params, days1, days2)
    caps = list(bases.caps)
    for cap in caps:
        if cap.cap is Cap.DAILY:
            days = days1 if cap.phase == 1 else days2
            found.append(
                finding(
                    "S09",
                    dossier.at(f"montant_p{cap.phase}"),
                    num,
                    phase=str(cap.phase),
                    amount=french.eur(cap.before),
                    days=french.days(days),
                    cap=french.eur(params.daily_cap),
                    capped=french.eur(cap.after),
                )
            )
        elif cap.cap is Cap.TOTAL:
            found.append(
                finding(
                    "S03",
                    dossier.at(f"montant_p{cap.phase}"),
                    num,
                    phase=str(cap.phase),
                    found=french.eur(_before_total_cap(caps, bases)),
                    cap=french.eur(params.total_cap),
                    before=french.eur(cap.before),
                    after=french.eur(cap.after),
                )
            )

    phase1 = share(params.phase1_rate, bases.phase1)
    phase2 = share(params.phase2_rate, bases.phase2)
    if equity <= 0:
        found.append(finding("S08", dossier.at("fonds_propres"), num, found=french.eur(equity)))
        caps += [CapApplied(Cap.EQUITY, p, s, ZERO) for p, s in ((1, phase1), (2, phase2)) if s]
        phase1 = phase2 = ZERO
    elif phase1 + phase2 > equity:
        before = phase1 + phase2
        # The equity cap takes from phase 2 first, like the journey's cap.
        new_phase2 = at_least_zero(equity - phase1)
        new_phase1 = min(phase1, equity)
        cut = [
            CapApplied(Cap.EQUITY, p, old, new)
            for p, old, new in ((2, phase2, new_phase2), (1, phase1, new_phase1))
            if new < old
        ]
        caps += cut
        phase1, phase2 = new_phase1, new_phase2
        found.append(
            finding(
                "S04",
                dossier.at("fonds_propres"),
                num,
                found=french.eur(before),
                equity=french.eur(equity),
                after=french.eur(phase1 + phase2),
                cut=" ; ".join(
                    f"phase {c.phase} ramenée de {french.eur(c.before)} à {french.eur(c.after)}"
                    for c in cut
                ),
            )
        )

    result = Subsidy(bases.phase1, bases.phase2, phase1, phase2, tuple(caps), tuple(found))
    if result.blocked:
        return Subsidy(bases.phase1, bases.phase2, ZERO, ZERO, tuple(caps), tuple(found))
    return result


def _before_total_cap(caps: list[CapApplied], bases: Bases) -> Decimal:
    """Both bases as they stood when the journey's cap was applied to them."""
    cut = {c.phase: c.before for c in caps if c.cap is Cap.TOTAL}
    return cut.get(1, bases.phase1) + cut.get(2, bases.phase2)
