"""The subsidy awarded on the quote (S01-S05, S08), and the capped bases it rests on.

[§Montant de l'aide] and [§Dépenses concernées]: each phase's base is its quoted amount under the
daily cap and the phase's length; both bases together stay under the journey's cap (phase 2
reduced first); phase 1 is paid at its rate, phase 2 at its own; the subsidy never exceeds the
company's equity (phase 2 reduced first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import ClassVar, NamedTuple

from xl_idf import french
from xl_idf.catalogue import finding, is_blocking
from xl_idf.findings import Finding, Location
from xl_idf.money import ZERO, at_least_zero, cents_down, share
from xl_idf.programme import Parameters
from xl_idf.records import Dossier


class Cap(StrEnum):
    """The caps that can reduce a base or a subsidy, named as finance staff say them."""

    DAILY = "plafond journalier"
    PHASE_DAYS = "plafond de durée de la phase"
    TOTAL = "plafond du parcours"
    EQUITY = "plafond des fonds propres"


# Python 3.11 looks an Enum member up on its class through a descriptor, which costs more than
# the comparisons of a quote within its caps: `_bases` takes them from here.
_DAILY, _PHASE_DAYS, _TOTAL = Cap.DAILY, Cap.PHASE_DAYS, Cap.TOTAL


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
    base1, base2, caps = _bases(amount1, amount2, params, days1, days2)
    return Bases(base1, base2, tuple(caps))


def _bases(
    amount1: Decimal,
    amount2: Decimal,
    params: Parameters,
    days1: Decimal | None,
    days2: Decimal | None,
) -> tuple[Decimal, Decimal, list[CapApplied]]:
    """`phase_bases` as its parts, for `compute_subsidy`, which keeps them in its `Subsidy`."""
    caps: list[CapApplied] = []
    daily = params.daily_cap
    # Each phase under the daily cap for its days, then for the phase's length.
    if days1 is not None:
        amount1 = _lower(caps, _DAILY, 1, amount1, _for_days(daily, days1, days1.is_signed()))
    max1 = params.phase1_max_days
    amount1 = _lower(caps, _PHASE_DAYS, 1, amount1, _for_days(daily, max1, max1.is_signed()))
    if days2 is not None:
        amount2 = _lower(caps, _DAILY, 2, amount2, _for_days(daily, days2, days2.is_signed()))
    max2 = params.phase2_max_days
    amount2 = _lower(caps, _PHASE_DAYS, 2, amount2, _for_days(daily, max2, max2.is_signed()))
    # The journey's cap takes from phase 2 first; phase 1 alone can reach it only under a
    # programme whose journey cap is below a full phase 1.
    base1 = _lower(caps, _TOTAL, 1, amount1, params.total_cap)
    base2 = _lower(caps, _TOTAL, 2, amount2, at_least_zero(params.total_cap - base1))
    return base1, base2, caps


# Days repeat from quote to quote (5, 25, the phases' lengths): each product is rounded once.
# Equal caps and days give the same product to the cent whatever their written exponent, but
# for the sign of a zero (-0 equals 0), hence `negative` in the key.
@lru_cache(maxsize=256)
def _for_days(daily_cap: Decimal, days: Decimal, negative: bool) -> Decimal:
    """The daily cap times `days`, rounded down to the cent."""
    return cents_down(daily_cap * days)


def _lower(caps: list[CapApplied], cap: Cap, phase: int, base: Decimal, limit: Decimal) -> Decimal:
    """`base`, or `limit` when it is lower, the cap then noted in `caps`."""
    if limit < base:
        caps.append(CapApplied(cap, phase, base, limit))
        return limit
    return base


class Subsidy(NamedTuple):
    """The subsidy per phase, the bases and caps behind it, and the findings that explain it.

    `complete` is False when a value it needs is missing: the amounts are then zero.
    A blocking finding (S01, S05) also leaves the amounts at zero.
    """

    # Immutable like a frozen dataclass, and made once per quote (an IDF_SUBVENTION row): a
    # frozen dataclass of seven fields costs three times as much to make (12,900 instructions
    # against 4,000, callgrind).

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


@dataclass(slots=True)
class Quote:
    """A quote given by its five figures alone (a row of `IDF_SUBVENTION`).

    Its `Dossier` is built only when a finding must name a cell or a figure must be set aside:
    a quote within every cap never pays for a record of 28 fields. Everything the rule asks of
    it is the answer that dossier gives, so the rule cannot tell them apart.
    """

    jours_p1: Decimal | None
    montant_p1: Decimal | None
    jours_p2: Decimal | None
    montant_p2: Decimal | None
    fonds_propres: Decimal | None
    cells: Mapping[str, str]
    labels: Mapping[str, str]
    _dossier: Dossier | None = field(default=None, init=False, repr=False, compare=False)
    # What a dossier built of the figures alone holds.
    numero: ClassVar[str | None] = None
    unreadable: ClassVar[frozenset[str]] = frozenset()

    def dossier(self) -> Dossier:
        """The dossier holding these figures, in these cells and under these labels."""
        if self._dossier is None:
            self._dossier = Dossier(
                jours_p1=self.jours_p1, montant_p1=self.montant_p1, jours_p2=self.jours_p2,
                montant_p2=self.montant_p2, fonds_propres=self.fonds_propres,
                cells=self.cells, labels=self.labels,
            )  # fmt: skip
        return self._dossier

    def at(self, name: str) -> Location:
        """Where figure `name` sits, as its dossier says."""
        return self.dossier().at(name)

    def missing(self, name: str) -> Finding:
        """F07 on figure `name`, as its dossier says it."""
        return self.dossier().missing(name)

    def require(self, name: str) -> tuple[Finding, ...]:
        """F07 when figure `name` is blank, as its dossier says it."""
        return self.dossier().require(name)

    def screened(
        self, names: Iterable[str] | None = None
    ) -> tuple[Dossier | Quote, tuple[Finding, ...]]:
        """Itself when no figure is below zero; else its dossier, screened."""
        for figure in (self.jours_p1, self.montant_p1, self.jours_p2, self.montant_p2,
                       self.fonds_propres):  # fmt: skip
            if figure is not None and figure < ZERO:
                return self.dossier().screened(names)
        return self, ()


def compute_subsidy(dossier: Dossier | Quote, params: Parameters) -> Subsidy:
    """S01-S05, S08, S09: the subsidy on the dossier's quote, under every cap [§Montant de l'aide].

    SPEC 3, in order: bases and caps (steps 1-2), rates (3), equity cap (4); de minimis comes
    after, in `xl_idf.de_minimis`. `dossier` may be a `Quote` (an IDF_SUBVENTION row), decided
    exactly as the dossier of its figures.
    """
    dossier, negatives = dossier.screened(QUOTE_FIELDS)
    found: list[Finding] = list(negatives)
    complete = not negatives

    days1, days2 = dossier.jours_p1, dossier.jours_p2
    phase1_quoted = days1 is not None and days1 > 0
    phase2_quoted = days2 is not None and days2 > 0
    if not phase1_quoted and "jours_p1" not in dossier.unreadable:
        if phase2_quoted:
            # A phase 1 of 0 or blank days with a phase 2 is S05 only (SPEC 3).
            found.append(
                finding(
                    "S05", dossier.at("jours_p2"), dossier.numero, found=french.days(days2 or ZERO)
                )
            )
            return _no_subsidy(found, complete)
        if "jours_p2" not in dossier.unreadable:
            # Nothing quoted at all: the quote is missing, not too short (F07).
            found.append(dossier.missing("jours_p1"))
        return _no_subsidy(found, complete=False)

    amount1, amount2, equity = dossier.montant_p1, dossier.montant_p2, dossier.fonds_propres
    # Phase 2 is optional, but a half-filled phase 2 cannot be computed.
    phase2_given = days2 is not None or amount2 is not None
    if (
        not complete
        or days1 is None
        or amount1 is None
        or equity is None
        or (phase2_given and (days2 is None or amount2 is None))
    ):
        needed = QUOTE_FIELDS if phase2_given else QUOTE_FIELDS[:2]
        for name in (*needed, "fonds_propres"):
            found.extend(dossier.require(name))
        return _no_subsidy(found, complete=False)
    days2 = days2 or ZERO
    amount2 = amount2 or ZERO

    if days1 < params.min_days:
        found.append(
            finding(
                "S01",
                dossier.at("jours_p1"),
                dossier.numero,
                found=french.days(days1),
                expected=french.days(params.min_days),
            )
        )
    if days1 > params.phase1_max_days:
        found.append(_too_long(dossier, 1, days1, params.phase1_max_days))
    if days2 > params.phase2_max_days:
        found.append(_too_long(dossier, 2, days2, params.phase2_max_days))

    base1, base2, caps = _bases(amount1, amount2, params, days1, days2)
    for cap in caps:
        if cap.cap is Cap.DAILY:
            days = days1 if cap.phase == 1 else days2
            found.append(
                finding(
                    "S09",
                    dossier.at(f"montant_p{cap.phase}"),
                    dossier.numero,
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
                    dossier.numero,
                    phase=str(cap.phase),
                    found=french.eur(_before_total_cap(caps, base1, base2)),
                    cap=french.eur(params.total_cap),
                    before=french.eur(cap.before),
                    after=french.eur(cap.after),
                )
            )

    phase1 = share(params.phase1_rate, base1)
    phase2 = share(params.phase2_rate, base2)
    if equity <= 0:
        found.append(
            finding("S08", dossier.at("fonds_propres"), dossier.numero, found=french.eur(equity))
        )
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
                dossier.numero,
                found=french.eur(before),
                equity=french.eur(equity),
                after=french.eur(phase1 + phase2),
                cut=" ; ".join(
                    f"phase {c.phase} ramenée de {french.eur(c.before)} à {french.eur(c.after)}"
                    for c in cut
                ),
            )
        )

    if found and any(is_blocking(f) for f in found):
        phase1 = phase2 = ZERO
    return Subsidy(base1, base2, phase1, phase2, tuple(caps), tuple(found))


def _too_long(dossier: Dossier | Quote, phase: int, days: Decimal, max_days: Decimal) -> Finding:
    """S02: a phase quoted over more days than it may last."""
    return finding(
        "S02",
        dossier.at(f"jours_p{phase}"),
        dossier.numero,
        phase=str(phase),
        found=french.days(days),
        expected=french.days(max_days),
    )


def _before_total_cap(caps: list[CapApplied], base1: Decimal, base2: Decimal) -> Decimal:
    """Both bases as they stood when the journey's cap was applied to them."""
    cut = {c.phase: c.before for c in caps if c.cap is Cap.TOTAL}
    return cut.get(1, base1) + cut.get(2, base2)
