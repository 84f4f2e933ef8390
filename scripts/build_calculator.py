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
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from xl_idf import french
from xl_idf.programme import Parameters, Programme, load_programme

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
LINES_HEADER_ROW = 13  # header of the invoices of Calculs

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
RESULT_FILL = PatternFill("solid", fgColor="FFE2EFDA")
WRAP = Alignment(wrap_text=True, vertical="top")
EUROS = '#,##0.00" €"'
DAY = "DD/MM/YYYY"
UNIT_FORMATS = {"EUR": EUROS, "date": DAY, "percent": "0%"}  # a rate comes back as a fraction


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
    fill_calculs(calculs, params)
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
    note.font = BOLD


# --- Calculs ----------------------------------------------------------------------------------


def example_dossiers(p: Parameters) -> list[list[Any]]:
    """Five dossiers, one per case worth showing: each row in the order of DOSSIER_COLUMNS."""
    cap, days1, days2 = p.daily_cap, p.phase1_max_days, p.phase2_max_days
    filed = date(p.period_end.year, 3, 15)
    providers = p.providers
    region = p.region_departments
    full1, full2 = cap * days1, cap * days2
    advance = full2 * p.phase2_rate * p.phase2_advance_max_rate  # the planned one, recorded
    return [
        # Eligible SME, a full journey quoted at the daily cap.
        ["EX-01", "Entreprise", "Oui", "Aucun", None, 48, 24, region[4], "Non", "Oui", filed,
         providers[0], 500_000, 0, "Oui", days1, full1, days2, full2, advance],
        # ETI quoted above the daily cap; prior de minimis aid takes it above the ceiling.
        ["EX-02", "Entreprise", "Oui", "Aucun", None, 620, 36, region[0], "Non", "Oui", filed,
         providers[2], 800_000, p.de_minimis_ceiling - full1, "Oui", days1, full1 + 1000,
         days2 - 5, full2, None],
        # Association with an approval, its provider typed in lower case.
        ["EX-03", "Association", None, p.ess_approvals[0], None, 25, 24, region[6], "Non",
         "Oui", filed, providers[3].lower(), 40_000, 0, "Oui", days1, full1, days2 - 15,
         cap * (days2 - 15), None],
        # Not industrial, outside the region, first balance sheet too short: three reasons.
        ["EX-04", "Entreprise", "Non", "Aucun", None, 30, 6, "75", "Non", "Oui", filed,
         providers[1], 90_000, 0, "Oui", days1, full1, None, None, None],
        # Equity below the subsidy: phase 2 is reduced first.
        ["EX-05", "Entreprise", "Oui", "Aucun", None, 12, 18, region[9], "Non", "Oui", filed,
         providers[5], 8_000, 0, "Oui", days1, full1, days2, full2, None],
    ]  # fmt: skip


DOSSIER_COLUMNS = [
    # (header, number format) of the input columns A.. of Calculs, in order
    ("N° dossier", None), ("Forme juridique", None), ("Activité industrielle", None),
    ("Agrément ESS", None), ("Part recettes production (%)", None), ("Effectif", None),
    ("Durée 1er bilan (mois)", None), ("Département", None), ("En difficulté", None),
    ("À jour fiscal et social", None), ("Date de dépôt", DAY), ("Prestataire", None),
    ("Fonds propres (€)", EUROS), ("Aides de minimis 3 ans (€)", EUROS),
    ("Attestation de minimis", None), ("Jours prévus phase 1", None),
    ("Montant prévu phase 1 (€ HT)", EUROS), ("Jours prévus phase 2", None),
    ("Montant prévu phase 2 (€ HT)", EUROS), ("Acompte phase 2 versé (€)", EUROS),
]  # fmt: skip
COLUMN = {header: openpyxl.utils.get_column_letter(i) for i, (header, _) in
          enumerate(DOSSIER_COLUMNS, start=1)}  # fmt: skip

LINE_COLUMNS = [
    ("N° dossier", None), ("Phase", None), ("Prestataire", None), ("Date de prestation", DAY),
    ("Jours", None), ("Montant HT (€)", EUROS), ("Département de prestation", None),
    ("Date d'acquittement", DAY), ("Dépense plafonnée (€)", EUROS),
    ("Dépense éligible (€)", EUROS),
]  # fmt: skip


