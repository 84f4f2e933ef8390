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

import xl_idf.excel
from conftest import MADE_UP, needs_libreoffice
from udfs import idf_udfs as udfs
from workbooks import build_script, layout, page_setup
from xl_idf.decisions import AWARDED_PHASE1, AWARDED_PHASE2, JUSTIFIED
from xl_idf.payments import Instalments
from xl_idf.programme import Programme, load_programme
from xl_idf.quarter import assess_quarter
from xl_idf.records import Dossier, ExpenseLine, Payment, PaymentType
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
    "IDF_DEPENSE_PLAFONNEE": ["montant_ht", "jours", "date"],
    "IDF_DEPENSE_ELIGIBLE": ["montant_ht", "jours", "date_prestation", "prestataire",
                             "departement", "date"],
    "IDF_SUBVENTION": ["jours_p1", "montant_p1", "jours_p2", "montant_p2", "fonds_propres",
                       "date"],
    "IDF_ECHEANCIER": ["subvention_p1", "subvention_p2", "justifie_p1", "justifie_p2",
                       "jours_justifies", "acompte_verse", "date"],
    "IDF_MINIMIS": ["categorie", "subvention_p1", "subvention_p2", "aides_anterieures",
                    "date_octroi", "attestation"],
    "IDF_PARAMETRE": ["nom", "date"],
}  # fmt: skip
# The optional arguments, each left out as blank (SPEC 4.2's brackets).
OPTIONAL = {
    "IDF_DEPENSE_PLAFONNEE": ["date"], "IDF_DEPENSE_ELIGIBLE": ["date"],
    "IDF_SUBVENTION": ["date"], "IDF_ECHEANCIER": ["acompte_verse", "date"],
    "IDF_PARAMETRE": ["date"],
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
    "IDF_DEPENSE_PLAFONNEE": {"montant_ht": 7500, "jours": 5, "date": "15/03/2022"},
    "IDF_DEPENSE_ELIGIBLE": {"montant_ht": 7500, "jours": 5, "date_prestation": "04/04/2022",
                             "prestataire": "AFNOR", "departement": "31", "date": "15/03/2022"},
    "IDF_SUBVENTION": {"jours_p1": 5, "montant_p1": 6000, "jours_p2": 25, "montant_p2": 30000,
                       "fonds_propres": 500000, "date": "15/03/2022"},
    "IDF_ECHEANCIER": {"subvention_p1": 6000, "subvention_p2": 15000, "justifie_p1": 6000,
                       "justifie_p2": 30000, "jours_justifies": 30, "acompte_verse": None,
                       "date": "15/03/2022"},
    "IDF_MINIMIS": {"categorie": "PME", "subvention_p1": 6000, "subvention_p2": 15000,
                    "aides_anterieures": 0, "date_octroi": "15/03/2022", "attestation": "Oui"},
    "IDF_PARAMETRE": {"nom": "daily_cap", "date": "15/03/2022"},
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


def negative(argument: str, value: str, consequence: str | None = None) -> str:
    """The core's F04 message for a value below zero, naming the argument (SPEC 2).

    A record's field (a head count, a quoted amount, an invoice's days) is screened by the core,
    whose message ends with what happens to the record; an argument that is no record's field
    (a subsidy given to IDF_ECHEANCIER) is refused in the same words, without it.
    """
    why = f"{argument} : valeur négative {value}, une valeur positive ou nulle attendue"
    return why if consequence is None else f"{why} ; {consequence}"


INCOMPLETE, EXCLUDED = "dossier incomplet", "ligne exclue"  # the core's consequences


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
    for name, arguments in SPEC.items():
        parameters = inspect.signature(getattr(udfs, name)).parameters
        optional = [a for a in arguments if parameters[a].default is not inspect.Parameter.empty]
        assert optional == OPTIONAL.get(name, []), name
        assert all(parameters[a].default is None for a in optional), name
    # SPEC 4.2: `[date]` is the filing date; its description says so, and what a blank does.
    for name in ("IDF_DEPENSE_PLAFONNEE", "IDF_DEPENSE_ELIGIBLE", "IDF_SUBVENTION",
                 "IDF_ECHEANCIER", "IDF_PARAMETRE"):  # fmt: skip
        assert udfs.ARGUMENTS[name]["date"].startswith("Facultatif : date de dépôt du dossier")


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
        (-1, ERR + negative("effectif", "-1", INCOMPLETE)),
        (-0.5, ERR + negative("effectif", "-0,5", INCOMPLETE)),
        ("beaucoup", f"{ERR}effectif : nombre illisible « beaucoup » : écrire par exemple 12,5"),
        (True, f"{ERR}effectif : nombre illisible « VRAI » : écrire par exemple 12,5"),
        ("#N/A", f"{ERR}effectif : valeur d'erreur Excel « #N/A » : corriger la formule ou la "
                 "saisie"),
        # Cut at Excel's 255 characters for a formula's text, marked « … ».
        (1e300, f"{ERR}effectif : nombre trop grand « 1{'0' * 300}"[:254] + "…"),
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
        ({"effectif": -3}, negative("effectif", "-3", INCOMPLETE)),
        ({"duree_bilan_mois": -1}, negative("duree_bilan_mois", "-1", INCOMPLETE)),
        ({"forme": "SARL"}, "forme : valeur inconnue « SARL » : choisir parmi Entreprise, "
                            "Association"),
        ({"agrement": "ESUS"}, "agrement : valeur inconnue « ESUS » : choisir parmi Aucun, EI, EA"),
        # No format reaches a function: 0.6 may be 0.6 % or a cell showing 60 %.
        ({"forme": "Association", "agrement": "Aucun", "part_recettes": 0.6},
         "part_recettes : pourcentage ambigu « 0,6 » : 0,6\u00a0% ou 60\u00a0% ? Saisir 60 "
         "pour 60\u00a0% (ou « 0,6\u00a0% » pour 0,6\u00a0%)"),
        ({"forme": "Association", "agrement": "Aucun", "part_recettes": "0,55"},
         "part_recettes : pourcentage ambigu « 0,55 » : 0,55\u00a0% ou 55\u00a0% ? Saisir 55 "
         "pour 55\u00a0% (ou « 0,55\u00a0% » pour 0,55\u00a0%)"),
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
        # The argument is named, not the sheet's heading (« Effectif »).
        "Valeur manquante dans « effectif » : dossier incomplet ; Établissement dans le "
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
        [ERR + negative("effectif", "-1", INCOMPLETE)],
    ]


