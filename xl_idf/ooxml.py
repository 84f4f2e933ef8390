"""What the reader and the pre-checks both need to know of a workbook's XML (Office Open XML).

Column letters and numbers, cell references, the namespaces, and where each sheet's XML part
lies in the archive: one definition for `xl_idf.workbook` (which reads) and `xl_idf.safety`
(which checks a file before anything reads it). Standard library only.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath
from xml.etree import ElementTree

NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
WORKBOOK_PART = "xl/workbook.xml"
RELATIONSHIPS_PART = "xl/_rels/workbook.xml.rels"
_REFERENCE = re.compile(r"([A-Za-z]+)([0-9]+)")


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
