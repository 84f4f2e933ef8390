"""Build `workbooks/calculateur-idf.xlsm`: the finance workbook wired to the IDF_* functions.

Run: `python scripts/build_calculator.py [--output workbooks/calculateur-idf.xlsm]`. The workbook
is xlwings' own standalone quickstart (its VBA project kept, so that no add-in is needed) with:
- `xlwings.conf`: xlwings' settings sheet, activated, with UDF Modules = idf_udfs and PYTHONPATH
  = the `udfs` folder next to the workbook's folder;
- `Calculs`: example dossiers and invoices, and formulas calling every function on whole columns;
- `Aide`: each function with its arguments and an example, in French, and the parameters' names.
Example amounts come from the programme file; the example results shown in `Aide` are computed by
the functions themselves. Formulas written here have no cached value until Excel computes them.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from xl_idf import french
from xl_idf.columns import DATE, EUROS, GENERAL
from xl_idf.decisions import AWARDED_PHASE1, AWARDED_PHASE2, JUSTIFIED
from xl_idf.eligibility import Category
from xl_idf.money import share
from xl_idf.printing import HEADER_BOX, fit_rows, font, row_height, set_up_printing
from xl_idf.programme import Parameters, Programme, load_programme
from xl_idf.records import Dossier, ExpenseLine, Payment, PaymentType

ROOT = Path(__file__).parents[1]
OUTPUT = ROOT / "workbooks" / "calculateur-idf.xlsm"
UDF_FILE = ROOT / "udfs" / "idf_udfs.py"
UDF_MODULE = "idf_udfs"  # the name xlwings imports it under (UDF Modules)
QUICKSTART = "quickstart_standalone.xlsm"
CONF_SHEET = "xlwings.conf"  # xlwings reads its settings from a sheet of this name
# PYTHONPATH is handed to Python as is, and a relative path would be relative to wherever Excel
# started Python: the formula makes it absolute, from the folder the workbook is saved in
# (CELL("filename") gives "C:\...\workbooks\[calculateur-idf.xlsm]xlwings.conf").
PYTHONPATH_FORMULA = '=LEFT(CELL("filename",A1),FIND("[",CELL("filename",A1))-1)&"..\\udfs"'
FIRST_ROW = 5  # first example dossier of Calculs

PLAIN = font()
BOLD = font(bold=True)
TITLE = font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
RESULT_FILL = PatternFill("solid", fgColor="FFE2EFDA")
# Top: in a row made tall by one long answer, every value stays level with its dossier's number.
TOP = Alignment(vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="top")
NAME = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
FUNCTION_RULE = Border(top=Side(style="thin", color="BFBFBF"))
# The template's own formats (one euro format, one date format, for every workbook).
UNIT_FORMATS = {"EUR": EUROS, "date": DATE, "percent": "0%"}  # a rate comes back as a fraction


def quickstart_path() -> Path:
    """xlwings' standalone quickstart workbook, found without importing xlwings."""
    spec = importlib.util.find_spec("xlwings")
    assert spec is not None
    assert spec.submodule_search_locations is not None
    return Path(next(iter(spec.submodule_search_locations))) / QUICKSTART