# --- IDF_DEPENSE_PLAFONNEE and IDF_DEPENSE_ELIGIBLE -------------------------------------------


@pytest.mark.parametrize(
    ("montant_ht", "jours", "expected"),
    [
        (7500, 5, 6000.0), (6000, 5, 6000.0), (5999.99, 5, 5999.99), (7500.0, 5.0, 6000.0),
        (1000, 0.5, 600.0), (1234.567, 5, 1234.56), ("7 500,00 €", "5", 6000.0),
        ("1 199,99 € HT", "1", 1199.99), (13000, 10.25, 12300.0),
        # Below zero: the core's F04, naming the argument (not « Montant HT (€) »).
        (-5, 2, ERR + negative("montant_ht", "-5", EXCLUDED)),
        (7500, -0.5, ERR + negative("jours", "-0,5", EXCLUDED)),
        # Zero: the core's X05, naming the argument too.
        (7500, 0, f"{ERR}jours = 0 : une valeur strictement positive est attendue ; ligne exclue"),
        (0, 5, f"{ERR}montant_ht = 0 : une valeur strictement positive est attendue ; ligne "
               "exclue"),
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
    # Left out, the date is the programme's last day; the daily cap has one value: the same.
    assert udfs.IDF_DEPENSE_PLAFONNEE(montant_ht, jours, "15/03/2022") == [[expected]]


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
        ({"jours": -1}, ERR + negative("jours", "-1", EXCLUDED)),
        ({"montant_ht": 0}, f"{ERR}montant_ht = 0 : une valeur strictement positive est attendue "
                            "; ligne exclue"),
        ({"date": "31/02/2022"}, f"{ERR}date : date impossible « 31/02/2022 » : ce jour n'existe "
                                 "pas"),
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
        ((5, -6000, 25, 30000, 500000), negative("montant_p1", f"-6{NB}000", INCOMPLETE)),
        ((-5, 6000, 25, 30000, 500000), negative("jours_p1", "-5", INCOMPLETE)),
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
    # Cut at Excel's 255 characters for a formula's text, marked « … ».
    assert row == [f"{ERR}montant_p1 : montant trop grand « 1{'0' * 300}"[:254] + "…"] * 3


# --- IDF_ECHEANCIER ---------------------------------------------------------------------------


def p03(recorded: str, maximum: str) -> str:
    """The core's P03 message, on the argument that holds the recorded advance."""
    return (
        f"acompte_verse : Acompte de la phase 2 versé {recorded}{NB}€, au-dessus de 70{NB}% de "
        f"la subvention de la phase 2 ({maximum}{NB}€) : il a été versé et reste l'acompte dû ; "
        "l'excédent est à régulariser"
    )


# The due schedule (SPEC 3, P01-P04). Occitanie: phase 1 at 100 %, phase 2 at 50 % of its base
# (capped at 25 x 1,200 = 30,000), planned advance 70 % of the phase 2 subsidy rounded down,
# nothing due before 5 justified days. Phase 2 has begun once justifie_p2 > 0 or an advance was
# recorded above 0; before that its advance and balance are 0.
ECHEANCIER = [
    # (id, args, expected: phase 1, advance, balance)
    # Phase 1 in full; begun: advance 70 % x 15,000 = 10,500; balance 50 % x 30,000 - 10,500.
    ("all-justified", (6000, 15000, 6000, 30000, 30), [6000.0, 10500.0, 4500.0]),
    ("advance-left-blank", (6000, 15000, 6000, 30000, 30, None), [6000.0, 10500.0, 4500.0]),
    # The README's example: phase 2 not begun (nothing justified, no advance): 0 and 0.
    ("phase-2-not-begun", (6000, 6000, 6000, 0, 5), [6000.0, 0.0, 0.0]),
    # P02: phase 1 due on what was justified, min(6,000, 100 % x 5,000); phase 2 not begun.
    ("P02-phase-1-on-justified", (6000, 15000, 5000, 0, 5), [5000.0, 0.0, 0.0]),
    # P01: 4.5 days < 5: nothing due on justified expenses; no advance recorded: 0.
    ("P01-nothing-due", (6000, 15000, 6000, 30000, 4.5), [0.0, 0.0, 0.0]),
    # P01 with an advance recorded: it was paid and stays as recorded.
    ("P01-recorded-advance-stays", (6000, 15000, 6000, 30000, 4.5, 10500),
     [0.0, 10500.0, 0.0]),
    # Begun by the recorded advance alone: balance min(15,000, 50 % x 0) - 10,500 = -10,500,
    # to recover if phase 2 stops there (P04).
    ("begun-by-the-advance", (6000, 15000, 6000, 0, 5, 10500), [6000.0, 10500.0, -10500.0]),
    # An advance recorded as 0 does not begin phase 2, and is the advance due: 0.
    ("advance-of-zero", (6000, 15000, 6000, 0, 5, 0), [6000.0, 0.0, 0.0]),
    # P03: the recorded advance replaces the planned one; balance 15,000 - 10,000.
    ("P03-recorded-advance", (6000, 15000, 6000, 30000, 30, 10000), [6000.0, 10000.0, 5000.0]),
    # Exactly 70 % of 15,000 is allowed.
    ("P03-at-the-limit", (6000, 15000, 6000, 30000, 30, 10500), [6000.0, 10500.0, 4500.0]),
    # P04: 50 % x 14,000 = 7,000 due on phase 2, less the advance 10,500: -3,500, whether the
    # advance was recorded (to recover) or only planned (it would exceed what is justified).
    ("P04-recorded", (6000, 15000, 6000, 14000, 17, 10500), [6000.0, 10500.0, -3500.0]),
    ("P04-planned", (6000, 15000, 6000, 14000, 17), [6000.0, 10500.0, -3500.0]),
    # Justified phase 2 above its cap counts for the cap only: 30,000 -> 15,000.
    ("phase-2-cap", (6000, 15000, 6000, 45000, 40), [6000.0, 10500.0, 4500.0]),
    # To the cent: 70 % of 14,999.99 = 10,499.993 -> 10,499.99; 50 % of 29,999.99 =
    # 14,999.995 -> 14,999.99; balance 14,999.99 - 10,499.99 = 4,500.00.
    ("to-the-cent", (5999.99, 14999.99, 5999.99, 29999.99, 30), [5999.99, 10499.99, 4500.0]),
    ("french-text", ("6 000,00 €", "15 000", "6000", "30 000,00", "30"),
     [6000.0, 10500.0, 4500.0]),
    ("nothing", (0, 0, 0, 0, 0), [0.0, 0.0, 0.0]),
    # An SME whose phase 1 is refused under de minimis (S06/S07): phase 1 0, phase 2 paid.
    ("de-minimis-phase-1-refused", (0, 12000, 6000, 24000, 25), [0.0, 8400.0, 3600.0]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "expected"), [c[1:] for c in ECHEANCIER], ids=[c[0] for c in ECHEANCIER]
)
def test_echeancier(args, expected):
    assert udfs.IDF_ECHEANCIER(*args) == [expected]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((6000, 15000, 6000, None, 30), "justifie_p2 : valeur manquante"),
        ((-1, 15000, 6000, 30000, 30), negative("subvention_p1", "-1")),
        ((6000, 15000, 6000, 30000, -2), negative("jours_justifies", "-2")),
        ((6000, 15000, 6000, 30000, 30, -1), negative("acompte_verse", "-1")),
        ((6000, 15000, 6000, 30000, 30, "#N/A"),
         "acompte_verse : valeur d'erreur Excel « #N/A » : corriger la formule ou la saisie"),
        ((6000, 15000, 6000, 30000, 30, None, "31/02/2022"),
         "date : date impossible « 31/02/2022 » : ce jour n'existe pas"),
        # P03: above 70 % of 15,000 = 10,500, by one cent; said with its figures, not hidden.
        ((6000, 15000, 6000, 30000, 30, 10500.01), p03(f"10{NB}500,01", f"10{NB}500,00")),
        # 70 % of 12,000 = 8,400; still an error before 5 days are justified (P01 keeps it).
        ((0, 12000, 0, 0, 0, 9000), p03(f"9{NB}000,00", f"8{NB}400,00")),
    ],
)  # fmt: skip
def test_echeancier_refuses_a_missing_or_bad_amount(args, message):
    assert udfs.IDF_ECHEANCIER(*args) == [[ERR + message] * 3]


