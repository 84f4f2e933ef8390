"""Workbooks that print: every sheet a person prints is set up for A4, one page wide, its header
on each page, a French footer, and no heading cut; LibreOffice prints them so."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from conftest import needs_libreoffice, needs_poppler
from workbooks import WORKBOOKS, build_script, page_setup
from xl_idf.annotate import annotate
from xl_idf.printing import (
    FONT_SIZE,
    column_width,
    fits,
    height_for,
    text_room,
    text_width,
    wrapped_lines,
)
from xl_idf.programme import Programme
from xl_idf.validate import validate

TEMPLATE = WORKBOOKS / "modele-dossiers-idf.xlsx"
SAMPLE = WORKBOOKS / "exemple-trimestre-2022T4.xlsx"
CALCULATOR = WORKBOOKS / "calculateur-idf.xlsm"
DATA_SHEETS = {
    "Instructions": ("portrait", None),  # prose: no header row
    "Dossiers": ("landscape", 1),
    "Prestations": ("landscape", 1),
    "Versements": ("portrait", 1),
}
# Each workbook's printed sheets, in order: orientation and the header row repeated on each
# page. « header » is the row whose first cell holds that text; None: no row to repeat (prose,
# or tables stacked each under its own header, kept whole on a page instead).
PRINTED: dict[str, dict[str, tuple[str, int | str | None]]] = {
    "template": DATA_SHEETS,
    "annotated": {"Contrôles": ("landscape", 1), "Synthèse": ("landscape", "N° dossier"),
                  **DATA_SHEETS},
    "calculator": {"Calculs": ("landscape", None), "Aide": ("landscape", "Fonction"),
                   "xlwings.conf": ("portrait", None)},
}  # fmt: skip
SHEETS = [(book, sheet) for book, sheets in PRINTED.items() for sheet in sheets]
HEADED = [(book, sheet) for book, sheet in SHEETS if PRINTED[book][sheet][1] is not None]


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory, programme: Programme) -> dict[str, Path]:
    """The committed template and calculator, and the sample quarter's annotated copy."""
    folder = tmp_path_factory.mktemp("imprimer")
    copy = folder / "exemple-trimestre-2022T4-controle.xlsx"
    annotate(SAMPLE, copy, validate([SAMPLE], programme).files[0])
    return {"template": TEMPLATE, "annotated": copy, "calculator": CALCULATOR}


@pytest.fixture(scope="module")
def books(paths: dict[str, Path]) -> dict[str, openpyxl.Workbook]:
    return {name: openpyxl.load_workbook(path) for name, path in paths.items()}


def title_row(sheet: Worksheet, expected: int | str | None) -> int | None:
    """The row number `PRINTED` means."""
    if isinstance(expected, str):
        return next(c.row for c in sheet["A"] if c.value == expected)
    return expected


@pytest.mark.parametrize("book", list(PRINTED))
def test_every_sheet_shown_is_one_that_prints(books, book):
    shown = [s.title for s in books[book].worksheets if s.sheet_state == "visible"]
    assert shown == list(PRINTED[book])


@pytest.mark.parametrize(("book", "name"), SHEETS)
def test_a4_one_page_wide_header_on_each_page_and_a_french_footer(books, book, name):
    sheet = books[book][name]
    orientation, expected = PRINTED[book][name]
    setup = sheet.page_setup
    assert setup.orientation == orientation
    assert str(setup.paperSize) == sheet.PAPERSIZE_A4
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)  # one wide, as many down as needed
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    row = title_row(sheet, expected)
    assert sheet.print_title_rows == (None if row is None else f"${row}:${row}")
    # The file, then the sheet and the page: « Synthèse — Page 2 sur 8 ».
    assert (sheet.oddFooter.left.text, sheet.oddFooter.right.text) == ("&F", "&A — Page &P sur &N")


def test_the_annotated_copy_keeps_the_page_setup_of_its_data_sheets(books):
    sample = openpyxl.load_workbook(SAMPLE)
    for name in DATA_SHEETS:
        assert page_setup(books["annotated"][name]) == page_setup(sample[name]), name


def test_calculs_starts_a_page_at_the_schedules_and_at_the_invoices(books):
    """Its tables are stacked, each under its own header: a page holds whole tables."""
    sheet = books["calculator"]["Calculs"]
    titles = {c.value: c.row for c in sheet["A"] if isinstance(c.value, str)}
    starts = [titles[t] for t in titles if t.startswith(("Échéancier", "Factures"))]
    assert [b.id + 1 for b in sheet.row_breaks.brk] == starts


def test_aide_starts_the_functions_on_a_page_of_their_own(books):
    sheet = books["calculator"]["Aide"]
    header = title_row(sheet, "Fonction")
    assert [b.id for b in sheet.row_breaks.brk] == [header - 2]  # after it: a title, the header


# --- No heading cut ----------------------------------------------------------------------------


def cut(sheet: Worksheet, cell: Cell) -> str | None:
    """Why the text of `cell` would not print whole, or None.

    Wrapped text: every line within the row's height, and, for a heading, every word within
    the column (a program breaks a longer word where it reaches the edge). Text on one line:
    within its column and the empty cells it runs into, up to the last printed column.
    """
    text, bold = str(cell.value), bool(cell.font.b)
    size = cell.font.sz or FONT_SIZE
    room = text_room(sheet, cell)
    if cell.alignment.wrap_text:
        if bold and not fits(text, room, bold, size):
            return f"un mot plus large que la colonne ({room:g})"
        lines = len(wrapped_lines(text, room, bold, size))
        height = sheet.row_dimensions[cell.row].height or height_for(1, size)
        if height_for(lines, size) > height:
            return f"{lines} lignes dans une ligne de {height} points"
        return None
    if cell.alignment.horizontal in (None, "general", "left"):
        for column in range(cell.column + 1, sheet.max_column + 1):
            if sheet.cell(row=cell.row, column=column).value is not None:
                break
            room += column_width(sheet, column)
    if text_width(text, bold, size) > room:
        return f"plus large ({text_width(text, bold, size):.1f}) que sa place ({room:.1f})"
    return None


