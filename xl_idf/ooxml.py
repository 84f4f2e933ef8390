"""What the reader and the pre-checks need to know of a workbook's XML (Office Open XML).

Column letters and numbers, cell references, the namespaces, and where each sheet's XML part
lies in the archive: one definition for `xl_idf.workbook` (which reads) and `xl_idf.safety`
(which checks a file before anything reads it). And what python-calamine does not give the
reader: the formulas no program computed, and the cells formatted as a percentage, each found
by one linear scan of a sheet's XML; and whether a workbook is a copy `--annotate` wrote. Standard
library only.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Iterator
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
WORKBOOK_PART = "xl/workbook.xml"
RELATIONSHIPS_PART = "xl/_rels/workbook.xml.rels"
_REFERENCE = re.compile(r"([A-Za-z]+)([0-9]+)")
# An XML part larger than this is not scanned for formulas (bounded memory).
FORMULA_SCAN_LIMIT = 256 * 2**20
# The custom document property an annotated copy carries: its source's file name (SPEC 4.3).
MARKER = "xl-idf-controle"
_CUSTOM_PART_LIMIT = 2**20  # a properties part is a few hundred bytes


def column_letters(number: int) -> str:
    """The letters of a 1-based column number: 1 -> A, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """The 1-based number of a column's letters: A -> 1, AA -> 27 (case ignored)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def split_reference(reference: str) -> tuple[int, int] | None:
    """(column, row) of a cell reference such as `K7`; None when it is not one."""
    match = _REFERENCE.fullmatch(reference)
    if match is None:
        return None
    return column_number(match[1]), int(match[2])


def part_path(target: str) -> str:
    """A relationship's target as a path in the archive (relative to `xl/`, or absolute)."""
    return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)


def workbook_relationships(archive: zipfile.ZipFile) -> list[ElementTree.Element]:
    """The relationships of the workbook part: its sheets, styles, shared strings…"""
    rels = ElementTree.fromstring(archive.read(RELATIONSHIPS_PART))
    return rels.findall("rel:Relationship", NS)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name to its XML part in the archive, from the workbook's relationships."""
    workbook = ElementTree.fromstring(archive.read(WORKBOOK_PART))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in workbook_relationships(archive)}
    return {
        sheet.get("name", ""): part_path(targets.get(sheet.get(R_ID), ""))
        for sheet in workbook.iterfind("main:sheets/main:sheet", NS)
    }


def related_part(archive: zipfile.ZipFile, kind: str) -> str | None:
    """The workbook's part of relationship type `kind` (its styles, say), or None."""
    for rel in workbook_relationships(archive):
        if rel.get("Type") == kind:
            return part_path(rel.get("Target", ""))
    return None


_TABLE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
_TABLE_LIMIT = 2**20  # a table part holds its columns' names, a few KiB


def table_starts(path: Path) -> dict[str, tuple[str, int]] | None:
    """Each Excel table with a data row: its sheet, and its first data row (0-based), by name.

    What python-calamine's tables say (`Table.sheet`, `Table.start`) without the cost: it reads
    the whole sheet again for each table. A table of its header row only is left out, as
    calamine cannot read it. None when the parts are not as expected: calamine then decides.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            found: dict[str, tuple[str, int]] = {}
            for sheet, part in sheet_parts(archive).items():
                folder = PurePosixPath(part).parent
                rels_part = str(folder / "_rels" / (PurePosixPath(part).name + ".rels"))
                if rels_part not in archive.namelist():
                    continue
                for rel in ElementTree.fromstring(archive.read(rels_part)).iterfind(
                    "rel:Relationship", NS
                ):
                    if rel.get("Type") != _TABLE_TYPE or rel.get("TargetMode") == "External":
                        continue
                    target = rel.get("Target", "")
                    table_part = (
                        target.lstrip("/")
                        if target.startswith("/")
                        else str(PurePosixPath(*_resolved(folder / target)))
                    )
                    if archive.getinfo(table_part).file_size > _TABLE_LIMIT:
                        return None
                    table = ElementTree.fromstring(archive.read(table_part))
                    name = table.get("displayName") or table.get("name") or ""
                    first, last = table.get("ref", "").partition(":")[::2]
                    top, bottom = split_reference(first), split_reference(last or first)
                    if top is None or bottom is None:
                        return None
                    header_rows = int(table.get("headerRowCount", "1"))
                    if bottom[1] - top[1] + 1 > header_rows:
                        found[name] = (sheet, top[1] - 1 + header_rows)
            return found
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
        return None


def _resolved(path: PurePosixPath) -> list[str]:
    """The parts of a path with its `..` steps applied (xl/worksheets/../tables/t.xml)."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return parts


_STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
# Excel's built-in number formats that show a percentage: 9 is « 0% », 10 is « 0.00% ».
_PERCENT_BUILTIN = frozenset({9, 10})
_STYLE = re.compile(rb'\ss="([0-9]+)"')
_CELL_START = re.compile(rb"<(?:\w+:)?c\s")  # <c r=..., or with a namespace prefix: <x:c r=...
# A cell with content (not a self-closing `<c .../>`), its reference, and its content: cells do
# not nest, so the lazy match stops at the cell's own end and the scan stays linear.
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?(?<!/)>(.*?)</c>', re.S)
# A formula element, not <formula1> of a data validation (`safety` looks for it too).
FORMULA = re.compile(rb"<f[ >]")
_VALUE = re.compile(rb"<v>[^<]")  # a computed value, not openpyxl's empty <v />


