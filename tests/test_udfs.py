"""The IDF_* Excel functions called as plain Python (SPEC 4.2), and the calculator workbook.

Expected values are worked out by hand from the Occitanie programme: daily cap 1,200 EUR, phase 1
of 5 days at 100 %, phase 2 of up to 25 days at 50 %, journey cap 36,000 EUR, advance 70 %,
de minimis ceiling 200,000 EUR until 2023 and 300,000 EUR from 2024. Amounts come back as floats
already rounded to the cent by the core, so they are compared exactly.
"""

from __future__ import annotations

import ast
import math
import os
import subprocess
import sys
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from udfs import idf_udfs as udfs
from workbooks import build_script
from xl_idf.payments import recorded_payments
from xl_idf.programme import Programme
from xl_idf.quarter import assess_quarter
from xl_idf.records import Dossier
from xl_idf.validate import validate
from xl_idf.workbook import read_workbook

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "workbooks" / "exemple-trimestre-2022T4.xlsx"
CALCULATOR = ROOT / "workbooks" / "calculateur-idf.xlsm"
NB = "\u00a0"  # the core's French numbers: no-break space as thousands separator and before €
ERR = "#IDF: "

# The SPEC 4.2 contract: every function and its arguments, in order.
SPEC = {
    "IDF_CATEGORIE": ["effectif"],
    "IDF_ELIGIBLE": ["forme", "activite_industrielle", "agrement", "part_recettes", "effectif",
                     "duree_bilan_mois", "departement", "en_difficulte", "a_jour", "date_depot",
                     "prestataire"],
    "IDF_MOTIFS": ["forme", "activite_industrielle", "agrement", "part_recettes", "effectif",
                   "duree_bilan_mois", "departement", "en_difficulte", "a_jour", "date_depot",
                   "prestataire"],
    "IDF_DEPENSE_PLAFONNEE": ["montant_ht", "jours"],
    "IDF_DEPENSE_ELIGIBLE": ["montant_ht", "jours", "date_prestation", "prestataire",
                             "departement"],
    "IDF_SUBVENTION": ["jours_p1", "montant_p1", "jours_p2", "montant_p2", "fonds_propres"],
    "IDF_ECHEANCIER": ["subvention_p1", "subvention_p2", "justifie_p1", "justifie_p2",
                       "jours_justifies", "acompte_verse"],
    "IDF_MINIMIS": ["categorie", "subvention_p1", "subvention_p2", "aides_anterieures",
                    "date_octroi", "attestation"],
    "IDF_PARAMETRE": ["nom"],
}  # fmt: skip

# An eligible SME, as typed in a sheet: the eleven eligibility arguments.
ELIGIBLE_SME = {
    "forme": "Entreprise", "activite_industrielle": "Oui", "agrement": "Aucun",
    "part_recettes": None, "effectif": 48, "duree_bilan_mois": 24, "departement": "31",
    "en_difficulte": "Non", "a_jour": "Oui", "date_depot": "15/03/2022", "prestataire": "AFNOR",
}  # fmt: skip

# A valid row for each function: the starting point of the bad-cell and shape tests.
VALID = {
    "IDF_CATEGORIE": {"effectif": 48},
    "IDF_ELIGIBLE": ELIGIBLE_SME,
    "IDF_MOTIFS": ELIGIBLE_SME,
    "IDF_DEPENSE_PLAFONNEE": {"montant_ht": 7500, "jours": 5},
    "IDF_DEPENSE_ELIGIBLE": {"montant_ht": 7500, "jours": 5, "date_prestation": "04/04/2022",
                             "prestataire": "AFNOR", "departement": "31"},
    "IDF_SUBVENTION": {"jours_p1": 5, "montant_p1": 6000, "jours_p2": 25, "montant_p2": 30000,
                       "fonds_propres": 500000},
    "IDF_ECHEANCIER": {"subvention_p1": 6000, "subvention_p2": 15000, "justifie_p1": 6000,
                       "justifie_p2": 30000, "jours_justifies": 30, "acompte_verse": None},
    "IDF_MINIMIS": {"categorie": "PME", "subvention_p1": 6000, "subvention_p2": 15000,
                    "aides_anterieures": 0, "date_octroi": "15/03/2022", "attestation": "Oui"},
    "IDF_PARAMETRE": {"nom": "daily_cap"},
}  # fmt: skip
VALID_ANSWER = {
    "IDF_CATEGORIE": ["PME"],
    "IDF_ELIGIBLE": [True],
    "IDF_MOTIFS": [""],
    "IDF_DEPENSE_PLAFONNEE": [6000.0],
    "IDF_DEPENSE_ELIGIBLE": [6000.0],
    "IDF_SUBVENTION": [6000.0, 15000.0, 21000.0],
    "IDF_ECHEANCIER": [6000.0, 10500.0, 4500.0],
    "IDF_MINIMIS": ["OK"],
    "IDF_PARAMETRE": [1200.0],
}


def negative(column: str, value: str) -> str:
    """The core's F04 message for a value below zero (xl_idf.records.Record.negative)."""
    return f"{column} : valeur négative {value}, une valeur positive ou nulle attendue"


def call(name: str, **changes: Any) -> list[Any]:
    """The one row `name` answers for its valid row with `changes`."""
    (row,) = getattr(udfs, name)(**{**VALID[name], **changes})
    return row


def eligible(**changes: Any) -> Any:
    return call("IDF_ELIGIBLE", **changes)[0]


def motifs(**changes: Any) -> Any:
    return call("IDF_MOTIFS", **changes)[0]


# --- The contract -----------------------------------------------------------------------------


def test_every_spec_function_exists_with_its_arguments_and_a_french_docstring():
    import inspect

    for name, arguments in SPEC.items():
        function = getattr(udfs, name)
        assert list(inspect.signature(function).parameters) == arguments, name
        assert list(udfs.ARGUMENTS[name]) == arguments, name
        assert function.__doc__, name
        assert "\n" not in function.__doc__.strip(), name
    assert set(udfs.ARGUMENTS) == set(SPEC)
    assert inspect.signature(udfs.IDF_ECHEANCIER).parameters["acompte_verse"].default is None


def test_every_valid_row_gives_its_answer():
    for name, answer in VALID_ANSWER.items():
        assert call(name) == answer, name


