"""Reading workbooks back: every value at its cell, whatever a provider did to the layout."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import codes
from workbooks import WORKBOOKS, build_script, describe
from xl_idf.ooxml import is_percent_format, percent_cells
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


# An association without approval: its production share (column H) decides E02 (50 % or more).
ASSOCIATION = {**DOSSIER, "forme_juridique": "Association", "activite_industrielle": None,
               "agrement_ess": "Aucun"}  # fmt: skip
SHARE = "Part recettes production (%) : "
FRACTION_60 = "valeur 0,6 d'une cellule au format pourcentage (affichée 60\u00a0%), lue 60\u00a0%"
AMBIGUOUS_06 = (
    "pourcentage ambigu « 0,6 » : 0,6\u00a0% ou 60\u00a0% ? Saisir 60 pour 60\u00a0% "
    "(ou « 0,6\u00a0% » pour 0,6\u00a0%)"
)


def with_share(programme, tmp_path, typed, number_format):
    """The template with one association whose share cell holds `typed` in `number_format`."""
    book = build_template(programme)
    append_rows(book, Dossier, [{**ASSOCIATION, "part_recettes_production": typed}])
    if number_format is not None:
        book["Dossiers"]["H2"].number_format = number_format
    path = tmp_path / "part.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("typed", "number_format", "read", "found", "eligibility"),
    [
        # A percentage cell holds the fraction it shows as a percentage: read as that, noted.
        (0.6, "0%", D(60), [("F05", FRACTION_60)], "eligible"),
        (0.6, "0.00 %", D(60), [("F05", FRACTION_60)], "eligible"),
        (0.6, "0.0%", D(60), [("F05", FRACTION_60)], "eligible"),
        (0.5, "0%", D(50), [("F05", "valeur 0,5 d'une cellule au format pourcentage (affichée "
                                    "50\u00a0%), lue 50\u00a0%")], "eligible"),
        (0.49, "0%", D(49), [("F05", "valeur 0,49 d'une cellule au format pourcentage (affichée "
                                     "49\u00a0%), lue 49\u00a0%")], "ineligible"),
        (1, "0%", D(100), [("F05", "valeur 1 d'une cellule au format pourcentage (affichée "
                                   "100\u00a0%), lue 100\u00a0%")], "eligible"),
        (60, "0%", None, [("F04", "pourcentage hors limites « 6\u00a0000\u00a0% » (cellule au "
                                  "format pourcentage) : attendu de 0\u00a0% à 100\u00a0%")],
         "incomplete"),
        # Text shows as typed in any cell: its own « % » says what it is.
        ("60 %", "0%", D(60), [("F05", "pourcentage saisi en texte « 60 % », lu 60\u00a0%")],
         "eligible"),
        ("0,6 %", "0%", D("0.6"), [("F05", "pourcentage saisi en texte « 0,6 % », lu 0,6\u00a0%")],
         "ineligible"),
        # Without a percentage format (the template's own « 0.0 », none, a literal « % »), the
        # number is the percentage; between 0 and 1 it is ambiguous and refused.
        (60, None, D(60), [], "eligible"),
        (0.6, None, None, [("F04", AMBIGUOUS_06)], "incomplete"),
        (0.6, "General", None, [("F04", AMBIGUOUS_06)], "incomplete"),
        (0.6, '0.0" %"', None, [("F04", AMBIGUOUS_06)], "incomplete"),
        (0.6, "0.0\\%", None, [("F04", AMBIGUOUS_06)], "incomplete"),
        (1, None, D(1), [], "ineligible"),
        (0, "0%", D(0), [], "ineligible"),
    ],
)  # fmt: skip
def test_the_production_share_is_read_by_its_cell_format(
    programme, params, tmp_path, typed, number_format, read, found, eligibility
):
    path = with_share(programme, tmp_path, typed, number_format)
    content = read_workbook(path, params)
    assert [(f.code, f.cell, f.message) for f in content.findings] == [
        (code, "H2", SHARE + message) for code, message in found
    ]
    (dossier,) = content.dossiers
    assert dossier.part_recettes_production == read
    result = assess_quarter(content.dossiers, content.lines, content.payments, programme)
    assert result.dossiers[0].eligibility.value == eligibility


def test_only_the_share_column_is_read_by_its_format(programme, params, tmp_path):
    book = build_template(programme)
    append_rows(book, Dossier, [{**ASSOCIATION, "part_recettes_production": 0.6,
                                 "effectif": 0.6, "jours_p2": 0.5}])  # fmt: skip
    for cell in ("H2", "I2", "V2"):
        book["Dossiers"][cell].number_format = "0%"
    path = tmp_path / "formats.xlsx"
    book.save(path)
    (dossier,) = read_workbook(path, params).dossiers
    assert (dossier.part_recettes_production, dossier.effectif, dossier.jours_p2) == (
        D(60),
        D("0.6"),
        D("0.5"),
    )


def test_the_share_column_is_found_by_its_header_wherever_it_moved(params, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Dossiers"
    headers = list(reversed(list(Dossier.headers().values())))
    by_header = {Dossier.header(k): v for k, v in ASSOCIATION.items()}
    by_header[Dossier.header("part_recettes_production")] = 0.6
    ws.append(["Dossiers du trimestre"])
    ws.append(headers)
    ws.append([by_header[h] for h in headers])
    shares = ws.cell(row=3, column=headers.index("Part recettes production (%)") + 1)
    shares.number_format = "0%"
    path = tmp_path / "moved.xlsx"
    book.save(path)
    content = read_workbook(path, params)
    assert shares.coordinate == "P3"
    assert [(f.code, f.cell) for f in content.findings if f.sheet == "Dossiers"] == [("F05", "P3")]
    assert content.dossiers[0].part_recettes_production == D(60)


DOSSIERS_XML = "xl/worksheets/sheet2.xml"  # the template's second sheet


def _rewritten(source: Path, target: Path, part: str, change) -> Path:
    """A copy of the workbook `source` with the XML `part` passed through `change`."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            copy.writestr(item, change(data) if item.filename == part else data)
    return target


