"""Expense lines X01-X10: what each invoice line counts for, to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import a_line, codes
from xl_idf.expenses import assess_line, capped_amount, mark_duplicates

D = Decimal

CAPS = [
    # (id, amount, days, capped): min(amount, 1,200 x days), rounded down to the cent
    ("under the cap", "5000.00", "5", "5000.00"),
    ("exactly 1,200 a day", "6000.00", "5", "6000.00"),
    ("one cent above 1,200 a day", "6000.01", "5", "6000.00"),
    ("1,300 a day for 12.5 days", "16250.00", "12.5", "15000.00"),
    ("half a day", "900.00", "0.5", "600.00"),
    ("a third of a day: 1,200 / 3 = 399.996, down to 399.99", "500.00", "0.3333", "399.96"),
]


@pytest.mark.parametrize(
    ("amount", "days", "capped"), [c[1:] for c in CAPS], ids=[c[0] for c in CAPS]
)
def test_daily_cap(params, amount, days, capped):
    assert capped_amount(D(amount), D(days), params) == D(capped)


LINES = [
    # (id, changes to a valid paid line, codes, excluded, eligible amount)
    ("valid paid line", {}, [], False, "6000.00"),
    ("X02 capped line is not excluded", {"montant_ht": D("7000.00")}, ["X02"], False, "6000.00"),
    ("X01 unreferenced provider", {"prestataire": "Cabinet Dupont"}, ["X01"], True, "0.00"),
    ("X01 referenced provider in other spelling", {"prestataire": "afnor "}, [], False, "6000.00"),
    ("X01 referenced provider Top-Tech", {"prestataire": "Top-Tech"}, [], False, "6000.00"),
    (
        "X01 referenced provider's alias",
        {"prestataire": "AFNOR Certification"},
        [],
        False,
        "6000.00",
    ),
    ("X01 referenced provider and legal form", {"prestataire": "Cylad SARL"}, [], False, "6000.00"),
    ("X03 service on the last day", {"date_prestation": date(2022, 12, 31)}, [], False, "6000.00"),
    (
        "X03 service the day after",
        {"date_prestation": date(2023, 1, 1), "date_facture": date(2023, 1, 5)},
        ["X03", "X03"],
        True,
        "0.00",
    ),
    ("X03 invoice after the last day", {"date_facture": date(2023, 1, 2)}, ["X03"], True, "0.00"),
    ("X04 service outside the region", {"departement_prestation": "75"}, ["X04"], True, "0.00"),
    ("X05 zero days", {"jours": D(0)}, ["X05"], True, "0.00"),
    # SPEC 2: below zero is F04 (a value that cannot be used), 0 is X05; both exclude.
    ("F04 negative amount", {"montant_ht": D("-100.00")}, ["F04"], True, "0.00"),
    ("F04 negative days", {"jours": D("-5")}, ["F04"], True, "0.00"),
    (
        "X09 service before the programme",
        {"date_prestation": date(2019, 12, 31)},
        ["X09"],
        True,
        "0.00",
    ),
    (
        "X09 service on the first day",
        {"date_prestation": date(2020, 1, 1), "date_facture": date(2020, 1, 1)},
        [],
        False,
        "6000.00",
    ),
    (
        "X10 not paid yet: counts but is not justified",
        {"date_acquittement": None},
        ["X10"],
        False,
        "6000.00",
    ),
    ("missing amount", {"montant_ht": None}, ["F07"], True, "0.00"),
    ("missing service date", {"date_prestation": None}, ["F07"], True, "0.00"),
    ("missing department", {"departement_prestation": None}, ["F07"], True, "0.00"),
    (
        "unreadable cell excludes the line",
        {"jours": None, "unreadable": frozenset({"jours"})},
        [],
        True,
        "0.00",
    ),
]


@pytest.mark.parametrize(
    ("changes", "expected", "excluded", "eligible"),
    [c[1:] for c in LINES],
    ids=[c[0] for c in LINES],
)
def test_line(params, changes, expected, excluded, eligible):
    result = assess_line(a_line(**changes), params)
    assert codes(result.findings) == expected
    assert result.excluded is excluded
    assert result.eligible == D(eligible)


def test_justified_means_paid_and_not_excluded(params):
    assert assess_line(a_line(), params).justified
    assert not assess_line(a_line(date_acquittement=None), params).justified
    assert not assess_line(a_line(departement_prestation="75"), params).justified


def test_x08_provider_differs_from_the_dossier(params):
    result = assess_line(a_line(prestataire="CYLAD"), params, dossier_provider="AFNOR")
    assert codes(result.findings) == ["X08"]
    assert not result.excluded
    assert result.findings[0].message == (
        "Ligne facturée par « CYLAD » alors que le dossier est suivi par « AFNOR »"
    )
    same = assess_line(a_line(prestataire="Afnor"), params, dossier_provider="AFNOR")
    assert codes(same.findings) == []


@pytest.mark.parametrize(
    ("written", "x08"),
    [("AFNOR Certification", False), ("afnor sa", False), ("Top-Tech", True),
     ("TOPTECH SAS", True)],
)  # fmt: skip
def test_x08_compares_the_referenced_providers(params, written, x08):
    result = assess_line(a_line(prestataire=written), params, dossier_provider="AFNOR")
    assert codes(result.findings) == (["X08"] if x08 else [])


@pytest.mark.parametrize(
    ("written", "asked"),
    [("Toptek", " ; vouliez-vous dire « TOPTECH » ?"), ("Cabinet Dupont", "")],
)
def test_x01_suggests_the_closest_referenced_name(params, written, asked):
    (found,) = assess_line(a_line(prestataire=written), params).findings
    assert (found.code, found.cell, found.message) == (
        "X01",
        "C5",
        f"Facture du prestataire « {written} », non référencé par la Région : ligne exclue{asked}",
    )


def test_x02_message_gives_the_figures(params):
    (found,) = assess_line(a_line(montant_ht=D("16250.00"), jours=D("12.5")), params).findings
    assert (found.cell, found.message) == (
        "H5",
        "Facture de 16\u00a0250,00\u00a0€ pour 12,5\u00a0jours, au-dessus du plafond de "
        "1\u00a0200,00\u00a0€ par jour : 15\u00a0000,00\u00a0€ retenus",
    )


def test_x07_only_a_line_that_counts_holds_its_invoice_number(params):
    lines = [
        # Excluded (X04): it does not hold F-2022-001.
        a_line(row=4, departement_prestation="75"),
        a_line(row=5),
        # Same provider (other spelling) and invoice number: entered twice.
        a_line(row=7, prestataire="Afnor"),
        # Same invoice number from another provider: a different invoice.
        a_line(row=8, prestataire="CYLAD"),
    ]
    marked = mark_duplicates([assess_line(line, params) for line in lines], params, {})
    assert [(f.code, f.cell) for r in marked for f in r.findings] == [("X04", "I4"), ("X07", "D7")]
    assert [r.excluded for r in marked] == [True, False, True, False]
    assert marked[2].findings[-1].message == (
        "Facture n° F-2022-001 du prestataire « Afnor » déjà saisie en Prestations!D5 : "
        "doublon exclu"
    )


@pytest.mark.parametrize(
    ("first", "second", "duplicate"),
    [
        # One provider however spelled: the same invoice twice.
        (("TOPTECH", "F-17"), ("Top-Tech", "F-17"), True),
        (("TOPTECH", "F-17"), ("top tech", "f 17"), True),
        # Invoice numbers keep their words apart: F-1-17 and F-11-7 are two invoices.
        (("TOPTECH", "F-1-17"), ("TOPTECH", "F-11-7"), False),
        (("TOPTECH", "F-17"), ("CYLAD", "F-17"), False),
    ],
)
def test_x07_keys_an_invoice_by_provider_and_number(params, first, second, duplicate):
    lines = [
        a_line(row=5, prestataire=first[0], numero_facture=first[1]),
        a_line(row=6, prestataire=second[0], numero_facture=second[1]),
    ]
    marked = mark_duplicates([assess_line(line, params) for line in lines], params, {})
    assert codes(f for r in marked for f in r.findings) == (["X07"] if duplicate else [])
