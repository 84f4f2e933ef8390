"""The provider template: the workbook the referenced providers fill each quarter (SPEC 4.1).

Built from the programme file, so lists, limits and the figures in the instructions are never
typed twice. Each data sheet holds one Excel table named like the sheet, with dropdowns and
input checks carrying French messages; a hidden sheet `Listes` holds the dropdowns' values.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from xl_idf import french
from xl_idf.files import write_atomically
from xl_idf.printing import INDENT, fit_rows, font, needed_width, set_up_printing
from xl_idf.programme import Parameters, Programme
from xl_idf.records import (
    RECORD_KINDS,
    Record,
)
from xl_idf.template_columns import CHOICES, COLUMNS, TEXT, validation

TEMPLATE_VERSION = "1.0"
TEMPLATE_TITLE = "Modèle de dossiers — Parcours régional Industrie du futur"
INSTRUCTIONS, LISTS = "Instructions", "Listes"
# Rows prepared for input below the header: validations and formats reach this far.
INPUT_ROWS = 2000
# A fixed creation date keeps the build reproducible (the save itself stamps "modified").
BUILT = datetime(2026, 11, 26)

_HEADER_FONT = font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_TITLE_FONT = font(bold=True, size=14, color="1F4E78")
_HEAD_FONT = font(bold=True, size=12)
_THIN = Side(style="thin", color="BFBFBF")


DATA_SHEETS = RECORD_KINDS


def build_template(programme: Programme) -> Workbook:
    """The provider template for `programme`, as an openpyxl workbook."""
    params = programme.at(programme.reference_day)
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS
    list_ranges = _lists_sheet(workbook.create_sheet(LISTS), params, workbook)
    for record in DATA_SHEETS:
        _data_sheet(workbook.create_sheet(record.SHEET), record, params, list_ranges)
    _instructions(instructions, programme, params)
    # SPEC 4.1 order: the data sheets, then the hidden lists (built first for their ranges).
    workbook.move_sheet(LISTS, offset=len(DATA_SHEETS))
    props = workbook.properties
    props.title = TEMPLATE_TITLE
    props.subject = programme.title
    props.creator = "Région Occitanie — xl-idf"
    props.keywords = f"programme={programme.id}; version={TEMPLATE_VERSION}"
    props.created = props.modified = BUILT
    props.language = "fr-FR"
    custom = workbook.custom_doc_props  # type: ignore[attr-defined]  # missing from the stubs
    custom.append(StringProperty(name="xl-idf programme", value=programme.id))
    custom.append(StringProperty(name="xl-idf version", value=TEMPLATE_VERSION))
    return workbook


def write_template(path: Path, programme: Programme) -> None:
    """Write a fresh provider template to `path`, whole or not at all."""
    write_atomically(path, build_template(programme).save)


def _lists_sheet(sheet: Worksheet, params: Parameters, workbook: Workbook) -> dict[str, str]:
    """Fill the hidden `Listes` sheet; return each list's range, for the dropdowns."""
    ranges = {}
    for index, choices in enumerate(CHOICES, start=1):
        letter = get_column_letter(index)
        values = choices.values(params)
        sheet.cell(row=1, column=index, value=choices.title).font = font(bold=True)
        for row, value in enumerate(values, start=2):
            cell = sheet.cell(row=row, column=index, value=str(value))
            cell.number_format = TEXT
        ref = f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${len(values) + 1}"
        workbook.defined_names[choices.name] = DefinedName(choices.name, attr_text=ref)
        ranges[choices.title] = ref
        sheet.column_dimensions[letter].width = max(len(choices.title), *map(len, values)) + 4
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    return ranges


