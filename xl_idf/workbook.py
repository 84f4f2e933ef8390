"""Reading a provider's workbook: typed records, each value with its cell, and format findings.

The reader finds each sheet's header row by its labels (case, accents and spacing ignored), so a
title row above, moved or extra columns and blank rows do not break it; it starts from the Excel
table where there is one, and goes on below the table for rows typed after it without extending
it. Values are read by python-calamine, about ten times faster than openpyxl's read-only mode
(14 against 115 µs a row on this project's machine); each column is then typed at once, each
distinct value once (`xl_idf.sheet_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from xl_idf import sheet_rows, values
from xl_idf.book import Book, WorkbookUnreadable
from xl_idf.catalogue import finding
from xl_idf.findings import Finding, Location
from xl_idf.ooxml import column_letters, formulas_without_value, percent_cells
from xl_idf.programme import Parameters
from xl_idf.records import RECORD_KINDS, Dossier, ExpenseLine, Payment, Record
from xl_idf.sheet_rows import RowCells, TypedColumn, attempt, cells_of, columns_of, type_column
from xl_idf.slots import maker

# WorkbookUnreadable is raised here, for the callers to catch.
__all__ = [
    "PERCENT_READERS",
    "LinesToType",
    "WorkbookContent",
    "WorkbookUnreadable",
    "field_readers",
    "read_workbook",
    "read_workbook_parts",
]

# How far down a sheet the header row is looked for (a few title rows at most).
HEADER_SEARCH_ROWS = 30

Reader = Callable[[object], values.Reading[Any]]
T = TypeVar("T")


@dataclass(frozen=True)
class WorkbookContent:
    """What a workbook holds: its records, and the findings about its format."""

    path: str
    dossiers: tuple[Dossier, ...]
    lines: tuple[ExpenseLine, ...]
    payments: tuple[Payment, ...]
    findings: tuple[Finding, ...]


def field_readers(params: Parameters) -> dict[type[Record], dict[str, Reader]]:
    """For each record and field, the edge reader of its column's values (its description's)."""
    return {
        kind: {name: spec.reader(params) for name, spec in kind.columns().items()}
        for kind in RECORD_KINDS
    }


# Fields read by their cell's number format as well as its value: a cell formatted as a
# percentage holds a fraction (Excel stores 60 % as 0.6), read by this reader instead.
PERCENT_READERS: Mapping[type[Record], Mapping[str, Reader]] = {
    kind: {
        name: spec.read_formatted
        for name, spec in kind.columns().items()
        if spec.read_formatted is not None
    }
    for kind in RECORD_KINDS
}


def read_workbook(
    path: Path,
    params: Parameters,
    formula_parts: Collection[str] | Callable[[], Collection[str]] | None = None,
    dossiers_read: Callable[[tuple[Dossier, ...]], None] | None = None,
) -> WorkbookContent:
    """Read a provider workbook into records; raise `WorkbookUnreadable` if it is no workbook.

    `formula_parts`: the sheets' parts that hold a formula, as `safety.screen` found them (the
    others are not read again for formulas without their value); None: not known; or a
    function that gives them, called once the sheets are being read (the screen of a big
    file, made beside).
    `dossiers_read`: called with the dossiers once they are read, while the sheet of lines,
    longer, is still being parsed beside: what it does costs no time up to then.
    """
    content, lines = read_workbook_parts(path, params, formula_parts, dossiers_read)
    return content if lines is None else lines.into(content, *lines.records(None))


class LinesToType:
    """The sheet of lines read and its header found, its rows not yet typed: they can be typed
    in parts, each by the process that checks them (`validate.check_file`)."""

    def __init__(self, sheet: _Sheet, cut: int) -> None:
        self.sheet = sheet
        self.cut = cut  # where its rows' findings stand among the workbook's: after its header's
        # Where each kept row now stands, once only some are kept (`keep_only`).
        self.kept: dict[int, int] | None = None

    def keep_only(self, chosen: Sequence[int]) -> None:
        """Let the other rows' cells go: only the rows `chosen` can be typed from now on (by
        their indices as before). A process that has typed its own part keeps the other's
        only in case it must type it too; what it lets go, what it makes next reuses."""
        sheet = self.sheet
        sheet.body = [sheet.body[at] for at in chosen]
        sheet.numbers = [sheet.numbers[at] for at in chosen]
        sheet.rows = []
        self.kept = {at: new for new, at in enumerate(chosen)}

    @property
    def numbers(self) -> list[int]:
        """The Excel row of each non-blank row, in order."""
        return self.sheet.numbers

    def dossiers(self) -> list[Any] | None:
        """Each non-blank row's dossier number, typed; None if the sheet has no such column."""
        return self.sheet.column("dossier")

    def records(
        self, chosen: Sequence[int] | None
    ) -> tuple[tuple[ExpenseLine, ...], tuple[Finding, ...]]:
        """The lines of the rows `chosen` (indices among the non-blank rows, in order; None:
        all) and the findings their cells give."""
        if self.kept is not None and chosen is not None:
            chosen = [self.kept[at] for at in chosen]
        found: list[Finding] = []
        lines = tuple(self.sheet.typed(chosen, found))
        return lines, tuple(found)  # type: ignore[return-value]

    def into(
        self,
        content: WorkbookContent,
        lines: tuple[ExpenseLine, ...],
        found: tuple[Finding, ...],
    ) -> WorkbookContent:
        """`content` with these lines, and their findings in the workbook's order."""
        findings = content.findings[: self.cut] + found + content.findings[self.cut :]
        return replace(content, lines=lines, findings=findings)