# --- IDF_CATEGORIE ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effectif", "expected"),
    [
        (0, "PME"), (48, "PME"), (249, "PME"), (249.0, "PME"), ("249", "PME"), (250, "ETI"),
        ("1 250", "ETI"), (4999, "ETI"), (5000, "Non éligible"), (12000.0, "Non éligible"),
        # Staff in annual work units: decimals are a head count, compared as they are.
        (249.5, "PME"), ("249,5", "PME"), (249.99, "PME"), (12.5, "PME"), (250.5, "ETI"),
        (4999.5, "ETI"), (4999.99, "ETI"), (5000.5, "Non éligible"), (0.5, "PME"),
        (None, ""), ("", ""), ("   ", ""),
        (-1, ERR + negative("Effectif", "-1")),
        (-0.5, ERR + negative("Effectif", "-0,5")),
        ("beaucoup", f"{ERR}effectif : nombre illisible « beaucoup » : écrire par exemple 12,5"),
        (True, f"{ERR}effectif : nombre illisible « VRAI » : écrire par exemple 12,5"),
        ("#N/A", f"{ERR}effectif : valeur d'erreur Excel « #N/A » : corriger la formule ou la "
                 "saisie"),
        (1e300, f"{ERR}effectif : nombre trop grand « 1{'0' * 300} » : Excel ne garde que "
                "15 chiffres"),
        (math.nan, f"{ERR}effectif : nombre invalide « nan »"),
    ],
)  # fmt: skip
def test_categorie(effectif, expected):
    assert udfs.IDF_CATEGORIE(effectif) == [[expected]]


def test_categorie_answers_a_whole_column_one_row_each():
    column = [[10], [None], [300], ["x"], [5000.0]]
    assert udfs.IDF_CATEGORIE(column) == [
        ["PME"],
        [""],
        ["ETI"],
        [f"{ERR}effectif : nombre illisible « x » : écrire par exemple 12,5"],
        ["Non éligible"],
    ]


# --- IDF_ELIGIBLE and IDF_MOTIFS --------------------------------------------------------------

REGION = "09, 11, 12, 30, 31, 32, 34, 46, 48, 65, 66, 81, 82"
PROVIDERS = "AFNOR, AGILEA, ALTRAN, CYLAD, IN EXTENSO INNOVATION CROISSANCE, OPEO SOCODIT, TOPTECH"


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        pytest.param({}, [], id="eligible-SME"),
        pytest.param({"effectif": 620}, [], id="eligible-ETI"),
        pytest.param({"activite_industrielle": "Non"}, [
            "Entreprise sans activité industrielle (Activité industrielle = Non) : le parcours "
            "est réservé aux activités de production, de fabrication ou de transformation"],
            id="E01"),
        pytest.param({"forme": "Association", "activite_industrielle": None, "agrement": "Aucun",
                      "part_recettes": 45}, [
            f"Association sans agrément EI ou EA (agrément : Aucun) et avec 45{NB}% de recettes "
            f"issues de la production, 50{NB}% au moins attendus"], id="E02"),
        pytest.param({"forme": "Association", "agrement": "EI"}, [], id="association-EI"),
        pytest.param({"forme": "association", "agrement": None, "part_recettes": "50 %"}, [],
                     id="association-half-production"),
        pytest.param({"forme": "Association", "agrement": "Aucun", "part_recettes": 60}, [],
                     id="association-60-points"),
        pytest.param({"forme": "Association", "agrement": "Aucun", "part_recettes": 1}, [
            f"Association sans agrément EI ou EA (agrément : Aucun) et avec 1{NB}% de recettes "
            f"issues de la production, 50{NB}% au moins attendus"], id="E02-one-point"),
        pytest.param({"forme": "Association", "agrement": "Aucun", "part_recettes": "0,6 %"}, [
            f"Association sans agrément EI ou EA (agrément : Aucun) et avec 0,6{NB}% de recettes "
            f"issues de la production, 50{NB}% au moins attendus"], id="E02-text-with-its-sign"),
        pytest.param({"effectif": 5000}, [
            f"Effectif de 5{NB}000 salariés : le parcours est réservé aux entreprises de moins "
            f"de 5{NB}000 salariés"], id="E03"),
        pytest.param({"effectif": 249.5}, [], id="eligible-SME-in-annual-work-units"),
        pytest.param({"effectif": "4 999,5"}, [], id="eligible-ETI-in-annual-work-units"),
        pytest.param({"effectif": 5000.5}, [
            f"Effectif de 5{NB}000,5 salariés : le parcours est réservé aux entreprises de moins "
            f"de 5{NB}000 salariés"], id="E03-in-annual-work-units"),
        pytest.param({"duree_bilan_mois": 11}, ["Premier bilan de 11 mois : 12 mois minimum"],
                     id="E04"),
        pytest.param({"departement": 75}, [
            f"Établissement dans le département « 75 », hors de la région Occitanie "
            f"(départements : {REGION})"], id="E05"),
        pytest.param({"departement": 9}, [], id="department-as-number-9-is-09"),
        pytest.param({"en_difficulte": "Oui"}, [
            "Entreprise déclarée en difficulté au sens de la réglementation européenne "
            "(En difficulté = Oui) : non éligible"],
            id="E06"),
        pytest.param({"a_jour": False}, [
            "Entreprise non à jour de ses obligations fiscales et sociales "
            "(À jour fiscal et social = Non) : non éligible"], id="E07"),
        pytest.param({"date_depot": "01/01/2023"}, [
            "Dossier déposé le 01/01/2023, hors de la période du programme (du 01/01/2020 au "
            "31/12/2022)"], id="E08"),
        pytest.param({"prestataire": "Sud Conseil"}, [
            f"Prestataire « Sud Conseil » non référencé par la Région (prestataires référencés : "
            f"{PROVIDERS})"], id="E09"),
        pytest.param({"prestataire": "  in extenso innovation croissance "}, [],
                     id="provider-case-and-spaces"),
        pytest.param({"prestataire": "Top-Tech"}, [], id="provider-hyphen"),
        pytest.param({"prestataire": "AFNOR Certification"}, [], id="provider-alias"),
        pytest.param({"prestataire": "toptech sarl"}, [], id="provider-legal-form"),
        pytest.param({"prestataire": "Toptek"}, [
            f"Prestataire « Toptek » non référencé par la Région (prestataires référencés : "
            f"{PROVIDERS}) ; vouliez-vous dire « TOPTECH » ?"], id="E09-with-a-suggestion"),
    ],
)  # fmt: skip
def test_eligibility_and_its_reasons(changes, reasons, programme):
    assert eligible(**changes) is (reasons == [])
    assert motifs(**changes) == " ; ".join(reasons)