def load_udfs() -> ModuleType:
    """udfs/idf_udfs.py, as plain Python functions (outside Excel the decorators do nothing)."""
    spec = importlib.util.spec_from_file_location(UDF_MODULE, UDF_FILE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def build_calculator(programme: Programme) -> Workbook:
    """The calculator workbook, built from the quickstart and the programme's parameters."""
    book = openpyxl.load_workbook(quickstart_path(), keep_vba=True)
    udfs = load_udfs()
    params = programme.at(programme.reference_day)
    configure(book[f"_{CONF_SHEET}"])
    calculs = book["Sheet1"]  # its VBA code name stays Sheet1: only the tab is renamed
    calculs.title = "Calculs"
    fill_calculs(calculs, udfs, programme, params)
    fill_aide(book.create_sheet("Aide", index=1), udfs, programme, params)
    props = book.properties
    props.title = "Calculateur du Parcours Industrie du futur"
    props.subject = f"Fonctions IDF_* ({programme.id})"
    props.creator = "xl-idf"
    props.created = datetime(2026, 11, 26)
    return book


def configure(sheet: Worksheet) -> None:
    """Activate xlwings' settings sheet (its name without the underscore) and fill our two keys."""
    sheet.title = CONF_SHEET
    values = {"UDF Modules": UDF_MODULE, "PYTHONPATH": PYTHONPATH_FORMULA}
    for row in sheet.iter_rows(min_col=1, max_col=2):
        key, value = row
        if key.value in values:
            value.value = values.pop(key.value)
    assert not values, f"clés absentes de la feuille {CONF_SHEET} d'xlwings : {values}"
    note = sheet.cell(row=11, column=1)  # below the settings: xlwings reads them down to a blank
    note.value = (
        "xl-idf : UDF Modules = idf_udfs (udfs/idf_udfs.py) ; PYTHONPATH = le dossier udfs voisin "
        "du dossier de ce classeur, calculé par la formule de B3."
    )
    note.font, note.alignment = BOLD, WRAP
    # B shows the settings' values (the Python's path, the udfs folder): room for a path, and
    # for the note wrapped across both columns.
    sheet.column_dimensions["B"].width = 60
    sheet.merge_cells("A11:B11")
    fit_rows(sheet, [11])
    # Printed with the rest of the workbook: one page, with the footer of the other sheets.
    set_up_printing(sheet, title_rows=None)


# --- Calculs ----------------------------------------------------------------------------------
#
# Calculs holds one table per step, stacked so that a page shows each whole: the dossiers as
# typed, then eligibility and subsidy, the schedules, the payments, and the invoices and
# payments they rest on. Each computed column is one array formula over the whole column.
# Around the functions the sheet adds a few formulas of its own (who is counted, the part of
# the subsidy de minimis refuses, sums of invoices and payments); tests/test_udfs.py mirrors
# each and checks the result against the validator on every dossier of the sample quarter.

# The dossiers' input columns A.. of Calculs: the template's own headers (SPEC 4.1).
DOSSIER_FIELDS = [
    "numero", "forme_juridique", "activite_industrielle", "agrement_ess",
    "part_recettes_production", "effectif", "duree_premier_bilan", "departement",
    "en_difficulte", "a_jour_fiscal_social", "date_depot", "prestataire", "fonds_propres",
    "aides_minimis_3_ans", "attestation_minimis", "jours_p1", "montant_p1", "jours_p2",
    "montant_p2",
]  # fmt: skip
LINE_FIELDS = [
    "dossier", "phase", "prestataire", "date_prestation", "jours", "montant_ht",
    "departement_prestation", "date_acquittement",
]  # fmt: skip
PAYMENT_FIELDS = ["dossier", "type", "date_versement", "montant"]
# Each input column as the template describes it: its format, and its alignment (short codes
# and counts centred, so that a number and the code beside it do not run together; a provider's
# name set off from the date before it).
INPUTS = {
    **{name: Dossier.columns()[name] for name in DOSSIER_FIELDS},
    **{name: ExpenseLine.columns()[name] for name in LINE_FIELDS},
    **{name: Payment.columns()[name] for name in PAYMENT_FIELDS},
}
CENTRED = {name for name, spec in INPUTS.items() if spec.align == "centre"}
INDENTED = {name for name, spec in INPUTS.items() if spec.align == "indent"}
FORMATS = {name: spec.number_format for name, spec in INPUTS.items()
           if spec.number_format != GENERAL}  # fmt: skip


def example_dossiers(p: Parameters) -> list[list[Any]]:
    """Six dossiers, one per case worth showing: each row in the order of DOSSIER_FIELDS."""
    cap, days1, days2 = p.daily_cap, p.phase1_max_days, p.phase2_max_days
    filed = date(p.period_end.year, 3, 15)
    providers = p.providers
    region = p.region_departments
    full1, full2 = cap * days1, cap * days2
    return [
        # Eligible SME, a full journey quoted at the daily cap.
        ["EX-01", "Entreprise", "Oui", "Aucun", None, 48, 24, region[4], "Non", "Oui", filed,
         providers[0], 500_000, 0, "Oui", days1, full1, days2, full2],
        # ETI quoted above the daily cap; prior de minimis aid takes it above the ceiling: both
        # of its phases are refused (S07).
        ["EX-02", "Entreprise", "Oui", "Aucun", None, 620, 36, region[0], "Non", "Oui", filed,
         providers[2], 800_000, p.de_minimis_ceiling - full1, "Oui", days1, full1 + 1000,
         days2 - 5, full2],
        # Association with an approval, its provider typed in lower case.
        ["EX-03", "Association", None, p.ess_approvals[0], None, 25, 24, region[6], "Non",
         "Oui", filed, providers[3].lower(), 40_000, 0, "Oui", days1, full1, days2 - 15,
         cap * (days2 - 15)],
        # Not industrial, outside the region, first balance sheet too short: three reasons.
        ["EX-04", "Entreprise", "Non", "Aucun", None, 30, 6, "75", "Non", "Oui", filed,
         providers[1], 90_000, 0, "Oui", days1, full1, None, None],
        # Equity below the subsidy: phase 2 is reduced first.
        ["EX-05", "Entreprise", "Oui", "Aucun", None, 12, 18, region[9], "Non", "Oui", filed,
         providers[5], 8_000, 0, "Oui", days1, full1, days2, full2],
        # SME without its de minimis attestation (S06): phase 1 refused, phase 2 awarded.
        ["EX-06", "Entreprise", "Oui", "Aucun", None, 80, 30, region[2], "Non", "Oui", filed,
         providers[4], 300_000, 0, "Non", days1, full1, days2 - 10, cap * (days2 - 10)],
    ]  # fmt: skip


def example_lines(p: Parameters) -> list[list[Any]]:
    """Invoices of the example dossiers, in the order of LINE_FIELDS."""
    cap, days1 = p.daily_cap, p.phase1_max_days
    year = p.period_end.year
    providers, region = p.providers, p.region_departments
    return [
        ["EX-01", 1, providers[0], date(year, 4, 4), days1, cap * days1, region[4],
         date(year, 5, 20)],
        ["EX-01", 2, providers[0], date(year, 6, 13), 10, cap * 10, region[4],
         date(year, 7, 29)],
        # Above the daily cap, and not paid yet: capped, and not counted as justified.
        ["EX-01", 2, providers[0], date(year, 9, 5), 10, cap * 10 + 900, region[4], None],
        ["EX-03", 1, providers[3], date(year, 6, 1), days1, cap * days1 - 500, region[6],
         date(year, 7, 1)],
        # After the last eligible date: excluded.
        ["EX-03", 2, providers[3], date(year + 1, 1, 10), 5, cap * 5, region[6],
         date(year + 1, 2, 1)],
        # Outside the region: excluded.
        ["EX-05", 1, providers[5], date(year, 5, 2), days1, cap * days1, "75",
         date(year, 6, 2)],
        ["EX-06", 1, providers[4], date(year, 5, 9), days1, cap * days1, region[2],
         date(year, 6, 10)],
        ["EX-06", 2, providers[4], date(year, 9, 12), 10, cap * 10, region[2],
         date(year, 10, 14)],
    ]  # fmt: skip


def example_payments(p: Parameters) -> list[list[Any]]:
    """Payments already recorded for the example dossiers, in the order of PAYMENT_FIELDS."""
    cap, days1, days2 = p.daily_cap, p.phase1_max_days, p.phase2_max_days
    year = p.period_end.year
    # The planned advances: the largest share of each phase 2 subsidy, as the core computes it.
    ex01 = share(p.phase2_advance_max_rate, share(p.phase2_rate, cap * days2))
    ex06 = share(p.phase2_advance_max_rate, share(p.phase2_rate, cap * (days2 - 10)))
    return [
        ["EX-01", str(PaymentType.PHASE1), date(year, 5, 30), cap * days1],
        ["EX-01", str(PaymentType.ADVANCE_PHASE2), date(year, 8, 10), ex01],
        ["EX-03", str(PaymentType.PHASE1), date(year, 7, 20), cap * days1 - 500],
        ["EX-06", str(PaymentType.ADVANCE_PHASE2), date(year, 10, 28), ex06],
    ]


@dataclass(frozen=True)
class Block:
    """One table of Calculs: a title row, a header row, then `size` rows of data."""

    title: int
    headers: tuple[str, ...]
    size: int

    @property
    def header(self) -> int:
        """The header row."""
        return self.title + 1

    @property
    def first(self) -> int:
        """The first data row."""
        return self.title + 2

    @property
    def last(self) -> int:
        """The last data row."""
        return self.first + self.size - 1

    @property
    def end(self) -> int:
        """The row after the table and its blank separating row: the next table's title."""
        return self.last + 2

    def letter(self, header: str) -> str:
        """The column letter of `header`."""
        return get_column_letter(self.headers.index(header) + 1)

    def column(self, header: str, width: int = 1, fixed: bool = False) -> str:
        """The data cells of `header` (and the `width - 1` columns after it), as a range."""
        first = self.headers.index(header) + 1
        left, right = get_column_letter(first), get_column_letter(first + width - 1)
        if fixed:
            return f"${left}${self.first}:${right}${self.last}"
        return f"{left}{self.first}:{right}{self.last}"


def dossier_headers() -> tuple[str, ...]:
    """The input columns of the dossiers, as the template titles them."""
    return tuple(Dossier.header(f) for f in DOSSIER_FIELDS)


SUBSIDY = ("N° dossier", "Catégorie", "Éligible", "Subvention devis phase 1 (€)",
           "Subvention devis phase 2 (€)", "Subvention devis totale (€)", "Éligible et complet",
           "Subvention accordée phase 1 (€)", "Subvention accordée phase 2 (€)",
           "Subvention accordée totale (€)", "De minimis", "Motifs de non-éligibilité")  # fmt: skip
SCHEDULE = ("N° dossier", "Base devis phase 1 (€)", "Base devis phase 2 (€)",
            "Prévu phase 1 (€)", "Prévu acompte phase 2 (€)", "Prévu solde phase 2 (€)",
            "Justifié phase 1 (€)", "Justifié phase 2 (€)", "Jours justifiés",
            "Acompte phase 2 enregistré (€)", "Dû phase 1 (€)", "Dû acompte phase 2 (€)",
            "Dû solde phase 2 (€)")  # fmt: skip
PAID = ("N° dossier", "Versé phase 1 (€)", "Versé acompte phase 2 (€)", "Versé solde phase 2 (€)",
        "Reste à verser phase 1 (€)", "Reste à verser acompte phase 2 (€)",
        "Reste à verser solde phase 2 (€)")  # fmt: skip
LINE_RESULTS = ("Date de dépôt du dossier", "Dépense plafonnée (€)", "Dépense éligible (€)")
PARAMETERS = ("plafond_journalier", "plafond_parcours", "taux_phase2",
              "taux_max_acompte_phase2", "fin_programme", "plafond_minimis")  # fmt: skip
TEXT_COLUMNS = ("De minimis", "Motifs de non-éligibilité")  # long French text, wrapped
# Columns A-S of Calculs: as narrow as their headers' longest words and their values allow, so
# that the dossiers' nineteen columns print across one landscape page; A holds the parameters'
# names, C and L the providers', K and L the long answers (TEXT_COLUMNS).
CALCULS_WIDTHS = (24, 15, 16, 12, 12, 12, 13, 15, 12, 12, 32, 32, 12, 12, 11, 8, 11, 8, 11)


def fill_calculs(sheet: Worksheet, udfs: ModuleType, programme: Programme, p: Parameters) -> None:
    """The example dossiers, invoices and payments, and the formulas on them."""
    sheet["A1"] = "Calculateur du Parcours Industrie du futur : exemples"
    sheet["A1"].font = TITLE
    sheet.merge_cells("A2:J2")  # a note wrapped over the first columns, printed whole
    sheet["A2"].alignment = WRAP
    sheet["A2"] = (
        "Saisir les dossiers, factures et versements (en bleu) ; les tableaux en vert sont "
        "calculés par les fonctions IDF_* sur des colonnes entières (une formule par colonne) : "
        "voir la feuille Aide. Dans LibreOffice ou avant « Import Functions », ils affichent "
        "#NOM? : ils calculent dans Excel avec xlwings."
    )
    dossiers = example_dossiers(p)
    lines, payments = example_lines(p), example_payments(p)
    inputs = Block(FIRST_ROW - 2, dossier_headers(), len(dossiers))
    subsidy = Block(inputs.end, SUBSIDY, len(dossiers))
    schedule = Block(subsidy.end, SCHEDULE, len(dossiers))
    paid = Block(schedule.end, PAID, len(dossiers))
    line_headers = tuple(ExpenseLine.header(f) for f in LINE_FIELDS) + LINE_RESULTS
    invoices = Block(paid.end, line_headers, len(lines))
    payment_headers = tuple(Payment.header(f) for f in PAYMENT_FIELDS)
    recorded = Block(invoices.end, payment_headers, len(payments))
    assert inputs.first == FIRST_ROW

    i = inputs.column
    day = i("Date de dépôt")
    write_inputs(sheet, inputs, "Dossiers", DOSSIER_FIELDS, dossiers)
    write_inputs(sheet, invoices, "Factures des dossiers", LINE_FIELDS, lines)
    write_inputs(sheet, recorded, "Versements enregistrés", PAYMENT_FIELDS, payments)

    # Eligibility and subsidy.
    b = subsidy.column
    counted = b("Éligible et complet")
    minimis, category = b("De minimis"), b("Catégorie")
    dossier_args = ", ".join(i(Dossier.header(f)) for f in DOSSIER_FIELDS[1:12])
    quoted = ("jours_p1", "montant_p1", "jours_p2", "montant_p2", "fonds_propres")
    quote = ", ".join(i(Dossier.header(f)) for f in quoted)
    prefix = udfs.ERROR.strip()  # a function's answer: a value is missing or unreadable
    terms = {"counted": counted, "de_minimis_ok": f'{minimis}="OK"',
             "sme": f'{category}="{Category.PME}"'}  # fmt: skip
    write_results(sheet, subsidy, "Éligibilité et subvention (calculées)", {
        "N° dossier": f"={i('N° dossier')}",
        "Catégorie": f"=IDF_CATEGORIE({i('Effectif')})",
        "Éligible": f"=IDF_ELIGIBLE({dossier_args})",
        "Subvention devis phase 1 (€)": f"=IDF_SUBVENTION({quote}, {day})",
        "De minimis": (
            f"=IDF_MINIMIS({category}, {b('Subvention devis phase 1 (€)')}, "
            f"{b('Subvention devis phase 2 (€)')}, {i('Aides de minimis 3 ans (€)')}, {day}, "
            f"{i('Attestation de minimis')})"
        ),
        # Counted: eligible, the quote computed, and a de minimis answer that is OK or a reason.
        "Éligible et complet": (
            f"=(({b('Éligible')}=TRUE)*ISNUMBER({b('Subvention devis totale (€)')})"
            f'*(LEFT({minimis},{len(prefix)})<>"{prefix}"))=1'
        ),
        # The part under de minimis that S06/S07 refuse: an SME's phase 1, an ETI's two phases,
        # as the core decides it (xl_idf.decisions), written as formulas.
        "Subvention accordée phase 1 (€)": (
            f"=IF({AWARDED_PHASE1.formula(terms)}, {b('Subvention devis phase 1 (€)')}, 0)"
        ),
        "Subvention accordée phase 2 (€)": (
            f"=IF({AWARDED_PHASE2.formula(terms)}, {b('Subvention devis phase 2 (€)')}, 0)"
        ),
        "Subvention accordée totale (€)": (
            f"={b('Subvention accordée phase 1 (€)')}+{b('Subvention accordée phase 2 (€)')}"
        ),
        "Motifs de non-éligibilité": f"=IDF_MOTIFS({dossier_args})",
    }, widths={"Subvention devis phase 1 (€)": 3})  # fmt: skip

    # The schedules: planned on the quote (the quote fully justified), due on the invoices.
    c = schedule.column
    v = invoices.column
    r = recorded.column
    awarded = f"{b('Subvention accordée phase 1 (€)')}, {b('Subvention accordée phase 2 (€)')}"
    advance = str(PaymentType.ADVANCE_PHASE2)
    counted_advance = (
        f"{r('N° dossier', fixed=True)}, {c('N° dossier')}, {r('Type', fixed=True)}, "
        f'"{advance}", {r("Montant (€)", fixed=True)}, ">=0"'
    )
    write_results(sheet, schedule, "Échéancier prévu sur le devis, et dû sur les factures "
                  "acquittées (calculés)", {
        "N° dossier": f"={i('N° dossier')}",
        "Base devis phase 1 (€)": quote_base(i, "jours_p1", "montant_p1", day),
        "Base devis phase 2 (€)": quote_base(i, "jours_p2", "montant_p2", day),
        "Prévu phase 1 (€)": (
            f"=IF({counted}, IDF_ECHEANCIER({awarded}, {c('Base devis phase 1 (€)')}, "
            f"{c('Base devis phase 2 (€)')}, "
            f"{i(Dossier.header('jours_p1'))}+{i(Dossier.header('jours_p2'))}, \"\", {day}), 0)"
        ),
        "Justifié phase 1 (€)": justified(v, c("N° dossier"), 1),
        "Justifié phase 2 (€)": justified(v, c("N° dossier"), 2),
        "Jours justifiés": justified(v, c("N° dossier"), None),
        # The recorded advance, blank when no payment records one (SPEC 3, P03).
        "Acompte phase 2 enregistré (€)": (
            f'=IF(COUNTIFS({counted_advance})>0, SUMIFS({r("Montant (€)", fixed=True)}, '
            f'{counted_advance}), "")'
        ),
        "Dû phase 1 (€)": (
            f"=IF({counted}, IDF_ECHEANCIER({awarded}, {c('Justifié phase 1 (€)')}, "
            f"{c('Justifié phase 2 (€)')}, {c('Jours justifiés')}, "
            f"{c('Acompte phase 2 enregistré (€)')}, {day}), 0)"
        ),
    }, widths={"Prévu phase 1 (€)": 3, "Dû phase 1 (€)": 3})  # fmt: skip

    # What was paid (payments below zero are ignored, SPEC 2), and what remains to pay.
    d = paid.column
    kinds = {"Versé phase 1 (€)": PaymentType.PHASE1,
             "Versé acompte phase 2 (€)": PaymentType.ADVANCE_PHASE2,
             "Versé solde phase 2 (€)": PaymentType.BALANCE_PHASE2}  # fmt: skip
    paid_formulas = {"N° dossier": f"={i('N° dossier')}"}
    for header, kind in kinds.items():
        paid_formulas[header] = (
            f"=SUMIFS({r('Montant (€)', fixed=True)}, {r('N° dossier', fixed=True)}, "
            f'{d("N° dossier")}, {r("Type", fixed=True)}, "{kind}", '
            f'{r("Montant (€)", fixed=True)}, ">=0")*{counted}'
        )
    due, versed = c("Dû phase 1 (€)", 3), d("Versé phase 1 (€)", 3)
    # A due amount that a function refused keeps its message rather than a #VALUE!.
    paid_formulas["Reste à verser phase 1 (€)"] = f"=IF(ISNUMBER({due}), {due}-{versed}, {due})"
    write_results(sheet, paid, "Versé et reste à verser (calculés)", paid_formulas,
                  widths={"Reste à verser phase 1 (€)": 3})  # fmt: skip

    # The invoices: each counted under the parameters of its dossier's filing date.
    line = invoices.column
    write_results(sheet, invoices, None, {
        "Date de dépôt du dossier": (
            f"=INDEX({i('Date de dépôt', fixed=True)}, MATCH({line('N° dossier')}, "
            f"{i('N° dossier', fixed=True)}, 0))"
        ),
        "Dépense plafonnée (€)": (
            f"=IDF_DEPENSE_PLAFONNEE({line('Montant HT (€)')}, {line('Jours')}, "
            f"{line('Date de dépôt du dossier')})"
        ),
        "Dépense éligible (€)": (
            f"=IDF_DEPENSE_ELIGIBLE({line('Montant HT (€)')}, {line('Jours')}, "
            f"{line('Date de prestation')}, {line('Prestataire')}, "
            f"{line('Département de prestation')}, {line('Date de dépôt du dossier')})"
        ),
    })  # fmt: skip

    fill_parameters(sheet, recorded.end, udfs, programme)
    sheet.freeze_panes = f"B{FIRST_ROW}"
    for index, width in enumerate(CALCULS_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    plain_fonts(sheet)
    fit_rows(sheet)  # headers, the note, providers' names
    # The long French answers (de minimis, reasons) are formulas: their rows are as tall as the
    # examples' answers need once Excel has computed them.
    for row, answers in enumerate(text_answers(udfs, dossiers), start=subsidy.first):
        sheet.row_dimensions[row].height = row_height(
            (answer, CALCULS_WIDTHS[subsidy.headers.index(header)], False, PLAIN.sz)
            for header, answer in zip(TEXT_COLUMNS, answers, strict=True)
        )
    # Tables stacked each under its own header: no header row to repeat. A page holds whole
    # tables instead: the dossiers and their subsidy; the schedules; the invoices and payments.
    for block in (schedule, invoices):
        sheet.row_breaks.append(Break(id=block.title - 1))
    plain_fonts(sheet)
    set_up_printing(sheet, title_rows=None)


def plain_fonts(sheet: Worksheet) -> None:
    """Name the font of every plain cell: the quickstart's default (Calibri 12, and Arial 10 in
    LibreOffice for a cell without a style) would print beside Calibri 11 in another size."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None and not cell.font.b:
                cell.font = PLAIN


def text_answers(udfs: ModuleType, dossiers: Sequence[Sequence[Any]]) -> list[tuple[str, str]]:
    """What IDF_MINIMIS and IDF_MOTIFS answer for each example dossier, as Calculs calls them."""
    answers = []
    for row in dossiers:
        values = dict(zip(DOSSIER_FIELDS, row, strict=True))
        quote = [values[f] for f in ("jours_p1", "montant_p1", "jours_p2", "montant_p2",
                                     "fonds_propres", "date_depot")]  # fmt: skip
        phase1, phase2, _ = udfs.IDF_SUBVENTION(*quote)[0]
        (category,) = udfs.IDF_CATEGORIE(values["effectif"])[0]
        (minimis,) = udfs.IDF_MINIMIS(
            category, phase1, phase2, values["aides_minimis_3_ans"], values["date_depot"],
            values["attestation_minimis"],
        )[0]  # fmt: skip
        (motives,) = udfs.IDF_MOTIFS(*(values[f] for f in DOSSIER_FIELDS[1:12]))[0]
        answers.append((str(minimis), str(motives)))
    return answers


def quote_base(i: Callable[..., str], days: str, amount: str, day: str) -> str:
    """A phase's base on the quote: its amount under the daily cap (0 with no days quoted)."""
    days_cells, amount_cells = i(Dossier.header(days)), i(Dossier.header(amount))
    return f"=IF({days_cells}>0, IDF_DEPENSE_PLAFONNEE({amount_cells}, {days_cells}, {day}), 0)"


def justified(line: Callable[..., str], dossiers: str, phase: int | None) -> str:
    """SUMIFS over the paid, non-excluded invoices of each dossier: amounts of a phase, or days."""
    paid_on = line("Date d'acquittement", fixed=True)
    eligible = line("Dépense éligible (€)", fixed=True)
    # The core's definition (xl_idf.decisions): paid, and counted (its eligible amount above 0).
    paid = JUSTIFIED.criteria({"paid": (paid_on, '"<>"'), "counts": (eligible, '">0"')})
    numbers = line("N° dossier", fixed=True)
    if phase is None:
        return f"=SUMIFS({line('Jours', fixed=True)}, {numbers}, {dossiers}, {paid})"
    return (
        f"=SUMIFS({eligible}, {numbers}, {dossiers}, {line('Phase', fixed=True)}, {phase}, {paid})"
    )


def write_inputs(
    sheet: Worksheet, block: Block, title: str, fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """A table to type in: its title, its headers, then `rows`, money as numbers."""
    sheet.cell(row=block.title, column=1, value=title).font = BOLD
    for index, header in enumerate(block.headers[: len(fields)], start=1):
        cell = sheet.cell(row=block.header, column=index, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, WRAP, HEADER_BOX
    for r, values in enumerate(rows, start=block.first):
        for index, (name, value) in enumerate(zip(fields, values, strict=True), start=1):
            cell = sheet.cell(row=r, column=index, value=_cell(value))
            cell.alignment = TOP
            if name in FORMATS:
                cell.number_format = FORMATS[name]
            if name in CENTRED:
                cell.alignment = CENTRE
            elif name in INDENTED:
                # A long name on two lines, not cut by the next column; set off from the date.
                cell.alignment = NAME


def write_results(
    sheet: Worksheet,
    block: Block,
    title: str | None,
    formulas: dict[str, str],
    widths: dict[str, int] | None = None,
) -> None:
    """Computed columns: each formula an array formula over its column(s) of `block`.

    `widths` gives the columns a formula answers beyond its first (IDF_SUBVENTION answers 3).
    """
    widths = widths or {}
    if title is not None:
        sheet.cell(row=block.title, column=1, value=title).font = BOLD
    covered = [
        block.headers[block.headers.index(start) + offset]
        for start in formulas
        for offset in range(widths.get(start, 1))
    ]
    for header in covered:
        index = block.headers.index(header) + 1
        cell = sheet.cell(row=block.header, column=index, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, RESULT_FILL, WRAP, HEADER_BOX
        for row in range(block.first, block.last + 1):
            data = sheet.cell(row=row, column=index)
            data.fill, data.alignment = RESULT_FILL, TOP
            if header.endswith("(€)"):
                data.number_format = EUROS
            elif header.startswith("Date"):
                data.number_format = DATE
            if header in TEXT_COLUMNS:
                data.alignment = WRAP
    for header, formula in formulas.items():
        ref = block.column(header, widths.get(header, 1))
        sheet[ref.split(":")[0]] = ArrayFormula(ref, formula)


def fill_parameters(sheet: Worksheet, row: int, udfs: ModuleType, programme: Programme) -> None:
    """A few parameters by IDF_PARAMETRE: on the programme's last day, and on a given [date]."""
    sheet.cell(row=row, column=1, value="Paramètres du programme (IDF_PARAMETRE)").font = BOLD
    headers = ["Nom", "Dernier jour du programme (sans [date])", "À la date [date] ci-dessous"]
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row + 1, column=index, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, WRAP, HEADER_BOX
    # The [date]: the day the last dated value starts (the de minimis ceiling's), to show it.
    sheet.cell(row=row + 2, column=1, value="[date]").font = BOLD
    sheet.cell(row=row + 2, column=3, value=_cell(latest_change(programme))).number_format = DATE
    units = {alias: programme.parameters[name].unit for alias, name in udfs.FRENCH_NAMES.items()}
    for offset, name in enumerate(PARAMETERS, start=3):
        sheet.cell(row=row + offset, column=1, value=name)
        for column, formula in ((2, f"=IDF_PARAMETRE(A{row + offset})"),
                                (3, f"=IDF_PARAMETRE(A{row + offset}, $C${row + 2})")):  # fmt: skip
            value = sheet.cell(row=row + offset, column=column, value=formula)
            value.fill = RESULT_FILL
            value.number_format = UNIT_FORMATS.get(units[name], "General")


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


# --- Aide -------------------------------------------------------------------------------------

SETUP = [
    "Mise en route (Excel pour Windows, xlwings classique) :",
    "1. Installer Python 3.11 ou plus récent, puis dans un terminal : pip install -e . depuis le "
    "dossier du projet xl-idf (xlwings est installé avec).",
    "2. Ce classeur contient le code VBA d'xlwings (classeur autonome) : le complément n'est pas "
    "nécessaire. Pour l'utiliser dans vos propres classeurs : xlwings addin install.",
    "3. Feuille xlwings.conf : UDF Modules = idf_udfs ; PYTHONPATH = le dossier udfs voisin du "
    "dossier de ce classeur (formule). Interpreter_Win : le Python où xl-idf est installé.",
    "4. Importer les fonctions : Alt+F8, macro ImportPythonUDFs (ou bouton « Import Functions » "
    "du complément xlwings). À refaire après toute modification de udfs/idf_udfs.py.",
    "Chaque fonction prend une cellule ou une colonne entière (une ligne de résultat par ligne ; "
    "une cellule seule vaut pour toutes les lignes). Une ligne vide donne un résultat vide ; une "
    "valeur illisible donne « #IDF: », l'argument et la raison, dans sa ligne seulement.",
    "Dates : date Excel ou texte jj/mm/aaaa. Oui/Non : Oui, Non, VRAI, FAUX. Montants : nombres "
    "ou texte « 1 234,50 € ». Dans Excel en français, les arguments se séparent par « ; ».",
    "[date], dernier argument facultatif : la date de dépôt du dossier ; les paramètres en "
    "vigueur ce jour-là sont appliqués, comme le fait xl-idf validate (sans elle, ceux du "
    "dernier jour du programme). IDF_ELIGIBLE et IDF_MOTIFS prennent ceux de date_depot, "
    "IDF_MINIMIS ceux de date_octroi.",
]

# How the sheet Calculs goes from the functions' answers to the amounts of xl-idf validate.
CALCULS = [
    "La feuille Calculs : du résultat des fonctions aux montants de xl-idf validate",
    "Éligible et complet : IDF_ELIGIBLE vaut VRAI, IDF_SUBVENTION a calculé le devis et "
    "IDF_MINIMIS répond OK ou un motif (pas « #IDF: », une valeur manquante). Un dossier qui ne "
    "l'est pas ne reçoit rien : subvention, prévu, dû et versé à 0. Le SIRET n'est contrôlé que "
    "par xl-idf validate.",
    "Subvention accordée : la subvention du devis (IDF_SUBVENTION), moins la part que la règle "
    "de minimis refuse quand IDF_MINIMIS donne un motif : la phase 1 d'une PME (sa phase 2 "
    "relève du régime SA.40453 et reste accordée), les deux phases d'une ETI.",
    "Prévu : l'échéancier du devis, IDF_ECHEANCIER sur la subvention accordée quand tout le "
    "devis est justifié (base devis de chaque phase : IDF_DEPENSE_PLAFONNEE du montant et des "
    "jours prévus).",
    "Dû : IDF_ECHEANCIER sur la subvention accordée, les dépenses éligibles des factures "
    "acquittées (IDF_DEPENSE_ELIGIBLE, à la date de dépôt du dossier) et l'acompte enregistré "
    "dans les versements.",
    "Versé : la somme des versements enregistrés de chaque type (un montant négatif est "
    "ignoré). Reste à verser : dû moins versé ; négatif, un trop-perçu à reverser.",
]


def examples(programme: Programme, p: Parameters) -> list[tuple[str, tuple[Any, ...]]]:
    """Calls of every function, with arguments as a user would type them."""
    cap, days1, days2 = p.daily_cap, p.phase1_max_days, p.phase2_max_days
    filed = f"15/03/{p.period_end.year}"
    later = french.day(latest_change(programme))
    provider, region = p.providers[0], p.region_departments[4]
    full1, full2 = cap * days1, cap * days2
    phase2 = share(p.phase2_rate, full2)
    above = share(p.phase2_advance_max_rate, phase2) + 1000  # an advance above its share
    return [
        ("IDF_CATEGORIE", (48,)),
        ("IDF_ELIGIBLE", ("Entreprise", "Oui", "Aucun", "", 48, 24, region, "Non", "Oui", filed,
                          provider)),
        ("IDF_MOTIFS", ("Entreprise", "Oui", "Aucun", "", 48, 6, "75", "Non", "Oui", filed,
                        provider)),
        ("IDF_DEPENSE_PLAFONNEE", (full1 + 1500, days1)),
        ("IDF_DEPENSE_PLAFONNEE", (full1 + 1500, days1, filed)),
        ("IDF_DEPENSE_ELIGIBLE", (full1 + 1500, days1, filed, provider, region, filed)),
        ("IDF_SUBVENTION", (days1, full1, days2, full2, 500_000, filed)),
        ("IDF_ECHEANCIER", (full1, phase2, full1, full2, days1 + days2)),
        # Phase 2 not begun: nothing justified on it, no advance recorded.
        ("IDF_ECHEANCIER", (full1, full1, full1, 0, days1)),
        ("IDF_ECHEANCIER", (full1, phase2, full1, full2, days1 + days2, above, filed)),
        ("IDF_MINIMIS", ("PME", full1, phase2, 0, filed, "Oui")),
        ("IDF_MINIMIS", ("PME", full1, phase2, 0, filed, "Non")),
        ("IDF_MINIMIS", (str(Category.NON_ELIGIBLE), full1, phase2, 0, filed, "Oui")),
        ("IDF_PARAMETRE", ("plafond_journalier",)),
        ("IDF_PARAMETRE", ("plafond_minimis", later)),
    ]  # fmt: skip


def latest_change(programme: Programme) -> date:
    """The day the last dated value of a parameter starts (the de minimis ceiling's)."""
    return max(v.start for p in programme.parameters.values() for v in p.values if v.start)


AIDE_WIDTHS = dict(zip("ABCDE", (27, 60, 40, 42, 36), strict=True))
FUNCTION_HEADERS = ("Fonction", "Arguments", "Renvoie", "Exemple", "Résultat de l'exemple")


def fill_aide(sheet: Worksheet, udfs: ModuleType, programme: Programme, p: Parameters) -> None:
    """How to start, how Calculs gets the report's amounts, the parameters, then each function:
    its arguments, what it returns, examples and their results.

    The functions' table comes last, on pages of its own with its header repeated on each: a
    header repeated above the parameters would mislabel them.
    """
    for letter, width in AIDE_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet["A1"] = "Aide : les fonctions IDF_* du Parcours Industrie du futur"
    sheet["A1"].font = TITLE
    row = 3
    for i, line in enumerate(SETUP):
        prose(sheet, row, line, bold=i == 0)
        row += 1
    row += 1
    for i, line in enumerate(CALCULS):
        prose(sheet, row, line, bold=i == 0)
        row += 1

    row += 1
    sheet.cell(row=row, column=1, value="Paramètres du programme (IDF_PARAMETRE)").font = BOLD
    row += 1
    # The description in the widest column, on one line where it can.
    for i, header in enumerate(["Nom", "Description", "Nom en français", "Valeur"], start=1):
        cell = sheet.cell(row=row, column=i, value=header)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, HEADER_BOX
    french_names = {name: alias for alias, name in udfs.FRENCH_NAMES.items()}
    for name, parameter in programme.parameters.items():
        row += 1
        sheet.cell(row=row, column=1, value=name).alignment = TOP  # level with its description
        sheet.cell(row=row, column=2, value=parameter.description).alignment = WRAP
        sheet.cell(row=row, column=3, value=french_names.get(name)).alignment = TOP
        value = sheet.cell(row=row, column=4, value=f"=IDF_PARAMETRE(A{row})")
        value.fill, value.alignment = RESULT_FILL, TOP
        value.number_format = UNIT_FORMATS.get(parameter.unit, "General")

    row += 2
    sheet.row_breaks.append(Break(id=row - 1))  # the functions start a page
    title = sheet.cell(row=row, column=1, value="Les fonctions, leurs arguments et des exemples")
    title.font = BOLD
    row += 1
    header_row = row
    for i, header in enumerate(FUNCTION_HEADERS, start=1):
        cell = sheet.cell(row=row, column=i, value=header)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, HEADER_BOX
    described_already: set[str] = set()
    for name, args in examples(programme, p):
        row += 1
        function: Callable[..., list[list[Any]]] = getattr(udfs, name)
        described = udfs.ARGUMENTS[name]
        assert list(described) == list(inspect.signature(function).parameters), name
        values: list[Any] = [None, None, None]
        first = name not in described_already
        if first:  # a function's next examples show only themselves
            described_already.add(name)
            arguments = "\n".join(f"{arg} : {doc}" for arg, doc in described.items())
            values = [name, arguments, inspect.getdoc(function)]
        values += [formula_text(name, args), shown(function(*args)[0])]
        for i, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=i, value=value)
            cell.alignment = WRAP
            if first:  # a rule above each function: its examples below it are its own
                cell.border = FUNCTION_RULE
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # openpyxl writes any text starting with = as a formula
                cell.quotePrefix = True
        sheet.cell(row=row, column=1).font = BOLD
    plain_fonts(sheet)
    fit_rows(sheet)
    set_up_printing(sheet, title_rows=header_row)


def prose(sheet: Worksheet, row: int, text: str, bold: bool = False) -> None:
    """A paragraph across the sheet's columns, wrapped within the printed width."""
    sheet.merge_cells(f"A{row}:{list(AIDE_WIDTHS)[-1]}{row}")
    cell = sheet.cell(row=row, column=1, value=text)
    cell.alignment = WRAP
    cell.font = BOLD if bold else PLAIN


def formula_text(name: str, args: tuple[Any, ...]) -> str:
    """The call as typed in French Excel: `;` between arguments, text in quotes."""
    typed = ["" if a is None else f'"{a}"' if isinstance(a, str)
             else f"{Decimal(a).normalize():f}".replace(".", ",") for a in args]  # fmt: skip
    return f"={name}({';'.join(typed)})"


def shown(row: list[Any]) -> str:
    """A result row as Excel shows it, cells separated by « | »."""

    if len(row) > 1 and len(set(map(str, row))) == 1 and str(row[0]).startswith("#"):
        return str(row[0])  # a refusal fills every cell of its row: once is enough

    def one(value: Any) -> str:
        if isinstance(value, bool):
            return "VRAI" if value else "FAUX"
        if isinstance(value, float):
            return french.number(Decimal(repr(value)), 2 if value % 1 else None)
        if isinstance(value, date):
            return french.day(value)
        return str(value)

    return " | ".join(one(value) for value in row)


def main() -> None:
    """Build the calculator workbook."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    build_calculator(load_programme()).save(args.output)
    print(f"écrit : {args.output}")


if __name__ == "__main__":
    main()
