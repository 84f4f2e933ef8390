"""Annotated copies of checked workbooks (SPEC 4.3, `--annotate`): every finding shown in place.

Each problem cell is filled by severity and carries a comment; a first sheet `Contrôles` lists
every finding with a link to its cell, and a sheet `Synthèse` gives each dossier's amounts. The
source is only read: the copy is saved under a temporary name beside its target, then moved
onto it, and never onto a file that was checked. Text from the input is written as text, never as a
formula (SPEC section 5).
"""

from __future__ import annotations

import zipfile
from collections.abc import Container, Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from xl_idf import french
from xl_idf.errors import XlIdfError
from xl_idf.files import Protected, write_atomically
from xl_idf.findings import Finding, Severity
from xl_idf.money import CENT
from xl_idf.ooxml import MARKER
from xl_idf.printing import HEADER_BOX, fit_rows, font, needed_width, set_up_printing
from xl_idf.report import DossierSummary, FileReport, FileStatus, Report
from xl_idf.template_columns import EUROS

CONTROLS, SUMMARY = "Contrôles", "Synthèse"
AUTHOR = "xl-idf"
SUFFIX = "-controle"

FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
_WORST_FIRST = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_LINK_FONT = font(color="0563C1", underline="single")
_BOLD = font(bold=True)
_TOP = Alignment(vertical="top")
_WRAPPED = Alignment(wrap_text=True, vertical="top")
# Set off from the amount before it, which is aligned right.
_MOTIVE = Alignment(horizontal="left", wrap_text=True, vertical="top", indent=1)
# Headers boxed on a grey ground, centred over their column.
_HEAD = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEAD_FILL = PatternFill(fill_type="solid", start_color="F2F2F2", end_color="F2F2F2")
_FORMULA_STARTS = ("=", "+", "-", "@")
_CELL_TEXT_MAX = 32767  # Excel's limit; a longer cell makes Excel "repair" the file
_COMMENT_WIDTH, _COMMENT_LINE = 320, 48  # pixels, and characters that fit in that width

CONTROL_HEADERS = ("Gravité", "Code", "Feuille", "Cellule", "Dossier", "Message")
# The messages wrap in the last column, narrow enough that the six print across a landscape page.
CONTROL_WIDTHS = (14, 7, 14, 9, 16, 80)
# The four schedules of SPEC 3 side by side: never a due amount under a « versé » heading.
_SCHEDULES = ("Dû", "Déjà versé", "Reste à verser")
_INSTALMENTS = ("phase 1", "acompte phase 2", "solde phase 2")
SUMMARY_HEADERS = (
    "N° dossier", "Éligibilité", "Catégorie", "Subvention phase 1 (€)", "Subvention phase 2 (€)",
    "Subvention totale (€)",
    *(f"{schedule} {instalment} (€)" for schedule in _SCHEDULES for instalment in _INSTALMENTS),
    "Motif (subvention réduite ou nulle)",
)  # fmt: skip
_AMOUNTS = len(SUMMARY_HEADERS) - 4  # every column between the category and the motive
# Headers wrap on up to four lines, the motive wraps; an amount column widens for its amounts
# (_summary_widths). Sixteen columns on one landscape page print at about half of full size.
SUMMARY_WIDTHS = (13, 11, 11, *([11] * _AMOUNTS), 30)


class AnnotationRefused(XlIdfError):
    """The annotated copy would be written over a checked workbook; the message says which."""