def test_reasons_are_joined_in_the_rules_order():
    assert motifs(duree_bilan_mois=6, departement="75") == (
        "Premier bilan de 6 mois : 12 mois minimum ; Établissement dans le département « 75 », "
        f"hors de la région Occitanie (départements : {REGION})"
    )


@pytest.mark.parametrize(
    "when",
    ["15/03/2022", "2022-03-15", 44635, 44635.0, 44635.75, datetime(2022, 3, 15), date(2022, 3, 15),
     "15/03/22"],
)  # fmt: skip
def test_a_filing_date_in_any_form_excel_sends(when):
    assert eligible(date_depot=when) is True


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"activite_industrielle": True, "en_difficulte": False, "a_jour": True}, True),
        ({"activite_industrielle": "oui", "en_difficulte": "non", "a_jour": "VRAI"}, True),
        ({"activite_industrielle": 1, "en_difficulte": 0.0, "a_jour": "O"}, True),
        ({"activite_industrielle": "FAUX"}, False),
    ],
)
def test_yes_no_in_any_form_excel_sends(changes, expected):
    assert eligible(**changes) is expected


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # Incomplete, not ineligible: FALSE would wrongly say the company fails a criterion.
        ({"effectif": None}, "effectif : valeur manquante"),
        ({"date_depot": None, "prestataire": ""}, "date_depot : valeur manquante ; prestataire : "
                                                  "valeur manquante"),
        ({"forme": "Association", "agrement": "Aucun"}, "part_recettes : valeur manquante"),
        ({"effectif": -3}, negative("Effectif", "-3")),
        ({"forme": "SARL"}, "forme : valeur inconnue « SARL » : choisir parmi Entreprise, "
                            "Association"),
        ({"agrement": "ESUS"}, "agrement : valeur inconnue « ESUS » : choisir parmi Aucun, EI, EA"),
        # No format reaches a function: 0.6 may be 0.6 % or a cell showing 60 %.
        ({"forme": "Association", "agrement": "Aucun", "part_recettes": 0.6},
         "part_recettes : pourcentage ambigu « 0,6 » : 0,6 % ou 60 % ? Saisir 60 pour 60 % "
         "(ou « 0,6 % » pour 0,6 %)"),
        ({"forme": "Association", "agrement": "Aucun", "part_recettes": "0,55"},
         "part_recettes : pourcentage ambigu « 0,55 » : 0,55 % ou 55 % ? Saisir 55 pour 55 % "
         "(ou « 0,55 % » pour 0,55 %)"),
        ({"part_recettes": 120}, "part_recettes : pourcentage hors limites « 120 » : attendu de 0 "
                                 "à 100"),
        ({"departement": "99"}, "departement : département inconnu « 99 » : attendu un code de 01 "
                                "à 95 (Corse : 2A ou 2B) ou de 971 à 976"),
        ({"en_difficulte": "peut-être"}, "en_difficulte : oui/non illisible « peut-être » : "
                                         "attendu Oui ou Non (acceptés aussi : O/N, Vrai/Faux, "
                                         "TRUE/FALSE, 1/0)"),
        ({"date_depot": "31/02/2022"}, "date_depot : date impossible « 31/02/2022 » : ce jour "
                                       "n'existe pas"),
        ({"date_depot": "#VALUE!"}, "date_depot : valeur d'erreur Excel « #VALUE! » : corriger la "
                                    "formule ou la saisie"),
    ],
)  # fmt: skip
def test_an_incomplete_or_unreadable_dossier_says_why_in_both(changes, message):
    assert eligible(**changes) == ERR + message
    assert motifs(**changes) == ERR + message


def test_a_failed_criterion_wins_over_a_missing_value():
    """The core's order: ineligible as soon as one criterion fails, whatever is missing."""
    assert eligible(effectif=None, departement="75") is False
    assert motifs(effectif=None, departement="75") == (
        "Valeur manquante dans « Effectif » : dossier incomplet ; Établissement dans le "
        f"département « 75 », hors de la région Occitanie (départements : {REGION})"
    )


def test_eligibility_of_whole_columns_with_single_cells_repeated():
    rows = udfs.IDF_ELIGIBLE(
        "Entreprise", [["Oui"], ["Non"], [None], ["Oui"]], "Aucun", None,
        [[48], [48], [None], [-1]], 24, "31", "Non", "Oui", [[44635], [44635], [None], [44635]],
        "AFNOR",
    )  # fmt: skip
    assert rows == [
        [True],
        [False],
        [""],  # the columns are blank in this row: the single cells do not make it a dossier
        [ERR + negative("Effectif", "-1")],
    ]


# --- IDF_DEPENSE_PLAFONNEE and IDF_DEPENSE_ELIGIBLE -------------------------------------------


@pytest.mark.parametrize(
    ("montant_ht", "jours", "expected"),
    [
        (7500, 5, 6000.0), (6000, 5, 6000.0), (5999.99, 5, 5999.99), (7500.0, 5.0, 6000.0),
        (1000, 0.5, 600.0), (1234.567, 5, 1234.56), ("7 500,00 €", "5", 6000.0),
        ("1 199,99 € HT", "1", 1199.99), (13000, 10.25, 12300.0),
        (-5, 2, f"{ERR}Montant HT (€) = -5 : une valeur strictement positive est attendue ; "
                "ligne exclue"),
        (7500, 0, f"{ERR}Jours = 0 : une valeur strictement positive est attendue ; ligne exclue"),
        (None, 5, f"{ERR}montant_ht : valeur manquante"),
        (None, None, ""),
        ("#DIV/0!", 5, f"{ERR}montant_ht : valeur d'erreur Excel « #DIV/0! » : corriger la "
                       "formule ou la saisie"),
        (True, 5, f"{ERR}montant_ht : montant illisible « VRAI » : écrire par exemple 1234,50 ou "
                  "1 234,50 €"),
        (7500, datetime(2022, 4, 4), f"{ERR}jours : nombre illisible « 04/04/2022 » : écrire "
                                     "par exemple 12,5"),
    ],
)  # fmt: skip
def test_depense_plafonnee(montant_ht, jours, expected):
    assert udfs.IDF_DEPENSE_PLAFONNEE(montant_ht, jours) == [[expected]]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, 6000.0),
        ({"montant_ht": 4000}, 4000.0),
        ({"prestataire": "afnor"}, 6000.0),
        ({"departement": 9}, 6000.0),
        ({"date_prestation": datetime(2022, 12, 31)}, 6000.0),
        ({"date_prestation": 44926}, 6000.0),  # 31/12/2022 as Office.js sends it
        # Excluded by a rule of the programme: the line counts for nothing.
        ({"prestataire": "Top-Tech"}, 6000.0),
        ({"prestataire": "AFNOR Certification"}, 6000.0),  # an alias of AFNOR
        ({"prestataire": "Cylad SAS"}, 6000.0),  # a legal form after the name
        ({"prestataire": "Sud Conseil"}, 0.0),  # X01
        ({"prestataire": "Toptek"}, 0.0),  # X01, however close
        ({"date_prestation": "01/01/2023"}, 0.0),  # X03
        ({"date_prestation": 44927}, 0.0),  # X03, 01/01/2023 as a serial number
        ({"departement": "75"}, 0.0),  # X04
        ({"date_prestation": "31/12/2019"}, 0.0),  # X09
        # A slip of typing is said, not counted as an exclusion.
        ({"date_prestation": None}, f"{ERR}date_prestation : valeur manquante"),
        ({"jours": -1}, f"{ERR}Jours = -1 : une valeur strictement positive est attendue ; ligne "
                        "exclue"),
        ({"departement": "Haute-Garonne"}, f"{ERR}departement : département inconnu « Haute-"
                                           "Garonne » : attendu un code de 01 à 95 (Corse : 2A "
                                           "ou 2B) ou de 971 à 976"),
    ],
)  # fmt: skip
def test_depense_eligible(changes, expected):
    assert call("IDF_DEPENSE_ELIGIBLE", **changes) == [expected]