def _data_sheet(
    sheet: Worksheet, record: type[Record], params: Parameters, list_ranges: dict[str, str]
) -> None:
    """Headers, table, column formats, dropdowns and checks of one data sheet."""
    headers = record.headers()
    columns = COLUMNS[record]
    last_letter = get_column_letter(len(headers))
    for index, (name, header) in enumerate(headers.items(), start=1):
        column = columns[name]
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=_THIN)
        cell.protection = Protection(locked=True)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.choices is not None:
            # A list's longest value (a provider's name, from the programme) prints whole.
            values = map(str, column.choices.values(params))
            indent = INDENT * column.align.indent if column.align is not None else 0
            dimension.width = max(column.width, needed_width(values) + indent)
        # Column styles reach every row a provider types in, inside the table or below it.
        dimension.number_format = column.number_format
        if column.align is not None:
            dimension.alignment = column.align
        dimension.protection = Protection(locked=False)
        area = f"{letter}2:{letter}{INPUT_ROWS + 1}"
        if column.choices is not None:
            check = validation(
                "list", "between", list_ranges[column.choices.title], None,
                "Choisir une valeur de la liste : "
                + french.listing([str(v) for v in column.choices.values(params)]),
                strict=column.choices.strict,
            )  # fmt: skip
        elif column.check is not None:
            check = column.check(params)
        else:
            check = DataValidation(allow_blank=True)
        check.promptTitle = header[:32]
        check.prompt = column.prompt
        check.showInputMessage = True
        check.add(area)
        sheet.add_data_validation(check)
    fit_rows(sheet, [1])  # headers wrap: the row is as tall as the longest needs
    table = Table(displayName=record.SHEET, ref=f"A1:{last_letter}2")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = "B2"
    sheet.protection.sheet = True
    # Protection guards against slips, not attacks: no password; rows may be added and sorted.
    for allowed in ("insertRows", "deleteRows", "formatColumns", "formatRows", "sort",
                    "autoFilter"):  # fmt: skip
        setattr(sheet.protection, allowed, False)
    set_up_printing(sheet, title_rows=1)


# The instructions' one column: a comfortable line, and narrower than an A4 page in portrait even
# where a wider font replaces Calibri (LibreOffice's DejaVu Sans). LibreOffice fits a page by
# counting the columns that reach past it, and one column alone never does: too wide, it prints
# cut at full size.
_INSTRUCTIONS_WIDTH = 74