# --- IDF_MINIMIS ------------------------------------------------------------------------------

OLD_PERIOD = "3 exercices fiscaux (règlement (UE) n° 1407/2013)"
NEW_PERIOD = "3 années glissantes (règlement (UE) 2023/2831)"
# The citation of each ceiling, as the programme file gives it (S07 names it).
OLD_CEILING = (
    "Règlement (UE) n° 1407/2013, art. 3.2 (applicable du 1er janvier 2014, prolongé jusqu'au "
    "31 décembre 2023 par le règlement (UE) 2020/972) ; [§Références légales]"
)
NEW_CEILING = (
    "Règlement (UE) 2023/2831, art. 3.2 (applicable à partir du 1er janvier 2024) ; "
    "[§Critères complémentaires] « Règle de minimis n°2023/2831 »"
)
# What S06/S07 refuse (SPEC 3): an SME's phase 1 only, its phase 2 staying under SA.40453;
# both phases of an ETI.
SME_REFUSED = f"phase 1 refusée (6{NB}000,00{NB}€), phase 2 d'une PME maintenue (régime SA.40453)"
ETI_REFUSED = f"phases 1 et 2 refusées (21{NB}000,00{NB}€)"


def s07(prior: str, part: str, total: str, ceiling: str, new: bool, refused: str) -> str:
    # The period without its regulation, which the citation's article names.
    period, article = (
        ("3 années glissantes", "Règlement (UE) 2023/2831, art. 3.2")
        if new
        else ("3 exercices fiscaux", "Règlement (UE) n° 1407/2013, art. 3.2")
    )
    return (
        f"De minimis : {prior}{NB}€ déjà reçus + {part}{NB}€ du dossier = {total}{NB}€, "
        f"au-dessus du plafond de {ceiling}{NB}€ sur {period} ({article}) ; {refused}"
    )


OLD_PERIOD = "3 exercices fiscaux (règlement (UE) n° 1407/2013)"
ALIASES = "AFNOR : AFNOR Certification, Association française de normalisation"
NEW_PERIOD = "3 années glissantes (règlement (UE) 2023/2831)"


def s06(why: str, refused: str) -> str:
    return f"Attestation de minimis = Non : elle est exigée {why} ; {refused}"


NOT_SME_OR_ETI = (
    f"Catégorie « Non éligible » : ni PME ni ETI, aucune aide ne peut être accordée ; le "
    f"parcours est réservé aux entreprises de moins de 5{NB}000 salariés"
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "OK"),
        # An SME's phase 2 is not de minimis aid (SA.40453): only phase 1 counts.
        # 194,000 + 6,000 = 200,000: at the ceiling, allowed.
        ({"aides_anterieures": 194000}, "OK"),
        ({"aides_anterieures": 194000.01},
         s07(f"194{NB}000,01", f"6{NB}000,00", f"200{NB}000,01", f"200{NB}000,00", False,
             SME_REFUSED)),
        # An ETI's phase 2 counts too: 179,000 + 6,000 + 15,000 = 200,000.
        ({"categorie": "ETI", "aides_anterieures": 179000}, "OK"),
        ({"categorie": "eti", "aides_anterieures": "179 000,01 €"},
         s07(f"179{NB}000,01", f"21{NB}000,00", f"200{NB}000,01", f"200{NB}000,00", False,
             ETI_REFUSED)),
        # The ceiling in force on the date: Reg. 2023/2831 (300,000) from 01/01/2024.
        ({"categorie": "ETI", "aides_anterieures": 279000, "date_octroi": "01/01/2024"}, "OK"),
        ({"categorie": "ETI", "aides_anterieures": 279000, "date_octroi": "31/12/2023"},
         s07(f"279{NB}000,00", f"21{NB}000,00", f"300{NB}000,00", f"200{NB}000,00", False,
             ETI_REFUSED)),
        ({"categorie": "ETI", "aides_anterieures": 279000.01, "date_octroi": 45292},
         s07(f"279{NB}000,01", f"21{NB}000,00", f"300{NB}000,01", f"300{NB}000,00", True,
             ETI_REFUSED)),
        # S06: the attestation is required for any phase 1 subsidy, and for every ETI.
        ({"attestation": "Non"}, s06("pour la phase 1", SME_REFUSED)),
        ({"categorie": "ETI", "subvention_p1": 0, "attestation": False},
         s06("pour une ETI", f"phases 1 et 2 refusées (15{NB}000,00{NB}€)")),
        # No phase 1 for an SME: nothing under de minimis, nothing required.
        ({"subvention_p1": 0, "attestation": None, "aides_anterieures": None}, "OK"),
        # Both reasons, cut at Excel's 255 characters for a formula's text, with « … ».
        ({"attestation": "Non", "aides_anterieures": 250000},
         (s06("pour la phase 1", SME_REFUSED) + " ; "
          + s07(f"250{NB}000,00", f"6{NB}000,00", f"256{NB}000,00", f"200{NB}000,00", False,
                SME_REFUSED))[:254] + "…"),
        # A category neither PME nor ETI (IDF_CATEGORIE of 5,000 staff or more) is a reason.
        ({"categorie": "Non éligible"}, NOT_SME_OR_ETI),
        ({"categorie": "non eligible", "attestation": None}, NOT_SME_OR_ETI),
    ],
)  # fmt: skip
def test_minimis(changes, expected):
    assert call("IDF_MINIMIS", **changes) == [expected]