@pytest.mark.parametrize(
    ("part", "change", "cells"),
    [
        ("xl/styles.xml", lambda data: data, {"H2"}),
        # Broken or odd styles: no cell is taken as a percentage, nothing fails.
        ("xl/styles.xml", lambda data: data.replace(b'numFmtId="9"', b'numFmtId="x"'), set()),
        ("xl/styles.xml", lambda data: b"<styleSheet", set()),
        (DOSSIERS_XML, lambda data: data.replace(b'r="H2"', b'r="H2" r="H2"'),
         {"H2"}),
        # A reference in a cell's text is not a cell, even with the percentage style after it.
        (DOSSIERS_XML, lambda data: _text_cell(data, b' r="H3" ' + _style_of_h2(data)),
         {"H2"}),
        (DOSSIERS_XML, lambda data: _text_cell(data, b"r=&quot;H3&quot;"), {"H2"}),
    ],
)  # fmt: skip
def test_percent_cells_of_a_column(programme, tmp_path, part, change, cells):
    source = with_share(programme, tmp_path, 0.6, "0%")
    changed = _rewritten(source, tmp_path / "changed.xlsx", part, change)
    assert percent_cells(changed, "Dossiers", "H") == cells


def _style_of_h2(data: bytes) -> bytes:
    start = data.index(b'<c r="H2"')
    return re.search(rb's="[0-9]+"', data[start : data.index(b">", start)])[0]


def _text_cell(data: bytes, text: bytes) -> bytes:
    """The sheet with a row 9 whose A9 holds `text` inline."""
    row = b'<row r="9"><c r="A9" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
    return data.replace(b"</sheetData>", row + b"</sheetData>")


def test_percent_cells_of_a_file_that_is_no_workbook(tmp_path):
    path = tmp_path / "texte.xlsx"
    path.write_bytes(b"ceci n'est pas un classeur")
    assert percent_cells(path, "Dossiers", "H") == frozenset()


