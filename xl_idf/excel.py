"""The engine of the Excel functions: Excel ranges in, one answer row per input row out.

Pure (no xlwings): each argument's cells are read by the core's edge readers, a row that
cannot be read answers `#IDF: <argument> : <raison>` in that row only, rows that repeat are
computed once, and every text answer stays within Excel's limit. `xl_idf.excel_functions`
builds the nine IDF_* functions on it; `udfs/idf_udfs.py` only declares them to xlwings.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import repeat
from math import copysign
from operator import getitem
from typing import Any

from xl_idf.columns import Column
from xl_idf.dossier import parameters_on
from xl_idf.eligibility import Category
from xl_idf.errors import ValueRejected, XlIdfError
from xl_idf.findings import Finding
from xl_idf.programme import Programme, load_programme
from xl_idf.records import Dossier, ExpenseLine, Record, below_zero
from xl_idf.values import (
    Reading,
    is_blank,
    read_amount,
    read_choice,
    read_date,
    read_decimal,
)

ERROR = "#IDF: "
# Excel's limit for the text a formula returns: a longer answer is cut, marked with « … ».
TEXT_LIMIT = 255
# An empty row answers "" rather than None: both runtimes of xlwings 0.37 write None as an empty
# string, but an Empty element of a spilled array shows as 0 in Excel (a subsidy of 0 where
# nothing was asked); "" shows nothing, SUM ignores it, and the plain Python result is what the
# cell shows.
EMPTY = ""

Row = list[Any]
Reader = Callable[[object], Reading[Any]]

# Findings that say an argument is missing or not acceptable, rather than a rule's outcome.
_INPUT_CODES = frozenset({"F04", "F07", "X05"})


def arguments(kind: type[Record], *names: str) -> dict[str, str]:
    """Each field of `names` to the Excel argument carrying it (its column's description).

    A record built with these as its `cells` and its `labels` places a finding on the argument
    (its `cell`) and names the argument in the core's own message (`Record.label`):
    `#IDF: montant_ht : valeur négative -100 …`.
    """
    columns = kind.columns()
    return {name: str(columns[name].argument) for name in names}


# The fields each function takes, in the order of its arguments (SPEC 4.2).
ELIGIBILITY_CELLS = arguments(
    Dossier, "forme_juridique", "activite_industrielle", "agrement_ess",
    "part_recettes_production", "effectif", "duree_premier_bilan", "departement",
    "en_difficulte", "a_jour_fiscal_social", "date_depot", "prestataire",
)  # fmt: skip
CATEGORY_CELLS = arguments(Dossier, "effectif")
CAPPED_CELLS = arguments(ExpenseLine, "montant_ht", "jours")
LINE_CELLS = arguments(
    ExpenseLine, "montant_ht", "jours", "date_prestation", "prestataire", "departement_prestation"
)
SUBSIDY_CELLS = arguments(Dossier, "jours_p1", "montant_p1", "jours_p2", "montant_p2",
                          "fonds_propres")  # fmt: skip
DE_MINIMIS_CELLS = arguments(Dossier, "aides_minimis_3_ans", "attestation_minimis")


@dataclass(frozen=True)
class Arg:
    """One argument of a call: its name in the formula, what Excel passed, how a cell is read."""

    name: str
    cells: object
    read: Reader | None
    required: bool = False  # the core function cannot take it blank
    # A setting of the call rather than data (the date whose parameters apply): it never makes
    # a blank row count, so that blank rows below a table stay blank.
    setting: bool = False
    # A record field's description: the argument is read as its column is (`field_arg`).
    column: Column | None = None

    def reader(self, programme: Programme) -> Reader:
        """How each cell is read: a field's column reader under the parameters of the
        programme's last day (the lists the template offers), resolved once per call."""
        if self.column is not None:
            return self.column.reader(parameters_on(None, programme))
        assert self.read is not None
        return self.read


def _column(arg: Arg) -> list[object]:
    """The argument's cells, top to bottom; a range of several columns is refused."""
    cells = arg.cells
    if not isinstance(cells, list | tuple):
        return [cells]
    if set(map(type, cells)) <= _ROWS:
        with contextlib.suppress(ValueError):  # a row of another width: said below
            return [cell for (cell,) in cells] or [None]  # xlwings passes rows of one cell
    column: list[object] = []
    for row in cells:
        if not isinstance(row, list | tuple):
            column.append(row)  # a flat list (plain Python) is a column; xlwings passes rows
        elif len(row) == 1:
            column.append(row[0])
        else:
            raise ValueRejected(
                f"{arg.name} : une seule colonne attendue (une cellule, ou une plage d'une colonne)"
            )
    return column or [None]


_ROWS = frozenset({list, tuple})


def rows(args: Sequence[Arg], compute: Callable[..., Row], width: int = 1) -> list[list[Any]]:
    """`compute(programme, *values)` on each row of the arguments, each cell read first.

    A row's answer depends on its values only (`compute` is not told where the row is, and
    a refusal names the argument, not the cell): rows that repeat are computed once.
    """
    try:
        programme = load_programme()
        columns = [_column(arg) for arg in args]
        count = max(len(column) for column in columns)
        uneven = [f"{a.name} : {len(c)}" for a, c in zip(args, columns, strict=True)
                  if len(c) not in (1, count)]  # fmt: skip
        if uneven:
            raise ValueRejected(
                f"plages de tailles différentes ({count} lignes ailleurs ; {', '.join(uneven)}) : "
                "donner des plages de même hauteur, ou une seule cellule"
            )
    except XlIdfError as exc:
        return [[error(str(exc))] * width]
    # Each argument's distinct cells, each read once; a row's key is the tuple of its cells'
    # keys (`_distinct`), and equal keys read the same values.
    keyed = [_distinct(column) for column in columns]
    values = [
        _read_cells(arg, arg.reader(programme), cells)
        for arg, (_, cells) in zip(args, keyed, strict=True)
    ]
    # A row is empty when the data given as ranges is blank in it: a single cell repeated
    # against them (a date, a provider) does not make the blank rows below a table count, and
    # neither does a setting (`[date]`).
    data = [i for i, arg in enumerate(args) if not arg.setting]
    varying = [i for i in data if len(columns[i]) > 1] or data
    blanks = [
        {key: is_blank(cell) for key, cell in cells.items()}
        if i in varying
        else dict.fromkeys(cells, True)
        for i, (_, cells) in enumerate(keyed)
    ]
    # A row can be blank only where every varying column has a blank cell somewhere.
    may_be_blank = all(any(blanks[i].values()) for i in varying)
    refusable = [
        i for i, read in enumerate(values) if any(isinstance(v, _Refused) for v in read.values())
    ]

    def answer(key: tuple[object, ...]) -> Row:
        if may_be_blank and all(map(getitem, blanks, key)):
            return [EMPTY] * width
        for i in refusable:
            refused = values[i][key[i]]
            if isinstance(refused, _Refused):
                # Every cell of the row says why: a formula reading any of them shows the reason.
                return [error(refused.why)] * width
        try:
            return compute(programme, *map(getitem, values, key))
        except ValueRejected as exc:
            return [error(str(exc))] * width

    keys = zip(
        *(cells if len(cells) > 1 else repeat(cells[0], count) for cells, _ in keyed),
        strict=True,
    )
    memo: dict[tuple[object, ...], Row] = {}
    answers: list[list[Any]] = []
    for key in keys:
        row = memo.get(key)
        if row is None:
            row = answer(key)
            if len(memo) < MEMO_ROWS:
                memo[key] = row
            answers.append(row)
        else:
            answers.append(list(row))  # each answer row its own list
    return answers


def text(answer: str) -> str:
    """A text answer within Excel's limit for a formula's text, cut with « … » if longer."""
    return answer if len(answer) <= TEXT_LIMIT else answer[: TEXT_LIMIT - 1].rstrip() + "…"


def error(why: str) -> str:
    """The `#IDF: …` answer of a row that cannot be computed, within Excel's limit."""
    return text(ERROR + why)


@dataclass(frozen=True)
class _Refused:
    """A cell that cannot be read: why, in French, naming its argument."""

    why: str


# The rows remembered in one call, at most; rows past them are computed as they come. Rows
# repeat when a call has few distinct ones (a head count, a parameter's name), which this
# holds; a table of distinct dossiers repeats none, and remembering each of its rows would
# cost it time (a dict growing, a key tuple kept per row) and memory for nothing.
MEMO_ROWS = 4096

# Cells of these types read the same whenever they are equal and of the same type, but for a
# float equal to zero (-0.0 equals 0.0 but does not read the same), told apart by its sign; a
# datetime is told apart by its zone too, any other cell by identity (a Decimal 1.0 is not a
# Decimal 1).
_EQUAL_READS_SAME = frozenset({str, int, bool, float, date, type(None)})


def _distinct(column: Sequence[object]) -> tuple[Sequence[object], dict[object, object]]:
    """Each cell's key, and the distinct keys with the cell each stands for.

    Two cells get the same key only when they read the same. A column of one type where
    equal means « reads the same » is its own keys (most columns, with no work per cell);
    other cells are numbered, by type and value so that TRUE, 1 and 1.0 stay apart.
    """
    kinds = set(map(type, column))
    if kinds <= _EQUAL_READS_SAME and not (float in kinds and 0.0 in column):
        if len(kinds) == 1:
            return column, {cell: cell for cell in dict.fromkeys(column)}
        seen: dict[tuple[object, ...], int] = {}
        keys = zip(map(type, column), column, strict=True)
        codes = [seen.setdefault(key, len(seen)) for key in keys]
        return codes, {code: cell for code, (_, cell) in enumerate(seen)}
    seen = {}
    cells: dict[object, object] = {}
    codes = []
    for cell in column:
        code = seen.setdefault(_key(cell), len(seen))
        cells.setdefault(code, cell)
        codes.append(code)
    return codes, cells


def _key(cell: object) -> tuple[object, ...]:
    """What tells a cell apart from cells that read otherwise: its type and value, or itself."""
    kind = type(cell)
    if isinstance(cell, float) and kind is float and cell == 0:
        return (kind, cell, copysign(1.0, cell))  # the sign of a zero
    if isinstance(cell, datetime) and kind is datetime:
        return (kind, cell, cell.tzinfo)  # the same instant in two zones is two days
    if kind in _EQUAL_READS_SAME:
        return (kind, cell)
    return (kind, id(cell))  # alive as long as the column: no two cells share an id


def _read_cells(arg: Arg, read: Reader, cells: dict[object, object]) -> dict[object, Any]:
    """Each cell read, or a `_Refused` saying why it cannot be, by its key."""
    return {key: _read_cell(arg, read, cell) for key, cell in cells.items()}


def _read_cell(arg: Arg, read: Reader, raw: object) -> Any:
    try:
        value = read(raw).value
    except ValueRejected as exc:
        return _Refused(f"{arg.name} : {exc}")
    if value is None and arg.required:
        return _Refused(f"{arg.name} : valeur manquante")
    return value


def refuse_bad_input(findings: Sequence[Finding], incomplete: bool = False) -> None:
    """Raise when the core found an argument missing or invalid (F04, F07, X05), naming it."""
    problems = [
        # The core's message names the argument: the records are labelled with the arguments.
        f"{f.cell} : valeur manquante" if f.code == "F07" else f.message
        for f in findings
        # A finding without a cell is on a field the function has no argument for.
        if f.code in _INPUT_CODES and f.cell is not None
    ]
    if problems:
        raise ValueRejected(" ; ".join(problems))
    if incomplete:
        raise ValueRejected("données incomplètes")


def euros(amount: Decimal) -> float:
    """An amount of the core, already to the cent, as an Excel number: floats only at the edge."""
    return float(amount)


def _not_negative(read: Reader) -> Reader:
    """`read`, refusing a number below zero: an amount the core takes as already computed.

    For the arguments that are no field of a record (a subsidy, a justified sum); a record's
    fields are screened by the core rules themselves (xl_idf.records.Record.screened).
    """

    def read_it(raw: object) -> Reading[Any]:
        got = read(raw)
        if got.value is not None and got.value < 0:
            raise ValueRejected(below_zero(got.value))  # the words of the core's F04
        return got

    return read_it


def read_category(raw: object) -> Reading[Category]:
    got = read_choice(raw, tuple(Category))
    return Reading(None if got.value is None else Category(got.value), got.note)


read_money = _not_negative(read_amount)
read_days = _not_negative(read_decimal)


def field_arg(kind: type[Record], name: str, cells: object, required: bool = False) -> Arg:
    """The argument carrying field `name` of `kind`, read as its column's cells are read.

    Its reader is the column's, under the parameters of the programme's last day (the lists
    the template offers); the rules then apply those of the row's own date.
    """
    spec = kind.columns()[name]
    return Arg(str(spec.argument), cells, None, required, column=spec)


def date_arg(cells: object) -> Arg:
    """The optional `[date]` argument: the filing date whose parameters are applied."""
    return Arg("date", cells, read_date, setting=True)
