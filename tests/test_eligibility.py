"""Eligibility E01-E12 and category: one case per criterion, with every boundary of SPEC 3."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import a_dossier, codes
from xl_idf.eligibility import (
    Category,
    Eligibility,
    assess_eligibility,
    category,
    check_identity,
    postal_department,
)
from xl_idf.records import LegalForm

ENTREPRISE, ASSOCIATION = LegalForm.ENTREPRISE, LegalForm.ASSOCIATION


@pytest.mark.parametrize(
    ("effectif", "expected"),
    [
        (0, Category.PME),
        (249, Category.PME),
        (250, Category.ETI),
        (4999, Category.ETI),
        (5000, Category.NON_ELIGIBLE),
        (12000, Category.NON_ELIGIBLE),
        # Staff in annual work units (UTA): a head count with decimals, compared as it is.
        (Decimal("0.5"), Category.PME),
        (Decimal("249.5"), Category.PME),
        (Decimal("249.99"), Category.PME),
        (Decimal("250.0"), Category.ETI),
        (Decimal("250.5"), Category.ETI),
        (Decimal("4999.99"), Category.ETI),
        (Decimal("5000.00"), Category.NON_ELIGIBLE),
        (Decimal("5000.01"), Category.NON_ELIGIBLE),
    ],
)
def test_category_follows_the_size_thresholds(params, effectif, expected):
    assert category(effectif, params) is expected


CASES = [
    # (id, changes to a valid SME dossier, expected status, expected codes)
    ("valid SME", {}, Eligibility.ELIGIBLE, []),
    (
        "E01 company without industrial activity",
        {"activite_industrielle": False},
        Eligibility.INELIGIBLE,
        ["E01"],
    ),
    (
        "E01 does not apply to an association",
        {"forme_juridique": ASSOCIATION, "activite_industrielle": False, "agrement_ess": "EI"},
        Eligibility.ELIGIBLE,
        [],
    ),
    (
        "E02 association with approval EI",
        {"forme_juridique": ASSOCIATION, "agrement_ess": "EI"},
        Eligibility.ELIGIBLE,
        [],
    ),
    (
        "E02 association with approval EA typed in lower case",
        {"forme_juridique": ASSOCIATION, "agrement_ess": "ea"},
        Eligibility.ELIGIBLE,
        [],
    ),
    (
        "E02 association, no approval, 50 % production revenue",
        {"forme_juridique": ASSOCIATION, "part_recettes_production": Decimal(50)},
        Eligibility.ELIGIBLE,
        [],
    ),
    (
        "E02 association, no approval, 49.99 % production revenue",
        {"forme_juridique": ASSOCIATION, "part_recettes_production": Decimal("49.99")},
        Eligibility.INELIGIBLE,
        ["E02"],
    ),
    (
        "E02 association, no approval, share missing",
        {"forme_juridique": ASSOCIATION, "part_recettes_production": None},
        Eligibility.INCOMPLETE,
        ["F07"],
    ),
    ("E03 4,999 employees is an ETI", {"effectif": 4999}, Eligibility.ELIGIBLE, []),
    ("E03 5,000 employees", {"effectif": 5000}, Eligibility.INELIGIBLE, ["E03"]),
    ("E04 first balance sheet of 12 months", {"duree_premier_bilan": 12}, Eligibility.ELIGIBLE, []),
    (
        "E04 first balance sheet of 11 months",
        {"duree_premier_bilan": 11},
        Eligibility.INELIGIBLE,
        ["E04"],
    ),
    ("E05 Hérault is in Occitanie", {"departement": "34"}, Eligibility.ELIGIBLE, []),
    ("E05 Ariège (09) is in Occitanie", {"departement": "09"}, Eligibility.ELIGIBLE, []),
    ("E05 Gironde is not", {"departement": "33"}, Eligibility.INELIGIBLE, ["E05"]),
    ("E06 in difficulty", {"en_difficulte": True}, Eligibility.INELIGIBLE, ["E06"]),
    ("E07 not up to date", {"a_jour_fiscal_social": False}, Eligibility.INELIGIBLE, ["E07"]),
    ("E08 filed on the last day", {"date_depot": date(2022, 12, 31)}, Eligibility.ELIGIBLE, []),
    ("E08 filed the day after", {"date_depot": date(2023, 1, 1)}, Eligibility.INELIGIBLE, ["E08"]),
    ("E08 filed on the first day", {"date_depot": date(2020, 1, 1)}, Eligibility.ELIGIBLE, []),
    (
        "E08 filed before the programme",
        {"date_depot": date(2019, 12, 31)},
        Eligibility.INELIGIBLE,
        ["E08"],
    ),
    (
        "E09 provider with accents, case and spaces",
        {"prestataire": "  In Extenso  Innovation   Croissance "},
        Eligibility.ELIGIBLE,
        [],
    ),
    ("E09 provider Opéo-Socodit", {"prestataire": "Opéo Socodit"}, Eligibility.ELIGIBLE, []),
    ("E09 provider Top-Tech", {"prestataire": "Top-Tech"}, Eligibility.ELIGIBLE, []),
    ("E09 provider toptech", {"prestataire": "toptech"}, Eligibility.ELIGIBLE, []),
    ("E09 provider alias", {"prestataire": "AFNOR Certification"}, Eligibility.ELIGIBLE, []),
    ("E09 provider legal form", {"prestataire": "TOPTECH SAS"}, Eligibility.ELIGIBLE, []),
    ("E09 unreferenced provider", {"prestataire": "McKinsey"}, Eligibility.INELIGIBLE, ["E09"]),
    ("E09 provider misspelt", {"prestataire": "Toptek"}, Eligibility.INELIGIBLE, ["E09"]),
    (
        "missing department is incomplete, not ineligible",
        {"departement": None},
        Eligibility.INCOMPLETE,
        ["F07"],
    ),
    (
        "ineligible wins over incomplete",
        {"departement": "33", "effectif": None},
        Eligibility.INELIGIBLE,
        ["F07", "E05"],
    ),
    (
        "unreadable value: incomplete, reported once by the reader",
        {"effectif": None, "unreadable": frozenset({"effectif"})},
        Eligibility.INCOMPLETE,
        [],
    ),
    ("negative head count is a typing error", {"effectif": -3}, Eligibility.INCOMPLETE, ["F04"]),
    (
        "negative head count in annual work units",
        {"effectif": Decimal("-0.5")},
        Eligibility.INCOMPLETE,
        ["F04"],
    ),
    ("E03 249.5 work units is a PME", {"effectif": Decimal("249.5")}, Eligibility.ELIGIBLE, []),
    (
        "E03 5,000.5 annual work units",
        {"effectif": Decimal("5000.5")},
        Eligibility.INELIGIBLE,
        ["E03"],
    ),
    (
        "several reasons at once",
        {"activite_industrielle": False, "en_difficulte": True},
        Eligibility.INELIGIBLE,
        ["E01", "E06"],
    ),
]


@pytest.mark.parametrize(
    ("changes", "status", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_eligibility(params, changes, status, expected):
    result = assess_eligibility(a_dossier(**changes), params)
    assert result.status is status
    assert codes(result.findings) == expected


def test_findings_name_the_cell_and_the_values(params):
    result = assess_eligibility(a_dossier(departement="33"), params)
    (found,) = result.findings
    assert (found.code, found.severity.value, found.sheet, found.cell, found.dossier) == (
        "E05",
        "error",
        "Dossiers",
        "K7",
        "IDF-0001",
    )
    assert "« 33 »" in found.message
    assert "31, 32, 34" in found.message


def test_reasons_are_the_error_messages(params):
    result = assess_eligibility(a_dossier(effectif=5000, duree_premier_bilan=6), params)
    assert result.reasons == (
        "Effectif de 5\u00a0000 salariés : le parcours est réservé aux entreprises de moins de "
        "5\u00a0000 salariés",
        "Premier bilan de 6 mois : 12 mois minimum",
    )
    assert assess_eligibility(a_dossier(), params).reasons == ()


@pytest.mark.parametrize(
    ("effectif", "code", "message"),
    [
        (
            Decimal("5000.5"),
            "E03",
            "Effectif de 5\u00a0000,5 salariés : le parcours est réservé aux entreprises de moins "
            "de 5\u00a0000 salariés",
        ),
        (
            Decimal("-0.5"),
            "F04",
            "Effectif : valeur négative -0,5, une valeur positive ou nulle attendue ; "
            "dossier incomplet",
        ),
    ],
)
def test_a_head_count_with_decimals_is_written_french_style(params, effectif, code, message):
    (found,) = assess_eligibility(a_dossier(effectif=effectif), params).findings
    assert (found.code, found.cell, found.message) == (code, "I7", message)


PROVIDERS = "AFNOR, AGILEA, ALTRAN, CYLAD, IN EXTENSO INNOVATION CROISSANCE, OPEO SOCODIT, TOPTECH"


@pytest.mark.parametrize(
    ("written", "asked"),
    [
        ("Toptek", " ; vouliez-vous dire « TOPTECH » ?"),
        ("Cylad Consulting", " ; vouliez-vous dire « CYLAD » ?"),
        ("Afnor Certif", " ; vouliez-vous dire « AFNOR Certification » ?"),
        ("McKinsey", ""),
    ],
)
def test_e09_suggests_the_closest_referenced_name(params, written, asked):
    (found,) = assess_eligibility(a_dossier(prestataire=written), params).findings
    assert (found.code, found.cell, found.message) == (
        "E09",
        "P7",
        f"Prestataire « {written} » non référencé par la Région (prestataires référencés : "
        f"{PROVIDERS}){asked}",
    )


def test_missing_value_says_which_column(params):
    (found,) = assess_eligibility(a_dossier(date_depot=None), params).findings
    assert (found.code, found.cell, found.message) == (
        "F07",
        "Q7",
        "Valeur manquante dans « Date de dépôt » : dossier incomplet",
    )


IDENTITY = [
    ("valid SIRET", {}, []),
    ("SIRET with a wrong check digit", {"siret": "73282932000075"}, ["E12"]),
    ("SIRET too short", {"siret": "7328293200007"}, ["E12"]),
    ("SIRET with letters", {"siret": "7328293200007A"}, ["E12"]),
    ("La Poste SIRET: digit sum multiple of 5, not Luhn", {"siret": "35600000049837"}, []),
    ("La Poste SIRET with a bad digit sum", {"siret": "35600000049838"}, ["E12"]),
    ("missing SIRET", {"siret": None}, ["F07"]),
    ("E10 NAF outside section C with industrial activity", {"code_naf": "62.01Z"}, ["E10"]),
    ("E10 NAF 33.12Z is the last division of section C", {"code_naf": "33.12Z"}, []),
    ("E10 NAF 10.11Z is the first", {"code_naf": "1011Z"}, []),
    ("E10 NAF 09.10Z is before section C", {"code_naf": "09.10Z"}, ["E10"]),
    (
        "E10 no industrial activity declared: no warning",
        {"code_naf": "62.01Z", "activite_industrielle": False},
        [],
    ),
    ("E10 no NAF code given", {"code_naf": None}, []),
    ("E11 postal code of another department", {"code_postal": "81000"}, ["E11"]),
    (
        "E11 Ariège postal code 09000 with department 09",
        {"code_postal": "09000", "departement": "09"},
        [],
    ),
]


@pytest.mark.parametrize(
    ("changes", "expected"), [c[1:] for c in IDENTITY], ids=[c[0] for c in IDENTITY]
)
def test_identity(params, changes, expected):
    assert codes(check_identity(a_dossier(**changes), params)) == expected


def test_la_poste_siret_sample_is_what_the_exception_is_about():
    # 35600000049837: not a valid Luhn number, but La Poste's digit sum (3+5+6+4+9+8+3+7=45)
    # is a multiple of 5, which is its own rule.
    digits = [int(c) for c in "35600000049837"]
    assert sum(digits) % 5 == 0


@pytest.mark.parametrize(
    ("postal_code", "department"),
    [
        ("31000", "31"),
        ("09100", "09"),
        ("20000", "2A"),
        ("20199", "2A"),
        ("20200", "2B"),
        ("97100", "971"),
        ("97400", "974"),
    ],
)
def test_postal_department(postal_code, department):
    assert postal_department(postal_code) == department
