"""Checks made before any library parses a file: is it a workbook we may safely read?

python-calamine and openpyxl trust the archive they are given: neither checks a zip bomb, and
calamine aborts the whole process (SIGABRT, a 512 GiB allocation) on a sheet whose cell sits in a
far corner, past Excel's limits. These checks
read the file's first bytes and the zip directory, then stream each part once in small chunks,
looking only at XML prologs and cell references: bounded memory, and time linear in the content.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO
from xml.etree import ElementTree

from xl_idf import french
from xl_idf.ooxml import (
    FORMULA,
    RELATIONSHIPS_PART,
    WORKBOOK_PART,
    column_letters,
    column_number,
    sheet_parts,
)

EXTENSIONS = (".xlsx", ".xlsm")
# An Office file protected by a password, or an old .xls, is an OLE compound file.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# Limits no quarter's workbook comes near: 100,000 rows of 23 columns inflate to about 90 MiB.
MAX_UNCOMPRESSED = 1 * 2**30
MAX_RATIO = 200  # XML compresses about 10 to 20 times; 200 is a bomb
RATIO_FLOOR = 2**20  # a part inflating to less than this is harmless, whatever its ratio
MAX_MEMBERS = 10_000
# Excel's own limits: no sheet saved by Excel or LibreOffice goes beyond them.
MAX_ROW = 1_048_576
MAX_COLUMN = 16_384  # XFD
# The rectangle from A1 to a sheet's last filled cell is what the reader allocates (about
# 40 bytes a cell, measured); beyond this it would take gigabytes, or abort.
MAX_CELLS = 20_000_000
HEAD_BYTES = 2**16  # an XML prolog and a sheet's <dimension> come well before this
CHUNK_BYTES = 2**20
SHEET_ROOTS = frozenset({b"worksheet", b"macrosheet", b"dialogsheet"})

# What may come before an XML part's root element, short of a DOCTYPE.
_MISC = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_ROOT = re.compile(rb"<(?:[\w.-]+:)?([\w.-]+)")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)")
_CORNER = re.compile(rb"\$?([A-Za-z]*)\$?([0-9]*)")
# A reference past column ZZ or row 999,999: rare, so this one search is the whole cost for a
# normal sheet; a sheet where it matches gets the exact (slower) `_extent_reason`.
# Written as Excel writes it (one space, double quotes): another spelling of the attribute
# escapes this gate, and then only the reader's own memory and time limits stand (validate.py).
# The letters taken whole (possessive): no digit can stand for a letter given back, and a
# normal reference fails at once (a million of them on 100,000 lines).
_FAR = re.compile(rb' r="(?:[A-Za-z]{3}|[A-Za-z]{0,2}+[0-9]{7})')
_FAR_OVERLAP = 16  # a match is shorter than this: carried over from one chunk to the next
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb"(?<![\w:.-])r\s*=\s*[\"']([A-Za-z]*)([0-9]*)[\"']")


@dataclass(frozen=True)
class Screening:
    """What the checks before any parser found: why the file cannot be read (None: it may be),
    and which of its sheets' parts hold a formula element, found on the way (the reader looks
    for formulas without their value in those only: `ooxml.formulas_without_value`)."""

    reason: str | None
    formula_parts: frozenset[str] = frozenset()


def unreadable_reason(path: Path) -> str | None:
    """Why `path` cannot be read as a workbook, in French; None when it may be read."""
    return screen(path).reason


def screen(path: Path) -> Screening:
    """Why `path` cannot be read as a workbook (`unreadable_reason`), and its sheets' parts that
    hold a formula."""
    if path.suffix.lower() not in EXTENSIONS:
        if path.suffix.lower() == ".xls":
            return Screening(
                "format .xls (Excel 97-2003) non pris en charge : l'enregistrer en .xlsx"
            )
        return Screening(
            f"extension « {path.suffix or 'aucune'} » : un classeur .xlsx ou .xlsm est attendu"
        )
    try:
        # Without blocking: a named pipe given as a workbook must not hang its opening.
        handle = open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb")  # noqa: SIM115
    except OSError as exc:
        return Screening(f"fichier illisible ({french.os_error(exc)})")
    formulas: set[str] = set()
    # Every check reads this one handle: the file cannot be swapped between them.
    with handle:
        try:
            return Screening(_file_reason(handle, formulas), frozenset(formulas))
        except OSError as exc:
            return Screening(f"fichier illisible ({french.os_error(exc)})")


def _file_reason(handle: BinaryIO, formulas: set[str]) -> str | None:
    """Why the open file cannot be read as a workbook, in French; None when it may be read."""
    # (A folder never gets here: opening it raises IsADirectoryError.)
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        return "ce n'est pas un fichier ordinaire (tube, périphérique…)"
    head = handle.read(len(OLE_SIGNATURE))
    if not head:
        return "fichier vide"
    if head == OLE_SIGNATURE:
        return _ole_reason(handle)
    if not zipfile.is_zipfile(handle):
        if head.startswith(ZIP_SIGNATURE):
            return (
                "classeur tronqué : la fin de l'archive manque (copie ou téléchargement "
                "interrompu ?)"
            )
        # Wording relied on by tests/test_annotate.py: kept as it was.
        return "ce n'est pas un classeur Excel (.xlsx) : fichier d'un autre type, ou tronqué"
    try:
        with zipfile.ZipFile(handle) as archive:
            return _directory_reason(archive.infolist()) or _content_reason(archive, formulas)
    # zipfile raises these too on a damaged directory (version, flags, a name's encoding).
    except (
        zipfile.BadZipFile,
        EOFError,
        zlib.error,
        NotImplementedError,
        UnicodeDecodeError,
    ) as exc:
        return f"archive du classeur endommagée ({exc})"


def _ole_reason(handle: BinaryIO) -> str:
    """Why an OLE compound file is refused: a password-protected workbook, or an old .xls."""
    names = _ole_names(handle)
    if names & {"EncryptedPackage", "EncryptionInfo"}:
        return "classeur protégé par un mot de passe : l'enregistrer sans mot de passe"
    if names & {"Workbook", "Book"}:
        return (
            "classeur au format .xls (Excel 97-2003) sous une extension .xlsx : l'enregistrer "
            "au format .xlsx"
        )
    return (
        "fichier Office d'un ancien format (OLE), pas un classeur .xlsx : classeur .xls ou "
        "protégé par un mot de passe"
    )


def _ole_names(handle: BinaryIO) -> set[str]:
    """The stream names in the first sector of an OLE file's directory (enough to tell)."""
    handle.seek(0)
    header = handle.read(512)
    shift = int.from_bytes(header[30:32], "little")
    if shift not in (9, 12):  # 512- or 4096-byte sectors: nothing else exists
        return set()
    handle.seek((int.from_bytes(header[48:52], "little") + 1) << shift)
    sector = handle.read(1 << shift)
    names = set()
    for start in range(0, len(sector) - 127, 128):
        length = int.from_bytes(sector[start + 64 : start + 66], "little")
        if 2 <= length <= 64:
            names.add(sector[start : start + length - 2].decode("utf-16-le", errors="replace"))
    return names