@pytest.mark.parametrize(
    ("code", "percent"),
    [
        ("0%", True), ("0.00%", True), ("0.00 %", True), ("0.0\\ %", True), ("#,##0.0%", True),
        ("[Red]0%", True), ("[$-40C]0.0%", True), ("0%;[Red]-0%", True), ("0.0 %;;0 %", True),
        ("General", False), ("0.0", False), ('#,##0.00\\ "€"', False), ("@", False),
        ('0.0" %"', False), ("0.0\\%", False), ("0_%", False), ("0*%", False),
        ('"taux %" 0', False), ("[%]0", False), ("", False),
    ],
)  # fmt: skip
def test_is_percent_format(code, percent):
    assert is_percent_format(code) is percent


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("AFNOR", "AFNOR"),
        ("Afnor", "AFNOR"),
        ("Top-Tech", "TOPTECH"),
        ("top tech sas", "TOPTECH"),
        ("AFNOR Certification", "AFNOR"),
        ("Toptek", "Toptek"),  # unreferenced: kept as written, for E09 and X01
    ],
)
def test_provider_cells_read_as_the_referenced_name(programme, params, tmp_path, written, read):
    book = build_template(programme)
    append_rows(book, Dossier, [{**DOSSIER, "prestataire": written}])
    append_rows(book, ExpenseLine, [{**LINE, "prestataire": written}])
    path = tmp_path / "prestataire.xlsx"
    book.save(path)
    content = read_workbook(path, params)
    note = f"Prestataire : prestataire saisi « {written} », lu {read}"
    assert [(f.code, f.sheet, f.cell, f.message) for f in content.findings] == (
        []
        if read == written
        else [("F05", "Dossiers", "P2", note), ("F05", "Prestations", "C2", note)]
    )
    assert (content.dossiers[0].prestataire, content.lines[0].prestataire) == (read, read)


def test_an_unreferenced_provider_is_refused_with_a_suggestion(programme, params, tmp_path):
    book = build_template(programme)
    append_rows(book, Dossier, [{**DOSSIER, "prestataire": "Toptek"}])
    append_rows(book, ExpenseLine, [{**LINE, "prestataire": "Toptek"}])
    path = tmp_path / "toptek.xlsx"
    book.save(path)
    content = read_workbook(path, params)
    result = assess_quarter(content.dossiers, content.lines, content.payments, programme)
    found = {f.code: (f.cell, f.message) for f in result.findings if f.code in ("E09", "X01")}
    assert found["E09"][0] == "P2"
    assert found["E09"][1].endswith(") ; vouliez-vous dire « TOPTECH » ?")
    assert found["X01"] == (
        "C2",
        "Facture du prestataire « Toptek », non référencé par la Région : ligne exclue ; "
        "vouliez-vous dire « TOPTECH » ?",
    )


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


@pytest.mark.parametrize("chunk", [5, 6, 7, 64])
def test_formulas_are_looked_for_in_the_parts_the_screen_found_them_in(
    programme, tmp_path, monkeypatch, chunk
):
    """The safety screen, which inflates every part anyway, names the sheets' parts that hold
    a formula, wherever the element falls across its chunks; the reader looks for formulas
    without their value (F08) in those only, and finds the same as when it reads every part."""
    from xl_idf import safety
    from xl_idf.ooxml import formulas_without_value, sheet_parts
    from xl_idf.validate import check_file

    book = build_template(programme)
    append_rows(book, ExpenseLine, [{"dossier": f"IDF-{n}", "jours": 1} for n in range(40)])
    book["Prestations"]["F37"] = "=E37*1200"  # a formula no spreadsheet program has computed
    path = tmp_path / "formule.xlsx"
    book.save(path)
    plain = tmp_path / "sans-formule.xlsx"
    build_template(programme).save(plain)
    monkeypatch.setattr(safety, "HEAD_BYTES", 64)
    monkeypatch.setattr(safety, "CHUNK_BYTES", chunk)
    screening = safety.screen(path)
    with zipfile.ZipFile(path) as archive:
        assert screening.formula_parts == {sheet_parts(archive)["Prestations"]}
    assert safety.screen(plain).formula_parts == frozenset()
    found = formulas_without_value(path, screening.formula_parts)
    assert found == formulas_without_value(path) == {"Prestations": frozenset({"F37"})}
    report = check_file(path, programme, cross_file=False).report
    assert [(f.code, f.sheet, f.cell) for f in report.findings if f.code == "F08"] == [
        ("F08", "Prestations", "F37")
    ]


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