def example_lines(p: Parameters) -> list[list[Any]]:
    """Invoices of the example dossiers, in the order of LINE_COLUMNS (formulas left out)."""
    cap, days1 = p.daily_cap, p.phase1_max_days
    year = p.period_end.year
    providers, region = p.providers, p.region_departments
    return [
        ["EX-01", 1, providers[0], date(year, 4, 4), days1, cap * days1, region[4],
         date(year, 5, 20)],
        ["EX-01", 2, providers[0], date(year, 6, 13), 10, cap * 10, region[4],
         date(year, 7, 29)],
        ["EX-01", 2, providers[0], date(year, 9, 5), 10, cap * 10 + 900, region[4], None],
        ["EX-03", 1, providers[3], date(year, 6, 1), days1, cap * days1 - 500, region[6],
         date(year, 7, 1)],
        ["EX-03", 2, providers[3], date(year + 1, 1, 10), 5, cap * 5, region[6],
         date(year + 1, 2, 1)],
        ["EX-05", 1, providers[5], date(year, 5, 2), days1, cap * days1, "75",
         date(year, 6, 2)],
    ]  # fmt: skip


def fill_calculs(sheet: Worksheet, p: Parameters) -> None:
    """Example dossiers and invoices with the formulas calling every IDF_* function."""
    sheet["A1"] = "Calculateur du Parcours Industrie du futur : exemples"
    sheet["A1"].font = TITLE
    sheet["A2"] = (
        "Les colonnes vertes sont calculées par les fonctions IDF_* sur des colonnes entières "
        "(une formule par colonne) ; voir la feuille Aide. Dans LibreOffice ou avant « Import "
        "Functions », elles affichent #NOM? : elles calculent dans Excel avec xlwings."
    )
    dossiers = example_dossiers(p)
    last = FIRST_ROW + len(dossiers) - 1
    header_row = FIRST_ROW - 1
    write_table(sheet, header_row, DOSSIER_COLUMNS, dossiers)

    def rng(header: str) -> str:
        letter = COLUMN[header]
        return f"{letter}{FIRST_ROW}:{letter}{last}"

    eligibility = ", ".join(rng(h) for h, _ in DOSSIER_COLUMNS[1:12])
    first_result = len(DOSSIER_COLUMNS) + 1

    def col(offset: int) -> str:
        return openpyxl.utils.get_column_letter(first_result + offset)

    def span(first: int, width: int = 1) -> str:
        return f"{col(first)}{FIRST_ROW}:{col(first + width - 1)}{last}"

    # The subsidy awarded: 0 unless the dossier is eligible and de minimis allows it (the report's
    # rule); the schedule is computed on it, the justified sums on the invoices below.
    awarded = f'({span(1)}=TRUE)*({span(6)}="OK")'
    line_last = LINES_HEADER_ROW + len(example_lines(p))
    lines = {h: f"${openpyxl.utils.get_column_letter(i)}${LINES_HEADER_ROW + 1}:"
             f"${openpyxl.utils.get_column_letter(i)}${line_last}"
             for i, (h, _) in enumerate(LINE_COLUMNS, start=1)}  # fmt: skip
    results = [
        # (headers, formula, number format); one array formula per column block
        (["Catégorie"], f"IDF_CATEGORIE({rng('Effectif')})", None),
        (["Éligible"], f"IDF_ELIGIBLE({eligibility})", None),
        (["Motifs de non-éligibilité"], f"IDF_MOTIFS({eligibility})", None),
        (
            ["Subvention phase 1 (€)", "Subvention phase 2 (€)", "Subvention totale (€)"],
            f"IDF_SUBVENTION({rng('Jours prévus phase 1')}, {rng('Montant prévu phase 1 (€ HT)')}, "
            f"{rng('Jours prévus phase 2')}, {rng('Montant prévu phase 2 (€ HT)')}, "
            f"{rng('Fonds propres (€)')})",
            EUROS,
        ),
        (
            ["De minimis"],
            f"IDF_MINIMIS({span(0)}, {span(3)}, {span(4)}, {rng('Aides de minimis 3 ans (€)')}, "
            f"{rng('Date de dépôt')}, {rng('Attestation de minimis')})",
            None,
        ),
        (["Justifié phase 1 (€)"], justified(lines, rng("N° dossier"), 1), EUROS),
        (["Justifié phase 2 (€)"], justified(lines, rng("N° dossier"), 2), EUROS),
        (["Jours justifiés"], justified(lines, rng("N° dossier"), None), None),
        (
            ["Versement phase 1 (€)", "Acompte phase 2 (€)", "Solde phase 2 (€)"],
            f"IDF_ECHEANCIER({span(3)}*{awarded}, {span(4)}*{awarded}, {span(7)}, {span(8)}, "
            f"{span(9)}, {rng('Acompte phase 2 versé (€)')})",
            EUROS,
        ),
    ]
    offset = 0
    for headers, formula, number_format in results:
        for i, header in enumerate(headers):
            cell = sheet.cell(row=header_row, column=first_result + offset + i, value=header)
            cell.font, cell.fill, cell.alignment = BOLD, RESULT_FILL, WRAP
            for row in range(FIRST_ROW, last + 1):
                if number_format:
                    sheet.cell(
                        row=row, column=first_result + offset + i
                    ).number_format = number_format
        ref = span(offset, len(headers))
        sheet[ref.split(":")[0]] = ArrayFormula(ref, f"={formula}")
        offset += len(headers)

    sheet.cell(row=LINES_HEADER_ROW - 1, column=1, value="Factures des dossiers").font = BOLD
    write_table(sheet, LINES_HEADER_ROW, LINE_COLUMNS[:-2], example_lines(p))
    for i, (header, number_format) in enumerate(LINE_COLUMNS[-2:], start=len(LINE_COLUMNS) - 1):
        cell = sheet.cell(row=LINES_HEADER_ROW, column=i, value=header)
        cell.font, cell.fill, cell.alignment = BOLD, RESULT_FILL, WRAP
        for row in range(LINES_HEADER_ROW + 1, line_last + 1):
            sheet.cell(row=row, column=i).number_format = number_format or "General"
    first_line, plafonnee, eligible = LINES_HEADER_ROW + 1, "I", "J"

    def line_rng(header: str) -> str:
        return lines[header].replace("$", "")

    sheet[f"{plafonnee}{first_line}"] = ArrayFormula(
        f"{plafonnee}{first_line}:{plafonnee}{line_last}",
        f"=IDF_DEPENSE_PLAFONNEE({line_rng('Montant HT (€)')}, {line_rng('Jours')})",
    )
    sheet[f"{eligible}{first_line}"] = ArrayFormula(
        f"{eligible}{first_line}:{eligible}{line_last}",
        f"=IDF_DEPENSE_ELIGIBLE({line_rng('Montant HT (€)')}, {line_rng('Jours')}, "
        f"{line_rng('Date de prestation')}, {line_rng('Prestataire')}, "
        f"{line_rng('Département de prestation')})",
    )

    params_row = line_last + 3
    sheet.cell(row=params_row, column=1, value="Paramètres du programme").font = BOLD
    for i, name in enumerate(("plafond_journalier", "plafond_parcours", "taux_phase2",
                              "fin_programme", "plafond_minimis"), start=1):  # fmt: skip
        sheet.cell(row=params_row + i, column=1, value=name)
        value = sheet.cell(row=params_row + i, column=2, value=f"=IDF_PARAMETRE(A{params_row + i})")
        value.fill = RESULT_FILL
        value.number_format = {"taux_phase2": "0%", "fin_programme": DAY}.get(name, EUROS)
    sheet.freeze_panes = f"B{FIRST_ROW}"
    for letter in ("A", "B", "L"):
        sheet.column_dimensions[letter].width = 16
    sheet.column_dimensions[col(2)].width = 60