def annotate_all(report: Report, files: Sequence[Path], folder: Path) -> list[str]:
    """Write an annotated copy of each readable file into `folder`; French lines say how it went."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return [f"Copies annotées impossibles : dossier « {folder} » ({french.os_error(exc)})"]
    # Every checked file is protected, not only each copy's source: a copy named like another
    # checked workbook (q.xlsx -> q-controle.xlsx, both checked) must not replace it.
    protected = Protected.of(files)
    lines: list[str] = []
    taken: set[Path] = set()
    for file_report, source in zip(report.files, files, strict=True):
        if file_report.status is FileStatus.UNREADABLE:
            why = "; ".join(f.message for f in file_report.findings)
            lines.append(f"« {source} » : pas de copie annotée ({why})")
            continue
        target = target_for(source, folder, taken)
        taken.add(target.resolve())
        try:
            if protected.covers(target):
                raise AnnotationRefused(_refusal(target))
            annotate(source, target, file_report)
        except AnnotationRefused as exc:
            lines.append(f"« {source} » : pas de copie annotée, {exc}")
        except (OSError, XlIdfError) as exc:
            reason = french.os_error(exc) if isinstance(exc, OSError) else str(exc)
            lines.append(f"« {source} » : copie annotée « {target} » non écrite ({reason})")
        except (InvalidFileException, zipfile.BadZipFile):
            # The file changed since it was checked, or openpyxl cannot read what calamine could.
            lines.append(
                f"« {source} » : pas de copie annotée, le classeur n'a pas pu être rouvert pour "
                "l'annoter"
            )
        else:
            counts = ", ".join(
                _count(file_report.count(s), word) for s, word in _COUNT_WORDS.items()
            )
            lines.append(f"« {source} » : copie annotée écrite dans « {target} » ({counts})")
    return lines


def target_for(source: Path, folder: Path, taken: Container[Path] = ()) -> Path:
    """`folder/<stem>-controle<suffix>`, numbered when another file of the run took that name."""
    target = folder / f"{source.stem}{SUFFIX}{source.suffix}"
    number = 2
    # Two checked files may share a name in different folders: neither copy replaces the other.
    while target.resolve() in taken:
        target = folder / f"{source.stem}{SUFFIX}-{number}{source.suffix}"
        number += 1
    return target


def _refusal(target: Path) -> str:
    return (
        f"« {target} » est un classeur contrôlé, qui n'est jamais modifié : "
        "choisir un autre dossier pour les copies annotées"
    )


def annotate(source: Path, target: Path, file_report: FileReport) -> None:
    """Write to `target` a copy of `source` with every finding of `file_report` shown."""
    if Protected.of([source]).covers(target):
        raise AnnotationRefused(_refusal(target))
    macros = source.suffix.lower() == ".xlsm"
    # keep_vba: without it, openpyxl saves an .xlsm without its VBA project (its macros).
    workbook = load_workbook(source, keep_vba=macros)
    mark_cells(workbook, file_report.findings)
    for title in (CONTROLS, SUMMARY):
        _remove_sheet(workbook, title)  # a copy of a copy gets fresh sheets, not a second set
    controls = workbook.create_sheet(CONTROLS, 0)
    write_controls(controls, file_report.findings, set(workbook.sheetnames))
    write_summary(workbook.create_sheet(SUMMARY, 1), file_report)
    _open_on(workbook, controls)
    _mark(workbook, source.name)
    write_atomically(target, workbook.save)


def _mark(workbook: Workbook, source: str) -> None:
    """Set the property by which a later run knows the copy (a copy of a copy: replaced)."""
    custom = workbook.custom_doc_props  # type: ignore[attr-defined]  # missing from the stubs
    for prop in [p for p in custom if p.name == MARKER]:
        custom.props.remove(prop)
    custom.append(StringProperty(name=MARKER, value=source))


def mark_cells(workbook: Workbook, findings: Iterable[Finding]) -> None:
    """Fill each flagged cell by its worst severity and comment it with its findings."""
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for found in findings:
        if found.sheet in workbook.sheetnames and found.cell and _is_cell(found.cell):
            by_cell.setdefault((found.sheet, found.cell), []).append(found)
    for (sheet, coordinate), here in by_cell.items():
        worksheet = workbook[sheet]
        assert isinstance(worksheet, Worksheet)  # findings are on data sheets, not charts
        cell = _anchor(worksheet, coordinate)
        worst = min(here, key=lambda f: _WORST_FIRST.index(f.severity)).severity
        cell.fill = _fill(worst)
        text = "\n".join(f"{f.code} {f.severity.french} : {f.message}" for f in here)
        earlier = cell.comment
        if earlier is not None and earlier.author != AUTHOR:
            # The provider's own note stays, below the findings.
            text += f"\n\nCommentaire d'origine ({earlier.author}) :\n{earlier.text}"
        cell.comment = _comment(text)


def write_controls(sheet: Worksheet, findings: Sequence[Finding], sheets: set[str]) -> None:
    """The `Contrôles` sheet: one row per finding, in report order, linked to its cell."""
    _header(sheet, CONTROL_HEADERS, CONTROL_WIDTHS)
    for row, found in enumerate(findings, start=2):
        values = (found.severity.french, found.code, found.sheet, found.cell, found.dossier,
                  found.message)  # fmt: skip
        cells = [write_text(sheet, row, column, v) for column, v in enumerate(values, start=1)]
        for cell in cells:
            cell.alignment = _TOP
        cells[0].fill = _fill(found.severity)
        cells[5].alignment = _WRAPPED
        if found.sheet in sheets and found.cell and _is_cell(found.cell):
            # A location is a link inside the workbook; openpyxl writes a plain string as an
            # external relationship, a link to a file.
            where = cells[3]
            where.hyperlink = Hyperlink(
                ref=where.coordinate, location=f"{quote_sheetname(found.sheet)}!{found.cell}"
            )
            where.font = _LINK_FONT
    if findings:
        sheet.auto_filter.ref = f"A1:F{len(findings) + 1}"
        fit_rows(sheet, range(2, len(findings) + 2))  # programs do not grow them on opening
    else:
        write_text(sheet, 2, 1, "Aucun problème relevé dans ce classeur.")
    set_up_printing(sheet, title_rows=1)


def write_summary(sheet: Worksheet, file_report: FileReport) -> None:
    """The `Synthèse` sheet: the file's status and counts, then each dossier's amounts."""
    facts: list[tuple[str, str | int]] = [
        ("Fichier", Path(file_report.path).name),
        ("Statut", file_report.status.french),
        *((f"{word.capitalize()}s", file_report.count(s)) for s, word in _COUNT_WORDS.items()),
    ]
    for row, (label, value) in enumerate(facts, start=1):
        write_text(sheet, row, 1, label).font = _BOLD
        if isinstance(value, int):
            sheet.cell(row=row, column=2, value=value)
        else:
            write_text(sheet, row, 2, value)
    rows = [(dossier, amounts(dossier)) for dossier in file_report.summaries]
    # SPEC 2: totals count only the dossiers eligible and awarded more than 0.
    totals = [sum((a[i] for d, a in rows if d.counts), Decimal(0)) for i in range(_AMOUNTS)]
    top = len(facts) + 2
    widths = _summary_widths([a for _, a in rows], totals)
    widths[0] = max(widths[0], needed_width([label for label, _ in facts], bold=True))
    _header(sheet, SUMMARY_HEADERS, widths, top)
    motive = len(SUMMARY_HEADERS)
    for row, (dossier, values) in enumerate(rows, start=top + 1):
        texts = (dossier.dossier, dossier.eligibility.french, dossier.category)
        for column, text in enumerate(texts, start=1):
            write_text(sheet, row, column, text).alignment = _TOP
        for index, amount in enumerate(values):
            _write_euros(sheet, row, 4 + index, amount).alignment = _TOP
        if dossier.motive:
            write_text(sheet, row, motive, dossier.motive).alignment = _MOTIVE
            fit_rows(sheet, [row])
    total_row = top + 1 + len(rows)
    write_text(sheet, total_row, 1, "Total").font = _BOLD
    write_text(sheet, total_row, 2, "dossiers éligibles et aidés")
    # Over the empty category: the words would be cut at the first amount.
    sheet.merge_cells(start_row=total_row, start_column=2, end_row=total_row, end_column=3)
    for index, amount in enumerate(totals):
        _write_euros(sheet, total_row, 4 + index, amount).font = _BOLD
    if rows:
        sheet.auto_filter.ref = f"A{top}:{get_column_letter(motive)}{total_row - 1}"
    set_up_printing(sheet, title_rows=top)


def _summary_widths(rows: Sequence[Sequence[Decimal]], totals: Sequence[Decimal]) -> list[int]:
    """`SUMMARY_WIDTHS`, each amount column widened to show its amounts and bold total whole.

    A number wider than its column shows as « #### » in Excel.
    """
    widths = list(SUMMARY_WIDTHS)
    for index, total in enumerate(totals):
        shown = [french.eur(row[index]) for row in rows]
        widths[3 + index] = max(
            widths[3 + index], needed_width(shown), needed_width([french.eur(total)], bold=True)
        )
    return widths


def amounts(dossier: DossierSummary) -> tuple[Decimal, ...]:
    """A dossier's amounts in the order of the `Synthèse` columns."""
    return (
        dossier.subsidy_phase1, dossier.subsidy_phase2, dossier.subsidy_total,
        *(amount for schedule in (dossier.due, dossier.paid, dossier.remaining)
          for _, amount in schedule.items()),
    )  # fmt: skip