# --- IDF_SUBVENTION ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        pytest.param((5, 6000, 25, 30000, 500000), [6000.0, 15000.0, 21000.0], id="full-journey"),
        pytest.param((5, 6000, None, None, 500000), [6000.0, 0.0, 6000.0], id="phase-1-only"),
        pytest.param((5, 7000, 25, 35000, 500000), [6000.0, 15000.0, 21000.0],
                     id="daily-cap-both-phases"),
        pytest.param((6, 7200, 30, 36000, 500000), [6000.0, 15000.0, 21000.0],
                     id="phase-lengths-capped"),
        pytest.param((5, 5000, 20, 20000, 500000), [5000.0, 10000.0, 15000.0],
                     id="below-every-cap"),
        pytest.param((5, 5999.99, 25, 29999.99, 500000), [5999.99, 14999.99, 20999.98],
                     id="half-cent-rounded-down"),
        pytest.param((5, 6000, 25, 30000, 8000), [6000.0, 2000.0, 8000.0],
                     id="equity-cap-phase-2-first"),
        pytest.param((5, 6000, 25, 30000, 5000), [5000.0, 0.0, 5000.0],
                     id="equity-cap-both-phases"),
        pytest.param((5, 6000, 25, 30000, 0), [0.0, 0.0, 0.0], id="S08-no-equity"),
        pytest.param((5, 6000, 25, 30000, -10000), [0.0, 0.0, 0.0], id="S08-negative-equity"),
        # Blocked quotes get what the core gives them: no subsidy at all.
        pytest.param((4, 4800, 25, 30000, 500000), [0.0, 0.0, 0.0], id="S01-phase-1-too-short"),
        pytest.param((0, 0, 10, 12000, 500000), [0.0, 0.0, 0.0], id="S05-phase-2-alone"),
        pytest.param(("5", "6 000,00 €", "25,0", "30 000,00 € HT", "500 000"),
                     [6000.0, 15000.0, 21000.0], id="french-text"),
        pytest.param((5.0, 6000.0, 25.0, 30000.0, 500000.0), [6000.0, 15000.0, 21000.0],
                     id="floats-as-COM-sends-them"),
    ],
)  # fmt: skip
def test_subvention(quote, expected):
    assert udfs.IDF_SUBVENTION(*quote) == [expected]


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ((5, 6000, 25, None, 500000), "montant_p2 : valeur manquante"),
        ((5, 6000, 25, 30000, None), "fonds_propres : valeur manquante"),
        ((None, 6000, None, None, 500000), "jours_p1 : valeur manquante"),
        ((5, -6000, 25, 30000, 500000),
         negative("Montant prévu phase 1 (€ HT)", f"-6{NB}000")),
        (("cinq", 6000, 25, 30000, 500000),
         "jours_p1 : nombre illisible « cinq » : écrire par exemple 12,5"),
        ((5, "6.000", 25, 30000, 500000),
         "montant_p1 : nombre ambigu « 6.000 » : 6000 ou 6 ? Écrire 6000 ou 6 000,00 pour le "
         "premier, 6 pour le second"),
        ((5, 6000, 25, 30000, "#REF!"),
         "fonds_propres : valeur d'erreur Excel « #REF! » : corriger la formule ou la saisie"),
        ((5, 6000, 25, 30000, False),
         "fonds_propres : montant illisible « FAUX » : écrire par exemple 1234,50 ou 1 234,50 €"),
    ],
)  # fmt: skip
def test_subvention_refuses_an_incomplete_or_bad_quote_in_every_cell_of_its_row(quote, message):
    assert udfs.IDF_SUBVENTION(*quote) == [[ERR + message] * 3]


def test_subvention_of_a_column_with_a_blank_and_a_bad_row():
    assert udfs.IDF_SUBVENTION(
        [[5], [None], [5], ["x"]], [[6000], [None], [5000], [6000]], [[25], [None], [None], [25]],
        [[30000], [None], [None], [30000]], 500000,
    ) == [
        [6000.0, 15000.0, 21000.0],
        ["", "", ""],
        [5000.0, 0.0, 5000.0],
        [f"{ERR}jours_p1 : nombre illisible « x » : écrire par exemple 12,5"] * 3,
    ]  # fmt: skip


def test_subvention_huge_amount_is_refused():
    (row,) = udfs.IDF_SUBVENTION(5, 1e300, 25, 30000, 500000)
    assert row == [f"{ERR}montant_p1 : montant trop grand « 1{'0' * 300} » : Excel ne garde que "
                   "15 chiffres"] * 3  # fmt: skip


