"""Every column of the template, walked layer by layer against its one description.

`xl_idf.columns.Column` describes each field once (declared with the records). Here each layer
is read as a user meets it (the committed template and calculator, the reader on a filled
workbook, the Pandera schemas, the Excel functions as xlwings declares them) and compared with
what the description says, column by column: a layer that drifts from it fails here.
"""

from __future__ import annotations

import inspect
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pandas as pd
import pandera.pandas as pa
import pytest

from udfs import idf_udfs as udfs
from workbooks import WORKBOOKS, build_script
from xl_idf import excel, french
from xl_idf.columns import Column
from xl_idf.excel_arguments import ARGUMENTS
from xl_idf.programme import Parameters, Programme
from xl_idf.records import Dossier, ExpenseLine, Payment, Record
from xl_idf.schemas import SCHEMAS, check_structure
from xl_idf.template import build_template
from xl_idf.workbook import PERCENT_READERS, field_readers, read_workbook

KINDS = (Dossier, ExpenseLine, Payment)
EVERY_COLUMN = [(kind, name) for kind in KINDS for name in kind.columns()]
IDS = [f"{kind.SHEET}.{name}" for kind, name in EVERY_COLUMN]


def spec(kind: type[Record], name: str) -> Column:
    return kind.columns()[name]


@pytest.fixture(scope="module")
def template() -> openpyxl.Workbook:
    return openpyxl.load_workbook(WORKBOOKS / "modele-dossiers-idf.xlsx")


def _letter(kind: type[Record], name: str) -> str:
    return openpyxl.utils.get_column_letter(list(kind.columns()).index(name) + 1)


def _validation(sheet: Any, letter: str) -> Any:
    found = [v for v in sheet.data_validations.dataValidation
             if str(v.sqref).startswith(f"{letter}2:")]  # fmt: skip
    assert len(found) <= 1
    return found[0] if found else None


def _plain(bound: Decimal) -> str:
    return format(bound.normalize(), "f")