def read_workbook_parts(
    path: Path,
    params: Parameters,
    formula_parts: Collection[str] | Callable[[], Collection[str]] | None = None,
    dossiers_read: Callable[[tuple[Dossier, ...]], None] | None = None,
) -> tuple[WorkbookContent, LinesToType | None]:
    """`read_workbook`, the rows of the sheet of lines left to type (`LinesToType`; None:
    there are none, and the content says why if it must)."""
    book = Book(path)
    book.prefetch([n for k in RECORD_KINDS if (n := book.names.get(values.fold(k.SHEET)))])
    found: list[Finding] = []
    parts = formula_parts() if callable(formula_parts) else formula_parts
    pending = formulas_without_value(path, parts)
    readers = field_readers(params)
    records: dict[type[Record], tuple[Record, ...]] = dict.fromkeys(RECORD_KINDS, ())
    lines: LinesToType | None = None
    used: set[str] = set()
    for kind in RECORD_KINDS:
        located = _locate(book, kind, used, pending)
        if located is None:
            found.append(finding("F02", Location(kind.SHEET), sheet=kind.SHEET))
            continue
        name, first_data_row, how = located
        used.add(name)
        if how:
            found.append(
                finding(
                    "F05",
                    Location(name),
                    column=f"Feuille « {kind.SHEET} »",
                    note=f"introuvable sous ce nom ; lue dans la feuille « {name} » ({how})",
                )
            )
        sheet = _sheet(book, name, kind, readers[kind], pending, path)
        if kind is ExpenseLine:
            if sheet.prepare(first_data_row, found):
                lines = LinesToType(sheet, len(found))
        else:
            records[kind] = tuple(sheet.records(first_data_row, found))
        if kind is Dossier and dossiers_read is not None:
            dossiers_read(records[kind])  # type: ignore[arg-type]
        del sheet
        book.forget(name)  # its cells are in the records now (the lines': in `lines`)
    book.close()
    content = WorkbookContent(
        path=str(path),
        dossiers=records[Dossier],  # type: ignore[arg-type]
        lines=(),
        payments=records[Payment],  # type: ignore[arg-type]
        findings=tuple(found),
    )
    return content, lines


def _sheet(
    book: Book,
    name: str,
    kind: type[Record],
    readers: Mapping[str, Reader],
    pending: Mapping[str, frozenset[str]],
    path: Path,
) -> _Sheet:
    return _Sheet(
        name, book.rows(name), kind, readers, pending.get(name, frozenset()),
        PERCENT_READERS.get(kind, {}), partial(percent_cells, path, name),
    )  # fmt: skip


def _locate(
    book: Book, kind: type[Record], used: set[str], pending: Mapping[str, frozenset[str]]
) -> tuple[str, int | None, str] | None:
    """The sheet holding `kind`'s records: its name, its table's first data row, and how found.

    By the sheet's name first (case, accents and spaces ignored); else, for a sheet a user
    renamed (« Dossiers T3 »), by the Excel table still named like it, or by its header row;
    `how` then says which, for the F05 warning. None: the sheet is really missing.
    """
    key = values.fold(kind.SHEET)
    named = book.names.get(key)
    if named is not None:
        return named, book.first_data_rows.get(named), ""
    table = book.tables.get(key)
    if table is not None and table not in used:
        return table, book.first_data_rows.get(table), f"tableau « {kind.SHEET} »"
    for name in book.names.values():
        if name in used or values.fold(name) in _OTHER_SHEETS:
            continue
        probe = _Sheet(name, book.rows(name), kind, {}, frozenset(), {}, lambda _: frozenset())
        if probe.header_row(None) is not None:
            return name, None, "ligne d'en-tête reconnue"
    return None


