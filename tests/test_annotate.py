"""Annotated copies (`validate --annotate`): each finding in its cell, the source untouched."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlwings
from openpyxl.worksheet.worksheet import Worksheet
from test_libreoffice import convert
from test_workbook import DOSSIER, LINE

from conftest import needs_libreoffice
from xl_idf.annotate import SUMMARY_HEADERS, AnnotationRefused, amounts, annotate, annotate_all
from xl_idf.programme import Programme
from xl_idf.records import Dossier, ExpenseLine
from xl_idf.report import FileReport, Report
from xl_idf.template import append_rows, build_template
from xl_idf.validate import validate

D = Decimal
# A dossier number a spreadsheet would run as a formula, were it not written as text.
FORMULA = '=HYPERLINK("http://x","y")'
DATA_SHEETS = ("Instructions", "Dossiers", "Prestations", "Listes")
COLORS = {"erreur": "00FFC7CE", "avertissement": "00FFEB9C", "information": "00DDEBF7"}
EUROS = '#,##0.00\\ "€"'


def with_mistakes(programme: Programme, path: Path) -> Path:
    """The template with known mistakes, saved at `path`.

    Dossiers!K2 outside the region (E05); Dossiers!U3 an amount typed as text (F05); Prestations!C2
    an unreferenced provider (X01); Prestations!H3 an amount typed as text and above the daily cap
    (F05 and X02 in one cell); Prestations!J4 not yet paid (X10); no sheet Versements (F02).
    """
    book = build_template(programme)
    append_rows(book, Dossier, [
        {**DOSSIER, "departement": "75", "code_postal": "75001"},
        {**DOSSIER, "numero": FORMULA, "siret": "55203253400646", "montant_p1": "6 000,00 €",
         "jours_p2": D("12.5"), "montant_p2": D("14999.99")},
    ])  # fmt: skip
    append_rows(book, ExpenseLine, [
        {**LINE, "prestataire": "ACME CONSEIL"},
        {**LINE, "dossier": FORMULA, "numero_facture": "F-19", "phase": 1, "jours": 5,
         "montant_ht": "7 000,00 €"},
        {**LINE, "dossier": FORMULA, "numero_facture": "F-20", "jours": 5,
         "montant_ht": D("6000.00"), "date_acquittement": None},
    ])  # fmt: skip
    del book["Versements"]
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def digest(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(paths: list[Path], programme: Programme) -> Report:
    """The validation report of `paths`."""
    return validate(paths, programme)


@dataclass(frozen=True)
class Annotated:
    """A workbook with mistakes, its report, and its annotated copy."""

    source: Path
    before: str
    report: FileReport
    lines: list[str]
    copy: Path


@pytest.fixture(scope="module")
def annotated(programme, tmp_path_factory) -> Annotated:
    """`q.xlsx` with mistakes, checked and annotated into another folder."""
    folder = tmp_path_factory.mktemp("annotate")
    source = with_mistakes(programme, folder / "entree" / "q.xlsx")
    before = digest(source)
    report = check([source], programme)
    lines = annotate_all(report, [source], folder / "copies")
    return Annotated(source, before, report.files[0], lines, folder / "copies" / "q-controle.xlsx")


def sheet(book: openpyxl.Workbook, title: str) -> Worksheet:
    """A worksheet of `book` (not a chart sheet)."""
    found = book[title]
    assert isinstance(found, Worksheet)
    return found


def test_the_report_holds_the_planted_mistakes(annotated):
    assert [(f.code, f.severity.french, f.sheet, f.cell, f.dossier)
            for f in annotated.report.findings] == [
        ("E05", "erreur", "Dossiers", "K2", "IDF-0042"),
        ("F05", "avertissement", "Dossiers", "U3", FORMULA),
        ("X01", "erreur", "Prestations", "C2", "IDF-0042"),
        ("F05", "avertissement", "Prestations", "H3", FORMULA),
        ("X02", "information", "Prestations", "H3", FORMULA),
        ("X10", "information", "Prestations", "J4", FORMULA),
        ("F02", "erreur", "Versements", None, None),
    ]  # fmt: skip


def test_annotate_all_says_what_it_wrote(annotated):
    assert annotated.lines == [
        f"« {annotated.source} » : copie annotée écrite dans « {annotated.copy} » "
        "(3 erreurs, 2 avertissements, 2 informations)"
    ]
    assert sorted(p.name for p in annotated.copy.parent.iterdir()) == ["q-controle.xlsx"]


def test_the_source_is_only_read(annotated):
    assert digest(annotated.source) == annotated.before
    assert sorted(p.name for p in annotated.source.parent.iterdir()) == ["q.xlsx"]


def test_flagged_cells_are_filled_by_their_worst_severity(annotated):
    source = openpyxl.load_workbook(annotated.source)
    copy = openpyxl.load_workbook(annotated.copy)
    changed = {}
    for title in DATA_SHEETS:
        before, after = sheet(source, title), sheet(copy, title)
        for row in after.iter_rows():
            for cell in row:
                fill = (cell.fill.fill_type, cell.fill.fgColor.rgb)
                was = before[cell.coordinate].fill
                if fill != (was.fill_type, was.fgColor.rgb):
                    changed[(title, cell.coordinate)] = fill
    assert changed == {
        ("Dossiers", "K2"): ("solid", "00FFC7CE"),
        ("Dossiers", "U3"): ("solid", "00FFEB9C"),
        ("Prestations", "C2"): ("solid", "00FFC7CE"),
        ("Prestations", "H3"): ("solid", "00FFEB9C"),  # a warning and an info: the warning
        ("Prestations", "J4"): ("solid", "00DDEBF7"),
    }


def test_the_workbooks_own_sheets_keep_their_values_and_formats(annotated):
    source = openpyxl.load_workbook(annotated.source)
    copy = openpyxl.load_workbook(annotated.copy)

    def cells(book: openpyxl.Workbook, title: str) -> dict[str, tuple[object, ...]]:
        return {
            c.coordinate: (c.value, c.data_type, c.number_format, c.font.b, c.protection.locked)
            for row in sheet(book, title).iter_rows() for c in row
        }  # fmt: skip

    for title in DATA_SHEETS:
        assert cells(copy, title) == cells(source, title)
        assert sheet(copy, title).protection.sheet == sheet(source, title).protection.sheet
        assert sheet(copy, title).sheet_state == sheet(source, title).sheet_state
        assert dict(sheet(copy, title).tables.items()) == dict(sheet(source, title).tables.items())


def test_comments_list_each_finding_of_their_cell(annotated):
    copy = openpyxl.load_workbook(annotated.copy)
    comments = {
        (title, cell.coordinate): (cell.comment.author, cell.comment.text)
        for title in DATA_SHEETS
        for row in sheet(copy, title).iter_rows()
        for cell in row
        if cell.comment is not None
    }
    message = {(f.code, f.cell): f.message for f in annotated.report.findings}
    assert comments == {
        ("Dossiers", "K2"): ("xl-idf", f"E05 erreur : {message['E05', 'K2']}"),
        ("Dossiers", "U3"): ("xl-idf", f"F05 avertissement : {message['F05', 'U3']}"),
        ("Prestations", "C2"): ("xl-idf", f"X01 erreur : {message['X01', 'C2']}"),
        ("Prestations", "H3"): (
            "xl-idf",
            "F05 avertissement : Montant HT (€) : montant saisi en texte « 7 000,00 € », "
            "lu 7\u00a0000,00\u00a0€\n"
            "X02 information : Facture de 7\u00a0000,00\u00a0€ pour 5\u00a0jours, au-dessus du "
            "plafond de 1\u00a0200,00\u00a0€ par jour : 6\u00a0000,00\u00a0€ retenus",
        ),
        ("Prestations", "J4"): ("xl-idf", f"X10 information : {message['X10', 'J4']}"),
    }


def test_controles_comes_first_and_lists_every_finding_in_report_order(annotated):
    copy = openpyxl.load_workbook(annotated.copy)
    assert copy.sheetnames == ["Contrôles", "Synthèse", *DATA_SHEETS]
    assert copy.active is not None
    assert copy.active.title == "Contrôles"
    assert [s.sheet_view.tabSelected for s in copy.worksheets] == [True] + [False] * 5
    controls = sheet(copy, "Contrôles")
    rows = [tuple(c.value for c in row) for row in controls.iter_rows()]
    assert rows[0] == ("Gravité", "Code", "Feuille", "Cellule", "Dossier", "Message")
    assert rows[1:] == [
        (f.severity.french, f.code, f.sheet, f.cell, f.dossier, f.message)
        for f in annotated.report.findings
    ]
    assert [row[:4] for row in rows[1:]] == [
        ("erreur", "E05", "Dossiers", "K2"),
        ("avertissement", "F05", "Dossiers", "U3"),
        ("erreur", "X01", "Prestations", "C2"),
        ("avertissement", "F05", "Prestations", "H3"),
        ("information", "X02", "Prestations", "H3"),
        ("information", "X10", "Prestations", "J4"),
        ("erreur", "F02", "Versements", None),  # the file has no such sheet: nothing to link
    ]
    assert [controls.cell(row=r, column=1).fill.fgColor.rgb for r in range(2, 9)] == [
        COLORS[row[0]] for row in rows[1:]
    ]
    assert all(cell.font.b for cell in controls[1])
    assert (controls.freeze_panes, controls.auto_filter.ref) == ("A2", "A1:F8")


def test_controles_links_point_inside_the_workbook(annotated):
    copy = openpyxl.load_workbook(annotated.copy)
    controls = sheet(copy, "Contrôles")
    links = {
        cell.coordinate: (cell.hyperlink.location, cell.hyperlink.target, cell.font.u)
        for cell in controls["D"]
        if cell.hyperlink is not None
    }
    assert links == {
        "D2": ("'Dossiers'!K2", None, "single"),
        "D3": ("'Dossiers'!U3", None, "single"),
        "D4": ("'Prestations'!C2", None, "single"),
        "D5": ("'Prestations'!H3", None, "single"),
        "D6": ("'Prestations'!H3", None, "single"),
        "D7": ("'Prestations'!J4", None, "single"),
    }
    # No external relationship at all: a link to a file would not stay inside the workbook.
    with zipfile.ZipFile(annotated.copy) as archive:
        rels = [n for n in archive.namelist() if n.startswith("xl/worksheets/_rels/")]
        assert not any(b"hyperlink" in archive.read(name) for name in rels)


def test_synthese_gives_each_dossiers_amounts_to_the_cent(annotated):
    copy = openpyxl.load_workbook(annotated.copy)
    summary = sheet(copy, "Synthèse")
    rows = [tuple(c.value for c in row) for row in summary.iter_rows()]
    width = len(SUMMARY_HEADERS) - 2
    assert rows[:5] == [
        ("Fichier", "q.xlsx", *[None] * width),
        ("Statut", "à corriger", *[None] * width),
        ("Erreurs", 3, *[None] * width),
        ("Avertissements", 2, *[None] * width),
        ("Informations", 2, *[None] * width),
    ]
    assert rows[6] == (
        "N° dossier", "Éligibilité", "Catégorie", "Subvention phase 1 (€)",
        "Subvention phase 2 (€)", "Subvention totale (€)",
        "Dû phase 1 (€)", "Dû acompte phase 2 (€)", "Dû solde phase 2 (€)",
        "Déjà versé phase 1 (€)", "Déjà versé acompte phase 2 (€)", "Déjà versé solde phase 2 (€)",
        "Reste à verser phase 1 (€)", "Reste à verser acompte phase 2 (€)",
        "Reste à verser solde phase 2 (€)", "Motif (subvention réduite ou nulle)",
    )  # fmt: skip
    _, second = annotated.report.dossiers
    # Quote 5 days 6,000 and 12.5 days 14,999.99: 6,000 + 50 % x 14,999.99 = 7,499.99 (rounded
    # down). Justified: F-19 (5 days, 7,000 capped to 6,000); F-20 is not paid. Due: phase 1
    # 6,000; phase 2 has not begun: 0 and 0. Nothing recorded as paid (no sheet Versements):
    # remaining = due.
    assert amounts(second) == (
        D("6000.00"), D("7499.99"), D("13499.99"),
        D("6000.00"), D("0.00"), D("0.00"),
        D("0.00"), D("0.00"), D("0.00"),
        D("6000.00"), D("0.00"), D("0.00"),
    )  # fmt: skip
    # The ineligible dossier: every amount 0, and the reason; it does not count in the totals.
    assert rows[7:] == [
        ("IDF-0042", "non éligible", "PME", *[0.0] * 12, "E05 Établissement hors région"),
        (FORMULA, "éligible", "PME", *[float(a) for a in amounts(second)], None),
        ("Total", "dossiers éligibles et aidés", None, *[float(a) for a in amounts(second)], None),
    ]
    # Each number, read back through str, is the report's Decimal exactly.
    assert [D(str(summary.cell(row=9, column=c).value)) for c in range(4, 16)] == list(
        amounts(second)
    )
    assert {summary.cell(row=r, column=c).number_format
            for r in range(8, 11) for c in range(4, 16)} == {EUROS}  # fmt: skip


def test_text_that_looks_like_a_formula_stays_text(annotated):
    copy = openpyxl.load_workbook(annotated.copy)
    written = [sheet(copy, "Contrôles")["E3"], sheet(copy, "Synthèse")["A9"]]
    typed = [sheet(copy, "Dossiers")["A3"], sheet(copy, "Prestations")["A3"]]
    assert [(c.value, c.data_type) for c in written + typed] == [(FORMULA, "s")] * 4
    assert [c.quotePrefix for c in written] == [True, True]
    with zipfile.ZipFile(annotated.copy) as archive:
        parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(parts) == 6
        assert not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name)
                       for name in parts)  # fmt: skip


def test_the_copy_reads_back_with_the_same_findings(annotated, programme):
    again = check([annotated.copy], programme).files[0]

    def seen(report: FileReport) -> list[tuple[str | None, ...]]:
        return [(f.code, f.sheet, f.cell, f.dossier, f.message) for f in report.findings]

    assert seen(again) == seen(annotated.report)
    assert again.dossiers == annotated.report.dossiers


def test_a_copy_of_a_copy_replaces_its_sheets(annotated, programme, tmp_path):
    report = check([annotated.copy], programme)
    before = digest(annotated.copy)
    lines = annotate_all(report, [annotated.copy], tmp_path)
    again = tmp_path / "q-controle-controle.xlsx"
    assert lines == [
        f"« {annotated.copy} » : copie annotée écrite dans « {again} » "
        "(3 erreurs, 2 avertissements, 2 informations)"
    ]
    assert digest(annotated.copy) == before
    book = openpyxl.load_workbook(again)
    assert book.sheetnames == ["Contrôles", "Synthèse", *DATA_SHEETS]
    assert sheet(book, "Contrôles").max_row == 8
    # Its own earlier comment is replaced, not repeated.
    assert sheet(book, "Dossiers")["K2"].comment.text.count("E05") == 1


def test_an_unreadable_file_gets_a_line_and_no_copy(annotated, programme, tmp_path):
    broken = tmp_path / "entree" / "abime.xlsx"
    broken.parent.mkdir()
    broken.write_bytes(b"ceci n'est pas un classeur")
    report = check([broken, annotated.source], programme)
    lines = annotate_all(report, [broken, annotated.source], tmp_path / "copies")
    copy = tmp_path / "copies" / "q-controle.xlsx"
    assert lines == [
        f"« {broken} » : pas de copie annotée (Fichier illisible : ce n'est pas un classeur "
        "Excel (.xlsx) : fichier d'un autre type, ou tronqué)",
        f"« {annotated.source} » : copie annotée écrite dans « {copy} » "
        "(3 erreurs, 2 avertissements, 2 informations)",
    ]
    assert sorted(p.name for p in (tmp_path / "copies").iterdir()) == ["q-controle.xlsx"]
    assert broken.read_bytes() == b"ceci n'est pas un classeur"


def test_a_checked_workbook_is_never_written(programme, tmp_path):
    # Annotating a folder into itself: the copy of q.xlsx would be q-controle.xlsx, itself a
    # checked workbook; the copy of q-controle.xlsx is q-controle-controle.xlsx.
    first = with_mistakes(programme, tmp_path / "q.xlsx")
    second = with_mistakes(programme, tmp_path / "q-controle.xlsx")
    before = {p: digest(p) for p in (first, second)}
    report = check([first, second], programme)
    lines = annotate_all(report, [first, second], tmp_path)
    assert lines == [
        f"« {first} » : pas de copie annotée, « {second} » est un classeur contrôlé, qui n'est "
        "jamais modifié : choisir un autre dossier pour les copies annotées",
        # C01 and C02 too: the second file repeats the first one's invoices and SIRET; its line
        # of an unreferenced provider (X01, excluded) holds no number, so no C01 for it.
        f"« {second} » : copie annotée écrite dans « {tmp_path / 'q-controle-controle.xlsx'} » "
        "(5 erreurs, 2 avertissements, 2 informations)",
    ]
    assert {p: digest(p) for p in (first, second)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "q-controle-controle.xlsx", "q-controle.xlsx", "q.xlsx",
    ]  # fmt: skip


@pytest.mark.parametrize("link", [os.symlink, os.link], ids=["lien symbolique", "lien physique"])
def test_a_target_linked_to_the_source_is_refused(programme, tmp_path, link):
    source = with_mistakes(programme, tmp_path / "q.xlsx")
    before = digest(source)
    folder = tmp_path / "copies"
    folder.mkdir()
    target = folder / "q-controle.xlsx"
    link(source, target)
    report = check([source], programme)
    assert annotate_all(report, [source], folder) == [
        f"« {source} » : pas de copie annotée, « {target} » est un classeur contrôlé, qui "
        "n'est jamais modifié : choisir un autre dossier pour les copies annotées"
    ]
    with pytest.raises(AnnotationRefused):
        annotate(source, source, report.files[0])
    assert digest(source) == before
    assert sorted(p.name for p in folder.iterdir()) == ["q-controle.xlsx"]


def test_two_files_of_the_same_name_get_two_copies(programme, tmp_path):
    first = with_mistakes(programme, tmp_path / "cabinet-a" / "q.xlsx")
    second = with_mistakes(programme, tmp_path / "cabinet-b" / "q.xlsx")
    report = check([first, second], programme)
    annotate_all(report, [first, second], tmp_path / "copies")
    assert sorted(p.name for p in (tmp_path / "copies").iterdir()) == [
        "q-controle-2.xlsx", "q-controle.xlsx",
    ]  # fmt: skip


def test_an_empty_template_says_there_is_nothing_to_report(programme, tmp_path):
    path = tmp_path / "vide.xlsx"
    build_template(programme).save(path)
    report = check([path], programme)
    # SPEC 3: a workbook with no dossier is said so (F09, a warning), not silently valid.
    assert [(f.code, f.severity.value, f.sheet) for f in report.files[0].findings] == [
        ("F09", "warning", "Dossiers")
    ]
    annotate_all(report, [path], tmp_path / "copies")
    copy = openpyxl.load_workbook(tmp_path / "copies" / "vide-controle.xlsx")
    assert [tuple(c.value for c in row) for row in sheet(copy, "Contrôles").iter_rows()] == [
        ("Gravité", "Code", "Feuille", "Cellule", "Dossier", "Message"),
        ("avertissement", "F09", "Dossiers", None, None,
         "Aucun dossier dans la feuille « Dossiers » : classeur vide ou mal rempli ?"),
    ]  # fmt: skip
    summary = [tuple(c.value for c in row) for row in sheet(copy, "Synthèse").iter_rows()]
    assert [row[:2] for row in summary[:5]] == [
        ("Fichier", "vide.xlsx"), ("Statut", "valide"), ("Erreurs", 0), ("Avertissements", 1),
        ("Informations", 0),
    ]  # fmt: skip
    assert summary[7] == ("Total", "dossiers éligibles et aidés", None, *[0.0] * 12, None)


def test_a_copy_that_cannot_be_written_gets_a_french_line(annotated, programme, tmp_path):
    folder = tmp_path / "copies"
    (folder / "q-controle.xlsx").mkdir(parents=True)  # a folder where the copy should go
    report = check([annotated.source], programme)
    assert annotate_all(report, [annotated.source], folder) == [
        f"« {annotated.source} » : copie annotée « {folder / 'q-controle.xlsx'} » non écrite "
        "(c'est un dossier, pas un fichier)"
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["q-controle.xlsx"]  # no temporary left


def with_macros(programme: Programme, path: Path) -> bytes:
    """Save the workbook with mistakes as an .xlsm holding a real VBA project; return it."""
    # xlwings (a dependency) ships a macro workbook: its VBA project is a real one.
    quickstart = Path(xlwings.__file__).parent / "quickstart.xlsm"
    with zipfile.ZipFile(quickstart) as archive:
        vba = archive.read("xl/vbaProject.bin")
        cached = {n: archive.read(n) for n in ("[Content_Types].xml", "_rels/.rels")}
    plain = with_mistakes(programme, path.with_suffix(".xlsx"))
    book = openpyxl.load_workbook(plain)
    plain.unlink()
    # What load_workbook(keep_vba=True) keeps of a macro workbook: its parts, for the writer.
    book.vba_archive = zipfile.ZipFile(io.BytesIO(), "a")
    for name, data in {**cached, "xl/vbaProject.bin": vba}.items():
        book.vba_archive.writestr(name, data)
    book.save(path)
    return vba


def macro_parts(path: Path) -> tuple[bytes, bool, bool]:
    """The VBA project of an .xlsm, and whether its content types and relationships declare it."""
    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
        return (
            archive.read("xl/vbaProject.bin"),
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types,
            b"relationships/vbaProject" in rels,
        )


def test_an_xlsm_keeps_its_macros(programme, tmp_path):
    source = tmp_path / "macros.xlsm"
    vba = with_macros(programme, source)
    assert macro_parts(source) == (vba, True, True)
    before = digest(source)
    report = check([source], programme)
    lines = annotate_all(report, [source], tmp_path / "copies")
    copy = tmp_path / "copies" / "macros-controle.xlsm"
    assert lines == [
        f"« {source} » : copie annotée écrite dans « {copy} » "
        "(3 erreurs, 2 avertissements, 2 informations)"
    ]
    assert macro_parts(copy) == (vba, True, True)
    assert digest(source) == before
    book = openpyxl.load_workbook(copy, keep_vba=True)
    assert book.sheetnames == ["Contrôles", "Synthèse", *DATA_SHEETS]


@needs_libreoffice
def test_libreoffice_opens_the_annotated_copies(annotated, programme, tmp_path):
    macros = tmp_path / "macros.xlsm"
    with_macros(programme, macros)
    copy = tmp_path / "copies" / "macros-controle.xlsm"
    assert annotate_all(check([macros], programme), [macros], copy.parent) == [
        f"« {macros} » : copie annotée écrite dans « {copy} » "
        "(3 erreurs, 2 avertissements, 2 informations)"
    ]
    plain, with_vba = convert([annotated.copy, copy], tmp_path / "out")
    for converted in (plain, with_vba):
        book = openpyxl.load_workbook(converted)
        assert book.sheetnames == ["Contrôles", "Synthèse", *DATA_SHEETS]
        controls = sheet(book, "Contrôles")
        assert [controls.cell(row=r, column=2).value for r in range(2, 9)] == [
            "E05", "F05", "X01", "F05", "X02", "X10", "F02",
        ]  # fmt: skip
        link = controls["D2"].hyperlink
        assert (link.location, link.target) == ("'Dossiers'!K2", None)
        assert sheet(book, "Synthèse")["A9"].value == FORMULA
        assert sheet(book, "Dossiers")["K2"].comment is not None
        again = check([converted], programme).files[0]
        assert [(f.code, f.cell) for f in again.findings] == [
            (f.code, f.cell) for f in annotated.report.findings
        ]
