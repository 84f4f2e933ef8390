"""`xl-idf registre classeur`: the finance team's dashboard, tables and native Excel charts.

Sheets: « État » (the table of `registre etat`), then one sheet per chart, its small table above
its chart, printed on one A4 page in landscape: companies against the target over the quarters,
subsidy awarded by department and by provider (one series per quarter), due, paid and remaining
per quarter.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xl_idf.annotate import write_text
from xl_idf.files import write_atomically
from xl_idf.money import ZERO
from xl_idf.printing import HEADER_BOX, font, height_for, needed_width, set_up_printing
from xl_idf.registre.state import HEADERS, TOTAL, State, StateRow

EUROS = '#,##0.00\\ "€"'
# A chart's size on its page, in centimetres: an A4 in landscape less its margins and table.
CHART_WIDTH, CHART_HEIGHT = 24, 11


def write_dashboard(path: Path, state: State) -> None:
    """Write the dashboard workbook whole or not at all."""
    write_atomically(path, build_dashboard(state).save)


def build_dashboard(state: State) -> Workbook:
    """The dashboard as an openpyxl workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "État"
    _state_sheet(sheet, state)
    totals = state.totals
    quarters = [t.quarter for t in totals]
    _chart_sheet(
        book.create_sheet("Entreprises"),
        "Entreprises aidées depuis le début, face à l'objectif du programme",
        ("Trimestre", "Entreprises aidées", "Objectif"),
        [(t.quarter, t.companies_to_date or 0, state.target) for t in totals],
        LineChart(),
        "Entreprises",
    )
    for title, name, key in (
        ("Subvention accordée par département", "Départements", "department"),
        ("Subvention accordée par prestataire", "Prestataires", "provider"),
    ):
        names = sorted({getattr(r, key) for r in state.rows if r.provider != TOTAL})
        rows = [(n, *(_subsidy(state.rows, q, key, n) for q in quarters)) for n in names]
        _chart_sheet(book.create_sheet(name), title, (name[:-1], *quarters), rows, BarChart(),
                     "Subvention (€)", money=True)  # fmt: skip
    _chart_sheet(
        book.create_sheet("Versements"),
        "Dû, versé et reste à verser par trimestre",
        ("Trimestre", "Dû", "Versé", "Reste à verser"),
        [(t.quarter, t.due, t.paid, t.remaining) for t in totals],
        BarChart(),
        "Montant (€)",
        money=True,
    )
    return book


def _subsidy(rows: Sequence[StateRow], quarter: str, key: str, name: str) -> Decimal:
    """The subsidy awarded in a quarter to one department or provider."""
    return sum(
        (r.subsidy for r in rows
         if r.quarter == quarter and r.provider != TOTAL and getattr(r, key) == name),
        ZERO,
    )  # fmt: skip


def _header(sheet: Worksheet, row: int, headers: Sequence[str]) -> None:
    for column, text in enumerate(headers, start=1):
        cell = write_text(sheet, row, column, text)
        cell.font = font(bold=True)
        cell.border = HEADER_BOX
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _state_sheet(sheet: Worksheet, state: State) -> None:
    """The table of `registre etat`, quarter totals in bold."""
    _header(sheet, 1, HEADERS)
    index = 1
    for index, r in enumerate(state.rows, start=2):
        total = r.provider == TOTAL
        values: list[str | int | Decimal | None] = [
            r.quarter, r.provider, r.department, r.dossiers, r.companies,
            r.companies_to_date, state.target if total else None,
            r.subsidy, r.due, r.paid, r.remaining, r.de_minimis,
        ]  # fmt: skip
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                cell = write_text(sheet, index, column, value)
            else:
                cell = sheet.cell(row=index, column=column, value=value)
            cell.font = font(bold=total)
            if isinstance(value, Decimal):
                cell.number_format = EUROS
    for column in range(1, len(HEADERS) + 1):
        texts = [str(sheet.cell(row=r, column=column).value or "") for r in range(2, index + 1)]
        if column > len(HEADERS) - 5:
            texts.append("0 000 000,00 €")  # room for an amount with its format
        # A header wraps between its words, never inside one.
        words = HEADERS[column - 1].split()
        width = max(needed_width(texts) if texts else 0, needed_width(words, bold=True))
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    sheet.row_dimensions[1].height = height_for(3)
    sheet.freeze_panes = "A2"
    set_up_printing(sheet, 1)
    sheet.page_setup.orientation = "landscape"


def _chart_sheet(
    sheet: Worksheet,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str | int | Decimal]],
    chart: BarChart | LineChart,
    axis_title: str,
    money: bool = False,
) -> None:
    """A small table and its chart under it, on one landscape page."""
    sheet["A1"] = title
    sheet["A1"].font = font(bold=True, size=14)
    _header(sheet, 3, headers)
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values, start=1):
            if isinstance(value, str):
                write_text(sheet, r, c, value)
            else:
                cell = sheet.cell(row=r, column=c, value=value)
                if money:
                    cell.number_format = EUROS
    last = 3 + max(len(rows), 1)
    for c in range(1, len(headers) + 1):
        texts = [str(values[c - 1]) for values in rows if isinstance(values[c - 1], str)]
        width = needed_width([*texts, *headers[c - 1].split()], bold=True) + 2
        sheet.column_dimensions[get_column_letter(c)].width = max(18, width)
    chart.title = title
    chart.y_axis.title = axis_title
    chart.y_axis.majorGridlines = ChartLines()
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    if chart.legend is not None:
        chart.legend.position = "b"
    data = Reference(sheet, min_col=2, max_col=len(headers), min_row=3, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=last))
    if isinstance(chart, LineChart):
        # A marker on each point: a register of one quarter still shows its companies.
        for series, symbol in zip(chart.series, ("circle", "diamond"), strict=False):
            series.marker.symbol = symbol
            series.marker.size = 8
    if money:
        chart.y_axis.number_format = '#,##0\\ "€"'
    chart.width, chart.height = CHART_WIDTH, CHART_HEIGHT
    sheet.add_chart(chart, f"A{last + 2}")
    set_up_printing(sheet, None)
    # One page per chart: the table and its chart fit a landscape A4 whole.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToHeight = 1
