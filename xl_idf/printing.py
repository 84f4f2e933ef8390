"""How the sheets people print are laid out on paper, and how much room their text needs.

One page setup for every printed sheet of the template, the annotated copies and the calculator:
A4, every column on one page width, as many pages down as needed, the header row repeated on
each page, and a French footer naming the sheet and the page. Spreadsheet programs neither widen
a column nor grow a wrapped row when they open a file, so the builders size them here, from an
estimate of the text's width in Excel's column unit (the width of one digit of Calibri 11).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Literal

from openpyxl.cell.cell import Cell
from openpyxl.styles import Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

# The font the estimates below are made for; fonts without a name print in a program's default
# (a serif in LibreOffice), so the builders name it.
FONT_NAME = "Calibri"
FONT_SIZE = 11
DEFAULT_WIDTH = 8.43  # Excel's width of a column nobody sized
# Footer codes of Excel and LibreOffice: &F the file, &A the sheet, &P the page, &N the pages.
FOOTER_LEFT = "&F"
FOOTER_RIGHT = "&A — Page &P sur &N"
FOOTER_SIZE = 8
# Inches, OOXML's unit: narrow sides (the width is what a wide table is short of), room below
# for the footer.
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.75, "header": 0.3, "footer": 0.3}

# An A4 page's width less the side margins, in Excel's pixels (96 an inch): a sheet whose columns
# are wider than this in portrait is printed in landscape.
_A4_PORTRAIT = (8.27 - MARGINS["left"] - MARGINS["right"]) * 96


# A header boxed: printed, two wrapped headers side by side do not run together.
HEADER_BOX = Border(*(Side(style="thin", color="BFBFBF"),) * 4)


def font(*, bold: bool = False, size: float = FONT_SIZE, color: str | None = None,
         underline: Literal["single"] | None = None) -> Font:  # fmt: skip
    """A font of the workbooks, named so that every program prints the one the widths assume."""
    return Font(name=FONT_NAME, bold=bold, size=size, color=color, underline=underline)


def set_up_printing(sheet: Worksheet, title_rows: int | None) -> None:
    """A4, one page wide, `title_rows` repeated on each page, a French footer; set column widths
    first: they decide portrait or landscape.

    `title_rows` is the header row of the sheet's table; None for a sheet that has none (prose,
    or tables stacked each under its own header).
    """
    setup = sheet.page_setup
    setup.orientation = "portrait" if printed_width(sheet) <= _A4_PORTRAIT else "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    # One page wide; 0 pages tall means as many as the rows need.
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(**MARGINS)
    sheet.print_options.horizontalCentered = True
    if title_rows is not None:
        sheet.print_title_rows = f"{title_rows}:{title_rows}"
    footer = sheet.oddFooter
    assert footer is not None  # a worksheet always has one, empty until set
    for part, text in ((footer.left, FOOTER_LEFT), (footer.right, FOOTER_RIGHT)):
        part.text, part.size = text, FOOTER_SIZE


def printed_width(sheet: Worksheet) -> float:
    """The width of the sheet's used columns at full size, in Excel's pixels."""
    widths = (column_width(sheet, column) for column in range(1, sheet.max_column + 1))
    # Excel draws a column of width w as w digits of 7 pixels (Calibri 11) and 5 of margins.
    return sum(width * 7 + 5 for width in widths)


# --- How much room text needs ------------------------------------------------------------------
#
# Widths are in Excel's column unit, the width of a digit: a column of width 10 holds ten
# digits. Letters are measured against it on the wide side, for Calibri and for what replaces it
# where it is missing (LibreOffice's DejaVu Sans, wider still): rather a line too many than a
# cut word.
_NARROW = set(" .,:;'’()[]|!ijlrtfI-/«»\u00a0\u202f")
_WIDE = set("mwMW@%€—")
_BOLD = 1.12  # bold letters are about a tenth wider
_PADDING = 0.6  # the cell's inner margins (5 pixels of 7 a digit), in digit widths
INDENT = 2  # digit widths an indent level takes, on the wide side
LINE_HEIGHT = 15 / 11  # points of line height per point of font size (15 for Calibri 11)


def text_width(text: str, bold: bool = False, size: float = FONT_SIZE) -> float:
    """The width `text` needs on one line, in Excel's column unit."""
    width = sum(
        0.55 if c in _NARROW else 1.5 if c in _WIDE else 1.15 if c.isupper() else 1.0 for c in text
    )
    return width * (_BOLD if bold else 1.0) * size / FONT_SIZE


def needed_width(texts: Iterable[str], bold: bool = False, size: float = FONT_SIZE) -> int:
    """The column width that shows each of `texts` whole on one line."""
    return math.ceil(max((text_width(t, bold, size) for t in texts), default=0) + _PADDING)


def wrapped_lines(
    text: str, width: float, bold: bool = False, size: float = FONT_SIZE
) -> list[str]:
    """`text` wrapped at spaces into a column of `width`, as a spreadsheet program wraps it; a
    word wider than the column is broken where it reaches the edge, as they break it."""
    room = width - _PADDING
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, bold, size) > room:
                lines.append(line)
                candidate = word
            while len(candidate) > 1 and text_width(candidate, bold, size) > room:
                cut = next(n for n in range(len(candidate), 0, -1)
                           if n == 1 or text_width(candidate[:n], bold, size) <= room)  # fmt: skip
                lines.append(candidate[:cut])
                candidate = candidate[cut:]
            line = candidate
        lines.append(line)
    return lines


def fits(text: str, width: float, bold: bool = False, size: float = FONT_SIZE) -> bool:
    """Whether every word of `text` fits the column: a word wider than it is cut when printed."""
    room = width - _PADDING
    return all(text_width(word, bold, size) <= room for word in text.split())


def height_for(lines: int, size: float = FONT_SIZE) -> float:
    """The row height, in points, that shows `lines` lines of text of `size` points."""
    return round(lines * size * LINE_HEIGHT, 1)


def row_height(cells: Iterable[tuple[str, float, bool, float]]) -> float:
    """The height a row needs for its wrapped cells, each given as (text, width, bold, size)."""
    return max(
        (height_for(len(wrapped_lines(text, width, bold, size)), size)
         for text, width, bold, size in cells),
        default=height_for(1),
    )  # fmt: skip


def column_width(sheet: Worksheet, column: int) -> float:
    """The width of a column, in Excel's column unit."""
    letter = get_column_letter(column)
    dimensions = sheet.column_dimensions
    # Looked up, not indexed: indexing would add a dimension to the sheet.
    return dimensions[letter].width if letter in dimensions else DEFAULT_WIDTH


def text_room(sheet: Worksheet, cell: Cell) -> float:
    """The width a cell's text has: its column's or its merged range's, less its indent."""
    width = column_width(sheet, cell.column)
    for merged in sheet.merged_cells.ranges:
        if (merged.min_row, merged.min_col) == (cell.row, cell.column):
            width = sum(column_width(sheet, c) for c in range(merged.min_col, merged.max_col + 1))
    return width - INDENT * (cell.alignment.indent or 0)


def fit_rows(sheet: Worksheet, rows: Iterable[int] | None = None) -> None:
    """Give each row holding wrapped text the height its tallest cell needs (all rows: None)."""
    for row in range(1, sheet.max_row + 1) if rows is None else rows:
        wrapped = [
            (cell.value, text_room(sheet, cell), bool(cell.font.b), cell.font.sz or FONT_SIZE)
            for cell in sheet[row]
            if isinstance(cell.value, str) and cell.alignment.wrap_text
        ]
        if wrapped:
            sheet.row_dimensions[row].height = row_height(wrapped)