# --- IDF_ECHEANCIER ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # Phase 1 in full; advance 70 % of 15,000; balance = 50 % of 30,000 - 10,500.
        ((6000, 15000, 6000, 30000, 30), [6000.0, 10500.0, 4500.0]),
        ((6000, 15000, 6000, 30000, 30, None), [6000.0, 10500.0, 4500.0]),
        # P01: fewer than 5 days justified, nothing is due yet.
        ((6000, 15000, 6000, 30000, 4.5), [0.0, 0.0, 0.0]),
        # P02: phase 1 paid on what was justified.
        ((6000, 15000, 5000, 0, 5), [5000.0, 10500.0, -10500.0]),
        # P03: the recorded advance replaces the planned one.
        ((6000, 15000, 6000, 30000, 30, 10000), [6000.0, 10000.0, 5000.0]),
        # P04: justified phase 2 below the advance: a negative balance (to be paid back).
        ((6000, 15000, 6000, 14000, 17, 10500), [6000.0, 10500.0, -3500.0]),
        # Justified phase 2 above its cap counts for the cap only.
        ((6000, 15000, 6000, 45000, 40), [6000.0, 10500.0, 4500.0]),
        # To the cent: 70 % of 14,999.99 = 10,499.993 -> 10,499.99; 50 % of 29,999.99 rounded
        # down is 14,999.99; balance 14,999.99 - 10,499.99.
        ((5999.99, 14999.99, 5999.99, 29999.99, 30), [5999.99, 10499.99, 4500.0]),
        (("6 000,00 €", "15 000", "6000", "30 000,00", "30"), [6000.0, 10500.0, 4500.0]),
        ((0, 0, 0, 0, 0), [0.0, 0.0, 0.0]),
    ],
)  # fmt: skip
def test_echeancier(args, expected):
    assert udfs.IDF_ECHEANCIER(*args) == [expected]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((6000, 15000, 6000, None, 30), "justifie_p2 : valeur manquante"),
        ((-1, 15000, 6000, 30000, 30), negative("subvention_p1", "-1")),
        ((6000, 15000, 6000, 30000, -2), negative("jours_justifies", "-2")),
        ((6000, 15000, 6000, 30000, 30, "#N/A"),
         "acompte_verse : valeur d'erreur Excel « #N/A » : corriger la formule ou la saisie"),
    ],
)  # fmt: skip
def test_echeancier_refuses_a_missing_or_bad_amount(args, message):
    assert udfs.IDF_ECHEANCIER(*args) == [[ERR + message] * 3]


# --- IDF_MINIMIS ------------------------------------------------------------------------------


def s07(prior: str, part: str, total: str, ceiling: str, period: str) -> str:
    return (
        f"Aides de minimis antérieures {prior}{NB}€ + aide de minimis du dossier {part}{NB}€ = "
        f"{total}{NB}€, au-dessus du plafond de {ceiling}{NB}€ sur {period}"
    )


OLD_PERIOD = "3 exercices fiscaux (règlement (UE) n° 1407/2013)"
ALIASES = "AFNOR : AFNOR Certification, Association française de normalisation"
NEW_PERIOD = "3 années glissantes (règlement (UE) 2023/2831)"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "OK"),
        # An SME's phase 2 is not de minimis aid (SA.40453): only phase 1 counts.
        ({"aides_anterieures": 194000}, "OK"),
        ({"aides_anterieures": 194000.01},
         s07(f"194{NB}000,01", f"6{NB}000,00", f"200{NB}000,01", f"200{NB}000,00", OLD_PERIOD)),
        # An ETI's phase 2 counts too.
        ({"categorie": "ETI", "aides_anterieures": 179000}, "OK"),
        ({"categorie": "eti", "aides_anterieures": "179 000,01 €"},
         s07(f"179{NB}000,01", f"21{NB}000,00", f"200{NB}000,01", f"200{NB}000,00", OLD_PERIOD)),
        # The ceiling in force on the date: Reg. 2023/2831 from 01/01/2024.
        ({"categorie": "ETI", "aides_anterieures": 279000, "date_octroi": "01/01/2024"}, "OK"),
        ({"categorie": "ETI", "aides_anterieures": 279000, "date_octroi": "31/12/2023"},
         s07(f"279{NB}000,00", f"21{NB}000,00", f"300{NB}000,00", f"200{NB}000,00", OLD_PERIOD)),
        ({"categorie": "ETI", "aides_anterieures": 279000.01, "date_octroi": 45292},
         s07(f"279{NB}000,01", f"21{NB}000,00", f"300{NB}000,01", f"300{NB}000,00", NEW_PERIOD)),
        # S06: the attestation is required for any phase 1 subsidy, and for every ETI.
        ({"attestation": "Non"}, "Attestation de minimis = Non : elle est exigée pour la phase 1"),
        ({"categorie": "ETI", "subvention_p1": 0, "attestation": False},
         "Attestation de minimis = Non : elle est exigée pour une ETI"),
        ({"subvention_p1": 0, "attestation": None, "aides_anterieures": None}, "OK"),
        ({"attestation": "Non", "aides_anterieures": 250000},
         "Attestation de minimis = Non : elle est exigée pour la phase 1 ; "
         + s07(f"250{NB}000,00", f"6{NB}000,00", f"256{NB}000,00", f"200{NB}000,00", OLD_PERIOD)),
    ],
)  # fmt: skip
def test_minimis(changes, expected):
    assert call("IDF_MINIMIS", **changes) == [expected]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"attestation": None}, "attestation : valeur manquante"),
        ({"aides_anterieures": ""}, "aides_anterieures : valeur manquante"),
        ({"date_octroi": None}, "date_octroi : valeur manquante"),
        ({"categorie": None}, "categorie : valeur manquante"),
        ({"categorie": "TPE"}, "categorie : valeur inconnue « TPE » : choisir parmi PME, ETI, "
                               "Non éligible"),
        ({"subvention_p2": -1}, negative("subvention_p2", "-1")),
    ],
)  # fmt: skip
def test_minimis_refuses_what_it_cannot_decide(changes, message):
    assert call("IDF_MINIMIS", **changes) == [ERR + message]


# --- IDF_PARAMETRE ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "expected"),
    [
        ("daily_cap", 1200.0), ("plafond_journalier", 1200.0), (" Plafond journalier ", 1200.0),
        ("DAILY-CAP", 1200.0), ("total_cap", 36000.0), ("plafond_parcours", 36000.0),
        ("phase1_rate", 1.0), ("phase2_rate", 0.5), ("taux_max_acompte_phase2", 0.7),
        ("phase1_max_days", 5.0), ("jours_max_phase2", 25.0), ("min_days", 5.0),
        ("pme_employees_below", 250.0), ("seuil_eti", 5000.0),
        ("first_balance_sheet_min_months", 12.0), ("target_companies", 400.0),
        ("ess_min_production_revenue_share", 0.5),
        # In force on the programme's last day, 31/12/2022.
        ("de_minimis_ceiling", 200000.0), ("plafond_minimis", 200000.0),
        ("de_minimis_period", OLD_PERIOD),
        ("period_start", date(2020, 1, 1)), ("fin_programme", date(2022, 12, 31)),
        ("last_expense_date", date(2022, 12, 31)),
        ("providers", PROVIDERS), ("region_departments", REGION), ("agrements_ess", "EI, EA"),
        ("provider_aliases", ALIASES), ("alias_prestataires", ALIASES),
        ("legal_forms", "SA, SAS, SASU, SARL, EURL, SNC, SCA, SCOP"),
        ("formes_juridiques", "SA, SAS, SASU, SARL, EURL, SNC, SCA, SCOP"),
        ("region_name", "Occitanie"), (None, ""),
    ],
)  # fmt: skip
def test_parametre(nom, expected):
    assert udfs.IDF_PARAMETRE(nom) == [[expected]]


