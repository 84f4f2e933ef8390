"""What the rows of a sheet share when read: their cells' addresses, and columns read at once.

A quarter of 100,000 invoice lines is a million cells. Most of them repeat a value of their
column (the provider, the department, Oui/Non, a phase, a date), so a column is read once per
distinct value; and every row of a sheet shares its columns' letters, so a record's cell
addresses are made when a finding asks for one, not held ten to a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from xl_idf.errors import ValueRejected
from xl_idf.values import Reading

Reader = Callable[[object], Reading[Any]]


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


def read_column(
    read: Reader, rows: Sequence[Sequence[object]], body: Iterable[int], position: int
) -> list[Reading[Any] | str]:
    """The column at `position` of the rows numbered `body`, each value read by `read` or refused.

    Providers, departments, Oui/Non, phases and dates repeat on most rows: each distinct value
    is read once. The key is the value *and* its type (TRUE, 1 and 1.0 are three cells). A
    float equal to zero is read each time: -0.0 equals 0.0 but does not read the same. Only
    the types python-calamine gives are remembered (a NaN is its own key); the memory lasts
    for one column.
    """
    seen: dict[tuple[type, object], Reading[Any] | str] = {}
    out: list[Reading[Any] | str] = []
    append = out.append
    for index in body:
        row = rows[index]
        raw = row[position] if position < len(row) else None
        kind = raw.__class__
        if kind not in _REMEMBERED or (kind is float and not raw):
            append(attempt(read, raw))
            continue
        key = (kind, raw)
        got = seen.get(key)
        if got is None:
            got = seen[key] = attempt(read, raw)
        append(got)
    return out


_REMEMBERED = frozenset({str, float, int, bool, date, datetime, type(None)})
