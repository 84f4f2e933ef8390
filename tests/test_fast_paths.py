"""The fast paths read, word and write exactly what the plain ones do (issue 12).

Each shortcut taken for speed is checked against the way it replaced: a column read once per
distinct value against each cell read on its own, the ASCII fold against Unicode folding, the
cached French numbers against equal numbers written otherwise, the JSON writer against the
standard library's, the tables' XML against python-calamine's tables.
"""

from __future__ import annotations

import json
import random
import re
import string
import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from udfs import idf_udfs
from workbooks import WORKBOOKS
from xl_idf import excel, french, json_text, safety, subsidy, values
from xl_idf.errors import ValueRejected
from xl_idf.ooxml import table_starts
from xl_idf.records import Dossier, ExpenseLine, Payment
from xl_idf.sheet_rows import RowCells, attempt, read_column
from xl_idf.workbook import field_readers, read_workbook

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
    texts += [f"F{chr(c)}1 {chr(c)}x" for c in range(128)]  # each ASCII character amid words
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
                  "validate / calamine read, 20 lines", "--jobs 2 speed-up",
                  "two validate --jobs 1 side by side, 1 + 1 files",
                  "two runs side by side, half the files each"):  # fmt: skip
        assert label in table, table
    # The small files are as many providers' quarters: nothing shared between them, so that
    # the run measures the files' checks, not thousands of findings across files (C01, C02).
    small = sorted((tmp_path / "v2-small").glob("*.xlsx"))
    assert len(small) == 2
    from xl_idf.programme import load_programme
    from xl_idf.validate import validate

    report = validate(small, load_programme(), jobs=1)
    params = load_programme().at(load_programme().reference_day)
    seen = [
        {d.numero for d in content.dossiers}
        | {d.siret for d in content.dossiers}
        | {line.numero_facture for line in content.lines}
        for content in (read_workbook(path, params) for path in small)
    ]
    assert all(seen)
    assert not seen[0] & seen[1]
    assert len(report.files) == 2
    codes = {f.code for file in report.files for f in file.findings}
    assert not codes & {"C01", "C02"}, codes


# --- The Excel functions: a column answers each row as that row called alone ------------------
#
# The engine (xl_idf.excel.rows) reads each distinct cell of a column once and answers a row seen
# before from memory; IDF_SUBVENTION gives the core a Quote of figures alone. Each row of a
# column must get what the same row gets in a call of its own (ranges of one row: nothing to
# remember, nothing shared).

# Cells that compare equal but do not read the same, and rows that repeat.
QUOTE_CELLS = {
    "jours_p1": [5, 5.0, True, 1, "5", " 5 ", 6, 3, 4.5, 0, 0.0, -0.0, None, "abc", D("5.0"),
                 D("5"), float("nan")],
    "montant_p1": [6000, 6000.0, 5000, 6000.05, 7200, -0.0, 0.0, 0, -1, None, D("6000.00"),
                   D("6000"), "#N/A", 1e300],
    "jours_p2": [None, 25, 25.0, 30, 10, 12.5, 0, -0.0, "", D("25"), D("25.0")],
    "montant_p2": [None, 30000, 16250, 15000.01, 36000, 0.0, -0.0, -5, D("-0")],
    "fonds_propres": [500000, 8000, 21000.0, 0, 0.0, -0.0, -100, None, D("1.0"), D("1")],
    "date": [None, "15/03/2022", 44635, 44635.0, date(2021, 1, 1), datetime(2022, 3, 15),
             datetime(2022, 3, 15, 23, tzinfo=timezone(timedelta(hours=-3))),
             datetime(2022, 3, 16, 2, tzinfo=UTC)],
}  # fmt: skip


def _alone(function: Any, columns: list[list[list[object]]]) -> list[list[Any]]:
    """Each row of `columns` (ranges of one cell a row) computed in a call of its own."""
    return [function(*[[column[i]] for column in columns])[0] for i in range(len(columns[0]))]


