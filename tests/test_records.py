"""Records: how a value below zero or a blank value is said, and by which name (SPEC 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import a_dossier, a_line, codes
from xl_idf.expenses import assess_line
from xl_idf.records import Dossier, ExpenseLine, below_zero

D = Decimal
NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-1, "valeur négative -1, une valeur positive ou nulle attendue"),
        (D("-0.5"), "valeur négative -0,5, une valeur positive ou nulle attendue"),
        (D("-6000.00"), f"valeur négative -6{NB}000, une valeur positive ou nulle attendue"),
    ],
)
def test_below_zero_words(value, expected):
    assert below_zero(value) == expected


def test_a_record_names_its_fields_by_their_column_headers_unless_labelled():
    assert a_dossier().label("montant_p1") == "Montant prévu phase 1 (€ HT)"
    labelled = Dossier(montant_p1=D(-1), labels={"montant_p1": "montant_p1"})
    assert labelled.label("montant_p1") == "montant_p1"
    assert labelled.label("jours_p1") == "Jours prévus phase 1"  # not labelled: its header


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        # Read from a sheet: the column header, as the report says it.
        ({}, "Montant HT (€) : valeur négative -100, une valeur positive ou nulle attendue ; "
             "ligne exclue"),
        # Built by an Excel function: the argument the user typed.
        ({"montant_ht": "montant_ht"}, "montant_ht : valeur négative -100, une valeur positive "
                                       "ou nulle attendue ; ligne exclue"),
    ],
)  # fmt: skip
def test_f04_of_a_value_below_zero_names_the_field_by_its_label(labels, expected):
    screened, found = a_line(montant_ht=D(-100), labels=labels).screened()
    assert codes(found) == ["F04"]
    assert found[0].message == expected
    assert screened.montant_ht is None
    assert "montant_ht" in screened.unreadable


def test_f07_and_x05_name_the_field_by_its_label(params):
    labels = {"jours": "jours", "montant_ht": "montant_ht", "date_prestation": "date_prestation"}
    line = ExpenseLine(jours=D(0), montant_ht=D(100), labels=labels)
    messages = [f.message for f in assess_line(line, params).findings if f.code in ("X05", "F07")]
    assert messages == [
        "jours = 0 : une valeur strictement positive est attendue ; ligne exclue",
        # Not labelled: the column header.
        "Valeur manquante dans « Prestataire » : ligne exclue",
        "Valeur manquante dans « date_prestation » : ligne exclue",
        "Valeur manquante dans « Département de prestation » : ligne exclue",
    ]


def test_require_says_a_blank_value_is_missing_once():
    from conftest import a_dossier

    # Blank: F07 in its cell. Unreadable (the reader said why): nothing more. Given: nothing.
    (found,) = a_dossier(siret=None).require("siret")
    assert (found.code, found.cell, found.message) == (
        "F07",
        "C7",
        "Valeur manquante dans « SIRET » : dossier incomplet",
    )
    assert a_dossier(siret=None, unreadable=frozenset({"siret"})).require("siret") == ()
    assert a_dossier().require("siret") == ()