def _instructions(sheet: Worksheet, programme: Programme, p: Parameters) -> None:
    """The French instructions, with the programme's own figures."""
    cap, total = french.eur(p.daily_cap), french.eur(p.total_cap)
    aliases = dict(p.provider_aliases)
    lines: list[tuple[str, str]] = [
        ("title", TEMPLATE_TITLE),
        ("", f"{programme.title} — modèle version {TEMPLATE_VERSION}"),
        ("", ""),
        ("head", "Qui remplit quoi"),
        ("", "Le prestataire référencé remplit ce classeur chaque trimestre et le renvoie à la "
             "Région. Une ligne par dossier dans « Dossiers », une ligne par facture dans "
             "« Prestations ». La Région tient la feuille « Versements »."),
        ("", "Ajouter des lignes : taper directement sous la dernière ligne du tableau. Les "
             "listes déroulantes et les contrôles de saisie guident chaque cellule ; un message "
             "apparaît lorsqu'une valeur est refusée ou à vérifier."),
        ("", "Dates au format jj/mm/aaaa ; montants en euros hors taxes ; SIRET de 14 chiffres."),
        ("", ""),
        ("head", "Les règles en bref"),
        ("", f"Entreprises industrielles (production, fabrication, transformation) de moins de "
             f"{french.number(p.eti_employees_below)} salariés : PME en dessous de "
             f"{french.number(p.pme_employees_below)} salariés, ETI au-delà. Associations : "
             f"agrément {' ou '.join(p.ess_approvals)}, ou au moins "
             f"{french.percent(p.ess_min_production_revenue_share)} de recettes issues de la "
             f"production."),
        ("", f"Premier bilan d'au moins {p.first_balance_sheet_min_months} mois ; établissement "
             f"en {p.region_name} (départements {french.listing(p.region_departments)}) ; "
             f"entreprise ni en difficulté ni en retard d'obligations fiscales et sociales."),
        ("", f"Dossiers déposés du {french.day(p.period_start)} au {french.day(p.period_end)} ; "
             f"dépenses prises en compte jusqu'au {french.day(p.last_expense_date)}."),
        ("", f"Dépenses plafonnées à {cap} HT par jour tous frais compris, et à {total} HT pour "
             f"tout le parcours ; prestations réalisées en {p.region_name}."),
        ("", f"Phase 1 : {french.days(p.phase1_max_days)} de diagnostic, aidés à "
             f"{french.percent(p.phase1_rate)} ; phase 2 : jusqu'à "
             f"{french.days(p.phase2_max_days)}, aidés à {french.percent(p.phase2_rate)}. La "
             f"subvention ne dépasse jamais les fonds propres."),
        ("", f"Versements : rien avant {french.days(p.min_days)} justifiés (factures acquittées) ; "
             f"phase 1 en une fois ; phase 2 : acompte de "
             f"{french.percent(p.phase2_advance_max_rate)} au plus, puis solde."),
        ("", f"Attestation de minimis exigée pour la phase 1 et pour toute ETI ; plafond de "
             f"{french.eur(p.de_minimis_ceiling)} sur {p.de_minimis_period}."),
        ("", ""),
        ("head", "Prestataires référencés"),
        *(("", name + (f" (ou : {french.listing(aliases[name])})" if name in aliases else ""))
          for name in p.providers),
        ("", f"Un nom peut être suivi de sa forme juridique ({french.listing(p.legal_forms)}) ; "
             "majuscules, accents, espaces, tirets et apostrophes ne comptent pas."),
        ("", ""),
        ("head", "À la réception"),
        ("", "La Région contrôle le classeur avec « xl-idf validate » : chaque problème est "
             "signalé avec sa cellule, en français, et une copie annotée du classeur (feuille "
             "« Contrôles ») est renvoyée au prestataire si besoin."),
    ]  # fmt: skip
    sheet.column_dimensions["A"].width = _INSTRUCTIONS_WIDTH
    fonts = {"title": _TITLE_FONT, "head": _HEAD_FONT, "": font()}
    for row, (kind, text) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = fonts[kind]
    fit_rows(sheet)
    sheet.protection.sheet = True
    # Prose: no header row to repeat.
    set_up_printing(sheet, title_rows=None)


CellValue = str | int | float | Decimal | date | datetime | bool | None


def append_rows(workbook: Workbook, record: type[Record], rows: list[dict[str, CellValue]]) -> None:
    """Type `rows` (field name to value) under a sheet's table, extending it as Excel does."""
    sheet = workbook[record.SHEET]
    table = sheet.tables[record.SHEET]
    fields = list(record.headers())
    first, last = table.ref.split(":")
    last_letter = "".join(c for c in last if c.isalpha())
    end = int("".join(c for c in last if c.isdigit()))
    # The template's table holds one empty row: the first rows typed go there.
    while end > 1 and all(sheet.cell(row=end, column=c).value is None
                          for c in range(1, len(fields) + 1)):  # fmt: skip
        end -= 1
    for values in rows:
        end += 1
        for column, name in enumerate(fields, start=1):
            value = values.get(name)
            if value is not None:
                cell = sheet.cell(row=end, column=column, value=value)
                # A cell typed in a column takes its style (dates as jj/mm/aaaa, codes centred).
                layout = COLUMNS[record][name]
                cell.number_format = layout.number_format
                if layout.align is not None:
                    cell.alignment = layout.align
                if isinstance(value, str):
                    # Text stays text, even when it looks like a formula (SPEC section 5).
                    cell.data_type = "s"
    table.ref = f"{first}:{last_letter}{max(end, 2)}"
