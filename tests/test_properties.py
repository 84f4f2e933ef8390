"""Invariants of the rules under the real programme, over generated quotes, lines and dossiers.

No subsidy above its caps, no payment above the subsidy, nothing for an ineligible dossier, and
more equity or a larger quote never gives less (SPEC section 3; STYLE habit 8).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import a_dossier, a_line
from xl_idf.dossier import assess_dossier
from xl_idf.eligibility import Eligibility
from xl_idf.expenses import assess_line, capped_amount
from xl_idf.money import CENT
from xl_idf.payments import schedule_payments
from xl_idf.programme import load_programme
from xl_idf.records import Dossier, LegalForm
from xl_idf.subsidy import Subsidy, compute_subsidy

D = Decimal
# Loaded once for the module: hypothesis runs each test many times within one fixture scope.
PROGRAMME = load_programme()
P = PROGRAMME.at(date(2022, 6, 1))
HALF = D("0.50")  # SPEC 3, subsidy step 3: phase 2 at 50 %, whatever the rounding
BOUNDLESS = D("1000000000.00")  # equity that caps nothing
FAST = settings(max_examples=150, deadline=None)


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Amounts in euros from `low` to `high`, with cents."""
    return st.integers(low * 100, high * 100).map(lambda c: D(c).scaleb(-2))


amounts = cents(0, 100_000)
positive_amounts = cents(0, 100_000).filter(lambda a: a > 0)
days = st.integers(0, 80).map(lambda halves: D(halves) / 2)  # 0 to 40 days, by half days
positive_days = st.integers(1, 80).map(lambda halves: D(halves) / 2)
equities = cents(-10_000, 1_000_000)
prior_aid = cents(0, 400_000)


@st.composite
def quotes(draw: st.DrawFn) -> dict[str, Any]:
    """The quote fields of a dossier: phase 1, an optional phase 2, equity, prior de minimis."""
    with_phase2 = draw(st.booleans())
    return {
        "jours_p1": draw(days),
        "montant_p1": draw(amounts),
        "jours_p2": draw(days) if with_phase2 else None,
        "montant_p2": draw(amounts) if with_phase2 else None,
        "fonds_propres": draw(equities),
        "aides_minimis_3_ans": draw(prior_aid),
    }


def has_cents_at_most(value: Decimal) -> bool:
    """True when `value` has at most two decimals (a Decimal's exponent tells)."""
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -2


def amounts_of(subsidy: Subsidy) -> list[Decimal]:
    return [subsidy.base_phase1, subsidy.base_phase2, subsidy.phase1, subsidy.phase2, subsidy.total]


# --- The subsidy on the quote ----------------------------------------------------------------


@FAST
@given(quote=quotes())
def test_the_subsidy_stays_under_every_cap(quote: dict[str, Any]) -> None:
    subsidy = compute_subsidy(a_dossier(**quote), P)
    assert subsidy.phase1 <= P.phase1_rate * P.daily_cap * P.phase1_max_days
    assert subsidy.phase2 <= P.phase2_rate * subsidy.base_phase2
    assert subsidy.phase2 <= HALF * subsidy.base_phase2
    assert subsidy.base_phase1 + subsidy.base_phase2 <= P.total_cap
    assert subsidy.total <= max(quote["fonds_propres"], D(0))
    for amount in amounts_of(subsidy):
        assert amount >= 0
        assert has_cents_at_most(amount)


@FAST
@given(quote=quotes())
def test_the_equity_cap_takes_phase_2_first(quote: dict[str, Any]) -> None:
    capped = compute_subsidy(a_dossier(**quote), P)
    uncapped = compute_subsidy(a_dossier(**{**quote, "fonds_propres": BOUNDLESS}), P)
    assert capped.phase1 <= uncapped.phase1
    assert capped.phase2 <= uncapped.phase2
    assert capped.total == min(uncapped.total, max(quote["fonds_propres"], D(0)))
    if capped.phase2 > 0:
        assert capped.phase1 == uncapped.phase1


@FAST
@given(quote=quotes(), more=cents(0, 1_000_000))
def test_more_equity_never_lowers_the_subsidy(quote: dict[str, Any], more: Decimal) -> None:
    less = compute_subsidy(a_dossier(**quote), P)
    richer = compute_subsidy(
        a_dossier(**{**quote, "fonds_propres": quote["fonds_propres"] + more}), P
    )
    assert (richer.phase1 >= less.phase1, richer.phase2 >= less.phase2) == (True, True)


@FAST
@given(quote=quotes(), more=cents(0, 100_000), phase=st.sampled_from([1, 2]))
def test_a_larger_amount_never_lowers_its_base(
    quote: dict[str, Any], more: Decimal, phase: int
) -> None:
    name = f"montant_p{phase}"
    assume(quote[name] is not None)
    before = compute_subsidy(a_dossier(**quote), P)
    after = compute_subsidy(a_dossier(**{**quote, name: quote[name] + more}), P)
    base = "base_phase1" if phase == 1 else "base_phase2"
    assert getattr(after, base) >= getattr(before, base)


# --- Expense lines ----------------------------------------------------------------------------