def test_minimis_of_the_category_idf_categorie_gives_for_five_thousand_staff():
    (category,) = udfs.IDF_CATEGORIE(5000)
    assert category == ["Non éligible"]
    assert call("IDF_MINIMIS", categorie=category[0]) == [NOT_SME_OR_ETI]


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
        # Prior aid below zero must not let a company through the ceiling: the core's F04.
        ({"aides_anterieures": -1}, negative("aides_anterieures", "-1", INCOMPLETE)),
        ({"categorie": "ETI", "aides_anterieures": -190000},
         negative("aides_anterieures", f"-190{NB}000", INCOMPLETE)),
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


@pytest.mark.parametrize(
    ("nom", "hint"),
    [
        # The names that hold the word typed: the three caps, the three rates.
        ("plafond", "vouliez-vous dire « plafond_journalier » ou « plafond_parcours » ou "
                    "« plafond_minimis » ?"),
        ("taux", "vouliez-vous dire « taux_phase1 » ou « taux_phase2 » ou "
                 "« taux_max_acompte_phase2 » ?"),
        ("objectif", "vouliez-vous dire « objectif_entreprises » ?"),
        # No name holds it: the closest one.
        ("plafond_jounalier", "vouliez-vous dire « plafond_journalier » ?"),
        ("xyz", "les noms sont listés dans la feuille Aide du calculateur"),
    ],
)  # fmt: skip
def test_an_unknown_parameter_suggests_the_closest_names(nom: str, hint: str):
    ((message,),) = udfs.IDF_PARAMETRE(nom)
    assert message == f"{ERR}paramètre inconnu « {nom} » : {hint}"
    assert len(message) <= udfs.TEXT_LIMIT


@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("IDF_PARAMETRE", ("x" * 400,)),
        ("IDF_CATEGORIE", ("beaucoup " * 50,)),
        ("IDF_MINIMIS", ("PME", 6000, 15000, 250000, "15/03/2022", "Non")),
        ("IDF_MOTIFS", ("Entreprise", "Non", "Aucun", "", 6000, 6, "75", "Oui", "Non",
                        "15/03/2030", "Cabinet Dupont")),
    ],
)  # fmt: skip
def test_every_text_answer_stays_within_excels_limit(function: str, args: tuple[object, ...]):
    ((answer, *_),) = getattr(udfs, function)(*args)
    assert isinstance(answer, str)
    assert 0 < len(answer) <= 255


# --- [date]: the parameters in force on the filing date (SPEC 4.2) ----------------------------


@pytest.mark.parametrize(
    ("nom", "day", "expected"),
    [
        # The de minimis ceiling: 200,000 up to 31/12/2023, 300,000 from 01/01/2024.
        ("plafond_minimis", "31/12/2023", 200000.0),
        ("plafond_minimis", "01/01/2024", 300000.0),
        ("plafond_minimis", 45292, 300000.0),  # 01/01/2024 as Office.js sends it
        ("periode_minimis", datetime(2024, 1, 1), NEW_PERIOD),
        # Left out: the programme's last day, 31/12/2022.
        ("plafond_minimis", None, 200000.0),
        ("plafond_minimis", "", 200000.0),
        ("plafond_journalier", "01/01/2024", 1200.0),
    ],
)
def test_parametre_on_a_date(nom, day, expected):
    assert udfs.IDF_PARAMETRE(nom, day) == [[expected]]


def _dated_programme(folder: Path) -> Programme:
    """The made-up programme with three figures that change on 01/01/2031.

    daily cap 950.33 -> 1,000.00; phase 2 advance 65 % -> 50 %; first balance sheet 18 -> 12
    months. Everything else as tests/programmes/made-up.toml (its docstring in
    test_made_up_programme.py): phase 1 4 days at 80 %, phase 2 15 days at 45 %, journey cap
    16,000.05, minimum 3 days, de minimis ceiling 100,000.01 in 2030 and 150,000.03 from 2031,
    filing from 01/03/2030 to 30/06/2031 (the last day, for a function without a date).
    """
    text = MADE_UP.read_text(encoding="utf-8")
    for name, unit, before, after in (
        ("daily_cap", "EUR", '"950.33"', '"1000.00"'),
        ("phase2_advance_max_rate", "percent", "65", "50"),
        ("first_balance_sheet_min_months", "months", "18", "12"),
    ):
        head = f"[parameters.{name}]\n"
        start = text.index(head)
        end = text.index("\n\n", start)
        description = text[start:end].splitlines()[1]
        values = "".join(
            f"\n\n[[parameters.{name}.values]]\nstart = {day}\nvalue = {value}\n"
            'citation = "Programme daté pour les tests"'
            for day, value in (("2030-01-01", before), ("2031-01-01", after))
        )
        text = text[:start] + f'{head}{description}\nunit = "{unit}"{values}' + text[end:]
    path = folder / "made-up-dated.toml"
    path.write_text(text.replace('id = "made-up-test-programme"', 'id = "made-up-dated"'),
                    encoding="utf-8")  # fmt: skip
    return load_programme(path)


