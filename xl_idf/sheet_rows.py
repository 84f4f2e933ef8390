"""What the rows of a sheet share when read: their cells' addresses, and columns read at once.

A quarter of 100,000 invoice lines is a million cells. Most of them repeat a value of their
column (the provider, the department, Oui/Non, a phase, a date), so a column is read once per
distinct value; and every row of a sheet shares its columns' letters, so a record's cell
addresses are made when a finding asks for one, not held ten to a row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any, TypeVar, cast

from xl_idf.errors import ValueRejected
from xl_idf.values import Reading, read_text

Reader = Callable[[object], Reading[Any]]
T = TypeVar("T")


class RowCells(Mapping[str, str]):
    """The cells of one row's fields (`numero` -> « A7 »), made when asked, not held.

    A sheet of 100,000 rows would otherwise hold a dict of ten strings per row; every row of a
    sheet shares its column letters and keeps only its number.
    """

    __slots__ = ("letters", "number")

    def __init__(self, letters: Mapping[str, str], number: int) -> None:
        self.letters, self.number = letters, number

    def __getitem__(self, field: str) -> str:
        return f"{self.letters[field]}{self.number}"

    def __iter__(self) -> Iterator[str]:
        return iter(self.letters)

    def __len__(self) -> int:
        return len(self.letters)

    def __repr__(self) -> str:
        return repr(dict(self))


def attempt(read: Reader, raw: object) -> Reading[Any] | str:
    """What `read` makes of `raw`: its reading, or why it refused it (ValueRejected's text)."""
    try:
        return read(raw)
    except ValueRejected as exc:
        return str(exc)


def filled(row: Sequence[object]) -> bool:
    """Whether a row holds a value: a cell neither empty nor only spaces (`values.is_blank`)."""
    for cell in row:
        if cell is None or cell == "":
            continue
        if cell.__class__ is not str or cell.strip():
            return True
    return False


def split_cell(cell: str) -> tuple[str, int]:
    """A cell's column letters and row number (« AB12 » -> (« AB », 12)); (« », 0) if not one."""
    place = _CELL.fullmatch(cell)
    return (place.group(1), int(place.group(2))) if place else ("", 0)


_CELL = re.compile(r"([A-Z]+)([0-9]+)")


def cells_of(rows: Sequence[Sequence[object]], position: int) -> list[object]:
    """The cells at `position` of `rows`, None where a row is too short."""
    if not rows or min(map(len, rows)) > position:
        return list(map(itemgetter(position), rows))
    return [row[position] if position < len(row) else None for row in rows]


def columns_of(
    rows: Sequence[Sequence[object]], positions: Iterable[int]
) -> dict[int, Sequence[object]]:
    """The cells at each of `positions` of `rows` (`cells_of`): the rows transposed at once
    where they are all as long, as python-calamine gives a sheet's."""
    positions = list(positions)
    if rows and positions:
        widths = set(map(len, rows))
        if len(widths) == 1 and widths.pop() > max(positions):
            every = list(zip(*rows, strict=True))
            return {position: every[position] for position in positions}
    return {position: cells_of(rows, position) for position in positions}


def read_column(
    read: Reader, rows: Sequence[Sequence[object]], body: Iterable[int], position: int
) -> list[Reading[Any] | str]:
    """The column at `position` of the rows numbered `body`, each value read by `read` or refused.

    Providers, departments, Oui/Non, phases and dates repeat on most rows: each distinct value
    is read once (`_distinct`).
    """
    raw = cells_of([rows[index] for index in body], position)
    known = _distinct(read, raw)
    if known is None:
        return _one_by_one(read, raw)
    return list(map(known.__getitem__, raw))


@dataclass(frozen=True, slots=True)
class TypedColumn:
    """A column read: each row's value (None where refused), and the rows with something to say.

    `odd` maps a row's position to its reading when it has a note (F05), or to why its value
    was refused (F04); most rows have neither, and cost nothing more than their value.
    """

    values: list[Any]
    odd: dict[int, Reading[Any] | str]

    def put(self, at: int, reading: Reading[Any] | str) -> None:
        """Row `at` read otherwise (by its cell's format, or as a formula without its value)."""
        if isinstance(reading, str):
            self.values[at] = None
            self.odd[at] = reading
            return
        self.values[at] = reading.value
        if reading.note is None:
            self.odd.pop(at, None)
        else:
            self.odd[at] = reading


def type_column(read: Reader, raw: Sequence[object]) -> TypedColumn:
    """The cells `raw` of one column read by `read`, each distinct value once where it can be."""
    if read is read_text and (texts := _texts(raw)) is not None:
        return texts
    known = _distinct(read, raw)
    if known is None:
        readings = _one_by_one(read, raw)
        odd = {
            at: reading
            for at, reading in enumerate(readings)
            if reading.__class__ is str or reading.note is not None  # type: ignore[union-attr]
        }
        column = [None if r.__class__ is str else r.value for r in readings]  # type: ignore[union-attr]
        return TypedColumn(column, odd)
    return _typed(known, raw)


def _typed(known: Mapping[object, Reading[Any] | str], raw: Sequence[object]) -> TypedColumn:
    """The column of `raw` from the readings of its cells, `known` by cell; a cell not in
    `known` reads as itself, without a note."""
    value_of: dict[object, Any] = {}
    odd_of: dict[object, Reading[Any] | str] = {}
    for cell, reading in known.items():
        if reading.__class__ is str:
            value_of[cell] = None
            odd_of[cell] = reading
        else:
            value_of[cell] = reading.value  # type: ignore[union-attr]
            if reading.note is not None:  # type: ignore[union-attr]
                odd_of[cell] = reading
    column = list(map(value_of.get, raw, raw))
    if not odd_of:
        return TypedColumn(column, {})
    return TypedColumn(column, {at: odd_of[c] for at, c in enumerate(raw) if c in odd_of})


def _texts(raw: Sequence[object]) -> TypedColumn | None:
    """A column of texts and blanks read by `read_text`, quickly: a text with nothing to strip,
    neither empty nor an Excel error's « #… », reads as itself without a note, as `read_text`
    reads it; only the others are read. Invoice numbers and company names, each distinct, are
    most of the cells of a big sheet. None where a cell is not a text or blank."""
    if not set(map(type, raw)) <= _TEXTS:
        return None
    texts = cast("Sequence[str | None]", raw)
    others = {c for c in texts if c is not None and (not c or c[0] == "#" or c.strip() != c)}
    return _typed({cell: attempt(read_text, cell) for cell in others}, raw)


def _distinct(read: Reader, raw: Sequence[object]) -> dict[object, Reading[Any] | str] | None:
    """Each distinct cell of `raw` with its reading, keyed by the cell itself; None where a key
    could stand for two cells that do not read the same.

    The key is the value alone, which is safe only where no two cells of different types can be
    equal: one kind of number at most (TRUE, 1 and 1.0 are equal but three cells), and no float
    zero (-0.0 equals 0.0 but does not read the same). Only the types python-calamine gives are
    keyed (a NaN is its own key: it is found by identity). Otherwise each cell is read alone.
    """
    kinds = set(map(type, raw))
    if not kinds <= _KEYED or len(kinds & _NUMBERS) > 1:
        return None
    distinct = set(raw)
    if float in kinds and 0.0 in distinct:
        return None
    return {cell: attempt(read, cell) for cell in distinct}


def _one_by_one(read: Reader, raw: Sequence[object]) -> list[Reading[Any] | str]:
    """Each cell read alone, a repeated one remembered by its type and value (the slow way)."""
    seen: dict[tuple[type, object], Reading[Any] | str] = {}
    out: list[Reading[Any] | str] = []
    append = out.append
    for cell in raw:
        kind = cell.__class__
        if kind not in _KEYED or (kind is float and not cell):
            append(attempt(read, cell))
            continue
        key = (kind, cell)
        got = seen.get(key)
        if got is None:
            got = seen[key] = attempt(read, cell)
        append(got)
    return out


_TEXTS = frozenset({str, type(None)})
_KEYED = frozenset({str, float, int, bool, date, datetime, type(None)})
_NUMBERS = frozenset({float, int, bool})
