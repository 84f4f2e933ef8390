"""The sheet schemas: plausibility bounds, the same as the template's input checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import a_dossier, a_line, a_payment
from xl_idf.records import Dossier, ExpenseLine, Payment
from xl_idf.schemas import check_structure

D = Decimal
NB = "\u00a0"


@pytest.mark.parametrize(
    ("changes", "found"),
    [
        ({"effectif": D("249.5")}, []),
        # The template refuses above 1,000,000 too (tests/test_template.py): one bound.
        ({"effectif": D(1000000)}, []),
        (
            {"effectif": D("1000000.5")},
            [
                (
                    "I7",
                    f"Effectif : effectif invraisemblable (au-delà de 1{NB}000{NB}000) "
                    "(valeur « 1\u00a0000\u00a0000,5 »)",
                )
            ],
        ),
        ({"duree_premier_bilan": 600}, []),
        (
            {"duree_premier_bilan": 601},
            [
                (
                    "J7",
                    "Durée 1er bilan (mois) : durée invraisemblable (au-delà de 600 mois) "
                    "(valeur « 601 »)",
                )
            ],
        ),
        ({"jours_p1": D(366)}, []),
        (
            {"jours_p1": D("366.5")},
            [
                (
                    "T7",
                    "Jours prévus phase 1 : plus de 366 jours : saisie à vérifier "
                    "(valeur « 366,5 »)",
                )
            ],
        ),
    ],
)
def test_plausibility_bounds(changes, found):
    findings = check_structure([a_dossier(**changes)], Dossier)
    assert [(f.code, f.cell, f.message) for f in findings] == [("F04", *case) for case in found]


def test_the_structure_check_does_not_search_for_geopandas_again() -> None:
    """pandera imports geopandas at each column's dtype check: absent, it is known absent once
    (None in sys.modules), not looked for on the whole import path at every check."""
    import sys

    searched: list[str] = []

    class Spy:
        @staticmethod
        def find_spec(name: str, *args: object) -> None:
            searched.append(name)

    sys.meta_path.insert(0, Spy)  # type: ignore[arg-type]
    try:
        for _ in range(3):
            check_structure([a_dossier(numero="IDF-1"), a_dossier(numero="IDF-2")], Dossier)
    finally:
        sys.meta_path.remove(Spy)  # type: ignore[arg-type]
    assert [name for name in searched if name.split(".")[0] == "geopandas"] == []


@pytest.mark.parametrize(
    ("record", "kind", "found"),
    [
        # Below zero: the core's F04, once (`Record.screened`); the schema, which would find the
        # required amount blank or the head count implausible, says nothing of it.
        (a_payment(montant=D(-5)), Payment, []),
        (a_dossier(effectif=D(-2000000)), Dossier, []),
        (a_line(jours=D(-1), montant_ht=D(-10)), ExpenseLine, []),
        # Zero is no payment: the schema says so (no rule does).
        (a_payment(montant=D(0)), Payment, [("F04", "D3")]),
        (a_payment(montant=None), Payment, [("F07", "D3")]),
    ],
)
def test_values_below_zero_are_left_to_the_core(record, kind, found):
    assert [(f.code, f.cell) for f in check_structure([record], kind)] == found
