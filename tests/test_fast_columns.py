"""The reader's column-at-once typing and its quick record maker give what the plain way gives.

Issue 12: a sheet is typed a column at a time, each distinct value read once and the rows with
nothing to say holding only their value; records are made without the frozen dataclass's
`__init__`. Each is checked here against the plain way: each cell read alone (`attempt`), each
record made by its class.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from xl_idf import book
from xl_idf.records import RECORD_KINDS, Dossier, ExpenseLine, Payment
from xl_idf.sheet_rows import RowCells, attempt, cells_of, columns_of, type_column
from xl_idf.slots import maker
from xl_idf.template import append_rows, build_template
from xl_idf.values import Reading
from xl_idf.workbook import field_readers, read_workbook

D = Decimal

# Columns as providers fill them: one type repeated (the fast path), or types mixed (the slow).
COLUMNS = {
    "texts": ["IDF-1", " IDF-1 ", "", "  ", "AFNOR", "Top-Tech", "#N/A", "Inconnu", "2A", "31"],
    # Texts read as themselves but for their edges' spaces (no-break and line ends too), an
    # Excel error, a text starting with « # » that is none, and blanks.
    "texts and blanks": [
        "F-2022-001",
        None,
        "F 12",
        "\u00a0F-7",
        "F-8\n",
        "\tF-9",
        "#DIV/0!",
        "#12",
        "",
        " ",
        "Facture n° 3",
        "F-2022-001",
        None,
        "é",
    ],
    "floats": [5.0, 5.0, 1200.5, 5816.749999999999, -3.0, 1e20, 12.25, 9.0, 31.0, 44926.0],
    "floats and a zero": [5.0, 0.0, -0.0, 0.0, 7.5],
    "dates": [date(2022, 12, 31), date(2022, 1, 1), date(2030, 1, 1), date(2022, 12, 31)],
    "datetimes": [datetime(2022, 12, 31, 10, 0), datetime(2022, 12, 31), None, ""],
    "booleans": [True, False, True, None],
    "mixed numbers": [True, 1, 1.0, 0, 0.0, False, "1"],
    "mixed": ["Oui", 1.0, None, date(2022, 3, 1), "", "non", 0.6, timedelta(days=1)],
}


def _same(got: object, expected: object) -> bool:
    """Equal, and of the same type down to the Decimal's exponent (-0.00 is not 0.00)."""
    if isinstance(got, Decimal) and isinstance(expected, Decimal):
        return got.as_tuple() == expected.as_tuple()
    return type(got) is type(expected) and got == expected


@pytest.mark.parametrize("kind", RECORD_KINDS)
@pytest.mark.parametrize("name", list(COLUMNS))
def test_a_typed_column_holds_what_each_cell_read_alone_gives(params, kind, name) -> None:
    rng = random.Random(name)
    raw = [rng.choice(COLUMNS[name]) for _ in range(300)]
    for field_name, read in field_readers(params)[kind].items():
        typed = type_column(read, raw)
        assert len(typed.values) == len(raw)
        for at, cell in enumerate(raw):
            alone = attempt(read, cell)
            if isinstance(alone, str):
                # Refused: no value, and the reason kept for its F04.
                assert typed.values[at] is None, (field_name, cell)
                assert typed.odd[at] == alone, (field_name, cell)
                continue
            assert _same(typed.values[at], alone.value), (field_name, cell, typed.values[at])
            if alone.note is None:
                assert at not in typed.odd, (field_name, cell)
            else:
                kept = typed.odd[at]
                assert isinstance(kept, Reading), (field_name, cell)
                assert kept.note == alone.note, (field_name, cell)


@pytest.mark.parametrize(
    "rows",
    [
        [[1, "a", None], [2, "b", 3.0], [4, "c", ""]],  # as python-calamine gives them
        [[1, "a"], [2], [3, "c", "x"], []],  # rows of several lengths
        [],
    ],
)
def test_columns_taken_at_once_are_each_column_taken_alone(rows) -> None:
    positions = [0, 1, 2]
    columns = columns_of(rows, positions)
    assert [list(columns[p]) for p in positions] == [cells_of(rows, p) for p in positions]


def test_minus_zero_amid_floats_keeps_its_own_reading(params) -> None:
    read = field_readers(params)[Dossier]["montant_p1"]
    raw = [5.0, -0.0, 0.0, 5.0, -0.0]
    typed = type_column(read, raw)
    assert [str(v) for v in typed.values] == [str(read(c).value) for c in raw]


SAMPLES = {
    Dossier: {"numero": "IDF-7", "effectif": D("12.5"), "activite_industrielle": True},
    ExpenseLine: {"dossier": "IDF-7", "phase": 2, "jours": D(3), "montant_ht": D("3600.00")},
    Payment: {"dossier": "IDF-7", "montant": D("1.00"), "date_versement": date(2022, 5, 2)},
}


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_the_quick_maker_makes_the_record_its_class_makes(kind) -> None:
    make = maker(kind)
    assert make is not kind
    given = SAMPLES[kind]
    names = list(kind.columns())
    args = [given.get(n) for n in names]
    keywords = {"row": 7, "cells": RowCells(dict.fromkeys(names, "B"), 7), "sheet_name": "T3"}
    for made, expected in [
        (make(*args, **keywords), kind(*args, **keywords)),
        (make(**given), kind(**given)),
        (make(), kind()),
        (
            make(*args, unreadable=frozenset(names[1:2])),
            kind(*args, unreadable=frozenset(names[1:2])),
        ),
    ]:
        assert type(made) is kind
        assert made == expected
        assert repr(made) == repr(expected)
    # A default made by a factory is the record's own, as the dataclass makes it.
    assert make().labels is not make().labels
    with pytest.raises(TypeError):
        make(*args, 1)  # one value too many, refused as the class refuses it
    with pytest.raises(TypeError):
        make(nonsense=1)