def formulas_without_value(
    path: Path, parts: Collection[str] | None = None
) -> dict[str, frozenset[str]]:
    """Per sheet name, the cells holding a formula that no spreadsheet program computed.

    Such a cell reads as empty (openpyxl writes formulas without their value), which would
    silently drop what the provider meant; it is reported instead (F08). `parts`: the sheets'
    parts known to hold a formula element (`safety.screen` finds them), the only ones read;
    None: every sheet is.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            targets = sheet_parts(archive)
            pending: dict[str, frozenset[str]] = {}
            for name, part in targets.items():
                if parts is not None and part not in parts:
                    continue
                info = archive.getinfo(part)
                if info.file_size > FORMULA_SCAN_LIMIT:
                    continue
                data = archive.read(part)
                if not FORMULA.search(data):
                    continue
                pending[name] = frozenset(
                    ref.decode()
                    for ref, body in _CELL.findall(data)
                    if FORMULA.search(body) and not _VALUE.search(body)
                )
            return pending
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        # Not a zip workbook with the usual parts: calamine has read it or said why it cannot.
        return {}


def percent_cells(path: Path, sheet: str, column: str) -> frozenset[str]:
    """The cells of `column` in `sheet` whose number format shows a percentage."""
    # python-calamine gives values without their formats, so the styles and the sheet's XML are
    # read here: linear, bounded like the formula scan, and only for the one column asked.
    try:
        with zipfile.ZipFile(path) as archive:
            styles = _percent_styles(archive)
            part = sheet_parts(archive).get(sheet)
            if not styles or part is None or archive.getinfo(part).file_size > FORMULA_SCAN_LIMIT:
                return frozenset()
            data = archive.read(part)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
        return frozenset()
    found = set()
    for ref, tag in _column_cells(data, column):
        style = _STYLE.search(tag)
        if style is not None and int(style[1]) in styles:
            found.add(ref)
    return frozenset(found)


def _column_cells(data: bytes, column: str) -> Iterator[tuple[str, bytes]]:
    """Each cell of `column` in a sheet's XML: its reference and its start tag."""
    # The references are found by a literal search, twenty times faster than a pattern that
    # starts at every cell; then each one's enclosing tag. A tag is looked at once, and never
    # searched back past the last one, so the scan stays linear even in a file built to defeat it.
    done = 0
    for ref in re.finditer(b'r="(' + column.encode() + rb'[0-9]+)"', data):
        if ref.start() < done:
            continue
        begin, end = data.rfind(b"<", done, ref.start()), data.find(b">", ref.end())
        if begin < 0 or end < 0:
            continue
        done = end
        tag = data[begin:end]
        if _CELL_START.match(tag) and data[ref.start() - 1 : ref.start()].isspace():
            yield ref[1].decode(), tag


def _percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The indexes of the cell formats (`cellXfs`, a cell's `s`) that show a percentage."""
    part = related_part(archive, _STYLES_TYPE)
    if part is None or archive.getinfo(part).file_size > FORMULA_SCAN_LIMIT:
        return frozenset()
    styles = ElementTree.fromstring(archive.read(part))
    codes = {
        int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "")
        for fmt in styles.iterfind("main:numFmts/main:numFmt", NS)
    }
    percent = {n for n in _PERCENT_BUILTIN if n not in codes}
    percent |= {n for n, code in codes.items() if is_percent_format(code)}
    return frozenset(
        index
        for index, xf in enumerate(styles.iterfind("main:cellXfs/main:xf", NS))
        if int(xf.get("numFmtId", "0")) in percent
    )


def is_percent_format(code: str) -> bool:
    """Whether an Excel number format shows a percentage: a « % » outside quotes and escapes."""
    chars = iter(code)
    for char in chars:
        if char == '"':  # a quoted text: « 0.0" %" » shows a literal sign
            for quoted in chars:
                if quoted == '"':
                    break
        elif char == "[":  # a colour, a condition or a locale: [Red], [>=100], [$-40C]
            for inside in chars:
                if inside == "]":
                    break
        elif char in "\\_*":  # \% a literal sign, _% a space as wide as it, *% a fill
            next(chars, None)
        elif char == "%":
            return True
    return False


def annotated_source(path: Path) -> str | None:
    """The source's name when `path` is a copy written by `--annotate`, else None.

    Read from the workbook's custom properties part with the standard library only: a folder of
    a thousand workbooks is sorted without opening any of them as a workbook.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/custom.xml")
            if info.file_size > _CUSTOM_PART_LIMIT:
                return None
            root = ElementTree.fromstring(archive.read(info))
    except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError, RuntimeError):
        return None  # no properties, or no zip: checked as any file, and said what it is
    for prop in root:
        if prop.get("name") == MARKER:
            return "".join(prop.itertext()).strip() or path.name
    return None
