"""The provider template: SPEC 4.1's sheets and headers, tables, dropdowns, checks, protection."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import MADE_UP
from workbooks import WORKBOOKS, describe
from xl_idf.cli import app
from xl_idf.ooxml import is_percent_format
from xl_idf.programme import load_programme
from xl_idf.template import build_template

TEMPLATE = WORKBOOKS / "modele-dossiers-idf.xlsx"

# SPEC 4.1, copied letter for letter: the contract with the providers and outside checks.
SPEC_HEADERS = {
    "Dossiers": [
        "N° dossier", "Raison sociale", "SIRET", "Code NAF", "Forme juridique",
        "Activité industrielle", "Agrément ESS", "Part recettes production (%)", "Effectif",
        "Durée 1er bilan (mois)", "Département", "Code postal", "En difficulté",
        "À jour fiscal et social", "Fonds propres (€)", "Prestataire", "Date de dépôt",
        "Aides de minimis 3 ans (€)", "Attestation de minimis", "Jours prévus phase 1",
        "Montant prévu phase 1 (€ HT)", "Jours prévus phase 2", "Montant prévu phase 2 (€ HT)",
    ],
    "Prestations": [
        "N° dossier", "Phase", "Prestataire", "N° facture", "Date de prestation",
        "Date de facture", "Jours", "Montant HT (€)", "Département de prestation",
        "Date d'acquittement",
    ],
    "Versements": ["N° dossier", "Type", "Date", "Montant (€)"],
}  # fmt: skip
# SPEC 4.1's list columns and their values (those drawn from the programme: see below).
LIST_COLUMNS = {
    "Dossiers": {
        "Forme juridique": ["Entreprise", "Association"],
        "Activité industrielle": ["Oui", "Non"],
        "Agrément ESS": ["Aucun", "EI", "EA"],
        "Département": "region_departments",
        "En difficulté": ["Oui", "Non"],
        "À jour fiscal et social": ["Oui", "Non"],
        "Prestataire": "providers",
        "Attestation de minimis": ["Oui", "Non"],
    },
    "Prestations": {
        "Phase": ["1", "2"],
        "Prestataire": "providers",
        "Département de prestation": "region_departments",
    },
    "Versements": {"Type": ["Phase 1", "Acompte phase 2", "Solde phase 2"]},
}


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(TEMPLATE)


def test_sheets_in_order_with_the_lists_hidden(book):
    assert book.sheetnames == ["Instructions", "Dossiers", "Prestations", "Versements", "Listes"]
    assert book["Listes"].sheet_state == "hidden"
    assert all(book[name].sheet_state == "visible" for name in book.sheetnames[:4])


@pytest.mark.parametrize("sheet", list(SPEC_HEADERS))
def test_headers_and_one_table_named_like_the_sheet(book, sheet):
    ws = book[sheet]
    assert [c.value for c in ws[1]] == SPEC_HEADERS[sheet]
    assert list(ws.tables) == [sheet]
    table = ws.tables[sheet]
    last = openpyxl.utils.get_column_letter(len(SPEC_HEADERS[sheet]))
    assert table.ref == f"A1:{last}2"
    assert [c.name for c in table.tableColumns] == SPEC_HEADERS[sheet]
    assert ws.freeze_panes == "B2"


def _validation_of(ws, column_letter):
    found = [v for v in ws.data_validations.dataValidation if str(v.sqref).startswith(
        f"{column_letter}2:")]  # fmt: skip
    assert len(found) == 1, column_letter
    return found[0]


def _list_values(book, formula):
    """The values a list validation offers: the range of `Listes` it points to."""
    sheet, cells = formula.split("!")
    first, last = cells.replace("$", "").split(":")
    return [c[0].value for c in book[sheet.strip("'")][f"{first}:{last}"]]


@pytest.mark.parametrize(
    ("sheet", "header", "expected"),
    [(s, h, v) for s, columns in LIST_COLUMNS.items() for h, v in columns.items()],
)
def test_every_list_column_has_a_dropdown_from_listes(book, params, sheet, header, expected):
    ws = book[sheet]
    letter = openpyxl.utils.get_column_letter(SPEC_HEADERS[sheet].index(header) + 1)
    check = _validation_of(ws, letter)
    assert check.type == "list"
    assert check.formula1.startswith("'Listes'!$")
    values = list(getattr(params, expected)) if isinstance(expected, str) else expected
    assert _list_values(book, check.formula1) == values
    assert check.showErrorMessage
    assert check.showInputMessage
    assert check.prompt
    assert check.error.startswith("Choisir une valeur de la liste")


@pytest.mark.parametrize(
    ("sheet", "header", "kind", "bounds"),
    [
        # A head count in annual work units has decimals; its bound is the schema's (1,000,000).
        ("Dossiers", "Effectif", "decimal", ("0", "1000000")),
        ("Dossiers", "Durée 1er bilan (mois)", "whole", ("0", "600")),
        ("Dossiers", "Jours prévus phase 1", "decimal", ("0", "366")),
        ("Dossiers", "Part recettes production (%)", "decimal", ("0", "100")),
        ("Dossiers", "Montant prévu phase 1 (€ HT)", "decimal", ("0", "1000000000")),
        ("Dossiers", "Date de dépôt", "date", ("DATE(2020,1,1)", "DATE(2022,12,31)")),
        ("Dossiers", "Code postal", "textLength", ("5", "5")),
        ("Prestations", "Jours", "decimal", ("0", None)),
        ("Prestations", "Montant HT (€)", "decimal", ("0", "1000000000")),
        ("Prestations", "Date de prestation", "date", ("DATE(2020,1,1)", "DATE(2022,12,31)")),
        ("Versements", "Montant (€)", "decimal", ("0", "1000000000")),
    ],
)
def test_input_checks_with_french_messages(book, sheet, header, kind, bounds):
    ws = book[sheet]
    letter = openpyxl.utils.get_column_letter(SPEC_HEADERS[sheet].index(header) + 1)
    check = _validation_of(ws, letter)
    assert (check.type, check.formula1, check.formula2) == (kind, *bounds)
    assert str(check.sqref) == f"{letter}2:{letter}2001"
    assert check.error
    assert check.errorTitle in ("Valeur refusée", "Valeur à vérifier")


def test_formats_in_euros_and_french_dates(book):
    ws = book["Dossiers"]
    euros = ws.column_dimensions["O"].number_format
    assert euros == '#,##0.00\\ "€"'
    assert ws.column_dimensions["Q"].number_format == "dd/mm/yyyy"
    # Codes stay text so that Excel keeps their leading zeros.
    for letter in ("C", "K", "L"):
        assert ws.column_dimensions[letter].number_format == "@"
    # A head count of 249,5 shows as typed, not rounded to 250 by a "0" format.
    assert ws.column_dimensions["I"].number_format == "General"


def test_the_share_column_asks_for_percent_points_without_a_percentage_format(book):
    ws = book["Dossiers"]
    assert ws["H1"].value == "Part recettes production (%)"
    assert ws.column_dimensions["H"].number_format == "0.0"
    assert not is_percent_format(ws.column_dimensions["H"].number_format)
    check = _validation_of(ws, "H")
    assert "saisir 60 pour 60 % (pas 0,6)" in check.prompt
    assert check.error == "Pourcentage entre 0 et 100 : saisir 60 pour 60 %."


def test_headers_locked_inputs_unlocked_rows_can_be_added(book):
    for sheet in SPEC_HEADERS:
        ws = book[sheet]
        assert ws.protection.sheet
        assert ws.protection.password is None
        assert not ws.protection.insertRows  # False: inserting rows is allowed
        assert not ws.protection.deleteRows
        assert all(cell.protection.locked for cell in ws[1])
        assert all(not d.protection.locked for d in ws.column_dimensions.values())


def test_instructions_state_the_programme_figures(book):
    text = "\n".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    for expected in ("1\u00a0200,00\u00a0€", "36\u00a0000,00\u00a0€", "AFNOR", "TOPTECH",
                     "31/12/2022", "xl-idf validate", "70\u00a0%",
                     "AFNOR (ou : AFNOR Certification, Association française de normalisation)",
                     "forme juridique (SA, SAS, SASU, SARL, EURL, SNC, SCA, SCOP)"):  # fmt: skip
        assert expected in text


def test_properties_name_the_programme_and_version(book):
    assert book.properties.title == "Modèle de dossiers — Parcours régional Industrie du futur"
    assert "programme=occitanie-idf-2020-2022" in book.properties.keywords
    assert {p.name: p.value for p in book.custom_doc_props} == {
        "xl-idf programme": "occitanie-idf-2020-2022",
        "xl-idf version": "1.0",
    }


def test_committed_template_equals_a_fresh_build(tmp_path, programme):
    fresh = tmp_path / "fresh.xlsx"
    build_template(programme).save(fresh)
    assert describe(fresh) == describe(TEMPLATE)


def test_cli_template_writes_the_committed_template(tmp_path):
    output = tmp_path / "x.xlsx"
    result = CliRunner().invoke(app, ["template", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert describe(output) == describe(TEMPLATE)


@pytest.mark.parametrize("target", ["x.xls", "absent-folder/x.xlsx"])
def test_cli_template_refuses_bad_targets_in_french(tmp_path, target):
    result = CliRunner().invoke(app, ["template", "-o", str(tmp_path / target)])
    assert result.exit_code == 2
    assert result.output.startswith("Erreur : ")
    assert "Traceback" not in result.output


def test_template_follows_another_programme(tmp_path):
    made_up = load_programme(MADE_UP)
    params = made_up.at(made_up.reference_day)
    book = build_template(made_up)
    dropdown = _validation_of(book["Dossiers"], "P")
    path = Path(tmp_path / "made-up.xlsx")
    book.save(path)
    saved = openpyxl.load_workbook(path)
    assert _list_values(saved, dropdown.formula1) == list(params.providers)
    text = "\n".join(str(c.value) for c in saved["Instructions"]["A"] if c.value)
    assert "950,33\u00a0€" in text
    assert "KERVADEC & ASSOCIÉS (ou : Cabinet Kervadec)" in text
    assert "forme juridique (SKB, S.B.L.)" in text
