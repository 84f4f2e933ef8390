"""A quarter filled as providers fill it: each case a user hit, with the money SPEC says.

One workbook, built from the template as a provider would type it (a float a formula left, a
percentage cell, a head count in work units, names spelled their own way, a duplicated number,
a line typed twice), checked by `xl-idf validate`; then the same workbook saved again by
LibreOffice must give the same report, to the cent. Each expected amount is computed by hand
from SPEC sections 2 and 3 in the comments.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from stdnum import luhn
from test_libreoffice import convert
from typer.testing import CliRunner

from conftest import needs_libreoffice
from xl_idf.cli import app
from xl_idf.records import Dossier, ExpenseLine, Payment
from xl_idf.template import append_rows, build_template

D = Decimal
runner = CliRunner()


def siret(n: int) -> str:
    """A valid SIRET of its own for each dossier (Luhn check digit)."""
    body = f"7328293200{n:03d}"
    return body + luhn.calc_check_digit(body)


def dossier(number: str, n: int, **changes: Any) -> dict[str, Any]:
    """An SME filed in 2022 with AFNOR, quote 5 days 6,000 + 10 days 12,000, as typed."""
    return {
        "numero": number, "raison_sociale": f"Atelier {n}", "siret": siret(n),
        "code_naf": "25.62B", "forme_juridique": "Entreprise", "activite_industrielle": "Oui",
        "agrement_ess": "Aucun", "effectif": 40, "duree_premier_bilan": 24,
        "departement": "31", "code_postal": "31400", "en_difficulte": "Non",
        "a_jour_fiscal_social": "Oui", "fonds_propres": 400000, "prestataire": "AFNOR",
        "date_depot": date(2022, 3, 1), "aides_minimis_3_ans": 0,
        "attestation_minimis": "Oui", "jours_p1": 5, "montant_p1": 6000, "jours_p2": 10,
        "montant_p2": 12000, **changes,
    }  # fmt: skip


def line(number: str, invoice: str | None, phase: int = 1, **changes: Any) -> dict[str, Any]:
    """A paid line of 5 days, 6,000 EUR by AFNOR in Haute-Garonne."""
    return {
        "dossier": number, "phase": phase, "prestataire": "AFNOR", "numero_facture": invoice,
        "date_prestation": date(2022, 4, 4), "date_facture": date(2022, 4, 29), "jours": 5,
        "montant_ht": 6000, "departement_prestation": "31",
        "date_acquittement": date(2022, 5, 20), **changes,
    }  # fmt: skip


DOSSIERS = [
    # F06: one number on two rows: neither is paid, neither counts.
    dossier("IDF-2021-031", 1),
    dossier("IDF-2021-031", 2),
    # A formula's result that Excel shows as 5 816,75 €: 15 significant digits, then the cent.
    dossier("IDF-2021-032", 3, montant_p1=5816.749999999999, jours_p2=None, montant_p2=None),
    # An ETI whose prior de minimis aid is typed below zero: F04, incomplete, nothing paid.
    dossier("IDF-2021-033", 4, effectif=300, aides_minimis_3_ans=-190000),
    # Lines typed the way people type them (below).
    dossier("IDF-2021-034", 5),
    # An association with 60 % typed in a percentage cell (stored 0.6), 249.5 staff in annual
    # work units (an SME), and its provider written « Top-Tech ».
    dossier(
        "IDF-2021-035",
        6,
        forme_juridique="Association",
        activite_industrielle=None,
        part_recettes_production=0.6,
        effectif=249.5,
        prestataire="Top-Tech",
        jours_p2=None,
        montant_p2=None,
    ),
    # The provider by its legal name; a balance recorded although phase 2 has not begun.
    dossier("IDF-2021-036", 7, prestataire="AFNOR Certification"),
    # An SME without de minimis attestation: its phase 1 is refused, its phase 2 stays.
    dossier("IDF-2021-037", 8, attestation_minimis="Non"),
    # Phase 1 under 5 days: S01, nothing awarded, with the reason.
    dossier("IDF-2021-038", 9, jours_p1=4, montant_p1=4800),
    # Phase 1 left blank with a phase 2: S05 only.
    dossier("IDF-2021-039", 10, jours_p1=None, montant_p1=None),
]
LINES = [
    line("IDF-2021-031", "F-311"),
    line("IDF-2021-032", "F-321", montant_ht=5816.75),
    line("IDF-2021-033", "F-331"),
    # No invoice number: counts for nothing (F07).
    line("IDF-2021-034", None),
    # Typed with 0 days (X05, excluded), then again, corrected: the copy counts, no X07.
    line("IDF-2021-034", "F-341", jours=0),
    line("IDF-2021-034", "F-341"),
    # The dossier number in lower case: found, with a warning; phase 2, 4 days, 4,800.
    line("idf-2021-034", "F-342", phase=2, jours=4, montant_ht=4800),
    line("IDF-2021-035", "F-351", prestataire="Top-Tech"),
    line("IDF-2021-036", "F-361", prestataire="AFNOR Certification"),
    line("IDF-2021-037", "F-371"),
    line("IDF-2021-037", "F-372", phase=2, jours=10, montant_ht=12000),
]
PAYMENTS = [
    {"dossier": "IDF-2021-036", "type": "Phase 1", "date_versement": date(2022, 6, 30),
     "montant": 6000},
    {"dossier": "IDF-2021-036", "type": "Solde phase 2", "date_versement": date(2022, 7, 30),
     "montant": 500},
]  # fmt: skip

EUROS = dict[str, str]


def amounts(phase1: str, advance: str, balance: str) -> EUROS:
    return {"phase1": phase1, "advance_phase2": advance, "balance_phase2": balance}


NOTHING = amounts("0.00", "0.00", "0.00")
# (eligibility, subsidy phase 1, phase 2, planned, due, paid, remaining, blocking)
EXPECTED: dict[str, tuple[str, str, str, EUROS, EUROS, EUROS, EUROS, list[str]]] = {
    # 5816.749999999999 -> 5816.75 at 15 significant digits: 100 % of it; no phase 2.
    # Paid line 5,816.75 over 5 days (under 1,200 x 5): due 5,816.75.
    "IDF-2021-032": ("eligible", "5816.75", "0.00", amounts("5816.75", "0.00", "0.00"),
                     amounts("5816.75", "0.00", "0.00"), NOTHING,
                     amounts("5816.75", "0.00", "0.00"), []),
    "IDF-2021-033": ("incomplete", "0.00", "0.00", NOTHING, NOTHING, NOTHING, NOTHING, ["F04"]),
    # 6,000 + 50 % x 12,000 = 12,000. Planned advance 70 % x 6,000 = 4,200, balance 1,800.
    # Justified: F-341 (5 days, 6,000) and F-342 (phase 2, 4,800): phase 1 due 6,000; phase 2
    # has begun: advance 4,200; balance min(6,000, 50 % x 4,800) - 4,200 = -1,800.
    "IDF-2021-034": ("eligible", "6000.00", "6000.00", amounts("6000.00", "4200.00", "1800.00"),
                     amounts("6000.00", "4200.00", "-1800.00"), NOTHING,
                     amounts("6000.00", "4200.00", "-1800.00"), []),
    # 60 % >= 50 %: eligible; 249.5 < 250: PME; phase 1 only: 6,000, all justified.
    "IDF-2021-035": ("eligible", "6000.00", "0.00", amounts("6000.00", "0.00", "0.00"),
                     amounts("6000.00", "0.00", "0.00"), NOTHING,
                     amounts("6000.00", "0.00", "0.00"), []),
    # 6,000 + 6,000. Phase 1 justified; phase 2 not begun: nothing of it due. Paid 6,000 and a
    # balance of 500: remaining 0, 0, 0 - 500 = -500 (to recover).
    "IDF-2021-036": ("eligible", "6000.00", "6000.00", amounts("6000.00", "4200.00", "1800.00"),
                     amounts("6000.00", "0.00", "0.00"), amounts("6000.00", "0.00", "500.00"),
                     amounts("0.00", "0.00", "-500.00"), []),
    # S06: phase 1 (under de minimis) 0; phase 2 (SA.40453) 6,000. Planned 0, 4,200, 1,800.
    # All justified: phase 1 due min(0, 6,000) = 0; advance 4,200; balance 6,000 - 4,200.
    "IDF-2021-037": ("eligible", "0.00", "6000.00", amounts("0.00", "4200.00", "1800.00"),
                     amounts("0.00", "4200.00", "1800.00"), NOTHING,
                     amounts("0.00", "4200.00", "1800.00"), ["S06"]),
    "IDF-2021-038": ("eligible", "0.00", "0.00", NOTHING, NOTHING, NOTHING, NOTHING, ["S01"]),
    "IDF-2021-039": ("eligible", "0.00", "0.00", NOTHING, NOTHING, NOTHING, NOTHING, ["S05"]),
}  # fmt: skip


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The quarter as a provider types it in the template."""
    from xl_idf.programme import load_programme

    book = build_template(load_programme())
    append_rows(book, Dossier, DOSSIERS)
    append_rows(book, ExpenseLine, LINES)
    append_rows(book, Payment, PAYMENTS)
    # « 60 % » typed in a cell formatted as a percentage: Excel stores 0.6.
    sheet = book["Dossiers"]
    column = list(Dossier.headers()).index("part_recettes_production") + 1
    row = 2 + next(i for i, d in enumerate(DOSSIERS) if d["numero"] == "IDF-2021-035")
    sheet.cell(row=row, column=column).number_format = "0%"
    path = tmp_path_factory.mktemp("filled") / "trimestre-2022T1.xlsx"
    book.save(path)
    return path