@pytest.fixture
def dated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Programme:
    """The functions computing under the dated made-up programme."""
    programme = _dated_programme(tmp_path)
    monkeypatch.setattr(xl_idf.excel, "load_programme", lambda *args: programme)
    return programme


FIRST, SECOND = "16/09/2030", "15/03/2031"  # under the first values, under the second


def test_the_dated_programme_changes_what_it_says(dated: Programme):
    first, second = dated.at(date(2030, 9, 16)), dated.at(date(2031, 3, 15))
    assert (first.daily_cap, first.phase2_advance_max_rate) == (Decimal("950.33"), Decimal("0.65"))
    assert (second.daily_cap, second.phase2_advance_max_rate) == (Decimal("1000.00"),
                                                                  Decimal("0.5"))  # fmt: skip
    assert (first.first_balance_sheet_min_months, second.first_balance_sheet_min_months) == (18, 12)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # min(5,000, 950.33 x 5 = 4,751.65)
        (FIRST, [[4751.65]]),
        # min(5,000, 1,000 x 5 = 5,000); left out, the last day 30/06/2031 has the same cap; so
        # has a day before any value is in force (31/12/2029: the last day stands in).
        (SECOND, [[5000.0]]), (None, [[5000.0]]), ("31/12/2029", [[5000.0]]),
    ],
)  # fmt: skip
def test_depense_plafonnee_follows_the_date(dated, day, expected):
    assert udfs.IDF_DEPENSE_PLAFONNEE(5000, 5, day) == expected
    assert udfs.IDF_DEPENSE_ELIGIBLE(5000, 5, "01/10/2030", "KERVADEC & ASSOCIÉS", "29", day) == (
        expected
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # 950.33: bases min(4,000, 950.33 x 4) = 3,801.32 and 950.33 x 15 = 14,254.95; together
        # 18,056.27 > 16,000.05: base 2 = 12,198.73. 80 % x 3,801.32 = 3,041.056 -> 3,041.05;
        # 45 % x 12,198.73 = 5,489.4285 -> 5,489.42; total 8,530.47.
        (FIRST, [3041.05, 5489.42, 8530.47]),
        # 1,000: bases 4,000 and 15,000; 19,000 > 16,000.05: base 2 = 12,000.05.
        # 80 % x 4,000 = 3,200; 45 % x 12,000.05 = 5,400.0225 -> 5,400.02; total 8,600.02.
        (SECOND, [3200.0, 5400.02, 8600.02]),
        (None, [3200.0, 5400.02, 8600.02]),
    ],
)
def test_subvention_follows_the_date(dated, day, expected):
    assert udfs.IDF_SUBVENTION(4, 4000, 15, 15000, 1_000_000, day) == [expected]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Justified bases 3,801.32 and 12,198.73 (16,000.05, the journey cap), 19 days >= 3.
        # Phase 1: min(3,041.05, 80 % x 3,801.32 = 3,041.05). Advance 65 % x 5,489.42 =
        # 3,568.123 -> 3,568.12; balance min(5,489.42, 45 % x 12,198.73 -> 5,489.42) - 3,568.12.
        (FIRST, [3041.05, 3568.12, 1921.30]),
        # Advance 50 % x 5,489.42 = 2,744.71; balance 5,489.42 - 2,744.71 = 2,744.71.
        (SECOND, [3041.05, 2744.71, 2744.71]),
        (None, [3041.05, 2744.71, 2744.71]),
    ],
)
def test_echeancier_follows_the_date(dated, day, expected):
    assert udfs.IDF_ECHEANCIER(3041.05, 5489.42, 3801.32, 12198.73, 19, None, day) == [expected]


def test_parametre_follows_the_date(dated):
    names = [["plafond_journalier"], ["taux_max_acompte_phase2"], ["duree_min_premier_bilan"]]
    assert udfs.IDF_PARAMETRE(names, FIRST) == [[950.33], [0.65], [18.0]]
    assert udfs.IDF_PARAMETRE(names, SECOND) == [[1000.0], [0.5], [12.0]]
    assert udfs.IDF_PARAMETRE(names) == [[1000.0], [0.5], [12.0]]


def test_eligibility_follows_date_depot_and_de_minimis_date_octroi(dated):
    company = {**ELIGIBLE_SME, "departement": "29", "prestataire": "KERVADEC & ASSOCIÉS",
               "duree_bilan_mois": 12}  # fmt: skip
    # A first balance sheet of 12 months: 18 required when filed in 2030, 12 from 2031.
    assert eligible(**{**company, "date_depot": FIRST}) is False
    assert motifs(**{**company, "date_depot": FIRST}) == (
        "Premier bilan de 12 mois : 18 mois minimum"
    )
    assert eligible(**{**company, "date_depot": SECOND}) is True
    # 97,000 + 3,041.05 = 100,041.05: above 100,000.01 in 2030, under 150,000.03 from 2031.
    minimis = {"categorie": "PME", "subvention_p1": 3041.05, "subvention_p2": 5489.42,
               "aides_anterieures": 97000, "attestation": "Oui"}  # fmt: skip
    (first,) = udfs.IDF_MINIMIS(**minimis, date_octroi=FIRST)
    assert first[0].startswith(f"De minimis : 97{NB}000,00{NB}€ déjà reçus + 3{NB}041,05{NB}€ "
                               f"du dossier = 100{NB}041,05{NB}€, au-dessus du plafond de "
                               f"100{NB}000,01{NB}€")  # fmt: skip
    assert udfs.IDF_MINIMIS(**minimis, date_octroi=SECOND) == [["OK"]]


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
    "date_depot": DATE, "date_prestation": DATE, "date_octroi": DATE, "date": DATE,
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
             "xl_idf.providers", "xl_idf.records", "xl_idf.subsidy", "xl_idf.values",
             "xl_idf.excel", "xl_idf.excel_arguments", "xl_idf.excel_functions",
             "xl_idf.catalogue_format", "xl_idf.catalogue_money", "xl_idf.ooxml",
             "xl_idf.cell_numbers", "xl_idf.columns", "xl_idf.decisions",
             "xl_idf.slots"}  # fmt: skip


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
#
# The functions are called on the sample's cells as the calculator's sheet Calculs calls them:
# one call per column, the filing date as `[date]`. What the sheet adds around them is a few
# formulas, mirrored here one function each, their formula in the docstring (the calculator
# test checks the workbook holds exactly these formulas).

