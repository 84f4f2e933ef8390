"""The fast paths read, word and write exactly what the plain ones do (issue 12).

Each shortcut taken for speed is checked against the way it replaced: a column read once per
distinct value against each cell read on its own, the ASCII fold against Unicode folding, the
cached French numbers against equal numbers written otherwise, the JSON writer against the
standard library's, the tables' XML against python-calamine's tables.
"""

from __future__ import annotations

import json
import random
import string
import subprocess
import sys
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from workbooks import WORKBOOKS
from xl_idf import french, json_text, values
from xl_idf.errors import ValueRejected
from xl_idf.ooxml import table_starts
from xl_idf.records import Dossier, ExpenseLine, Payment
from xl_idf.sheet_rows import RowCells, attempt, read_column
from xl_idf.workbook import field_readers

D = Decimal
ROOT = Path(__file__).parents[1]
SAMPLE = WORKBOOKS / "exemple-trimestre-2022T4.xlsx"

# Values that compare equal but are not the same cell: each must read as itself.
TRICKY = [
    True, 1, 1.0, False, 0, 0.0, -0.0, "1", " 1 ", "Oui", "oui", "O", "Vrai", "TRUE", "", None,
    " ", "\u00a0", 5816.749999999999, 5816.75, "5 816,75", "6.000", "1 200,50 €", -3.0,
    float("nan"), 1e20, "#N/A", date(2022, 12, 31), datetime(2022, 12, 31, 10, 0), 44926.0,
    "31/12/2022", "9", 9.0, 31.0, "2A", "Top-Tech", "TOPTECH SAS", "Inconnu", "1", "Phase 1",
]  # fmt: skip


def _same(got: object, expected: object) -> bool:
    """Equal, and of the same type down to the Decimal's exponent (-0.00 is not 0.00)."""
    if isinstance(got, values.Reading) and isinstance(expected, values.Reading):
        return _same(got.value, expected.value) and got.note == expected.note
    if isinstance(got, Decimal) and isinstance(expected, Decimal):
        return got.as_tuple() == expected.as_tuple()
    return type(got) is type(expected) and got == expected


@pytest.mark.parametrize("kind", [Dossier, ExpenseLine, Payment])
def test_a_column_read_at_once_reads_each_cell_as_alone(params, kind) -> None:
    rng = random.Random(12)
    cells = [rng.choice(TRICKY) for _ in range(400)] + TRICKY
    for field, read in field_readers(params)[kind].items():
        rows = [[cell] for cell in cells] + [[]]  # a short row: its cell is blank
        column = read_column(read, rows, range(len(rows)), 0)
        for cell, got in zip([*cells, None], column, strict=True):
            alone = attempt(read, cell)
            assert _same(got, alone), (field, cell, got, alone)


def test_minus_zero_is_not_read_as_zero(params) -> None:
    read = field_readers(params)[Dossier]["montant_p1"]
    column = read_column(read, [[0.0], [-0.0], [0.0]], range(3), 0)
    assert [str(r.value) for r in column] == [  # type: ignore[union-attr]
        str(read(0.0).value),
        str(read(-0.0).value),
        str(read(0.0).value),
    ]


def test_a_refused_value_is_refused_again_with_its_reason(params) -> None:
    read = field_readers(params)[Dossier]["montant_p1"]
    column = read_column(read, [["abc"], ["abc"]], range(2), 0)
    with pytest.raises(ValueRejected) as refused:
        read("abc")
    assert column == [str(refused.value)] * 2


def test_row_cells_answer_as_the_dict_they_replace() -> None:
    cells = RowCells({"numero": "A", "siret": "C"}, 7)
    assert cells == {"numero": "A7", "siret": "C7"}
    assert dict(cells) == {"numero": "A7", "siret": "C7"}
    assert cells.get("numero") == "A7"
    assert cells.get("effectif") is None
    assert list(cells) == ["numero", "siret"]


def _slow_fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    for _ in range(2):
        text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.translate(str.maketrans(dict.fromkeys("-_.'’\u2010\u2011", " "))).split())


def test_ascii_fold_is_unicode_fold() -> None:
    rng = random.Random(12)
    texts = ["".join(rng.choice(string.printable) for _ in range(rng.randrange(12)))
             for _ in range(5000)]  # fmt: skip
    texts += [chr(c) for c in range(128)] + ["F-1-17", "Top-Tech SAS", "ÉLAN ß"]
    for text in texts:
        assert values.fold.__wrapped__(text) == _slow_fold(text), repr(text)


@pytest.mark.parametrize(
    "equal",
    [
        [D("1.5"), D("1.50"), D("1.500")],
        [D(0), D("0.00"), D("-0"), D("-0.00"), 0],
        [D(1200), D("1200.00"), D("1.2E+3"), 1200],
        [D("-1437.5"), D("-1437.50")],
        [D(1), True, 1],
    ],
)
def test_a_cached_french_number_depends_on_the_number_only(equal) -> None:
    for places in (None, 0, 2):
        shown = set()
        for value in equal:
            french.number.cache_clear()
            shown.add(french.number(value, places))
        assert len(shown) == 1, (equal, places, shown)
    for value in equal:
        if isinstance(value, Decimal):
            french.eur.cache_clear()
            assert french.eur(value) == french.eur(equal[0])


@pytest.mark.parametrize(
    "value",
    [
        [],
        {},
        "",
        None,
        True,
        False,
        0,
        -1,
        2.5,
        1e300,
        float("nan"),
        'é"\\\n\t\u2028',
        {"a": [], "b": {}, "c": [{"d": None}], "e": [1, [2, [3]]]},
        ("x", ("y",)),
    ],
)
def test_json_text_is_the_standard_library_s(value) -> None:
    assert json_text.dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_json_text_of_the_golden_report() -> None:
    golden = (ROOT / "tests" / "golden" / "exemple-trimestre-2022T4.json").read_text("utf-8")
    assert json_text.dumps(json.loads(golden)) + "\n" == golden


def test_json_text_refuses_what_the_library_refuses() -> None:
    with pytest.raises(TypeError):
        json_text.dumps({"a": D(1)})


@pytest.mark.parametrize(
    "path", [SAMPLE, WORKBOOKS / "modele-dossiers-idf.xlsx"], ids=lambda p: p.name
)
def test_tables_from_their_xml_are_calamine_s(path: Path) -> None:
    book = CalamineWorkbook.from_path(str(path), load_tables=True)
    expected = {}
    for name in book.table_names:
        try:
            table = book.get_table_by_name(name)
        except BaseException:  # calamine panics on a table of its header row only
            continue
        expected[name] = (table.sheet, table.start[0])
    assert table_starts(path) == expected


def test_bench_runs_on_a_tiny_quarter(tmp_path: Path) -> None:
    """scripts/bench.py measures; this only keeps it working (two rounds of a tiny size)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--sizes", "20", "--repeat", "2",
         "--small-files", "2", "--rows", "20", "--folder", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout
    for label in ("calamine read, 20 lines", "xl-idf validate, 20 lines", "--jobs 1",
                  "--jobs 2", "xl-idf --help", "IDF_SUBVENTION, 20 rows",
                  "validate / calamine read, 20 lines", "--jobs 2 speed-up"):  # fmt: skip
        assert label in table, table