def _excel_day(day: date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


# --- The template -----------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "name"), EVERY_COLUMN, ids=IDS)
def test_the_template_lays_out_and_checks_each_column_as_described(
    template: openpyxl.Workbook, params: Parameters, kind: type[Record], name: str
) -> None:
    column = spec(kind, name)
    sheet = template[kind.SHEET]
    letter = _letter(kind, name)
    assert sheet[f"{letter}1"].value == column.header
    dimension = sheet.column_dimensions[letter]
    assert dimension.number_format == column.number_format
    assert dimension.width >= column.width
    horizontal = {"centre": "center", "indent": "left", None: None}[column.align]
    assert (dimension.alignment.horizontal if dimension.alignment else None) == horizontal
    check = _validation(sheet, letter)
    assert check is not None
    assert check.prompt == column.prompt
    if column.choices is not None:
        assert check.type == "list"
        assert check.errorStyle == ("stop" if column.choices.strict else "warning")
        listed = template["Listes"][check.formula1.split("!")[1].replace("$", "")]
        assert [str(c.value) for (c,) in listed] == [str(v) for v in column.choices.values(params)]
    elif column.length is not None:
        assert (check.type, check.operator) == ("textLength", "between")
        assert (check.formula1, check.formula2) == tuple(map(str, column.length))
        assert check.error == column.error
    elif column.dates is not None:
        first, last = (day(params) for day in column.dates)
        assert (check.type, check.formula1, check.formula2) == (
            "date",
            _excel_day(first),
            _excel_day(last),
        )
        assert check.errorStyle == "warning"
        assert french.day(first) in check.error
        assert french.day(last) in check.error
    elif column.low is not None and column.high is not None:
        assert check.type == ("whole" if column.whole else "decimal")
        if column.entry_above_low:
            assert (check.operator, check.formula1) == ("greaterThan", _plain(column.low))
        else:
            assert (check.operator, check.formula1, check.formula2) == (
                "between",
                _plain(column.low),
                _plain(column.high),
            )
        assert check.error == column.error
    else:
        assert check.type is None  # a prompt, no check: free text


def test_a_template_built_from_changed_descriptions_follows_them(
    programme: Programme, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template takes its bounds from the description, not from a copy of its own."""
    from dataclasses import replace

    from xl_idf import template_columns

    changed = replace(spec(Dossier, "effectif"), high=Decimal(5000))
    layouts = dict(template_columns.COLUMNS[Dossier])
    layouts["effectif"] = template_columns.layout(changed)
    monkeypatch.setitem(template_columns.COLUMNS, Dossier, layouts)
    sheet = build_template(programme)["Dossiers"]
    assert _validation(sheet, _letter(Dossier, "effectif")).formula2 == "5000"


# --- The reader -------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "name"), EVERY_COLUMN, ids=IDS)
def test_the_reader_reads_each_column_with_its_described_reader(
    params: Parameters, kind: type[Record], name: str
) -> None:
    column = spec(kind, name)
    reader = field_readers(params)[kind][name]
    # The same reading on what providers type: the header itself, a number, a date, a blank.
    for raw in (None, "", column.header, 12.5, 60, "Oui", "31", date(2022, 3, 15), "AFNOR"):
        assert _outcome(reader, raw) == _outcome(column.reader(params), raw), raw
    assert PERCENT_READERS[kind].get(name) is column.read_formatted


def _outcome(reader: Any, raw: object) -> object:
    try:
        got = reader(raw)
    except Exception as exc:
        return (type(exc).__name__, str(exc))
    return (got.value, got.note)


@pytest.mark.parametrize("kind", KINDS, ids=[k.SHEET for k in KINDS])
def test_below_zero_is_refused_exactly_where_the_description_starts_at_zero(
    kind: type[Record],
) -> None:
    expected = {name for name, column in kind.columns().items() if column.low == 0}
    assert expected == kind.NOT_NEGATIVE
    record = kind(
        **dict.fromkeys(expected, Decimal(-1)), row=2, cells=dict.fromkeys(expected, "A2")
    )
    screened, found = record.screened()
    assert {f.code for f in found} == ({"F04"} if expected else set())
    assert screened.unreadable == frozenset(expected)


def test_a_filled_template_is_read_by_the_headers_the_descriptions_give(
    programme: Programme, params: Parameters, tmp_path: Any
) -> None:
    book = build_template(programme)
    sheet = book["Dossiers"]
    sheet["A2"], sheet["I2"], sheet["T2"] = "IDF-1", 249.5, 5
    path = tmp_path / "rempli.xlsx"
    book.save(path)
    content = read_workbook(path, params)
    (dossier,) = content.dossiers
    assert (dossier.numero, dossier.effectif, dossier.jours_p1) == (
        "IDF-1",
        Decimal("249.5"),
        Decimal(5),
    )
    assert dossier.cells["effectif"] == f"{_letter(Dossier, 'effectif')}2"


# --- The structure check (Pandera) ------------------------------------------------------------


@pytest.mark.parametrize(("kind", "name"), EVERY_COLUMN, ids=IDS)
def test_the_schema_checks_each_column_as_described(kind: type[Record], name: str) -> None:
    column = spec(kind, name)
    schema = SCHEMAS[kind]
    checked = column.required or column.pattern is not None or column.high is not None
    assert (column.header in schema.columns) is checked
    if not checked:
        return
    assert schema.columns[column.header].nullable is not column.required
    if column.high is not None:
        step = Decimal(1) if column.whole else Decimal("0.5")
        at, beyond = _messages(kind, name, column.high), _messages(kind, name, column.high + step)
        assert at == []
        words = column.beyond.format(high=french.number(column.high))
        assert len(beyond) == 1, beyond
        assert words in beyond[0]
    if column.schema_above_low:
        assert column.low is not None
        assert len(_messages(kind, name, column.low)) == 1


def _messages(kind: type[Record], name: str, value: object) -> list[str]:
    """What the structure check says of a record holding `value` in field `name` (and the
    values it requires elsewhere, valid)."""
    required = {n: _valid(c) for n, c in kind.columns().items() if c.required and n != name}
    # A valid value in each other required column: only `name` is under test.
    record = kind(**required, **{name: value}, row=2, cells={name: "A2"})
    return [f.message for f in check_structure([record], kind) if f.cell == "A2"]


def _valid(column: Column) -> object:
    return Decimal(1) if column.high is not None else "x"


def test_a_schema_is_a_pandera_schema_of_the_sheet() -> None:
    for kind in KINDS:
        assert isinstance(SCHEMAS[kind], pa.DataFrameSchema)
        frame = pd.DataFrame({c.header: [] for c in kind.columns().values()}, dtype=object)
        SCHEMAS[kind].validate(frame)


# --- The Excel functions ----------------------------------------------------------------------

FIELD_ARGUMENTS = {
    "IDF_CATEGORIE": (Dossier, excel.CATEGORY_CELLS),
    "IDF_ELIGIBLE": (Dossier, excel.ELIGIBILITY_CELLS),
    "IDF_MOTIFS": (Dossier, excel.ELIGIBILITY_CELLS),
    "IDF_DEPENSE_PLAFONNEE": (ExpenseLine, excel.CAPPED_CELLS),
    "IDF_DEPENSE_ELIGIBLE": (ExpenseLine, excel.LINE_CELLS),
    "IDF_SUBVENTION": (Dossier, excel.SUBSIDY_CELLS),
    "IDF_MINIMIS": (Dossier, excel.DE_MINIMIS_CELLS),
}


@pytest.mark.parametrize("function", sorted(FIELD_ARGUMENTS))
def test_each_function_names_a_field_by_its_described_argument(function: str) -> None:
    kind, cells = FIELD_ARGUMENTS[function]
    declared = list(inspect.signature(getattr(udfs, function)).parameters)
    for name, argument in cells.items():
        assert argument == spec(kind, name).argument
        assert argument in declared, (function, argument)
        assert ARGUMENTS[function][argument]  # its description in Excel's wizard


def test_every_described_argument_is_taken_by_some_function() -> None:
    taken = {(kind, name) for kind, cells in FIELD_ARGUMENTS.values() for name in cells}
    described = {(k, n) for k, n in EVERY_COLUMN if spec(k, n).argument is not None}
    assert described == taken


def test_a_function_reads_its_argument_as_the_column_is_read() -> None:
    """A head count typed « 249,5 » means in a function what it means in the sheet."""
    assert udfs.IDF_CATEGORIE([["249,5"]]) == [["PME"]]
    refused = udfs.IDF_CATEGORIE([["-3"]])[0][0]
    assert refused.startswith(excel.ERROR + "effectif : valeur négative -3")


# --- The calculator ---------------------------------------------------------------------------


def test_the_calculator_types_its_inputs_under_the_described_headers_and_formats() -> None:
    calculator = build_script("build_calculator")
    sheet = openpyxl.load_workbook(WORKBOOKS / "calculateur-idf.xlsm", keep_vba=True)["Calculs"]
    for kind, fields in ((Dossier, calculator.DOSSIER_FIELDS),
                         (ExpenseLine, calculator.LINE_FIELDS),
                         (Payment, calculator.PAYMENT_FIELDS)):  # fmt: skip
        headers = [spec(kind, f).header for f in fields]
        row = next(r for r in sheet.iter_rows() if [c.value for c in r[: len(headers)]] == headers)
        first = row[0].row + 1
        for index, name in enumerate(fields, start=1):
            cell = sheet.cell(row=first, column=index)
            assert cell.number_format == spec(kind, name).number_format, name