@FAST
@given(amount=positive_amounts, line_days=positive_days)
def test_a_line_is_capped_by_its_amount_and_its_days(amount: Decimal, line_days: Decimal) -> None:
    capped = capped_amount(amount, line_days, P)
    line = assess_line(a_line(montant_ht=amount, jours=line_days), P)
    assert capped <= amount
    assert capped <= P.daily_cap * line_days
    assert has_cents_at_most(capped)
    assert line.eligible == capped


# --- Payments ---------------------------------------------------------------------------------


@FAST
@given(
    quote=quotes(),
    justified1=amounts,
    justified2=amounts,
    justified_days=days,
    recorded=st.none() | amounts,
)
def test_payments_never_exceed_the_subsidy(
    quote: dict[str, Any],
    justified1: Decimal,
    justified2: Decimal,
    justified_days: Decimal,
    recorded: Decimal | None,
) -> None:
    subsidy = compute_subsidy(a_dossier(**quote), P)
    schedule = schedule_payments(
        subsidy.phase1,
        subsidy.phase2,
        justified1,
        justified2,
        justified_days,
        P,
        recorded_advance=recorded,
    )
    assert schedule.phase1 <= subsidy.phase1
    if justified_days < P.min_days:
        # P01: nothing due on justified expenses; a recorded advance was paid and stays.
        assert (schedule.phase1, schedule.advance_phase2, schedule.balance_phase2) == (
            0,
            recorded or 0,
            0,
        )
        return
    assert schedule.phase1 + schedule.advance_phase2 + schedule.balance_phase2 <= subsidy.total
    if recorded is None and justified2 > 0:
        ceiling = P.phase2_advance_max_rate * subsidy.phase2
        assert schedule.advance_phase2 <= ceiling
        # Rounded down: less than a cent under the ceiling, and to the cent.
        assert ceiling - schedule.advance_phase2 < CENT
        assert has_cents_at_most(schedule.advance_phase2)


@FAST
@given(
    quote=quotes(),
    extra1=st.just(D(0)) | amounts,
    extra2=st.just(D(0)) | amounts,
    justified_days=st.integers(0, 60).map(lambda halves: P.min_days + D(halves) / 2),
    recorded=st.none() | amounts,
)
def test_everything_justified_pays_exactly_the_subsidy(
    quote: dict[str, Any],
    extra1: Decimal,
    extra2: Decimal,
    justified_days: Decimal,
    recorded: Decimal | None,
) -> None:
    subsidy = compute_subsidy(a_dossier(**quote), P)
    schedule = schedule_payments(
        subsidy.phase1,
        subsidy.phase2,
        subsidy.base_phase1 + extra1,
        subsidy.base_phase2 + extra2,
        justified_days,
        P,
        recorded_advance=recorded,
    )
    # Justified bases at least the quote's (the journey cap could take from phase 2).
    assume(schedule.justified.phase1 >= subsidy.base_phase1)
    assume(schedule.justified.phase2 >= subsidy.base_phase2)
    assert schedule.phase1 + schedule.advance_phase2 + schedule.balance_phase2 == subsidy.total


# --- Ineligible dossiers get nothing ---------------------------------------------------------

ALL_DEPARTMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "974"]
OUTSIDE = [d for d in ALL_DEPARTMENTS if d not in P.region_departments]


@st.composite
def ineligible_dossiers(draw: st.DrawFn) -> Dossier:
    """A dossier outside the region or with 5,000 employees or more; anything else goes."""
    outside = draw(st.booleans())
    fields: dict[str, Any] = {
        "forme_juridique": draw(st.sampled_from(LegalForm)),
        "activite_industrielle": draw(st.booleans()),
        "agrement_ess": draw(st.sampled_from(["Aucun", *P.ess_approvals])),
        "part_recettes_production": draw(st.integers(0, 100).map(D)),
        "effectif": draw(
            st.integers(0, 10_000) if outside else st.integers(P.eti_employees_below, 100_000)
        ),
        "duree_premier_bilan": draw(st.integers(0, 60)),
        "departement": draw(st.sampled_from(OUTSIDE if outside else ALL_DEPARTMENTS)),
        "en_difficulte": draw(st.booleans()),
        "a_jour_fiscal_social": draw(st.booleans()),
        "prestataire": draw(st.sampled_from([*P.providers, "Cabinet non référencé"])),
        "date_depot": draw(st.dates(date(2019, 1, 1), date(2025, 12, 31))),
        "attestation_minimis": draw(st.booleans()),
        **draw(quotes()),
    }
    return a_dossier(**fields)


lines = st.lists(
    st.builds(
        lambda phase, line_days, amount, number: a_line(
            phase=phase, jours=line_days, montant_ht=amount, numero_facture=f"F-{number}"
        ),
        st.sampled_from([1, 2]),
        positive_days,
        positive_amounts,
        st.integers(1, 999),
    ),
    max_size=4,
)


@settings(max_examples=100, deadline=None)
@given(dossier=ineligible_dossiers(), dossier_lines=lines)
def test_an_ineligible_dossier_gets_nothing(dossier: Dossier, dossier_lines: list[Any]) -> None:
    result = assess_dossier(dossier, dossier_lines, [], PROGRAMME)
    schedule = result.schedule
    assert result.eligibility is Eligibility.INELIGIBLE
    assert (result.subsidy_phase1, result.subsidy_phase2, result.subsidy_total) == (0, 0, 0)
    assert (schedule.phase1, schedule.advance_phase2, schedule.balance_phase2) == (0, 0, 0)