def write_text(sheet: Worksheet, row: int, column: int, text: str | None) -> Cell:
    """Put `text` in a cell as text, never as a formula (SPEC section 5); None leaves it empty."""
    # openpyxl refuses control characters; Excel refuses cells longer than its limit.
    clean = None if text is None else ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)[:_CELL_TEXT_MAX]
    cell = sheet.cell(row=row, column=column, value=clean)
    if clean is not None:
        cell.data_type = "s"  # openpyxl makes a formula of any string starting with "="
        if clean.startswith(_FORMULA_STARTS):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited again
    return cell


def euros(amount: Decimal) -> float:
    """An amount as the number a cell holds: the cent value, converted once, here."""
    return float(amount.quantize(CENT))


_COUNT_WORDS = {
    Severity.ERROR: "erreur",
    Severity.WARNING: "avertissement",
    Severity.INFO: "information",
}


def _count(number: int, word: str) -> str:
    """`3 erreurs`, `1 erreur`, `0 erreur` (French keeps 0 singular), `1 234 erreurs`."""
    return french.count(number, word)


def _write_euros(sheet: Worksheet, row: int, column: int, amount: Decimal) -> Cell:
    cell = sheet.cell(row=row, column=column, value=euros(amount))
    cell.number_format = EUROS
    return cell