# The template's other sheets: never taken for a renamed data sheet.
_OTHER_SHEETS = frozenset(values.fold(n) for n in ("Instructions", "Listes", "Contrôles",
                                                   "Synthèse"))  # fmt: skip


class _Sheet:
    """One data sheet's rows, read into records of one kind."""

    def __init__(
        self,
        name: str,
        rows: list[list[Any]],
        kind: type[Record],
        readers: Mapping[str, Reader],
        pending: frozenset[str],
        formatted: Mapping[str, Reader],
        find_percent_cells: Callable[[str], frozenset[str]],
    ) -> None:
        self.name, self.rows, self.kind, self.readers = name, rows, kind, readers
        self.pending = pending
        self.headers = kind.headers()
        self.by_label = {values.fold(label): field for field, label in self.headers.items()}
        # Read by their cell's format: found once the header row says where the column is.
        self.formatted, self.find_percent_cells = formatted, find_percent_cells
        self.percent_cells: frozenset[str] = frozenset()
        self.positions: Mapping[str, int] = {}
        self.letters: Mapping[str, str] = {}
        self.missing: frozenset[str] = frozenset()
        self.body: list[list[Any]] = []
        self.numbers: list[int] = []

    def header_row(self, first_data_row: int | None) -> int | None:
        """The 0-based index of the header row: the table's, else the row most labels match."""
        if first_data_row and self._matches(first_data_row - 1) == len(self.headers):
            return first_data_row - 1
        best, best_count = None, 0
        for index in range(min(HEADER_SEARCH_ROWS, len(self.rows))):
            count = self._matches(index)
            if count > best_count:
                best, best_count = index, count
        # Fewer than half the labels is not this sheet's header, but a stray word.
        return best if best_count * 2 >= len(self.headers) else None

    def _matches(self, index: int) -> int:
        if index >= len(self.rows):
            return 0
        return len({self.by_label.get(values.fold(str(c))) for c in self.rows[index]} - {None})

    def records(self, first_data_row: int | None, found: list[Finding]) -> Iterator[Record]:
        """Every non-blank row under the header, as a record; format findings into `found`."""
        if self.prepare(first_data_row, found):
            yield from self.typed(None, found)

    def prepare(self, first_data_row: int | None, found: list[Finding]) -> bool:
        """Find the header row, the columns and the non-blank rows under it, the header's
        findings into `found`; False: no header row (every column is missing)."""
        header = self.header_row(first_data_row)
        if header is None:
            for label in self.headers.values():
                found.append(finding("F03", Location(self.name), column=label, sheet=self.name))
            return False
        columns: dict[str, int] = {}
        for position, label in enumerate(self.rows[header]):
            field = self.by_label.get(values.fold(str(label)))
            if field is not None and field not in columns:
                columns[field] = position
        missing = frozenset(self.headers) - frozenset(columns)
        # A missing column is reported where it could be added: right of the header row.
        where = Location(self.name, f"{column_letters(len(self.rows[header]) + 1)}{header + 1}")
        for field in sorted(missing, key=list(self.headers).index):
            found.append(finding("F03", where, column=self.headers[field], sheet=self.name))
        letters = {field: column_letters(position + 1) for field, position in columns.items()}
        self.percent_cells = frozenset().union(
            *(
                self.find_percent_cells(letters[field])
                for field in self.formatted
                if field in letters
            )
        )
        self.positions, self.letters, self.missing = columns, letters, missing
        body = [self.rows[index] for index in range(header + 1, len(self.rows))]
        numbers = [number for number, row in enumerate(body, header + 2) if sheet_rows.filled(row)]
        if len(numbers) < len(body):
            body = [self.rows[number - 1] for number in numbers]
        self.body, self.numbers = body, numbers
        return True

    def column(self, field: str) -> list[Any] | None:
        """The values of one column's non-blank rows, typed (`prepare` first); None if the
        sheet has no such column."""
        position = self.positions.get(field)
        if position is None:
            return None
        typed = type_column(self.readers[field], cells_of(self.body, position))
        self._special_cells({field: typed}, self.numbers, {field: self.letters[field]}, self.body)
        return typed.values

    def typed(self, chosen: Sequence[int] | None, found: list[Finding]) -> Iterator[Record]:
        """The records of the non-blank rows `chosen` (their indices among them, in order;
        None: all), format findings into `found` (`prepare` first)."""
        body, numbers = self.body, self.numbers
        if chosen is not None:
            body, numbers = [body[at] for at in chosen], [numbers[at] for at in chosen]
        # Each column typed at once, each distinct value of it read once (sheet_rows).
        columns = self.positions
        cells = columns_of(body, columns.values())
        typed = {
            field: type_column(self.readers[field], cells[position])
            for field, position in columns.items()
        }
        self._special_cells(typed, numbers, self.letters, body)
        yield from self._records(typed, numbers, self.letters, self.missing, found)

    def _special_cells(
        self,
        typed: Mapping[str, TypedColumn],
        numbers: list[int],
        letters: Mapping[str, str],
        body: list[list[Any]],
    ) -> None:
        """A formula without its value (F08), and a cell read by its percentage format instead:
        their readings replace the column's, at their rows."""
        if not (self.pending or self.percent_cells):
            return
        at_row = {number: at for at, number in enumerate(numbers)}
        field_of = {letter: field for field, letter in letters.items()}
        for cell in sorted(self.pending | self.percent_cells):
            letter, number = sheet_rows.split_cell(cell)
            field, at = field_of.get(letter), at_row.get(number)
            if field is None or at is None:
                continue
            if cell in self.pending:
                typed[field].put(at, _PENDING)
                continue
            row, position = body[at], self.positions[field]
            raw = row[position] if position < len(row) else None
            typed[field].put(at, attempt(self.formatted[field], raw))

    def _records(
        self,
        typed: Mapping[str, TypedColumn],
        numbers: list[int],
        letters: Mapping[str, str],
        missing: frozenset[str],
        found: list[Finding],
    ) -> Iterator[Record]:
        """Each row's record, its values taken from the typed columns; the few rows with
        something to say (F04, F05, F08) also give their findings, field by field in the
        sheet's column order."""
        kind, sheet_name = _MAKERS[self.kind], "" if self.name == self.kind.SHEET else self.name
        nothing = [None] * len(numbers)
        given = [
            typed[name].values if name in typed else nothing for name in _POSITIONAL[self.kind]
        ]
        odd_rows = frozenset().union(*(column.odd for column in typed.values()))
        unreadable_all = frozenset(missing) if missing else _NOTHING
        for at, (number, args) in enumerate(zip(numbers, zip(*given, strict=True), strict=True)):
            if at not in odd_rows:
                yield kind(
                    *args, row=number, cells=RowCells(letters, number),
                    unreadable=unreadable_all, sheet_name=sheet_name,
                )  # fmt: skip
                continue
            unreadable = set(missing)
            problems: list[tuple[str, str, dict[str, str]]] = []  # field, code, message fields
            for field, column in typed.items():
                reading = column.odd.get(at)
                if reading is None:
                    continue
                if reading is _PENDING:
                    unreadable.add(field)
                    problems.append((field, "F08", {}))
                elif isinstance(reading, str):
                    unreadable.add(field)
                    problems.append((field, "F04", {"why": reading}))
                elif reading.note is not None:
                    problems.append((field, "F05", {"note": reading.note}))
            record = kind(
                *args, row=number, cells=RowCells(letters, number),
                unreadable=frozenset(unreadable) if unreadable else _NOTHING,
                sheet_name=sheet_name,
            )  # fmt: skip
            for field, code, details in problems:
                found.append(
                    finding(
                        code, record.at(field), record.dossier_number,
                        column=self.headers[field], **details,
                    )
                )  # fmt: skip
            yield record


# Each kind of record's quick maker, and its fields given by position (its columns, in order).
_MAKERS = {kind: maker(kind) for kind in RECORD_KINDS}
_POSITIONAL = {
    kind: tuple(f.name for f in fields(kind) if f.init and not f.kw_only) for kind in RECORD_KINDS
}


# What a formula cell without its computed value reads as (F08), among a column's readings.
_PENDING: values.Reading[Any] = values.Reading(None, "F08")


_NOTHING: frozenset[str] = frozenset()