ELIGIBILITY_FIELDS = ["forme_juridique", "activite_industrielle", "agrement_ess",
                      "part_recettes_production", "effectif", "duree_premier_bilan",
                      "departement", "en_difficulte", "a_jour_fiscal_social", "date_depot",
                      "prestataire"]  # fmt: skip
LINE_FIELDS = ["montant_ht", "jours", "date_prestation", "prestataire", "departement_prestation"]
QUOTE_FIELDS = ["jours_p1", "montant_p1", "jours_p2", "montant_p2", "fonds_propres"]


def counted(eligible: Any, subsidy_total: Any, minimis: Any) -> bool:
    """« Éligible et complet »: =((C=TRUE)*ISNUMBER(F)*(LEFT(K,5)<>"#IDF:"))=1.

    C is IDF_ELIGIBLE, F the total of IDF_SUBVENTION, K IDF_MINIMIS (Calculs' letters).

    IDF_ELIGIBLE TRUE, a subsidy computed on the quote, and a de minimis answer that is OK or a
    reason (not a missing or unreadable value): the validator's `eligible`, which alone gets
    money (SPEC 2: an incomplete or ineligible dossier has every amount at 0).
    """
    return (
        eligible is True
        and isinstance(subsidy_total, float)
        and not str(minimis).startswith(ERR.strip())
    )


def awarded(is_counted: bool, category: Any, minimis: Any, quote: list[Any]) -> list[float]:
    """« Subvention accordée »: the quote less the part under de minimis that S06/S07 refuse.

    Phase 1 =IF(G*(K="OK"),D,0); phase 2 =IF(G*((K="OK")+(B="PME")),E,0); total =H+I, with G
    « Éligible et complet », B IDF_CATEGORIE, D and E the quote. SPEC 3: the part under de
    minimis is an SME's phase 1 (its phase 2 falls under SA.40453) and both phases of an ETI.
    """
    # The core's one definition, evaluated on what the sheet's cells hold.
    facts = {"counted": is_counted, "de_minimis_ok": minimis == "OK", "sme": category == "PME"}
    phase1 = quote[0] if AWARDED_PHASE1.holds(facts) else 0.0
    phase2 = quote[1] if AWARDED_PHASE2.holds(facts) else 0.0
    return [phase1, phase2, phase1 + phase2]


def same_dossier(a: Any, b: Any) -> bool:
    """How SUMIFS, COUNTIFS and MATCH compare a N° dossier: the whole text, case ignored."""
    return a is not None and b is not None and str(a).casefold() == str(b).casefold()


def number(value: Any) -> float:
    """A cell in Excel arithmetic (=P+R): a blank counts 0."""
    return 0.0 if value is None else float(value)


@pytest.fixture(scope="module")
def sample(programme: Programme) -> dict[str, Any]:
    """The sample quarter: its cells as Excel passes them, and the validator's results."""
    content = read_workbook(SAMPLE, programme.at(programme.reference_day))
    book = openpyxl.load_workbook(SAMPLE)

    def cells(sheet: str, fields: list[str]) -> dict[str, list[list[Any]]]:
        """Each field's column of a sheet, from its header row down (as a range in Calculs)."""
        rows = list(book[sheet].iter_rows(values_only=True))
        headers = {h: i for i, h in enumerate(rows[0])}
        record = {"Dossiers": Dossier, "Prestations": ExpenseLine, "Versements": Payment}[sheet]
        return {f: [[row[headers[record.header(f)]]] for row in rows[1:]] for f in fields}

    quarter = assess_quarter(content.dossiers, content.lines, content.payments, programme)
    return {
        "dossiers": cells("Dossiers", list(Dossier.headers())),
        "lines": cells("Prestations", list(ExpenseLine.headers())),
        "payments": cells("Versements", list(Payment.headers())),
        "content": content,
        "results": quarter.dossiers,
        "quarter": quarter,
        "book": book,
    }