def justified(lines: dict[str, str], dossiers: str, phase: int | None) -> str:
    """SUMIFS over the paid, non-excluded invoices of each dossier: amounts of a phase, or days."""
    paid_on, eligible = lines["Date d'acquittement"], lines["Dépense éligible (€)"]
    paid = f'{paid_on}, "<>", {eligible}, ">0"'
    if phase is None:
        return f"SUMIFS({lines['Jours']}, {lines['N° dossier']}, {dossiers}, {paid})"
    return (
        f"SUMIFS({lines['Dépense éligible (€)']}, {lines['N° dossier']}, {dossiers}, "
        f"{lines['Phase']}, {phase}, {paid})"
    )


def write_table(
    sheet: Worksheet,
    header_row: int,
    columns: Sequence[tuple[str, str | None]],
    rows: Sequence[Sequence[Any]],
) -> None:
    """Headers on `header_row`, then `rows` below, money as numbers (floats at the edge)."""
    for i, (header, _) in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=i, value=header)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
    for r, values in enumerate(rows, start=header_row + 1):
        for i, ((_, number_format), value) in enumerate(zip(columns, values, strict=True), 1):
            cell = sheet.cell(row=r, column=i, value=_cell(value))
            if number_format:
                cell.number_format = number_format


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
    "valeur illisible donne « #IDF: » et la raison, dans sa ligne seulement.",
    "Dates : date Excel ou texte jj/mm/aaaa. Oui/Non : Oui, Non, VRAI, FAUX. Montants : nombres "
    "ou texte « 1 234,50 € ». Dans Excel en français, les arguments se séparent par « ; ».",
]