def test_parametre_answers_every_name_and_every_french_name(programme: Programme):
    names = [*programme.parameters, *udfs.FRENCH_NAMES]
    values = udfs.IDF_PARAMETRE([[name] for name in names])
    assert all(not str(value).startswith(ERR) for (value,) in values)
    assert set(udfs.FRENCH_NAMES.values()) == set(programme.parameters)
    french = dict(zip(udfs.FRENCH_NAMES, values[len(programme.parameters) :], strict=True))
    english = dict(zip(programme.parameters, values[: len(programme.parameters)], strict=True))
    assert all(french[alias] == english[name] for alias, name in udfs.FRENCH_NAMES.items())


def test_an_unknown_parameter_lists_the_valid_names(programme: Programme):
    ((message,),) = udfs.IDF_PARAMETRE("plafond")
    assert message == (
        f"{ERR}paramètre inconnu « plafond » : noms valides {', '.join(programme.parameters)} "
        f"(ou en français {', '.join(udfs.FRENCH_NAMES)})"
    )


# --- Shapes: columns, single cells, blank rows -----------------------------------------------


def test_a_single_cell_is_repeated_against_a_column():
    assert udfs.IDF_DEPENSE_PLAFONNEE([[7500], [3000], [1200]], 5) == [
        [6000.0], [3000.0], [1200.0]
    ]  # fmt: skip
    assert udfs.IDF_DEPENSE_PLAFONNEE(7500, [[5], [2], [0.5]]) == [[6000.0], [2400.0], [600.0]]


def test_a_flat_list_or_tuple_is_a_column():
    assert udfs.IDF_DEPENSE_PLAFONNEE([7500, 3000], (5, 5)) == [[6000.0], [3000.0]]


def test_blank_rows_below_a_table_stay_blank_even_with_a_single_cell_repeated():
    assert udfs.IDF_DEPENSE_PLAFONNEE([[7500], [None], [""]], 5) == [[6000.0], [""], [""]]


def test_a_blank_single_call_is_blank():
    assert udfs.IDF_SUBVENTION(None, None, None, None, None) == [["", "", ""]]
    assert udfs.IDF_ECHEANCIER([[None]], [[None]], [[None]], [[None]], [[None]]) == [["", "", ""]]


def test_ranges_of_different_heights_are_refused_in_one_cell():
    assert udfs.IDF_DEPENSE_PLAFONNEE([[7500], [3000], [1]], [[5], [5]]) == [
        [f"{ERR}plages de tailles différentes (3 lignes ailleurs ; jours : 2) : donner des plages "
         "de même hauteur, ou une seule cellule"]
    ]  # fmt: skip


def test_a_range_of_several_columns_is_refused_across_the_result_width():
    message = (
        f"{ERR}jours_p1 : une seule colonne attendue (une cellule, ou une plage d'une colonne)"
    )
    assert udfs.IDF_SUBVENTION([[5, 6]], 6000, None, None, 500000) == [[message] * 3]


def test_ten_thousand_rows_give_ten_thousand_answers():
    rows = udfs.IDF_SUBVENTION(
        [[5]] * 10_000, [[6000 - i % 100] for i in range(10_000)], 25, 30000, 500000
    )
    assert len(rows) == 10_000
    assert rows[99] == [5901.0, 15000.0, 20901.0]


# --- Bad cells: the row says why, the other rows are still computed ---------------------------

NUMBER = ["abc", "#N/A", "#VALUE!", True, 1e300, math.inf, -math.inf, math.nan, [1, 2]]
DATE = ["abc", "#N/A", "32/01/2022", True, 1e300, -5, math.nan, "2022/03/15"]
YES_NO = ["peut-être", "#N/A", 2, 0.5, date(2022, 1, 1)]
BAD_CELLS = {
    "effectif": [*NUMBER, "249,5 UTA"], "duree_bilan_mois": [*NUMBER, 12.5],
    "part_recettes": [*NUMBER, -1],
    "forme": ["SARL", "#N/A", 3], "agrement": ["ESUS", "#N/A"], "categorie": ["TPE", "#N/A"],
    "activite_industrielle": YES_NO, "en_difficulte": YES_NO, "a_jour": YES_NO,
    "attestation": YES_NO, "departement": ["Haute-Garonne", "#N/A", 100, "20", -31],
    "date_depot": DATE, "date_prestation": DATE, "date_octroi": DATE,
    "prestataire": ["#N/A", "#NAME?"], "nom": ["#N/A", "#SPILL!"],
    "montant_ht": NUMBER, "jours": NUMBER, "jours_p1": NUMBER, "montant_p1": NUMBER,
    "jours_p2": NUMBER, "montant_p2": NUMBER, "fonds_propres": NUMBER,
    "subvention_p1": [*NUMBER, -1], "subvention_p2": [*NUMBER, -0.01], "justifie_p1": NUMBER,
    "justifie_p2": NUMBER, "jours_justifies": NUMBER, "acompte_verse": NUMBER,
    "aides_anterieures": [*NUMBER, -1],
}  # fmt: skip
CASES = [
    pytest.param(name, arg, bad, id=f"{name}-{arg}-{bad!r}")
    for name, arguments in SPEC.items()
    for arg in arguments
    for bad in BAD_CELLS[arg]
]


@pytest.mark.parametrize(("name", "arg", "bad"), CASES)
def test_a_bad_cell_is_refused_in_its_row_only(name, arg, bad):
    """Three rows: valid, then `bad` in `arg`, then valid again (every argument as a column)."""
    args = {a: [[v], [bad if a == arg else v], [v]] for a, v in VALID[name].items()}
    first, bad_row, last = getattr(udfs, name)(**args)
    assert first == last == VALID_ANSWER[name]
    assert len(bad_row) == len(VALID_ANSWER[name])
    assert len(set(bad_row)) == 1
    assert bad_row[0].startswith(f"{ERR}{arg} : "), bad_row[0]