def test_the_quick_maker_leaves_other_classes_to_their_own_init() -> None:
    @dataclass
    class Plain:
        a: int = 0

    @dataclass(frozen=True, slots=True)
    class Checked:
        a: int = 0
        b: list[int] = field(default_factory=list)

        def __post_init__(self) -> None:
            if self.a < 0:
                raise ValueError

    assert maker(Plain) is Plain
    assert maker(Checked) is Checked


def test_a_sheet_read_at_once_gives_each_cell_read_alone(programme, params, tmp_path: Path):
    """Sloppy rows typed in the template, read by the reader and cell by cell: the same records."""
    rng = random.Random(4)
    book = build_template(programme)
    lines = [
        {
            "dossier": rng.choice(["IDF-1", "idf-1 ", "IDF-2", None]),
            "phase": rng.choice([1, 2, "2", "Phase 1", 3, None]),
            "prestataire": rng.choice(["AFNOR", "Top-Tech", "CYLAD", "Inconnu", "  "]),
            "numero_facture": rng.choice(["F-1", "F-2", " F-3", 17, None]),
            "date_prestation": rng.choice([date(2022, 3, 1), "01/03/2022", "hier", None]),
            "jours": rng.choice([5, 2.5, "3,5", -1, 0, "abc", None]),
            "montant_ht": rng.choice([6000, 1234.567, "1 200,50 €", -5, 0, None]),
            "departement_prestation": rng.choice(["31", 31, "2A", "75", None]),
            "date_acquittement": rng.choice([date(2022, 4, 1), None]),
        }
        for _ in range(400)
    ]
    append_rows(book, ExpenseLine, lines)  # type: ignore[arg-type]
    path = tmp_path / "sloppy.xlsx"
    book.save(path)
    content = read_workbook(path, params)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Prestations")
    rows = sheet.to_python(skip_empty_area=False)
    headers = ExpenseLine.headers()
    position = {label: at for at, label in enumerate(rows[0])}
    readers = field_readers(params)[ExpenseLine]
    assert len(content.lines) == len(lines)
    for record, row in zip(content.lines, rows[1:], strict=False):
        unreadable = set()
        for name, label in headers.items():
            alone = attempt(readers[name], row[position[label]])
            if isinstance(alone, str):
                unreadable.add(name)
                assert getattr(record, name) is None
            else:
                assert _same(getattr(record, name), alone.value), (record.row, name)
        assert record.unreadable == unreadable
    # Each refused or noted cell has its finding, at its cell.
    noted = {(f.code, f.cell) for f in content.findings}
    for record, row in zip(content.lines, rows[1:], strict=False):
        for name, label in headers.items():
            alone = attempt(readers[name], row[position[label]])
            cell = record.at(name).cell
            if isinstance(alone, str):
                assert ("F04", cell) in noted
            elif alone.note is not None:
                assert ("F05", cell) in noted


def test_a_sheet_read_ahead_that_fails_fails_as_if_read_in_place(params, monkeypatch) -> None:
    """An error of python-calamine in a thread that reads ahead is the file's F01 reason,
    worded as when the sheet is read in place; nothing hangs."""
    from python_calamine import CalamineError

    from xl_idf.book import Book
    from xl_idf.workbook import WorkbookUnreadable

    sample = Path(__file__).parents[1] / "workbooks" / "exemple-trimestre-2022T4.xlsx"
    read = Book._read

    def failing(name: str, book: object):
        if name == "Prestations":
            raise CalamineError("zip entry too large")
        return read(name, book)

    monkeypatch.setattr(Book, "_read", staticmethod(failing))
    monkeypatch.setattr(book, "AHEAD_BYTES", 0)  # the sample, small, read ahead all the same
    with pytest.raises(WorkbookUnreadable) as ahead:
        read_workbook(sample, params)
    assert str(ahead.value) == f"{sample.name} : classeur illisible (zip entry too large)"
    # Read in place (no sheet read ahead): the same words.
    monkeypatch.setattr(Book, "prefetch", lambda self, names: None)
    with pytest.raises(WorkbookUnreadable) as in_place:
        read_workbook(sample, params)
    assert str(in_place.value) == str(ahead.value)


def test_sheets_read_ahead_give_the_records_read_in_place(params, monkeypatch) -> None:
    from xl_idf.book import Book

    sample = Path(__file__).parents[1] / "workbooks" / "exemple-trimestre-2022T4.xlsx"
    monkeypatch.setattr(book, "AHEAD_BYTES", 0)  # the sample, small, read ahead all the same
    ahead = read_workbook(sample, params)
    monkeypatch.setattr(Book, "prefetch", lambda self, names: None)
    in_place = read_workbook(sample, params)
    assert ahead == in_place
    assert ahead.lines


def test_only_a_big_workbook_is_read_ahead(monkeypatch) -> None:
    """A thread per sheet opens the workbook again: worth it for a big one only."""
    from xl_idf.book import Book

    sample = Path(__file__).parents[1] / "workbooks" / "exemple-trimestre-2022T4.xlsx"
    names = ["Dossiers", "Prestations", "Versements"]
    small = Book(sample)
    small.prefetch(names)
    assert small._readers == []
    assert small.rows("Prestations")  # read in place, when asked
    monkeypatch.setattr(book, "AHEAD_BYTES", sample.stat().st_size)
    big = Book(sample)
    big.prefetch(names)
    assert len(big._readers) == 3
    assert big.rows("Prestations") == small.rows("Prestations")
    big.close()