def report(path: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 1, result.output  # S01, S05, S06, F04, F06, F07 are errors
    (file,) = json.loads(result.output)["files"]
    return file


def test_each_case_gets_the_money_spec_says(filled: Path) -> None:
    file = report(filled)
    by_number = {}
    for d in file["dossiers"]:
        by_number.setdefault(d["dossier"], []).append(d)
    # F06: both rows reported, both incomplete, nothing paid.
    assert [d["eligibility"] for d in by_number["IDF-2021-031"]] == ["incomplete"] * 2
    assert all(d["blocking"] == ["F06"] for d in by_number["IDF-2021-031"])
    for number, (status, sub1, sub2, planned, due, paid, left, blocking) in EXPECTED.items():
        (d,) = by_number[number]
        got = (d["eligibility"], d["subsidy"]["phase1"], d["subsidy"]["phase2"], d["planned"],
               d["payments"], d["paid"], d["remaining"], d["blocking"])  # fmt: skip
        assert got == (status, sub1, sub2, planned, due, paid, left, blocking), number
    assert by_number["IDF-2021-035"][0]["category"] == "PME"


def test_each_case_is_reported_in_its_cell(filled: Path) -> None:
    found = {(i["code"], i["sheet"], i["cell"]) for i in report(filled)["issues"]}
    assert {
        ("F06", "Dossiers", "A2"),
        ("F06", "Dossiers", "A3"),
        ("F04", "Dossiers", "R5"),  # prior aid below zero
        ("F07", "Prestations", "D5"),  # no invoice number
        ("X05", "Prestations", "G6"),  # 0 days
        ("F05", "Prestations", "A8"),  # idf-2021-034
        ("P04", "Dossiers", "A6"),  # the planned advance exceeds what is justified
        ("P06", "Versements", "D3"),  # a balance paid while nothing of it is due
        ("S06", "Dossiers", "S9"),
        ("S01", "Dossiers", "T10"),
        ("S05", "Dossiers", "V11"),
    } <= found
    codes = [code for code, _, _ in found]
    # The corrected copy of the 0-day line is not a duplicate; the names are referenced.
    assert "X07" not in codes
    assert not {"E02", "E03", "E09", "X01"} & set(codes)


def test_totals_and_companies_count_only_what_is_awarded(filled: Path) -> None:
    result = runner.invoke(app, ["validate", str(filled)])
    # Eligible and awarded more than 0: -032, -034, -035, -036, -037, five SIRETs;
    # 5,816.75 + 12,000 + 6,000 + 12,000 + 6,000 = 41,816.75.
    assert "subvention totale 41\u00a0816,75\u00a0€" in result.output
    assert "Entreprises distinctes : 5 pour un objectif de 400 entreprises." in result.output
    assert "S01 Phase 1 sous la durée minimale" in result.output  # the « Motif »


@needs_libreoffice
def test_libreoffice_resave_gives_the_same_report(filled: Path, tmp_path: Path) -> None:
    (resaved,) = convert([filled], tmp_path)
    # LibreOffice writes 5816.75 where the file held 5816.749999999999: same money either way.
    book = openpyxl.load_workbook(resaved)
    assert book["Dossiers"]["U4"].value == 5816.75
    before, after = report(filled), report(resaved)
    for file in (before, after):
        del file["path"]
    assert after == before