def _fill(severity: Severity) -> PatternFill:
    color = FILLS[severity]
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


def _comment(text: str) -> Comment:
    """A comment sized to show its text without scrolling (up to a screenful)."""
    clean = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)[:_CELL_TEXT_MAX]
    lines = sum(1 + len(line) // _COMMENT_LINE for line in clean.split("\n"))
    return Comment(clean, AUTHOR, height=min(20 + 15 * lines, 600), width=_COMMENT_WIDTH)


def _header(sheet: Worksheet, labels: Sequence[str], widths: Sequence[int], row: int = 1) -> None:
    """A bold header row, wrapped and as tall as it needs, frozen, with column widths."""
    for column, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        cell = write_text(sheet, row, column, label)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEAD_FILL, HEADER_BOX, _HEAD
        sheet.column_dimensions[get_column_letter(column)].width = width
    fit_rows(sheet, [row])
    sheet.freeze_panes = f"A{row + 1}"


def _is_cell(coordinate: str) -> bool:
    """Whether `coordinate` names one cell (K2), not a range or a column."""
    try:
        coordinate_to_tuple(coordinate)
    except ValueError:
        return False
    return True


def _anchor(sheet: Worksheet, coordinate: str) -> Cell:
    """The cell at `coordinate`, or the top-left cell of the merged range that covers it."""
    row, column = coordinate_to_tuple(coordinate)
    cell = sheet.cell(row=row, column=column)
    if isinstance(cell, MergedCell):
        merged = next(r for r in sheet.merged_cells.ranges if coordinate in r)
        cell = sheet.cell(row=merged.min_row, column=merged.min_col)
    assert isinstance(cell, Cell)
    return cell


def _remove_sheet(workbook: Workbook, title: str) -> None:
    """Remove the sheet named `title` (Excel compares sheet names ignoring case)."""
    for name in workbook.sheetnames:
        if name.casefold() == title.casefold():
            del workbook[name]


def _open_on(workbook: Workbook, sheet: Worksheet) -> None:
    """Make `sheet` the one shown on opening, and the only one selected."""
    for other in workbook.worksheets:
        # Two selected tabs make a group in Excel: typing in one would change both.
        other.sheet_view.tabSelected = other is sheet
    workbook.active = sheet
    if workbook.views:
        workbook.views[0].firstSheet = 0
