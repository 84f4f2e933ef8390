"""Pandera schemas of the three data sheets: the structure checks the rules do not make.

The readers (`xl_idf.values`) already type every cell and the rules report what they need
(F07, X05, E12...), so these schemas check only the rest, lazily, every failure collected:
values the rules do not need but a finance officer does (company name, invoice number and date,
the Région's payment records), the NAF code's format, and plausible ranges. One function turns
pandera's failure table into findings with their sheet and cell.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

import pandas as pd
import pandera.pandas as pa

from xl_idf import french
from xl_idf.catalogue import finding
from xl_idf.columns import Column
from xl_idf.findings import Finding
from xl_idf.records import RECORD_KINDS, Record


def _at_most(limit: Decimal) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s.isna() | s.map(lambda v: v is None or v <= limit)


def _above(limit: Decimal) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s.isna() | s.map(lambda v: v is None or v > limit)


def _matching(pattern: str) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s.isna() | s.astype(str).str.fullmatch(pattern)


def checks_of(spec: Column) -> list[pa.Check]:
    """What the structure check asks of a column's values, from its description."""
    checks = []
    if spec.pattern is not None:
        checks.append(pa.Check(_matching(spec.pattern), error=spec.pattern_error))
    if spec.high is not None:
        beyond = spec.beyond.format(high=french.number(spec.high))
        checks.append(pa.Check(_at_most(spec.high), error=beyond))
    if spec.schema_above_low and spec.low is not None:
        checks.append(
            pa.Check(_above(spec.low), error=f"plus de {french.number(spec.low)} attendu")
        )
    return checks


def schema_of(kind: type[Record]) -> pa.DataFrameSchema:
    """The schema of one data sheet, built from its columns' descriptions.

    A column is checked when a finance officer needs its value though the rules do not
    (`required`), or when its description bounds or shapes it. Values below zero are not its
    business: the core sets them aside and reports them (F04, `Record.screened`), once.
    """
    columns = {}
    for spec in kind.columns().values():
        checks = checks_of(spec)
        if spec.required or checks:
            columns[spec.header] = pa.Column(object, checks=checks, nullable=not spec.required)
    return pa.DataFrameSchema(columns, name=kind.SHEET, strict=False, coerce=False)


SCHEMAS: dict[type[Record], pa.DataFrameSchema] = {kind: schema_of(kind) for kind in RECORD_KINDS}


def _geopandas_known_absent() -> None:
    """Where geopandas is not installed, say so once, as Python's import system reads it: None
    in `sys.modules`.

    pandera imports geopandas at every column's dtype check (`is_geopandas_dtype`), and an
    import that fails is not remembered: each one searches the whole import path again, a
    third of a millisecond, twenty times a file (a tenth of a small file's check).
    """
    if "geopandas" not in sys.modules and importlib.util.find_spec("geopandas") is None:
        sys.modules["geopandas"] = None  # type: ignore[assignment]


_geopandas_known_absent()


def frame(records: Sequence[Record], kind: type[Record]) -> pd.DataFrame:
    """The records as a frame of the columns their schema checks, named by their headers,
    indexed by Excel row.

    A value below zero where only zero or more makes sense is the core's to report (F04): the
    frame holds it blank, as `Record.screened` sets it aside, column by column here.
    """
    data: dict[str, list[Any]] = {}
    checked = SCHEMAS[kind].columns
    for name, label in kind.headers().items():
        if label not in checked:
            continue
        column = list(map(attrgetter(name), records))
        if name in kind.NOT_NEGATIVE:
            column = [None if (value or 0) < 0 else value for value in column]
        data[label] = column
    return pd.DataFrame(data, index=[r.row for r in records], dtype=object)


def check_structure(records: Sequence[Record], kind: type[Record]) -> list[Finding]:
    """Validate one sheet's records lazily; every failure as a finding at its cell."""
    if not records:
        return []
    try:
        SCHEMAS[kind].validate(frame(records, kind), lazy=True)
    except pa.errors.SchemaErrors as failed:
        return _findings(failed.failure_cases, records, kind)
    return []


def _findings(cases: pd.DataFrame, records: Sequence[Record], kind: type[Record]) -> list[Finding]:
    """Pandera's failure table as findings: F07 for a missing value, F04 for a wrong one."""
    by_row = {r.row: r for r in records}
    fields = {label: name for name, label in kind.headers().items()}
    found = []
    for case in cases.itertuples(index=False):
        record = by_row.get(case.index)
        name = fields.get(case.column)
        # A value the reader could not read is reported once, by the reader; one below zero,
        # once, by the core (`Record.screened`).
        if record is None or name is None or name in record.screened()[0].unreadable:
            continue
        if case.check == "not_nullable":
            found.append(
                finding(
                    "F07",
                    record.at(name),
                    record.dossier_number,
                    column=case.column,
                    consequence="valeur à compléter",
                )
            )
        else:
            found.append(
                finding(
                    "F04",
                    record.at(name),
                    record.dossier_number,
                    column=case.column,
                    why=f"{case.check} (valeur « {_shown(case.failure_case)} »)",
                )
            )
    return found


def prepare() -> None:
    """Load pandera's validation backends now (it does so on first use, at a cost of seconds).

    Called in the parent process before files are checked in forked children, so that they
    inherit the loaded backends instead of each loading them again.
    """
    for kind, schema in SCHEMAS.items():
        schema.validate(frame([], kind), lazy=True)


def _shown(value: object) -> str:
    """A failing value as the messages write numbers and dates (French separators)."""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, Decimal | int):
        return french.number(value)
    if isinstance(value, float):
        return french.number(Decimal(repr(value)))
    if isinstance(value, date | datetime):
        return french.day(value)
    return str(value)