def test_the_cases_cover_every_argument():
    assert {arg for arguments in SPEC.values() for arg in arguments} == set(BAD_CELLS)


# --- No input makes a function raise ----------------------------------------------------------

CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(),
    st.dates(),
    st.text(max_size=12),
    st.sampled_from(["#N/A", "#VALUE!", "Oui", "Non", "PME", "ETI", "AFNOR", "31", "2A", "971",
                     "15/03/2022", "31/02/2022", "1 200,50 €", "6.000", "50 %", "daily_cap",
                     "Entreprise", "Association", "EI", "", " "]),
)  # fmt: skip
COLUMN = st.lists(st.lists(CELLS, min_size=1, max_size=1), min_size=1, max_size=4)
ARGUMENT = st.one_of(
    CELLS, COLUMN, st.lists(st.lists(CELLS, min_size=0, max_size=3), max_size=3), st.lists(CELLS)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SPEC)), data=st.data())
def test_no_input_makes_a_function_raise(name, data):
    args = [data.draw(ARGUMENT, label=arg) for arg in SPEC[name]]
    rows = getattr(udfs, name)(*args)
    width = len(VALID_ANSWER[name])
    assert isinstance(rows, list)
    assert rows
    assert all(isinstance(row, list) and len(row) == width for row in rows)
    allowed = bool | float | str | date
    assert all(isinstance(value, allowed) for row in rows for value in row)


# --- Imports: only xlwings and the pure core --------------------------------------------------

PURE_CORE = {"xl_idf", "xl_idf.catalogue", "xl_idf.de_minimis", "xl_idf.dossier",
             "xl_idf.eligibility", "xl_idf.errors", "xl_idf.expenses", "xl_idf.findings",
             "xl_idf.french", "xl_idf.money", "xl_idf.payments", "xl_idf.programme",
             "xl_idf.providers", "xl_idf.records", "xl_idf.subsidy", "xl_idf.values"}  # fmt: skip