def _directory_reason(members: list[zipfile.ZipInfo]) -> str | None:
    """What the zip directory alone shows to be wrong: sizes, ratios, methods, encryption."""
    if len(members) > MAX_MEMBERS:
        return f"archive anormale ({len(members)} éléments)"
    if WORKBOOK_PART not in {m.filename for m in members}:
        return "archive sans classeur Excel (xl/workbook.xml absent)"
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        size = french.number(total // 2**20)
        return f"contenu décompressé démesuré ({size} Mio) : fichier piégé ou trop lourd"
    for member in members:
        if member.flag_bits & 0x1:
            return (
                f"élément « {member.filename} » chiffré : enregistrer le classeur sans mot de passe"
            )
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return f"élément « {member.filename} » compressé d'une façon qu'Excel n'emploie pas"
        if member.file_size > max(RATIO_FLOOR, MAX_RATIO * member.compress_size):
            return (
                f"taux de compression anormal dans « {member.filename} » (bombe de "
                "décompression probable)"
            )
    return None


def _content_reason(archive: zipfile.ZipFile, formulas: set[str]) -> str | None:
    """What reading each part once shows: damage, a DOCTYPE, a sheet too far-reaching; the
    sheets' parts that hold a formula go into `formulas`."""
    for member in archive.infolist():
        if member.is_dir():
            continue
        try:
            reason = _part_reason(archive, member, formulas)
        except zipfile.BadZipFile as exc:
            # Python checks each part's CRC as it inflates it, and where its header stands.
            why = "somme de contrôle fausse" if "CRC" in str(exc) else f"en-tête incohérent : {exc}"
            return f"élément « {member.filename} » endommagé ({why})"
        except (EOFError, zlib.error):
            return f"élément « {member.filename} » endommagé (données compressées illisibles)"
        except NotImplementedError as exc:  # a local header's flags that zipfile cannot read
            return f"élément « {member.filename} » endommagé (en-tête incohérent : {exc})"
        if reason:
            return reason
    return None


def _part_reason(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, formulas: set[str]
) -> str | None:
    """Inflate one part in chunks; a French reason if it must not reach a parser. A sheet's
    part that holds a formula element goes into `formulas`."""
    with archive.open(member) as stream:
        head = stream.read(HEAD_BYTES)
        prolog = _utf8(head)
        position = 0
        while (misc := _MISC.match(prolog, position)) and misc.end() > position:
            position = misc.end()
        if prolog.startswith(b"<!DOCTYPE", position):
            # OOXML forbids DTDs; entities are how XML bombs (billion laughs) expand.
            return f"déclaration DOCTYPE dans « {member.filename} », interdite dans un classeur"
        root = _ROOT.match(prolog, position)
        # A prolog that fills the whole head would hide what follows it from this check.
        if root is None and (
            prolog.startswith(b"<!", position)
            or (position == len(prolog) and len(head) == HEAD_BYTES)
        ):
            return f"en-tête XML démesuré ou invalide dans « {member.filename} »"
        sheet = root is not None and root.group(1) in SHEET_ROOTS
        if sheet and (reason := _dimension_reason(head)):
            return f"{_sheet_label(archive, member.filename)} : {reason}"
        far = sheet and _FAR.search(head) is not None
        formula = sheet and _has_formula(head)
        tail = head[-_FAR_OVERLAP:]
        while chunk := stream.read(CHUNK_BYTES):
            if sheet and not (far and formula):
                data = tail + chunk
                far = far or _FAR.search(data) is not None
                formula = formula or _has_formula(data)
                tail = chunk[-_FAR_OVERLAP:]
    if formula:
        formulas.add(member.filename)
    return _extent_reason(archive, member) if far else None


def _has_formula(data: bytes) -> bool:
    """Whether `data` holds a formula element, as `ooxml.formulas_without_value` looks for it
    (`<f ` or `<f>`, not `<formula1>`). One pattern, not two literal searches: « < » starts
    every tag and « > » or a space ends most, which slow a literal search down (13 against
    60 ms on 50 MB of a sheet's XML)."""
    return FORMULA.search(data) is not None


def _utf8(head: bytes) -> bytes:
    """The head of a part as UTF-8, whether it came in UTF-8 or UTF-16 (with or without BOM)."""
    if head[:2] in (b"\xff\xfe", b"<\x00"):
        return head.decode("utf-16-le", errors="ignore").lstrip("\ufeff").encode()
    if head[:2] in (b"\xfe\xff", b"\x00<"):
        return head.decode("utf-16-be", errors="ignore").lstrip("\ufeff").encode()
    return head.removeprefix(b"\xef\xbb\xbf")


def _dimension_reason(head: bytes) -> str | None:
    """A sheet's declared extent (`<dimension ref=...>`) past Excel's limits, in French."""
    found = _DIMENSION.search(head)
    if found is None:
        return None
    for corner in found.group(1).split(b":"):
        cell = _CORNER.fullmatch(corner)
        if cell and _beyond(cell.group(1), cell.group(2)):
            return f"étendue déclarée {_shown(corner)} {_BEYOND}"
    return None


_BEYOND = (
    f"au-delà des limites d'Excel ({french.number(MAX_ROW)} lignes, "
    f"{french.number(MAX_COLUMN)} colonnes) : fichier endommagé ou piégé"
)


def _extent_reason(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> str | None:
    """The exact extent of a sheet's filled cells, in French if it is past what can be read."""
    last_row = last_column = 0
    row_at = column_at = b""
    with archive.open(member) as stream:
        row, column = 0, 0  # where a cell without its own reference stands
        for tag in _tags(stream):
            ref = _REF.search(tag.group(2))
            letters, digits = (ref.group(1), ref.group(2)) if ref else (b"", b"")
            if tag.group(1) == b"row":
                row, column = (_number(digits) if digits else row + 1), 0
                continue
            column = _column(letters) if letters else column + 1
            cell_row = _number(digits) if digits else row
            where = (letters or _letters(column)) + (digits or str(row).encode())
            if cell_row > MAX_ROW or column > MAX_COLUMN:
                label = _sheet_label(archive, member.filename)
                return f"{label} : cellule {_shown(where)} {_BEYOND}"
            if tag.group(2).endswith(b"/"):
                continue  # an empty cell: the reader skips it
            if cell_row > last_row:
                last_row, row_at = cell_row, where
            if column > last_column:
                last_column, column_at = column, where
            if last_row * last_column > MAX_CELLS:
                cells = _shown(row_at)
                if column_at != row_at:
                    cells = f"aux cellules {cells} et {_shown(column_at)}"
                else:
                    cells = f"à la cellule {cells}"
                return (
                    f"{_sheet_label(archive, member.filename)} s'étend jusqu'{cells} : plus "
                    f"de {french.number(MAX_CELLS // 1_000_000)} millions de cellules à "
                    "lire ; effacer les cellules remplies loin du tableau (Ctrl+Fin mène à "
                    "la dernière)"
                )
    return None


def _tags(stream: IO[bytes]) -> Iterator[re.Match[bytes]]:
    """Each <row> and <c> start tag of a part read in chunks, a tag across two chunks too."""
    carry = b""
    while chunk := stream.read(CHUNK_BYTES):
        data = carry + chunk
        cut = data.rfind(b"<")
        # A tag longer than the head is no sheet's: past it, the reader's own limits stand.
        if cut < 0 or len(data) - cut > HEAD_BYTES:
            cut = len(data)
        yield from _TAG.finditer(data, 0, cut)
        carry = data[cut:]
    yield from _TAG.finditer(carry)


def _beyond(letters: bytes, digits: bytes) -> bool:
    """Whether a reference's column or row is past Excel's limits."""
    return bool(letters and _column(letters) > MAX_COLUMN) or bool(
        digits and _number(digits) > MAX_ROW
    )


def _number(digits: bytes) -> int:
    """A row number; a huge one (thousands of digits) is only known to be past the limits."""
    digits = digits.lstrip(b"0")
    return int(digits or b"0") if len(digits) <= 10 else MAX_ROW + 1


def _column(letters: bytes) -> int:
    """A column's number from its letters: A -> 1, XFD -> 16384 (past 4 letters, just past)."""
    return MAX_COLUMN + 1 if len(letters) > 4 else column_number(letters.decode("ascii"))


def _letters(number: int) -> bytes:
    """A column's letters from its number: 1 -> A, 16384 -> XFD."""
    return column_letters(number).encode("ascii")


def _shown(reference: bytes) -> str:
    """A reference from the file, cut short and printable, for a message."""
    text = reference.decode("ascii", errors="replace")
    return text if len(text) <= 20 else text[:20] + "…"


def _sheet_label(archive: zipfile.ZipFile, part: str) -> str:
    """« la feuille « Dossiers » » for a sheet part, from the workbook; its part name if unknown."""
    unknown = f"la feuille enregistrée dans « {part} »"
    try:
        parts = [archive.getinfo(n) for n in (WORKBOOK_PART, RELATIONSHIPS_PART)]
        # Only a message hangs on it: parts of unusual size are not worth parsing.
        if max(p.file_size for p in parts) > HEAD_BYTES * 16:
            return unknown
        names = {path: name for name, path in sheet_parts(archive).items()}
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, EOFError, zlib.error):
        return unknown
    return f"la feuille « {names[part]} »" if part in names else unknown