def headings(sheet: Worksheet) -> list[Cell]:
    """The cells that name something: bold text, and text the sheet wraps."""
    return [
        cell
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and (cell.font.b or cell.alignment.wrap_text)
    ]


@pytest.mark.parametrize(("book", "name"), SHEETS)
def test_no_heading_is_cut(books, book, name):
    sheet = books[book][name]
    cells = headings(sheet)
    assert cells
    found = {c.coordinate: (c.value, why) for c in cells if (why := cut(sheet, c)) is not None}
    assert found == {}


def test_the_check_finds_a_cut_heading(paths):
    """The check can fail: a header row a line too short, a column narrower than a word, a label
    without the room its text runs into."""
    sheet = openpyxl.load_workbook(paths["annotated"])["Synthèse"]
    header = title_row(sheet, "N° dossier")
    cell = sheet.cell(row=header, column=14)  # « Reste à verser acompte phase 2 (€) »
    assert cut(sheet, cell) is None
    lines = len(wrapped_lines(str(cell.value), text_room(sheet, cell), bold=True))
    assert lines > 2
    sheet.row_dimensions[header].height = height_for(lines - 1)
    assert cut(sheet, cell) == f"{lines} lignes dans une ligne de {height_for(lines - 1)} points"
    sheet.column_dimensions["N"].width = 7  # « acompte » needs more
    assert cut(sheet, cell) == "un mot plus large que la colonne (7)"
    label = sheet["A4"]  # « Avertissements », left of its count
    assert (label.value, cut(sheet, label)) == ("Avertissements", None)
    sheet.column_dimensions["A"].width = 13
    assert cut(sheet, label) is not None


# --- Printed by LibreOffice --------------------------------------------------------------------


@pytest.fixture(scope="module")
def render() -> Any:
    return build_script("render")


@pytest.fixture(scope="module")
def printed(paths: dict[str, Path], render: Any, tmp_path_factory) -> dict[str, list[tuple]]:
    """Each workbook printed to PDF: each page's sheet (from its footer) and words."""
    pdfs = render.to_pdf(list(paths.values()), tmp_path_factory.mktemp("pdf"))
    pages = {}
    for name, pdf in zip(paths, pdfs, strict=True):
        texts = render.page_texts(pdf)
        pages[name] = []
        for text in texts:
            footers = [m.group("sheet") for m in render.FOOTER.finditer(text)]
            pages[name].append((footers[-1] if footers else None, words(text)))
    return pages


@needs_libreoffice
@needs_poppler
@pytest.mark.parametrize("book", list(PRINTED))
def test_every_page_names_its_sheet_and_every_sheet_prints(printed, book):
    names = [name for name, _ in printed[book]]
    assert None not in names, "une page sans pied de page"
    assert list(dict.fromkeys(names)) == list(PRINTED[book])


def words(text: str) -> set[str]:
    """The words of a text as printed: a line may break after a hyphen (« ci- / dessous »)."""
    return {w for w in re.split(r"\s+|(?<=-)", text) if w}


@needs_libreoffice
@needs_poppler
@pytest.mark.parametrize(("book", "name"), HEADED)
def test_every_column_prints_on_the_page_of_its_header(books, printed, book, name):
    """Every page of a sheet from its header row on shows every header: no column printed on
    another page than the first column."""
    sheet = books[book][name]
    row = title_row(sheet, PRINTED[book][name][1])
    pages = [page for sheet_name, page in printed[book] if sheet_name == name]
    labels = [str(c.value) for c in sheet[row] if c.value is not None]
    assert len(labels) > 1

    def missing(page: set[str]) -> list[str]:
        return [label for label in labels if not words(label) <= page]

    # Print titles repeat from the page the header row first prints on (Aide: the second).
    first = next(i for i, page in enumerate(pages) if len(missing(page)) < len(labels))
    assert [missing(page) for page in pages[first:]] == [[]] * len(pages[first:])


@needs_libreoffice
@needs_poppler
def test_each_table_of_calculs_prints_whole_on_one_page(books, printed):
    sheet = books["calculator"]["Calculs"]
    pages = [words for name, words in printed["calculator"] if name == "Calculs"]

    def values(row: int) -> list[Cell]:
        return [c for c in sheet[row] if c.value is not None]

    def is_title(cell: Cell) -> bool:
        """A bold line alone in its row, above a row of bold headers."""
        below = values(cell.row + 1)
        alone = len(values(cell.row)) == 1 and cell.row > 2
        return bool(cell.font.b) and alone and len(below) > 1 and all(h.font.b for h in below)

    titles = [c for c in sheet["A"] if is_title(c)]
    assert len(titles) == 7
    for title in titles:
        header = [str(c.value) for c in values(title.row + 1)]
        table = set().union(*map(words, [title.value, *header]))
        assert any(table <= page for page in pages), title.value


@needs_libreoffice
@needs_poppler
@pytest.mark.parametrize(("book", "name"), SHEETS)
def test_every_heading_prints_whole(books, printed, book, name):
    """A heading cut by the cell beside it loses its last letters in the PDF."""
    sheet = books[book][name]
    pages = set().union(*(page for sheet_name, page in printed[book] if sheet_name == name))
    bold = [c for c in headings(sheet) if c.font.b]
    missing = {c.coordinate: c.value for c in bold if not words(str(c.value)) <= pages}
    assert missing == {}