def examples(p: Parameters) -> list[tuple[str, tuple[Any, ...]]]:
    """One call per function, with arguments as a user would type them."""
    cap, days1, days2 = p.daily_cap, p.phase1_max_days, p.phase2_max_days
    filed = f"15/03/{p.period_end.year}"
    provider, region = p.providers[0], p.region_departments[4]
    return [
        ("IDF_CATEGORIE", (48,)),
        ("IDF_ELIGIBLE", ("Entreprise", "Oui", "Aucun", "", 48, 24, region, "Non", "Oui", filed,
                          provider)),
        ("IDF_MOTIFS", ("Entreprise", "Oui", "Aucun", "", 48, 6, "75", "Non", "Oui", filed,
                        provider)),
        ("IDF_DEPENSE_PLAFONNEE", (cap * days1 + 1500, days1)),
        ("IDF_DEPENSE_ELIGIBLE", (cap * days1 + 1500, days1, filed, provider, region)),
        ("IDF_SUBVENTION", (days1, cap * days1, days2, cap * days2, 500_000)),
        ("IDF_ECHEANCIER", (cap * days1, cap * days2 * p.phase2_rate, cap * days1, cap * days2,
                            days1 + days2)),
        ("IDF_MINIMIS", ("PME", cap * days1, cap * days2 * p.phase2_rate, 0, filed, "Oui")),
        ("IDF_PARAMETRE", ("plafond_journalier",)),
    ]  # fmt: skip


def fill_aide(sheet: Worksheet, udfs: ModuleType, programme: Programme, p: Parameters) -> None:
    """Each function: its arguments, what it returns, an example and its result; the parameters."""
    sheet["A1"] = "Aide : les fonctions IDF_* du Parcours Industrie du futur"
    sheet["A1"].font = TITLE
    row = 3
    for line in SETUP:
        sheet.cell(row=row, column=1, value=line)
        row += 1
    row += 1
    headers = ["Fonction", "Arguments", "Renvoie", "Exemple", "Résultat de l'exemple"]
    for i, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=i, value=header)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for name, args in examples(p):
        row += 1
        function: Callable[..., list[list[Any]]] = getattr(udfs, name)
        described = udfs.ARGUMENTS[name]
        assert list(described) == list(inspect.signature(function).parameters), name
        arguments = "\n".join(f"{arg} : {doc}" for arg, doc in described.items())
        values = [name, arguments, inspect.getdoc(function), formula_text(name, args),
                  shown(function(*args)[0])]  # fmt: skip
        for i, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=i, value=value)
            cell.alignment = WRAP
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a formula shown as text (TRAPS: openpyxl)
                cell.quotePrefix = True
        sheet.cell(row=row, column=1).font = BOLD

    row += 2
    sheet.cell(row=row, column=1, value="Paramètres du programme (IDF_PARAMETRE)").font = BOLD
    row += 1
    for i, header in enumerate(["Nom", "Nom en français", "Description", "Valeur"], start=1):
        cell = sheet.cell(row=row, column=i, value=header)
        cell.font, cell.fill = BOLD, HEADER_FILL
    french_names = {name: alias for alias, name in udfs.FRENCH_NAMES.items()}
    for name, parameter in programme.parameters.items():
        row += 1
        sheet.cell(row=row, column=1, value=name)
        sheet.cell(row=row, column=2, value=french_names.get(name))
        sheet.cell(row=row, column=3, value=parameter.description).alignment = WRAP
        value = sheet.cell(row=row, column=4, value=f"=IDF_PARAMETRE(A{row})")
        value.fill = RESULT_FILL
        value.number_format = UNIT_FORMATS.get(parameter.unit, "General")
    for letter, width in zip("ABCDE", (26, 70, 45, 55, 40), strict=True):
        sheet.column_dimensions[letter].width = width


def formula_text(name: str, args: tuple[Any, ...]) -> str:
    """The call as typed in French Excel: `;` between arguments, text in quotes."""
    typed = [f'"{a}"' if isinstance(a, str) else f"{Decimal(a).normalize():f}".replace(".", ",")
             for a in args]  # fmt: skip
    return f"={name}({';'.join(typed)})"


def shown(row: list[Any]) -> str:
    """A result row as Excel shows it, cells separated by « | »."""

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