def _quote_columns(rng: random.Random, rows: int) -> list[list[list[object]]]:
    table = [[rng.choice(cells) for cells in QUOTE_CELLS.values()] for _ in range(rows)]
    table += rng.sample(table, rows // 2)  # rows seen before, further down
    return [[[row[j]] for row in table] for j in range(len(QUOTE_CELLS))]


@pytest.mark.parametrize("seed", range(6))
def test_a_column_of_quotes_answers_each_row_as_alone(seed) -> None:
    columns = _quote_columns(random.Random(seed), 150)
    got = idf_udfs.IDF_SUBVENTION(*columns)
    # repr: -0.0 is not 0.0, nor 6000.0 the text "6000.0"
    assert repr(got) == repr(_alone(idf_udfs.IDF_SUBVENTION, columns))


@pytest.mark.parametrize(
    ("function", "pools"),
    [
        ("IDF_CATEGORIE", [[48, 48.0, True, "48", 250, 249.5, -0.0, 0.0, -1, None, "x", D("48")]]),
        ("IDF_DEPENSE_ELIGIBLE", [
            [7500, 7500.0, -0.0, 0.0, 100.5, None, True], [5, 5.0, 0.5, -0.0, 0, "5"],
            ["04/04/2022", 44655, 44655.0, date(2022, 4, 4), "31/02/2022"],
            ["AFNOR", "afnor", "Top-Tech", "Inconnu", None], ["31", 31, 31.0, "09", 9, "2A"],
            [None, "15/03/2022", date(2019, 1, 1)],
        ]),
        ("IDF_PARAMETRE", [["daily_cap", "plafond_journalier", "plafond", 1, 1.0, True, None],
                           [None, "15/03/2022", 44635, date(2021, 1, 1)]]),
    ],
)  # fmt: skip
def test_a_column_answers_each_row_as_alone(function, pools) -> None:
    rng = random.Random(12)
    table = [[rng.choice(pool) for pool in pools] for _ in range(80)]
    table += rng.sample(table, 40)
    columns = [[[row[j]] for row in table] for j in range(len(pools))]
    call = getattr(idf_udfs, function)
    assert repr(call(*columns)) == repr(_alone(call, columns))


def test_a_repeated_bad_row_says_what_it_says_alone_and_names_its_argument() -> None:
    good = [5, 6000, 25, 30000, 500000]
    bad_days = [5, 6000, "abc", 30000, 500000]  # unreadable: the engine refuses it
    bad_amount = [5, 6000, 25, -1, 500000]  # below zero: the core's F04 refuses it
    table = [good, bad_days, good, bad_amount, bad_days, bad_amount, good, bad_days]
    columns = [[[row[j]] for row in table] for j in range(len(good))]
    answers = idf_udfs.IDF_SUBVENTION(*columns)
    assert answers == _alone(idf_udfs.IDF_SUBVENTION, columns)
    for row, answer in zip(table, answers, strict=True):
        if row is bad_days:
            assert answer == [answer[0]] * 3
            assert answer[0].startswith(f"{excel.ERROR}jours_p2 : ")
        elif row is bad_amount:
            assert answer[0].startswith(f"{excel.ERROR}montant_p2 : ")
        else:
            assert isinstance(answer[0], float)


def test_the_rows_remembered_are_bounded_and_rows_past_the_bound_still_answer(
    monkeypatch,
) -> None:
    computed: list[Decimal] = []

    def double(programme, value: Decimal) -> list[Any]:
        computed.append(value)
        return [str(value * 2)]

    cells = [[i % 20] for i in range(60)]  # 20 distinct rows, three times over
    arg = excel.Arg("x", cells, values.read_decimal)
    expected = [double(None, D(i % 20)) for i in range(60)]
    computed.clear()
    assert excel.rows([arg], double) == expected
    assert len(computed) == 20  # each distinct row once
    computed.clear()
    monkeypatch.setattr(excel, "MEMO_ROWS", 5)
    assert excel.rows([arg], double) == expected
    assert len(computed) == 5 + 15 * 3  # five rows remembered; the others computed each time


def test_each_distinct_cell_is_read_once() -> None:
    read: list[object] = []

    def reading(raw: object) -> values.Reading[Any]:
        read.append(raw)
        return values.read_decimal(raw)

    cells = [[v] for v in [1, 2, 1, 1.0, 2, True, 1, -0.0, 0.0, -0.0, None, None, "1", "1"]]
    answers = excel.rows([excel.Arg("x", cells, reading)], lambda programme, v: [repr(v)])
    assert sorted(map(repr, read)) == sorted(map(repr, [1, 2, 1.0, True, -0.0, 0.0, None, "1"]))
    alone = [excel.rows([excel.Arg("x", [cell], reading)], lambda p, v: [repr(v)])[0]
             for cell in cells]  # fmt: skip
    assert answers == alone


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (1, True), (1, 1.0), (0.0, -0.0), (-0.0, 0.0), (D("1.0"), D("1")), (D("0"), D("-0")),
        (datetime(2022, 3, 15, 23, tzinfo=timezone(timedelta(hours=-3))),
         datetime(2022, 3, 16, 2, tzinfo=UTC)),
        (float("nan"), float("nan")),
    ],
)  # fmt: skip
def test_cells_equal_but_read_otherwise_keep_their_own_key(first, second) -> None:
    for column in ([first, second], [first, second, "x"]):  # one type, and several
        keys, cells = excel._distinct(column)
        assert keys[0] != keys[1]
        assert cells[keys[0]] is first
        assert cells[keys[1]] is second


# --- A quote of figures alone is decided as its dossier is --------------------------------------

