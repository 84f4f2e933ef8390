"""Every rule follows the programme file: the same cases under a made-up programme.

`tests/programmes/made-up.toml` changes every figure of the Occitanie programme. Each expected
value below is computed by hand from the made-up figures (noted "MU" in the comments):

    departments 22 29 35 56 · filing 01/03/2030 .. 30/06/2031 · last expense 30/09/2031
    PME < 100 · ETI < 1,000 · first balance sheet >= 18 months · NAF divisions 05-09
    ESS: agrément SIAE or ESAT, or >= 60 % of revenue from production
    providers KERVADEC & ASSOCIÉS, CONSEIL ARMOR INDUSTRIE, Brest Méthodes Lean; aliases
    Cabinet Kervadec (KERVADEC & ASSOCIÉS), Armor Industrie Conseil Bretagne and C.A.I.
    (CONSEIL ARMOR INDUSTRIE); legal forms SKB and S.B.L.
    daily cap 950.33 · total cap 16,000.05 · phase 1: 4 days at 80 % · phase 2: 15 days at 45 %
    minimum 3 days · advance 65 % · de minimis ceiling 100,000.01 from 01/01/2030,
    150,000.03 from 01/01/2031

Figures used again and again:
    phase 1 full base   = 950.33 x 4  = 3,801.32
    phase 2 full base   = 950.33 x 15 = 14,254.95
    3,801.32 + 14,254.95 = 18,056.27 > 16,000.05, so base 2 = 16,000.05 - 3,801.32 = 12,198.73
    phase 1 subsidy     = 80 % x 3,801.32  = 3,041.056  -> 3,041.05
    phase 2 subsidy     = 45 % x 12,198.73 = 5,489.4285 -> 5,489.42   (total 8,530.47)
    planned advance     = 65 % x 5,489.42  = 3,568.123  -> 3,568.12
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MADE_UP, a_dossier, a_line, a_payment, codes
from xl_idf.cli import app
from xl_idf.dossier import assess_dossier
from xl_idf.eligibility import Category, Eligibility, category, check_identity
from xl_idf.expenses import assess_line, capped_amount
from xl_idf.payments import schedule_payments
from xl_idf.programme import PARAMETER_UNITS, Parameters, Programme, load_programme
from xl_idf.records import Dossier, ExpenseLine, LegalForm, PaymentType
from xl_idf.subsidy import compute_subsidy

D = Decimal
DAY = date(2030, 9, 16)  # a filing day inside the made-up period, under the first ceiling
PROVIDER = "KERVADEC & ASSOCIÉS"
NOBODY = D("1000000.00")  # equity too large to cap anything


@pytest.fixture(scope="module")
def made_up() -> Programme:
    """The made-up programme, loaded by the same strict loader as the real one."""
    return load_programme(MADE_UP)


@pytest.fixture(scope="module")
def mu(made_up: Programme) -> Parameters:
    """Its parameters on DAY."""
    return made_up.at(DAY)


def mu_dossier(**changes: Any) -> Dossier:
    """An eligible SME dossier under the made-up programme: a full quote of 4 + 15 days."""
    values: dict[str, Any] = {
        "departement": "29",
        "code_postal": "29200",
        "duree_premier_bilan": 18,
        "prestataire": PROVIDER,
        "date_depot": DAY,
        "code_naf": "08.11Z",
        "fonds_propres": NOBODY,
        "jours_p1": D(4),
        "montant_p1": D("4000.00"),
        "jours_p2": D(15),
        "montant_p2": D("15000.00"),
    }
    values.update(changes)
    return a_dossier(**values)


def mu_line(**changes: Any) -> ExpenseLine:
    """A paid phase 1 line of 4 days, 3,801.32 EUR, by a made-up provider in Finistère."""
    values: dict[str, Any] = {
        "prestataire": PROVIDER,
        "date_prestation": date(2030, 10, 6),
        "date_facture": date(2030, 10, 31),
        "jours": D(4),
        "montant_ht": D("3801.32"),
        "departement_prestation": "29",
        "date_acquittement": date(2030, 11, 20),
    }
    values.update(changes)
    return a_line(**values)


# --- The file itself -------------------------------------------------------------------------


def _values(programme: Programme, name: str) -> set[Any]:
    """Every value a parameter takes over time; list values are split into their items."""
    found: set[Any] = set()
    for dated in programme.parameters[name].values:
        found |= set(dated.value) if isinstance(dated.value, tuple) else {dated.value}
    return found


def test_the_made_up_file_loads_strictly(made_up: Programme) -> None:
    assert made_up.id == "made-up-test-programme"
    assert set(made_up.parameters) == set(PARAMETER_UNITS)


@pytest.mark.parametrize("name", sorted(PARAMETER_UNITS))
def test_every_figure_differs_from_occitanie(
    name: str, made_up: Programme, programme: Programme
) -> None:
    assert _values(made_up, name).isdisjoint(_values(programme, name))


# --- Eligibility: category, first balance sheet, department, filing period, provider, ESS ------


@pytest.mark.parametrize(
    ("effectif", "expected"),
    [
        pytest.param(99, Category.PME, id="99-PME"),
        pytest.param(100, Category.ETI, id="100-ETI-at-MU-PME-threshold"),
        pytest.param(249, Category.ETI, id="249-ETI-PME-in-Occitanie"),
        pytest.param(250, Category.ETI, id="250-ETI"),
        pytest.param(999, Category.ETI, id="999-ETI"),
        pytest.param(1000, Category.NON_ELIGIBLE, id="1000-at-MU-ETI-threshold"),
        pytest.param(4999, Category.NON_ELIGIBLE, id="4999-ETI-in-Occitanie"),
    ],
)
def test_category_boundaries(effectif: int, expected: Category, mu: Parameters) -> None:
    assert category(effectif, mu) is expected


ELIGIBLE, INELIGIBLE, INCOMPLETE = (
    Eligibility.ELIGIBLE,
    Eligibility.INELIGIBLE,
    Eligibility.INCOMPLETE,
)
ASSOCIATION = {"forme_juridique": LegalForm.ASSOCIATION, "activite_industrielle": None}


@pytest.mark.parametrize(
    ("changes", "status", "e_codes"),
    [
        pytest.param({}, ELIGIBLE, [], id="base-dossier"),
        pytest.param({"effectif": 100}, ELIGIBLE, [], id="ETI-100"),
        pytest.param({"effectif": 1000}, INELIGIBLE, ["E03"], id="effectif-1000"),
        pytest.param({"effectif": 4999}, INELIGIBLE, ["E03"], id="effectif-4999"),
        pytest.param({"duree_premier_bilan": 17}, INELIGIBLE, ["E04"], id="bilan-17-months"),
        pytest.param({"duree_premier_bilan": 12}, INELIGIBLE, ["E04"], id="bilan-12-months"),
        pytest.param({"duree_premier_bilan": 18}, ELIGIBLE, [], id="bilan-18-months"),
        pytest.param(
            {"departement": "35", "code_postal": "35000"}, ELIGIBLE, [], id="department-35"
        ),
        pytest.param(
            {"departement": "56", "code_postal": "56100"}, ELIGIBLE, [], id="department-56"
        ),
        pytest.param(
            {"departement": "31", "code_postal": "31400"}, INELIGIBLE, ["E05"], id="dept-31"
        ),
        pytest.param({"date_depot": date(2030, 3, 1)}, ELIGIBLE, [], id="filed-on-the-first-day"),
        pytest.param(
            {"date_depot": date(2030, 2, 28)}, INELIGIBLE, ["E08"], id="filed-the-day-before"
        ),
        pytest.param({"date_depot": date(2031, 6, 30)}, ELIGIBLE, [], id="filed-on-the-last-day"),
        pytest.param(
            {"date_depot": date(2031, 7, 1)}, INELIGIBLE, ["E08"], id="filed-the-day-after"
        ),
        pytest.param(
            {"date_depot": date(2022, 3, 15)}, INELIGIBLE, ["E08"], id="filed-in-Occitanie-period"
        ),
        pytest.param(
            {"prestataire": "  kervadec  &  associes "}, ELIGIBLE, [], id="provider-case-accents"
        ),
        pytest.param(
            {"prestataire": "Conseil Armor Industrie"}, ELIGIBLE, [], id="provider-other-case"
        ),
        pytest.param({"prestataire": "AFNOR"}, INELIGIBLE, ["E09"], id="Occitanie-provider"),
        pytest.param({"prestataire": "Brest-Methodes-Lean"}, ELIGIBLE, [], id="provider-hyphens"),
        pytest.param({"prestataire": "cabinet kervadec"}, ELIGIBLE, [], id="MU-alias"),
        pytest.param({"prestataire": "CAI"}, ELIGIBLE, [], id="MU-alias-dots-dropped"),
        pytest.param({"prestataire": "Cabinet Kervadec SKB"}, ELIGIBLE, [], id="MU-legal-form"),
        pytest.param({"prestataire": "Brest Méthodes Lean SBL"}, ELIGIBLE, [], id="MU-form-SBL"),
        pytest.param(
            {"prestataire": "Brest Méthodes Lean SAS"}, INELIGIBLE, ["E09"], id="SAS-Occitanie"
        ),
        pytest.param(
            {"prestataire": "AFNOR Certification"}, INELIGIBLE, ["E09"], id="Occitanie-alias"
        ),
        pytest.param({"code_naf": "24.51Z"}, ELIGIBLE, ["E10"], id="NAF-24-outside-05-09"),
        pytest.param({"code_naf": "07.29Z"}, ELIGIBLE, [], id="NAF-07-inside"),
        pytest.param({**ASSOCIATION, "agrement_ess": "SIAE"}, ELIGIBLE, [], id="association-SIAE"),
        pytest.param({**ASSOCIATION, "agrement_ess": "esat"}, ELIGIBLE, [], id="association-ESAT"),
        pytest.param(
            {**ASSOCIATION, "agrement_ess": "EI", "part_recettes_production": D(59)},
            INELIGIBLE,
            ["E02"],
            id="association-EI-is-not-an-MU-approval",
        ),
        pytest.param(
            {**ASSOCIATION, "agrement_ess": "EI"}, INCOMPLETE, [], id="association-EI-no-share"
        ),
        pytest.param(
            {**ASSOCIATION, "part_recettes_production": D(60)},
            ELIGIBLE,
            [],
            id="association-share-60",
        ),
        pytest.param(
            {**ASSOCIATION, "part_recettes_production": D("59.99")},
            INELIGIBLE,
            ["E02"],
            id="association-share-59.99",
        ),
        pytest.param(
            {**ASSOCIATION, "part_recettes_production": D(50)},
            INELIGIBLE,
            ["E02"],
            id="association-share-50",
        ),
    ],
)
def test_eligibility_follows_the_file(
    changes: dict[str, Any],
    status: Eligibility,
    e_codes: list[str],
    made_up: Programme,
) -> None:
    result = assess_dossier(mu_dossier(**changes), [], [], made_up)
    assert (result.eligibility, [c for c in codes(result.findings) if c[0] == "E"]) == (
        status,
        e_codes,
    )


@pytest.mark.parametrize(
    ("written", "asked"),
    [
        pytest.param("Kervadek & Associés", "KERVADEC & ASSOCIÉS", id="misspelt-name"),
        pytest.param("Cabinet Kervadek", "Cabinet Kervadec", id="misspelt-alias"),
        pytest.param("Brest Méthodes", "Brest Méthodes Lean", id="name-begun"),
        pytest.param("TOPTEK", None, id="Occitanie-provider-misspelt"),
    ],
)
def test_the_suggestion_follows_the_file(written: str, asked: str | None, mu: Parameters) -> None:
    (found,) = assess_line(mu_line(prestataire=written), mu).findings
    end = f" ; vouliez-vous dire « {asked} » ?" if asked else ""
    assert found.message == (
        f"Facture du prestataire « {written} », non référencé par la Région : ligne exclue{end}"
    )


@pytest.mark.parametrize(
    ("code_naf", "expected"),
    [
        pytest.param("08.11Z", [], id="08-in-MU"),
        pytest.param("05.10Z", [], id="05-first-MU-division"),
        pytest.param("09.90Z", [], id="09-last-MU-division"),
        pytest.param("10.11Z", ["E10"], id="10-in-Occitanie-only"),
        pytest.param("33.12Z", ["E10"], id="33-in-Occitanie-only"),
    ],
)
def test_naf_divisions_follow_the_file(code_naf: str, expected: list[str], mu: Parameters) -> None:
    assert codes(check_identity(mu_dossier(code_naf=code_naf), mu)) == expected


# --- Expense lines: daily cap (X02), dates (X03, X09), region (X04), provider (X01) ------------


@pytest.mark.parametrize(
    ("amount", "days", "expected"),
    [
        # 950.33 x 2 = 1,900.66 < 2,000.00
        pytest.param("2000.00", "2", "1900.66", id="two-days"),
        # 950.33 x 0.5 = 475.165, rounded down
        pytest.param("1000.00", "0.5", "475.16", id="half-day-rounds-down"),
        # 950.33 x 1 = 950.33 (Occitanie: 1,200.00)
        pytest.param("1200.00", "1", "950.33", id="one-Occitanie-day"),
        # 950.33 x 2.5 = 2,375.825 > 2,375.82: the amount stands
        pytest.param("2375.82", "2.5", "2375.82", id="just-under-the-cap"),
        # 950.33 x 2.5 = 2,375.825 < 2,375.83, rounded down
        pytest.param("2375.83", "2.5", "2375.82", id="just-over-the-cap"),
        pytest.param("900.00", "1", "900.00", id="under-the-cap"),
    ],
)
def test_daily_cap_on_a_line(amount: str, days: str, expected: str, mu: Parameters) -> None:
    assert capped_amount(D(amount), D(days), mu) == D(expected)


@pytest.mark.parametrize(
    ("changes", "excluded", "eligible", "line_codes"),
    [
        pytest.param({}, False, "3801.32", [], id="a-good-line"),
        # 950.33 x 4 = 3,801.32 < 4,000.00
        pytest.param({"montant_ht": D("4000.00")}, False, "3801.32", ["X02"], id="X02-capped"),
        pytest.param(
            {"date_prestation": date(2031, 9, 30), "date_facture": date(2031, 9, 30)},
            False,
            "3801.32",
            [],
            id="on-the-last-expense-date",
        ),
        pytest.param(
            {"date_prestation": date(2031, 10, 1), "date_facture": date(2031, 10, 1)},
            True,
            "0",
            ["X03", "X03"],
            id="X03-the-day-after",
        ),
        pytest.param(
            {"date_facture": date(2031, 10, 1)}, True, "0", ["X03"], id="X03-invoice-after"
        ),
        pytest.param(
            {"date_prestation": date(2022, 12, 31), "date_facture": date(2022, 12, 31)},
            True,
            "0",
            ["X09", "X09"],
            id="Occitanie-last-day-is-before-MU-start",
        ),
        pytest.param(
            {"date_prestation": date(2030, 3, 1), "date_facture": date(2030, 3, 1)},
            False,
            "3801.32",
            [],
            id="on-the-first-day",
        ),
        pytest.param({"departement_prestation": "56"}, False, "3801.32", [], id="in-56"),
        pytest.param({"departement_prestation": "31"}, True, "0", ["X04"], id="X04-in-31"),
        pytest.param({"prestataire": "AFNOR"}, True, "0", ["X01"], id="X01-Occitanie-provider"),
        pytest.param(
            {"prestataire": "Armor Industrie Conseil Bretagne"},
            False,
            "3801.32",
            [],
            id="MU-alias",
        ),
        pytest.param({"prestataire": "TOPTECH SAS"}, True, "0", ["X01"], id="X01-Occitanie-form"),
        pytest.param(
            {"prestataire": "brest methodes lean"}, False, "3801.32", [], id="MU-provider-folded"
        ),
    ],
)
def test_lines_follow_the_file(
    changes: dict[str, Any],
    excluded: bool,
    eligible: str,
    line_codes: list[str],
    mu: Parameters,
) -> None:
    result = assess_line(mu_line(**changes), mu)
    assert (result.excluded, result.eligible, codes(result.findings)) == (
        excluded,
        D(eligible),
        line_codes,
    )


# --- Subsidy on the quote: phase days (S02), total cap (S03), rates, minimum (S01), equity -----


@pytest.mark.parametrize(
    ("quote", "expected", "quote_codes"),
    [
        # Bases 3,801.32 and 12,198.73 (see the module docstring), 80 % and 45 %.
        pytest.param(
            ("4", "4000.00", "15", "15000.00", NOBODY),
            ("3801.32", "12198.73", "3041.05", "5489.42"),
            # S09 twice: 4,000 > 950.33 x 4 = 3,801.32 and 15,000 > 950.33 x 15 = 14,254.95.
            ["S09", "S09", "S03"],
            id="full-quote-total-cap",
        ),
        # 5 days: base 1 = min(6,000, 950.33 x 5 = 4,751.65, 950.33 x 4 = 3,801.32) = 3,801.32;
        # 25 days: base 2 = min(30,000, 23,758.25, 14,254.95), then 12,198.73 under the total cap.
        pytest.param(
            ("5", "6000.00", "25", "30000.00", NOBODY),
            ("3801.32", "12198.73", "3041.05", "5489.42"),
            # S09: 6,000 > 4,751.65 and 30,000 > 23,758.25, before the phase lengths.
            ["S02", "S02", "S09", "S09", "S03"],
            id="Occitanie-quote-S02-both-phases",
        ),
        # 3 days: no S01; base 1 = min(3,000, 950.33 x 3 = 2,850.99) = 2,850.99;
        # 80 % x 2,850.99 = 2,280.792 -> 2,280.79.
        pytest.param(
            ("3", "3000.00", None, None, NOBODY),
            ("2850.99", "0", "2280.79", "0"),
            ["S09"],
            id="three-days-daily-cap",
        ),
        # 3.5 days: 950.33 x 3.5 = 3,326.155 -> 3,326.15; 80 % -> 2,660.92.
        # 7.5 days: 950.33 x 7.5 = 7,127.475 -> 7,127.47; 45 % = 3,207.3615 -> 3,207.36.
        pytest.param(
            ("3.5", "5000.00", "7.5", "9000.00", NOBODY),
            ("3326.15", "7127.47", "2660.92", "3207.36"),
            ["S09", "S09"],
            id="half-days-round-down",
        ),
        # 2.5 days < 3: S01 blocks the subsidy; base 1 = min(2,000, 2,375.82) = 2,000.00.
        pytest.param(
            ("2.5", "2000.00", None, None, NOBODY),
            ("2000.00", "0", "0", "0"),
            ["S01"],
            id="S01-under-three-days",
        ),
        # 0 days of phase 1 with a phase 2: S05 alone blocks the quote; nothing is computed.
        pytest.param(
            ("0", "0", "10", "5000.00", NOBODY),
            ("0", "0", "0", "0"),
            ["S05"],
            id="S05-phase-2-alone",
        ),
        # 16 days > 15: S02; base 2 = min(14,000, 15,205.28, 14,254.95) = 14,000.00;
        # 3,000 + 14,000 > 16,000.05: base 2 = 13,000.05; 45 % = 5,850.0225 -> 5,850.02.
        pytest.param(
            ("4", "3000.00", "16", "14000.00", NOBODY),
            ("3000.00", "13000.05", "2400.00", "5850.02"),
            ["S02", "S03"],
            id="S02-phase-2-over-15-days",
        ),
        # 3,801.32 + 12,198.73 = 16,000.05: the total cap is reached, not exceeded.
        pytest.param(
            ("4", "3801.32", "15", "12198.73", NOBODY),
            ("3801.32", "12198.73", "3041.05", "5489.42"),
            [],
            id="total-cap-reached",
        ),
        # One cent over: base 2 back to 16,000.05 - 3,801.32 = 12,198.73.
        pytest.param(
            ("4", "3801.32", "15", "12198.74", NOBODY),
            ("3801.32", "12198.73", "3041.05", "5489.42"),
            ["S03"],
            id="total-cap-one-cent-over",
        ),
        # Equity 4,000.00 < 8,530.47: phase 2 = 4,000.00 - 3,041.05 = 958.95.
        pytest.param(
            ("4", "4000.00", "15", "15000.00", D("4000.00")),
            ("3801.32", "12198.73", "3041.05", "958.95"),
            ["S09", "S09", "S03", "S04"],
            id="S04-equity-takes-phase-2-first",
        ),
        # Equity 3,000.00 < 3,041.05: phase 2 = 0, phase 1 = 3,000.00.
        pytest.param(
            ("4", "4000.00", "15", "15000.00", D("3000.00")),
            ("3801.32", "12198.73", "3000.00", "0"),
            ["S09", "S09", "S03", "S04"],
            id="S04-equity-below-phase-1",
        ),
    ],
)
def test_subsidy_follows_the_file(
    quote: tuple[str, str, str | None, str | None, Decimal],
    expected: tuple[str, str, str, str],
    quote_codes: list[str],
    mu: Parameters,
) -> None:
    days1, amount1, days2, amount2, equity = quote
    dossier = mu_dossier(
        jours_p1=D(days1),
        montant_p1=D(amount1),
        jours_p2=None if days2 is None else D(days2),
        montant_p2=None if amount2 is None else D(amount2),
        fonds_propres=equity,
    )
    subsidy = compute_subsidy(dossier, mu)
    assert (
        subsidy.base_phase1,
        subsidy.base_phase2,
        subsidy.phase1,
        subsidy.phase2,
        codes(subsidy.findings),
    ) == (*(D(v) for v in expected), quote_codes)


# --- Payments: minimum days (P01), phase 1 (P02), advance (P03), balance (P04) -----------------

SUBSIDY_1, SUBSIDY_2 = D("3041.05"), D("5489.42")


@pytest.mark.parametrize(
    ("justified", "recorded_advance", "expected", "payment_codes"),
    [
        # Everything justified: 3,041.05; advance 3,568.12; balance 5,489.42 - 3,568.12.
        pytest.param(
            ("3801.32", "12198.73", "19"),
            None,
            ("3041.05", "3568.12", "1921.30"),
            [],
            id="all-justified",
        ),
        # More than the caps: bases 3,801.32 and min(20,000, 14,254.95) -> 12,198.73, as above.
        pytest.param(
            ("5000.00", "20000.00", "25"),
            None,
            ("3041.05", "3568.12", "1921.30"),
            [],
            id="justified-above-the-caps",
        ),
        # 2.5 days < 3: nothing is due yet.
        pytest.param(("2375.82", "0", "2.5"), None, ("0", "0", "0"), ["P01"], id="P01-2.5-days"),
        # 3 days are enough: phase 1 = min(3,041.05, 80 % x 2,850.99 = 2,280.79);
        # phase 2 has not begun (nothing justified, no advance): nothing of it is due.
        pytest.param(
            ("2850.99", "0", "3"),
            None,
            ("2280.79", "0", "0"),
            ["P02"],
            id="three-days-are-payable",
        ),
        # Recorded 3,568.13 > 3,568.12: P03; balance = 5,489.42 - 3,568.13 = 1,921.29.
        pytest.param(
            ("3801.32", "12198.73", "19"),
            "3568.13",
            ("3041.05", "3568.13", "1921.29"),
            ["P03"],
            id="P03-one-cent-over-65-percent",
        ),
        pytest.param(
            ("3801.32", "12198.73", "19"),
            "3568.12",
            ("3041.05", "3568.12", "1921.30"),
            [],
            id="advance-at-65-percent",
        ),
        # Phase 2 justified 5,000.00: due 45 % = 2,250.00; balance 2,250.00 - 3,568.12.
        pytest.param(
            ("3801.32", "5000.00", "10"),
            None,
            ("3041.05", "3568.12", "-1318.12"),
            ["P04"],
            id="P04-reimbursement",
        ),
    ],
)
def test_payments_follow_the_file(
    justified: tuple[str, str, str],
    recorded_advance: str | None,
    expected: tuple[str, str, str],
    payment_codes: list[str],
    mu: Parameters,
) -> None:
    schedule = schedule_payments(
        SUBSIDY_1,
        SUBSIDY_2,
        *(D(v) for v in justified),
        mu,
        recorded_advance=None if recorded_advance is None else D(recorded_advance),
    )
    assert (
        schedule.phase1,
        schedule.advance_phase2,
        schedule.balance_phase2,
        codes(schedule.findings),
    ) == (*(D(v) for v in expected), payment_codes)


# --- A whole dossier through assess_dossier ------------------------------------------------

PHASE_2_LINE = {
    "phase": 2,
    "numero_facture": "F-2031-002",
    "date_prestation": date(2031, 2, 3),
    "date_facture": date(2031, 3, 31),
    "jours": D(15),
    "montant_ht": D("15000.00"),
    "date_acquittement": date(2031, 4, 15),
}


@pytest.mark.parametrize(
    ("lines", "payments", "expected"),
    [
        # Lines capped to 950.33 x 4 = 3,801.32 and 950.33 x 15 = 14,254.95; bases 3,801.32 and
        # 12,198.73; payments 3,041.05, advance 3,568.12, balance 1,921.30 = the subsidy.
        pytest.param(
            [mu_line(montant_ht=D("4000.00")), mu_line(**PHASE_2_LINE)],
            [],
            ("3041.05", "3568.12", "1921.30"),
            id="everything-justified",
        ),
        # 2 days justified < 3: nothing due.
        pytest.param(
            [mu_line(jours=D(2), montant_ht=D("1900.66"))], [], ("0", "0", "0"), id="two-days"
        ),
        # 3 days: 950.33 x 3 = 2,850.99; 80 % = 2,280.79; phase 2 not begun: 0 and 0.
        pytest.param(
            [mu_line(jours=D(3), montant_ht=D("3000.00"))],
            [],
            ("2280.79", "0", "0"),
            id="three-days",
        ),
        # Recorded advance 3,568.13 > 65 %: it stands in the schedule (P03 raised);
        # balance = 5,489.42 - 3,568.13 = 1,921.29.
        pytest.param(
            [mu_line(), mu_line(**PHASE_2_LINE)],
            [a_payment(type=PaymentType.ADVANCE_PHASE2, montant=D("3568.13"))],
            ("3041.05", "3568.13", "1921.29"),
            id="recorded-advance-too-high",
        ),
    ],
)
def test_a_dossier_is_paid_under_the_file(
    lines: list[ExpenseLine],
    payments: list[Any],
    expected: tuple[str, str, str],
    made_up: Programme,
) -> None:
    result = assess_dossier(mu_dossier(), lines, payments, made_up)
    schedule = result.schedule
    assert (result.subsidy_phase1, result.subsidy_phase2) == (SUBSIDY_1, SUBSIDY_2)
    assert (schedule.phase1, schedule.advance_phase2, schedule.balance_phase2) == tuple(
        D(v) for v in expected
    )


@pytest.mark.parametrize(
    ("filed", "effectif", "prior", "total"),
    [
        # SME: the de minimis part is phase 1 only, 3,041.05; over the ceiling only that part is
        # refused, phase 2 (5,489.42, under SA.40453) stays: total 5,489.42.
        # 96,958.96 + 3,041.05 = 100,000.01: at the first ceiling, not above.
        pytest.param(date(2030, 12, 31), 48, "96958.96", "8530.47", id="PME-at-first-ceiling"),
        # 96,958.97 + 3,041.05 = 100,000.02 > 100,000.01.
        pytest.param(date(2030, 12, 31), 48, "96958.97", "5489.42", id="PME-over-first-ceiling"),
        # The next day the ceiling is 150,000.03: 100,000.02 passes.
        pytest.param(date(2031, 1, 1), 48, "96958.97", "8530.47", id="PME-second-ceiling-starts"),
        # 146,958.98 + 3,041.05 = 150,000.03: at the second ceiling.
        pytest.param(date(2031, 1, 1), 48, "146958.98", "8530.47", id="PME-at-second-ceiling"),
        # 146,958.99 + 3,041.05 = 150,000.04 > 150,000.03.
        pytest.param(date(2031, 1, 1), 48, "146958.99", "5489.42", id="PME-over-second-ceiling"),
        # ETI (100 employees): phase 2 is de minimis too: 3,041.05 + 5,489.42 = 8,530.47;
        # 91,469.54 + 8,530.47 = 100,000.01. Over it, both phases are refused: 0.
        pytest.param(date(2030, 12, 31), 100, "91469.54", "8530.47", id="ETI-at-first-ceiling"),
        pytest.param(date(2030, 12, 31), 100, "91469.55", "0", id="ETI-over-first-ceiling"),
        pytest.param(date(2031, 1, 1), 100, "91469.55", "8530.47", id="ETI-second-ceiling"),
        # Under 200,000.00 (Occitanie until 2023), but over both made-up ceilings.
        pytest.param(date(2031, 6, 30), 48, "150000.00", "5489.42", id="under-Occitanie-ceiling"),
    ],
)
def test_de_minimis_ceiling_in_force_on_the_filing_date(
    filed: date, effectif: int, prior: str, total: str, made_up: Programme
) -> None:
    dossier = mu_dossier(date_depot=filed, effectif=effectif, aides_minimis_3_ans=D(prior))
    result = assess_dossier(dossier, [], [], made_up)
    s07 = ["S07"] if D(total) < D("8530.47") else []
    assert (result.eligibility, [c for c in codes(result.findings) if c == "S07"]) == (
        ELIGIBLE,
        s07,
    )
    assert result.subsidy_total == D(total)


# --- The same inputs, two programmes ----------------------------------------------------------


def test_the_same_dossier_differs_under_the_two_programmes(
    programme: Programme, made_up: Programme
) -> None:
    dossier = a_dossier()  # the Occitanie builder: 5 days 6,000 + 25 days 30,000, dept 31, 2022
    occitanie = assess_dossier(dossier, [a_line()], [], programme)
    invented = assess_dossier(dossier, [a_line()], [], made_up)
    # Occitanie: bases 6,000 and 30,000 (36,000 = the total cap): 6,000 + 50 % x 30,000.
    assert (occitanie.eligibility, occitanie.subsidy_phase1, occitanie.subsidy_phase2) == (
        ELIGIBLE,
        D("6000.00"),
        D("15000.00"),
    )
    # Made-up: 12-month balance sheet, department 31, filed in 2022, AFNOR, NAF division 24.
    assert (invented.eligibility, invented.subsidy_total, invented.schedule.total) == (
        INELIGIBLE,
        D(0),
        D(0),
    )
    assert [c for c in codes(invented.findings) if c[0] == "E"] == [
        "E04",
        "E05",
        "E08",
        "E09",
        "E10",
    ]


def test_the_same_quote_and_payments_differ_under_the_two_programmes(
    params: Parameters, mu: Parameters
) -> None:
    dossier = a_dossier()
    assert [(s.phase1, s.phase2) for s in (compute_subsidy(dossier, p) for p in (params, mu))] == [
        # Occitanie: 100 % x 6,000.00; 50 % x 30,000.00.
        (D("6000.00"), D("15000.00")),
        # Made-up: 80 % x 3,801.32; 45 % x 12,198.73 (module docstring).
        (D("3041.05"), D("5489.42")),
    ]
    schedules = [
        schedule_payments(D("6000.00"), D("15000.00"), D("6000.00"), D("30000.00"), D(30), p)
        for p in (params, mu)
    ]
    assert [(s.phase1, s.advance_phase2, s.balance_phase2) for s in schedules] == [
        # Occitanie: 6,000.00; 70 % x 15,000 = 10,500.00; 15,000.00 - 10,500.00.
        (D("6000.00"), D("10500.00"), D("4500.00")),
        # Made-up: bases 3,801.32 and 12,198.73; min(6,000, 3,041.05); 65 % x 15,000 = 9,750.00;
        # min(15,000, 5,489.42) - 9,750.00 = -4,260.58.
        (D("3041.05"), D("9750.00"), D("-4260.58")),
    ]
    assert [capped_amount(D("1500.00"), D(1), p) for p in (params, mu)] == [
        D("1200.00"),
        D("950.33"),
    ]
    assert [category(249, p) for p in (params, mu)] == [Category.PME, Category.ETI]
    assert [category(1000, p) for p in (params, mu)] == [Category.ETI, Category.NON_ELIGIBLE]


def test_the_snapshot_is_the_one_of_the_filing_date(made_up: Programme) -> None:
    assert [
        made_up.at(day).de_minimis_ceiling for day in (date(2030, 12, 31), date(2031, 1, 1))
    ] == [
        D("100000.01"),
        D("150000.03"),
    ]


def test_the_rule_catalogue_states_the_figures_of_the_file() -> None:
    result = CliRunner().invoke(app, ["rules", "--programme", str(MADE_UP)])
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("P01"))
    p01 = lines[start : start + 3]  # title, source, parameter
    assert result.exit_code == 0
    # Under this file no payment is due before 3 days (min_days): the parameter line says so...
    assert p01[2].endswith("= 3\u00a0jours — Programme inventé pour les tests")
    # ...and the title must not contradict it with the Occitanie minimum.
    assert "5 jours" not in p01[0], p01[0]