@pytest.fixture(scope="module")
def calculs(sample: dict[str, Any]) -> dict[str, list[Any]]:
    """Every column of Calculs for the sample's 30 dossiers, computed as the sheet does."""
    columns = sample["dossiers"]
    filed = columns["date_depot"]
    category = udfs.IDF_CATEGORIE(columns["effectif"])
    eligible = udfs.IDF_ELIGIBLE(*[columns[f] for f in ELIGIBILITY_FIELDS])
    subsidy = udfs.IDF_SUBVENTION(*[columns[f] for f in QUOTE_FIELDS], filed)
    minimis = udfs.IDF_MINIMIS(
        category, [[row[0]] for row in subsidy], [[row[1]] for row in subsidy],
        columns["aides_minimis_3_ans"], filed, columns["attestation_minimis"],
    )  # fmt: skip
    numbers = [row[0] for row in columns["numero"]]
    keep = [counted(e, s[2], m) for (e,), s, (m,) in zip(eligible, subsidy, minimis, strict=True)]
    grant = [awarded(k, c, m, s) for k, (c,), (m,), s in zip(keep, category, minimis, subsidy,
                                                           strict=True)]  # fmt: skip

    # Factures: each line's dossier's filing date by =INDEX(dates,MATCH(N°,numbers,0)), then
    # IDF_DEPENSE_ELIGIBLE on the whole column.
    lines = sample["lines"]
    line_dates = []
    for (number_,) in lines["dossier"]:
        found = [d for n, (d,) in zip(numbers, filed, strict=True) if same_dossier(n, number_)]
        line_dates.append([found[0] if found else "#N/A"])
    line_eligible = udfs.IDF_DEPENSE_ELIGIBLE(*[lines[f] for f in LINE_FIELDS], line_dates)

    def justified(numero: Any, phase: int | None) -> float:
        """=SUMIFS(amounts or days, N°, numero, [Phase, phase,] Date d'acquittement, "<>",
        Dépense éligible, ">0"): the paid lines that count."""
        total = 0.0
        for i, (eligible_,) in enumerate(line_eligible):
            if not same_dossier(lines["dossier"][i][0], numero):
                continue
            counts = isinstance(eligible_, float) and eligible_ > 0
            paid = lines["date_acquittement"][i][0] not in (None, "")
            if not JUSTIFIED.holds({"paid": paid, "counts": counts}):
                continue
            if phase is None:
                total += number(lines["jours"][i][0])
            elif lines["phase"][i][0] == phase:
                total += eligible_
        return total

    # Versements: =SUMIFS(Montant, N°, numero, Type, kind, Montant, ">=0"); the recorded advance
    # is blank when no row records one (=IF(COUNTIFS(...)>0, SUMIFS(...), "")).
    payments = sample["payments"]

    def recorded(numero: Any, kind: PaymentType) -> tuple[int, float]:
        rows = zip(payments["dossier"], payments["type"], payments["montant"], strict=True)
        amounts = [
            float(amount)
            for (n,), (t,), (amount,) in rows
            if same_dossier(n, numero) and t == kind and isinstance(amount, int | float)
            if amount >= 0
        ]
        return len(amounts), sum(amounts)

    advance = []
    for numero in numbers:
        count, total = recorded(numero, PaymentType.ADVANCE_PHASE2)
        advance.append([total if count else ""])

    # Base devis: =IF(jours>0, IDF_DEPENSE_PLAFONNEE(montant, jours, date), 0), each phase.
    def quote_base(days: str, amount: str) -> list[list[Any]]:
        capped = udfs.IDF_DEPENSE_PLAFONNEE(columns[amount], columns[days], filed)
        return [[c if number(d) > 0 else 0.0] for (d,), (c,) in zip(columns[days], capped,
                                                                    strict=True)]  # fmt: skip

    base1, base2 = quote_base("jours_p1", "montant_p1"), quote_base("jours_p2", "montant_p2")
    quoted_days = [
        [number(a) + number(b)]
        for (a,), (b,) in zip(columns["jours_p1"], columns["jours_p2"], strict=True)
    ]
    phase1 = [[g[0]] for g in grant]
    phase2 = [[g[1]] for g in grant]
    # Prévu and Dû: =IF(H, IDF_ECHEANCIER(...), 0), one call for the whole column.
    planned = udfs.IDF_ECHEANCIER(phase1, phase2, base1, base2, quoted_days, "", filed)
    due = udfs.IDF_ECHEANCIER(
        phase1, phase2, [[justified(n, 1)] for n in numbers], [[justified(n, 2)] for n in numbers],
        [[justified(n, None)] for n in numbers], advance, filed,
    )  # fmt: skip
    paid = [
        [recorded(n, kind)[1] if k else 0.0 for kind in PaymentType]
        for n, k in zip(numbers, keep, strict=True)
    ]
    zero = [0.0, 0.0, 0.0]
    return {
        "numbers": numbers,
        "category": [c for (c,) in category],
        "eligible": [e for (e,) in eligible],
        "motifs": [m for (m,) in udfs.IDF_MOTIFS(*[columns[f] for f in ELIGIBILITY_FIELDS])],
        "quote": subsidy,
        "minimis": [m for (m,) in minimis],
        "counted": keep,
        "awarded": grant,
        "planned": [p if k else zero for p, k in zip(planned, keep, strict=True)],
        "due": [d if k else zero for d, k in zip(due, keep, strict=True)],
        "paid": paid,
    }


def euros(instalments: Instalments) -> list[float]:
    return [float(instalments.phase1), float(instalments.advance_phase2),
            float(instalments.balance_phase2)]  # fmt: skip


# The validator's SIRET check (E12) has no function (SPEC 4.2 gives none the SIRET): a dossier
# it alone refuses is counted by the sheet and paid nothing by the report.
SIRET_ONLY = ["IDF-2022-013"]


def test_the_functions_agree_with_the_validator_on_every_dossier_of_the_sample(sample, calculs):
    results = sample["results"]
    assert len(results) == 30
    assert calculs["numbers"] == [r.dossier.numero for r in results]
    refused_by_siret = []
    for i, result in enumerate(results):
        codes = {f.code for f in result.findings if f.severity.value == "error"}
        assert calculs["category"][i] == str(result.category), result.dossier.numero
        criteria = {code for code in codes if code[0] == "E" and code != "E12"}
        assert calculs["eligible"][i] is (not criteria), result.dossier.numero
        # The same messages, in the core's order (an eligible dossier's reasons are "").
        assert calculs["motifs"][i] == " ; ".join(
            f.message for f in result.findings if f.code in criteria
        )
        # IDF_SUBVENTION gives the quote, as the validator computes it.
        assert calculs["quote"][i] == [float(result.quote.phase1), float(result.quote.phase2),
                                       float(result.quote.total)]  # fmt: skip
        # IDF_MINIMIS gives the core's S06/S07 reasons, or OK.
        de_minimis = [f.message for f in result.de_minimis.findings]
        assert calculs["minimis"][i] == (" ; ".join(de_minimis) or "OK"), result.dossier.numero
        awarded = [float(result.subsidy_phase1), float(result.subsidy_phase2),
                   float(result.subsidy_total)]  # fmt: skip
        if "E12" in codes:
            refused_by_siret.append(result.dossier.numero)
            assert calculs["counted"][i] is True
            assert awarded == [0.0, 0.0, 0.0]
        else:
            assert calculs["awarded"][i] == awarded, result.dossier.numero
    assert refused_by_siret == SIRET_ONLY
    assert calculs["eligible"].count(False) == 2  # 024 (E09), 027 (E05)
    # The SME whose phase 1 de minimis refuses (S06): its phase 2 stays awarded, as the report.
    i = calculs["numbers"].index("IDF-2022-016")
    assert calculs["minimis"][i].startswith(
        "Attestation de minimis = Non : elle est exigée pour la phase 1 ; phase 1 refusée"
    )
    assert calculs["quote"][i] == [6000.0, 12000.0, 18000.0]
    assert calculs["awarded"][i] == [0.0, 12000.0, 12000.0]