FIGURE = st.one_of(
    st.none(),
    st.sampled_from([D(0), D("-0"), D("0.00"), D(-1), D(5), D("5.0"), D(6), D(25), D(30),
                     D("6000.05"), D(36000), D("1E+3")]),
    st.decimals(min_value=-100, max_value=400_000, places=2),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(figures=st.tuples(FIGURE, FIGURE, FIGURE, FIGURE, FIGURE))
def test_a_quote_of_figures_alone_gets_what_its_dossier_gets(params, figures) -> None:
    cells = excel.SUBSIDY_CELLS
    quote = subsidy.Quote(*figures, cells, cells)
    dossier = Dossier(**dict(zip(cells, figures, strict=True)), cells=cells, labels=cells)
    # repr: amounts to their exponent, and each finding's message and cell
    assert repr(subsidy.compute_subsidy(quote, params)) == repr(
        subsidy.compute_subsidy(dossier, params)
    )


def test_a_quote_within_its_caps_builds_no_dossier(params) -> None:
    cells = excel.SUBSIDY_CELLS
    within = subsidy.Quote(D(5), D(6000), D(25), D(30000), D(500000), cells, cells)
    assert not subsidy.compute_subsidy(within, params).findings
    assert within._dossier is None
    over = subsidy.Quote(D(5), D(7000), D(25), D(30000), D(500000), cells, cells)  # S09
    (found,) = subsidy.compute_subsidy(over, params).findings
    assert found.cell == cells["montant_p1"]
    assert over._dossier is not None


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (D("0"), D("-0")),
        (D("-0"), D("0")),
        (D("-0.00"), D(0)),
        (D(5), D("5.00")),
        (D("5.00"), D(5)),
    ],
)
def test_a_day_cap_remembered_is_the_one_computed_afresh(params, first, then) -> None:
    subsidy._for_days.cache_clear()
    subsidy.phase_bases(D(100), D(100), params, first, first)
    remembered = subsidy.phase_bases(D(100), D(100), params, then, then)
    subsidy._for_days.cache_clear()
    assert repr(remembered) == repr(subsidy.phase_bases(D(100), D(100), params, then, then))


def test_a_check_without_annotate_loads_no_openpyxl(tmp_path: Path) -> None:
    # openpyxl costs 0.3 s to load: finding the workbooks of a folder (and the copies that
    # --annotate wrote among them) must not need it, nor checking them.
    folder = tmp_path / "trimestre"
    folder.mkdir()
    (folder / "q.xlsx").write_bytes(SAMPLE.read_bytes())
    script = (
        "import sys; from xl_idf.cli import app\n"
        "try:\n"
        f"    app(['validate', {str(folder)!r}, {str(SAMPLE)!r}, '--format', 'json'])\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code, file=sys.stderr)\n"
        "print('openpyxl' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300, check=False)  # fmt: skip
    assert done.stderr.strip().splitlines()[-2:] == ["exit 1", "False"]
    assert len(json.loads(done.stdout)["files"]) == 2


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_paused_for_a_check_is_as_it_was_after_it(enabled: bool) -> None:
    import gc

    from typer.testing import CliRunner

    from xl_idf.cli import app

    seen: list[bool] = []
    hooked = json_text.dumps

    def spying(value: Any, end: str = "") -> str:
        seen.append(gc.isenabled())
        return hooked(value, end)

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        json_text.dumps = spying  # the JSON report written while the collector is off
        done = CliRunner().invoke(app, ["validate", str(SAMPLE), "--format", "json"])
        after = gc.isenabled()
    finally:
        json_text.dumps = hooked
        (gc.enable if was else gc.disable)()
    assert done.exit_code == 1, done.output
    assert json.loads(done.stdout)["summary"]["files"] == 1
    assert seen == [False]
    assert after is enabled


# The plain ways the safety screen's two searches replaced: the far reference without the
# possessive letters, the formula element as two literal searches.
_FAR_PLAIN = re.compile(rb' r="(?:[A-Za-z]{3}|[A-Za-z]{0,2}[0-9]{7})')


_SCREENED = [
    b' r="',
    b"<f ",
    b"<f>",
    b"<f",
    b"f>",
    b"<formula1>",
    b"/",
    b"A",
    b"XF",
    b"XFD",
    b"ab",
    b"1",
    b"0",
    b"9999999",
    b"123456",
    b'"',
    b" ",
    b"<",
    b"r=",
    b"\xc3\xa9",
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_SCREENED),
            st.builds(  # a cell's reference: letters, digits, its closing quote or not
                lambda letters, digits, end: b' r="' + letters.encode() + digits.encode() + end,
                st.text("AXFDz", max_size=4),
                st.text("0159", max_size=9),
                st.sampled_from([b'"', b""]),
            ),
        ),
        max_size=20,
    ).map(b"".join)
)
def test_the_screen_s_searches_find_what_the_plain_ones_find(data: bytes) -> None:
    assert (safety._FAR.search(data) is None) == (_FAR_PLAIN.search(data) is None), data
    assert safety._has_formula(data) == (b"<f " in data or b"<f>" in data), data