def test_the_module_imports_only_xlwings_the_pure_core_and_the_standard_library():
    tree = ast.parse((ROOT / "udfs" / "idf_udfs.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}  # fmt: skip
    imported |= {node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}  # fmt: skip
    outside = {m for m in imported if m.split(".")[0] not in sys.stdlib_module_names}
    # xlwings.utils: for the one check its dispatcher makes per cell (see the module).
    assert outside == {"xlwings", "xlwings.utils"} | {m for m in imported if m.startswith("xl_idf")}
    assert {m for m in imported if m.startswith("xl_idf")} <= PURE_CORE


def test_importing_it_loads_no_pandas_openpyxl_or_reader_and_gives_plain_functions():
    """In a fresh Python without XLWINGS_ON_SERVER: what the module adds to what xlwings loads."""
    script = (
        "import sys, json; import xlwings; before = set(sys.modules); "
        "from udfs import idf_udfs as u; "
        "added = sorted(set(sys.modules) - before); "
        "print(json.dumps([added, hasattr(u.IDF_SUBVENTION, '__xlfunc__'), "
        "u.IDF_SUBVENTION(5, 6000, 25, 30000, 500000)]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    import json

    added, registered, answer = json.loads(done.stdout)
    heavy = {"pandas", "openpyxl", "pandera", "typer", "python_calamine", "numpy"}
    assert not [m for m in added if m.split(".")[0] in heavy]
    assert {m for m in added if m.startswith("xl_idf")} <= PURE_CORE
    assert not [m for m in added if m.startswith("xl_idf.") and m not in PURE_CORE]
    assert registered is False  # on Linux without XLWINGS_ON_SERVER: plain Python functions
    assert answer == [[6000.0, 15000.0, 21000.0]]


# --- Consistency with the validator on the sample quarter -------------------------------------

ELIGIBILITY_FIELDS = ["forme_juridique", "activite_industrielle", "agrement_ess",
                      "part_recettes_production", "effectif", "duree_premier_bilan",
                      "departement", "en_difficulte", "a_jour_fiscal_social", "date_depot",
                      "prestataire"]  # fmt: skip
LINE_FIELDS = ["montant_ht", "jours", "date_prestation", "prestataire", "departement_prestation"]


@pytest.fixture(scope="module")
def sample(programme: Programme) -> dict[str, Any]:
    """The sample quarter: its cells as Excel would pass them, the core's results, the report."""
    content = read_workbook(SAMPLE, programme.at(programme.reference_day))
    book = openpyxl.load_workbook(SAMPLE)

    def cells(records: Any, sheet: str, fields: list[str]) -> dict[str, list[list[Any]]]:
        return {f: [[book[sheet][r.cells[f]].value] for r in records] for f in fields}

    report = validate([SAMPLE], programme).files[0]
    quarter = assess_quarter(content.dossiers, content.lines, content.payments, programme)
    return {
        "dossiers": cells(content.dossiers, "Dossiers", list(Dossier.headers())),
        "content": content,
        "quarter": quarter,
        "summaries": report.dossiers,
        "errors": {
            s.dossier: {
                f.code
                for f in report.findings
                if f.dossier == s.dossier and f.severity.value == "error"
            }
            for s in report.dossiers
        },
        "book": book,
    }


def test_the_functions_agree_with_the_validator_on_every_dossier_of_the_sample(sample):
    columns, summaries = sample["dossiers"], sample["summaries"]
    assert len(summaries) == 30
    # One call per function for the whole column, as a sheet would make it.
    eligible = udfs.IDF_ELIGIBLE(*[columns[f] for f in ELIGIBILITY_FIELDS])
    reasons = udfs.IDF_MOTIFS(*[columns[f] for f in ELIGIBILITY_FIELDS])
    category = udfs.IDF_CATEGORIE(columns["effectif"])
    quote = ("jours_p1", "montant_p1", "jours_p2", "montant_p2", "fonds_propres")
    subsidy = udfs.IDF_SUBVENTION(*[columns[f] for f in quote])
    de_minimis = udfs.IDF_MINIMIS(
        category, [[row[0]] for row in subsidy], [[row[1]] for row in subsidy],
        columns["aides_minimis_3_ans"], columns["date_depot"], columns["attestation_minimis"],
    )  # fmt: skip
    compared = 0
    for i, summary in enumerate(summaries):
        errors = sample["errors"][summary.dossier]
        assert category[i] == [summary.category]
        # The SIRET (E12) is checked by the validator only: no SPEC 4.2 function takes it.
        criteria = {code for code in errors if code[0] == "E" and code != "E12"}
        assert eligible[i] == [not criteria]
        # The same messages, in the core's order (an eligible dossier's reasons are "").
        assert reasons[i] == [" ; ".join(
            f.message for f in sample["quarter"].dossiers[i].findings if f.code in criteria
        )]  # fmt: skip
        # The report zeroes a dossier that is ineligible (E12 included) or blocked by de minimis
        # (S06, S07): the functions give the subsidy on the quote, which the report pays only
        # when IDF_ELIGIBLE is TRUE, IDF_MINIMIS is OK and the SIRET is valid.
        awarded = eligible[i] == [True] and de_minimis[i] == ["OK"] and "E12" not in errors
        amounts = [summary.subsidy_phase1, summary.subsidy_phase2, summary.subsidy_total]
        if awarded:
            assert subsidy[i] == [float(a) for a in amounts], summary.dossier
            compared += 1
        else:
            assert amounts == [Decimal(0)] * 3, summary.dossier
    assert compared == 26  # every dossier but 013 (E12), 016 (S06), 024 (E09), 027 (E05)
    assert sum(row == [False] for row in eligible) == 2


def test_the_schedule_agrees_with_the_validator_on_every_awarded_dossier(sample):
    content, quarter = sample["content"], sample["quarter"]
    summaries = sample["summaries"]
    zero = Decimal(0)
    columns: dict[str, list[list[Any]]] = {k: [] for k in ("p1", "p2", "j1", "j2", "days", "adv")}
    for result, summary in zip(quarter.dossiers, summaries, strict=True):
        # What a sheet sums for each dossier: its paid, non-excluded lines after their caps.
        paid = [line for line in result.lines if line.justified]
        payments = [p for p in content.payments if p.dossier == result.dossier.numero]
        advance = recorded_payments(payments).advance_phase2
        for key, value in (
            ("p1", summary.subsidy_phase1), ("p2", summary.subsidy_phase2),
            ("j1", sum((r.eligible for r in paid if r.line.phase == 1), zero)),
            ("j2", sum((r.eligible for r in paid if r.line.phase == 2), zero)),
            ("days", sum((r.line.jours or zero for r in paid), zero)),
            ("adv", advance),
        ):  # fmt: skip
            columns[key].append([None if value is None else float(value)])
    schedule = udfs.IDF_ECHEANCIER(*columns.values())
    for i, summary in enumerate(summaries):
        expected = [summary.payment_phase1, summary.advance_phase2, summary.balance_phase2]
        if summary.subsidy_total:
            assert schedule[i] == [float(a) for a in expected], summary.dossier
        else:
            assert expected == [zero] * 3, summary.dossier
    assert sum(1 for s in summaries if s.subsidy_total) == 26
    assert any(s.balance_phase2 < 0 for s in summaries)  # a trop-perçu is in the sample


def test_every_invoice_line_counts_the_same_in_a_cell_and_in_the_report(sample):
    book, quarter = sample["book"], sample["quarter"]
    lines = [r for result in quarter.dossiers for r in result.lines]
    columns = {f: [[book["Prestations"][r.line.cells[f]].value] for r in lines]
               for f in LINE_FIELDS}  # fmt: skip
    eligible = udfs.IDF_DEPENSE_ELIGIBLE(*columns.values())
    capped = udfs.IDF_DEPENSE_PLAFONNEE(columns["montant_ht"], columns["jours"])
    assert eligible == [[float(r.eligible)] for r in lines]
    assert capped == [[float(r.capped)] for r in lines]
    assert sum(r.excluded for r in lines) >= 3  # X01, X03, X04 in the sample


# --- The calculator workbook ------------------------------------------------------------------


def load_build_script() -> Any:
    return build_script("build_calculator")


def describe(path: Path) -> dict[str, Any]:
    """Sheet names and every cell's value (an array formula as its range and text), format."""
    book = openpyxl.load_workbook(path, keep_vba=True)

    def shown(value: Any) -> Any:
        return ("array", value.ref, value.text) if hasattr(value, "ref") else value

    return {
        "sheets": book.sheetnames,
        "cells": {
            sheet.title: {
                c.coordinate: (shown(c.value), c.number_format, c.data_type)
                for row in sheet.iter_rows()
                for c in row
                if c.value is not None
            }
            for sheet in book.worksheets
        },
    }


@pytest.fixture(scope="module")
def fresh_calculator(tmp_path_factory, programme: Programme) -> Path:
    path = tmp_path_factory.mktemp("calculateur") / "calculateur-idf.xlsm"
    load_build_script().build_calculator(programme).save(path)
    return path


def test_the_committed_calculator_equals_a_fresh_build(fresh_calculator):
    assert describe(CALCULATOR) == describe(fresh_calculator)


def test_the_calculator_keeps_the_quickstart_vba_project_byte_for_byte():
    quickstart = load_build_script().quickstart_path()
    with zipfile.ZipFile(quickstart) as original, zipfile.ZipFile(CALCULATOR) as ours:
        assert ours.read("xl/vbaProject.bin") == original.read("xl/vbaProject.bin")
        types = ours.read("[Content_Types].xml").decode()
    assert "application/vnd.ms-office.vbaProject" in types
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types


def test_the_calculator_is_configured_for_the_functions():
    book = openpyxl.load_workbook(CALCULATOR, keep_vba=True)
    assert book.sheetnames == ["Calculs", "Aide", "xlwings.conf"]
    conf = book["xlwings.conf"]
    settings_ = {}
    for key, value in conf.iter_rows(min_col=1, max_col=2, values_only=True):
        if key is None:
            break  # xlwings reads its settings from A1 down to the first blank
        settings_[key] = value
    assert settings_["UDF Modules"] == "idf_udfs"
    assert settings_["PYTHONPATH"] == (
        '=LEFT(CELL("filename",A1),FIND("[",CELL("filename",A1))-1)&"..\\udfs"'
    )
    formulas = " ".join(
        str(getattr(c.value, "text", c.value)) for row in book["Calculs"].iter_rows() for c in row
    )
    assert all(f"{name}(" in formulas for name in SPEC), "a function is not used in Calculs"
    aide = " ".join(str(c.value) for row in book["Aide"].iter_rows() for c in row)
    assert all(name in aide for name in SPEC)
    assert all(arg in aide for arguments in SPEC.values() for arg in arguments)


def test_libreoffice_opens_the_calculator(tmp_path):
    from test_libreoffice import convert

    (converted,) = convert([CALCULATOR], tmp_path)
    book = openpyxl.load_workbook(converted)
    assert book.sheetnames == ["Calculs", "Aide", "xlwings.conf"]
    assert book["Calculs"]["A5"].value == "EX-01"
