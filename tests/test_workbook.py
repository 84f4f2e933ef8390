"""Reading workbooks back: every value at its cell, whatever a provider did to the layout."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import codes
from workbooks import WORKBOOKS, build_script, describe
from xl_idf.quarter import assess_quarter
from xl_idf.records import Dossier, ExpenseLine, LegalForm, Payment, PaymentType
from xl_idf.template import append_rows, build_template
from xl_idf.workbook import WorkbookUnreadable, read_workbook

D = Decimal
SAMPLE = WORKBOOKS / "exemple-trimestre-2022T4.xlsx"

DOSSIER = {
    "numero": "IDF-0042", "raison_sociale": "Fonderie du Lauragais", "siret": "73282932000074",
    "code_naf": "24.51Z", "forme_juridique": "Entreprise", "activite_industrielle": "Oui",
    "agrement_ess": "Aucun", "part_recettes_production": D("12.5"), "effectif": 48,
    "duree_premier_bilan": 12, "departement": "09", "code_postal": "09000",
    "en_difficulte": "Non", "a_jour_fiscal_social": "Oui", "fonds_propres": D("250000.50"),
    "prestataire": "AFNOR", "date_depot": date(2022, 3, 15), "aides_minimis_3_ans": D("0"),
    "attestation_minimis": "Oui", "jours_p1": D(5), "montant_p1": D("6000.00"),
    "jours_p2": D("12.5"), "montant_p2": D("15000.00"),
}  # fmt: skip
# What each typed value reads back as.
DOSSIER_READ = {
    **DOSSIER, "forme_juridique": LegalForm.ENTREPRISE, "activite_industrielle": True,
    "en_difficulte": False, "a_jour_fiscal_social": True, "attestation_minimis": True,
}  # fmt: skip
LINE = {
    "dossier": "IDF-0042", "phase": 2, "prestataire": "AFNOR", "numero_facture": "F-17",
    "date_prestation": date(2022, 6, 1), "date_facture": date(2022, 6, 30), "jours": D("2.5"),
    "montant_ht": D("3000.00"), "departement_prestation": "31",
    "date_acquittement": date(2022, 7, 15),
}  # fmt: skip
PAYMENT = {
    "dossier": "IDF-0042", "type": "Acompte phase 2", "date_versement": date(2022, 7, 1),
    "montant": D("5250.00"),
}  # fmt: skip


def filled(programme, tmp_path: Path) -> Path:
    """The template filled with two dossiers, two lines and a payment, saved in tmp_path."""
    book = build_template(programme)
    append_rows(book, Dossier, [DOSSIER, {**DOSSIER, "numero": "IDF-0043"}])
    append_rows(book, ExpenseLine, [LINE, {**LINE, "numero_facture": "F-18"}])
    append_rows(book, Payment, [PAYMENT])
    path = tmp_path / "filled.xlsx"
    book.save(path)
    return path


def test_round_trip_gives_every_value_at_its_cell(programme, params, tmp_path):
    content = read_workbook(filled(programme, tmp_path), params)
    assert content.findings == ()
    first, second = content.dossiers
    assert {name: getattr(first, name) for name in DOSSIER_READ} == DOSSIER_READ
    assert second.numero == "IDF-0043"
    # Template columns A..W on rows 2 and 3.
    assert (first.cells["numero"], first.cells["departement"], first.cells["montant_p2"]) == (
        "A2",
        "K2",
        "W2",
    )
    assert second.at("fonds_propres").cell == "O3"
    line = content.lines[1]
    assert {name: getattr(line, name) for name in LINE} == {**LINE, "numero_facture": "F-18"}
    assert (line.row, line.at("montant_ht").sheet, line.at("montant_ht").cell) == (
        3,
        "Prestations",
        "H3",
    )
    (payment,) = content.payments
    assert payment.type is PaymentType.ADVANCE_PHASE2
    assert (payment.montant, payment.at("montant").cell) == (D("5250.00"), "D2")


@pytest.mark.parametrize(
    ("typed", "read", "category"),
    [
        (249.5, D("249.5"), "PME"),
        ("249,5", D("249.5"), "PME"),
        (4999.5, D("4999.5"), "ETI"),
        (48, D(48), "PME"),
    ],
)
def test_a_head_count_in_annual_work_units_keeps_its_decimals(
    programme, params, tmp_path, typed, read, category
):
    book = build_template(programme)
    append_rows(book, Dossier, [{**DOSSIER, "effectif": typed}])
    path = tmp_path / "uta.xlsx"
    book.save(path)
    content = read_workbook(path, params)
    # Typed as text, it is read leniently (F05); as a number, silently.
    assert codes(content.findings) == (["F05"] if isinstance(typed, str) else [])
    (dossier,) = content.dossiers
    assert dossier.effectif == read
    result = assess_quarter(content.dossiers, content.lines, content.payments, programme)
    assert result.dossiers[0].category.value == category


def test_rows_below_a_table_that_was_not_extended(programme, params, tmp_path):
    book = build_template(programme)
    append_rows(book, Dossier, [DOSSIER, {**DOSSIER, "numero": "IDF-0043"}])
    book["Dossiers"].tables["Dossiers"].ref = "A1:W2"  # typed below, table left as it was
    path = tmp_path / "below.xlsx"
    book.save(path)
    content = read_workbook(path, params)
    assert [d.numero for d in content.dossiers] == ["IDF-0042", "IDF-0043"]
    assert content.dossiers[1].cells["numero"] == "A3"


def test_header_found_under_title_rows_with_moved_renamed_and_extra_columns(params, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "DOSSIERS"
    ws["A1"] = "Trimestre 2022 T4 — dossiers du cabinet"
    headers = list(reversed(list(Dossier.headers().values())))
    # Case, accents and spacing changed; an extra column in the middle.
    headers[headers.index("Département")] = "  departement "
    headers[headers.index("N° dossier")] = "n° DOSSIER"
    headers.insert(3, "Commentaire")
    for column, header in enumerate(headers, start=1):
        ws.cell(row=3, column=column, value=header)
    by_header = {Dossier.header(k): v for k, v in DOSSIER.items()} | {
        "  departement ": "31",
        "n° DOSSIER": "IDF-0042",
        "Commentaire": "à revoir",
    }
    for column, header in enumerate(headers, start=1):
        ws.cell(row=5, column=column, value=by_header[header])  # row 4 left blank
    path = tmp_path / "moved.xlsx"
    book.save(path)
    content = read_workbook(path, params)
    (dossier,) = content.dossiers
    assert (dossier.numero, dossier.departement, dossier.row) == ("IDF-0042", "31", 5)
    # Reversed order with an extra column at D: N° dossier is the last column, X.
    assert dossier.cells["numero"] == "X5"
    assert dossier.cells["montant_p2"] == "A5"
    # The other sheets are missing.
    assert [(f.code, f.sheet) for f in content.findings] == [
        ("F02", "Prestations"),
        ("F02", "Versements"),
    ]


def test_format_findings_name_their_cell(programme, params, tmp_path):
    book = build_template(programme)
    append_rows(book, Dossier, [{
        **DOSSIER, "effectif": "quarante", "fonds_propres": "250 000,50 €",
        "date_depot": "31/02/2022", "departement": 9,
    }])  # fmt: skip
    ws = book["Dossiers"]
    ws["W2"] = "=V2*1200"  # a formula no spreadsheet program has computed
    ws.delete_cols(4)  # Code NAF removed, and the table with it: the header is found by labels
    del ws.tables["Dossiers"]
    path = tmp_path / "format.xlsx"
    book.save(path)
    content = read_workbook(path, params)
    assert [(f.code, f.severity.value, f.cell) for f in content.findings] == [
        ("F03", "error", "W1"),
        ("F04", "error", "H2"),
        ("F05", "warning", "J2"),
        ("F05", "warning", "N2"),
        ("F04", "error", "P2"),
        ("F08", "error", "V2"),
    ]
    messages = [f.message for f in content.findings]
    assert messages[0] == "Colonne « Code NAF » introuvable dans la feuille « Dossiers »"
    assert "« quarante »" in messages[1]
    assert "« 31/02/2022 »" in messages[4]
    (dossier,) = content.dossiers
    assert dossier.departement == "09"
    assert dossier.fonds_propres == D("250000.50")
    assert {"effectif", "date_depot", "montant_p2", "code_naf"} <= dossier.unreadable


def test_unreadable_values_do_not_report_missing_again(programme, params, tmp_path):
    book = build_template(programme)
    append_rows(book, Dossier, [{**DOSSIER, "effectif": "quarante"}])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    content = read_workbook(path, params)
    result = assess_quarter(content.dossiers, content.lines, content.payments, programme)
    assert codes(content.findings) == ["F04"]
    assert codes(result.findings) == []
    assert result.dossiers[0].eligibility.value == "incomplete"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("texte.xlsx", b"ceci n'est pas un classeur"),
        ("vide.xlsx", b""),
        ("ancien.xls", b"\xd0\xcf"),
    ],
)
def test_a_file_that_is_no_workbook_is_unreadable(params, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(WorkbookUnreadable, match=name):
        read_workbook(path, params)


def test_committed_sample_equals_a_fresh_build(tmp_path, programme):
    fresh = tmp_path / "sample.xlsx"
    build_script().build_sample(programme).save(fresh)
    assert describe(fresh) == describe(SAMPLE)


def test_sample_quarter_holds_every_planted_mistake(programme, params):
    content = read_workbook(SAMPLE, params)
    assert (len(content.dossiers), len(content.lines), len(content.payments)) == (30, 94, 11)
    result = assess_quarter(content.dossiers, content.lines, content.payments, programme)
    found = {(f.code, f.dossier) for f in content.findings + result.findings}
    assert {
        ("F05", "IDF-2022-004"),  # amount typed as text « 6 000,00 € »
        ("X02", "IDF-2022-006"),  # an invoice above 1,200 a day
        ("S04", "IDF-2022-008"),  # equity below the subsidy
        ("X03", "IDF-2022-009"),  # an invoice of January 2023
        ("E12", "IDF-2022-013"),  # wrong SIRET check digit
        ("S06", "IDF-2022-016"),  # de minimis attestation missing
        ("E09", "IDF-2022-024"),  # unreferenced provider
        ("X01", "IDF-2022-024"),
        ("E05", "IDF-2022-027"),  # outside Occitanie
    } <= found
    planted = set(build_script().MISTAKES)
    # No error outside the planted mistakes: the rest of the sample is a clean quarter.
    errors = {f.dossier for f in result.findings if f.severity.value == "error"}
    assert errors <= planted
    ineligible = {d.dossier.numero for d in result.dossiers if d.eligibility.value != "eligible"}
    assert ineligible == {"IDF-2022-013", "IDF-2022-024", "IDF-2022-027"}