@pytest.mark.parametrize("schedule", ["planned", "due", "paid"])
def test_the_schedules_agree_with_the_validator_on_every_dossier_of_the_sample(
    sample, calculs, schedule
):
    results = sample["results"]
    compared = []
    for i, result in enumerate(results):
        expected = euros(getattr(result, schedule))
        if result.dossier.numero in SIRET_ONLY:
            assert expected == [0.0, 0.0, 0.0]
            continue
        assert calculs[schedule][i] == expected, (result.dossier.numero, schedule)
        compared.append(result.dossier.numero)
    assert len(compared) == 29


def test_the_sample_exercises_every_schedule(sample, calculs):
    """The comparison above is not empty: the sample holds each case it must agree on."""
    results = {r.dossier.numero: r for r in sample["results"]}
    due = dict(zip(calculs["numbers"], calculs["due"], strict=True))
    # 016: an SME refused phase 1 under de minimis is still paid its phase 2.
    # Planned 70 % x 12,000 = 8,400 and 3,600; due the same on its justified lines.
    assert euros(results["IDF-2022-016"].planned) == [0.0, 8400.0, 3600.0]
    assert due["IDF-2022-016"] == [0.0, 8400.0, 3600.0]
    # 009: a balance below zero (P04); 001, 002, 005: recorded advances and payments.
    assert due["IDF-2022-009"][2] < 0
    assert [n for n, r in results.items() if r.paid.advance_phase2 > 0] == [
        "IDF-2022-001", "IDF-2022-002", "IDF-2022-005"
    ]  # fmt: skip
    # 026: a line not yet paid (X10): due differs from planned.
    assert due["IDF-2022-026"] != euros(results["IDF-2022-026"].planned)


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
                c.coordinate: (shown(c.value), c.number_format, c.data_type, layout(c))
                for row in sheet.iter_rows()
                for c in row
                if c.value is not None
            }
            for sheet in book.worksheets
        },
        "print": {sheet.title: page_setup(sheet) for sheet in book.worksheets},
        "widths": {
            sheet.title: {k: d.width for k, d in sheet.column_dimensions.items()}
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


@needs_libreoffice
def test_libreoffice_opens_the_calculator(tmp_path):
    from test_libreoffice import convert

    (converted,) = convert([CALCULATOR], tmp_path)
    book = openpyxl.load_workbook(converted)
    assert book.sheetnames == ["Calculs", "Aide", "xlwings.conf"]
    assert book["Calculs"]["A5"].value == "EX-01"


def calculs_formulas() -> dict[str, str]:
    """Each computed column of the committed Calculs: its header, and its array formula."""
    sheet = openpyxl.load_workbook(CALCULATOR, keep_vba=True)["Calculs"]
    formulas = {}
    for row in sheet.iter_rows():
        for cell in row:
            below = sheet.cell(row=cell.row + 1, column=cell.column).value
            if isinstance(cell.value, str) and hasattr(below, "text"):
                formulas[cell.value] = below.text
    return formulas


def test_the_calculator_holds_the_formulas_the_sample_test_mirrors():
    """The formulas `counted`, `awarded` and the `calculs` fixture mirror, exactly."""
    formulas = calculs_formulas()
    # Dossiers in rows 5-10 (A: N°, K: date de dépôt, P-S: the quote); results in rows 14-19.
    assert formulas["Éligible et complet"] == (
        '=((C14:C19=TRUE)*ISNUMBER(F14:F19)*(LEFT(K14:K19,5)<>"#IDF:"))=1'
    )
    assert formulas["Subvention accordée phase 1 (€)"] == (
        '=IF(G14:G19*(K14:K19="OK"), D14:D19, 0)'
    )
    assert formulas["Subvention accordée phase 2 (€)"] == (
        '=IF(G14:G19*((K14:K19="OK")+(B14:B19="PME")), E14:E19, 0)'
    )
    assert formulas["Base devis phase 1 (€)"] == (
        "=IF(P5:P10>0, IDF_DEPENSE_PLAFONNEE(Q5:Q10, P5:P10, K5:K10), 0)"
    )
    assert formulas["Prévu phase 1 (€)"] == (
        '=IF(G14:G19, IDF_ECHEANCIER(H14:H19, I14:I19, B23:B28, C23:C28, P5:P10+R5:R10, "", '
        "K5:K10), 0)"
    )
    # Invoices in rows 41-48 (A: N°, B: phase, E: days, H: paid on, K: eligible); payments in
    # rows 52-55 (A: N°, B: type, D: amount).
    assert formulas["Justifié phase 2 (€)"] == (
        '=SUMIFS($K$41:$K$48, $A$41:$A$48, A23:A28, $B$41:$B$48, 2, $H$41:$H$48, "<>", '
        '$K$41:$K$48, ">0")'
    )
    assert formulas["Jours justifiés"] == (
        '=SUMIFS($E$41:$E$48, $A$41:$A$48, A23:A28, $H$41:$H$48, "<>", $K$41:$K$48, ">0")'
    )
    assert formulas["Acompte phase 2 enregistré (€)"] == (
        '=IF(COUNTIFS($A$52:$A$55, A23:A28, $B$52:$B$55, "Acompte phase 2", $D$52:$D$55, '
        '">=0")>0, SUMIFS($D$52:$D$55, $A$52:$A$55, A23:A28, $B$52:$B$55, "Acompte phase 2", '
        '$D$52:$D$55, ">=0"), "")'
    )
    assert formulas["Dû phase 1 (€)"] == (
        "=IF(G14:G19, IDF_ECHEANCIER(H14:H19, I14:I19, G23:G28, H23:H28, I23:I28, J23:J28, "
        "K5:K10), 0)"
    )
    assert formulas["Versé acompte phase 2 (€)"] == (
        '=SUMIFS($D$52:$D$55, $A$52:$A$55, A32:A37, $B$52:$B$55, "Acompte phase 2", '
        '$D$52:$D$55, ">=0")*G14:G19'
    )
    assert formulas["Date de dépôt du dossier"] == (
        "=INDEX($K$5:$K$10, MATCH(A41:A48, $A$5:$A$10, 0))"
    )
    assert formulas["Subvention devis phase 1 (€)"] == (
        "=IDF_SUBVENTION(P5:P10, Q5:Q10, R5:R10, S5:S10, M5:M10, K5:K10)"
    )
    assert formulas["De minimis"] == (
        "=IDF_MINIMIS(B14:B19, D14:D19, E14:E19, N5:N10, K5:K10, O5:O10)"
    )
