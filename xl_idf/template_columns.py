"""The columns of the provider template as openpyxl lays them out: format, dropdown, input check.

Built from the columns' descriptions (`xl_idf.columns.Column`, declared with the records), so
that the template checks at entry exactly what the reader, the schemas and the rules expect; the
template builder (`xl_idf.template`) lays them out, and the annotated copies reuse the euro
format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from xl_idf import french
from xl_idf.columns import CHOICES, DATE, EUROS, TEXT, Choices
from xl_idf.columns import Column as Description
from xl_idf.programme import Parameters
from xl_idf.records import RECORD_KINDS, Record

__all__ = ["CHOICES", "COLUMNS", "DATE", "EUROS", "TEXT", "Column", "validation"]

_Kind = Literal["whole", "decimal", "list", "date", "textLength"]
_Operator = Literal["between", "greaterThan"]

# Short codes and counts centred, a name set off from the amount before it: printed side by
# side, « 48 » and « 11 » would read « 4811 », and « 1 » beside « AGILEA » « 1 AGILEA ».
CENTRED = Alignment(horizontal="center")
INDENTED = Alignment(horizontal="left", indent=1)
ALIGNMENTS = {"centre": CENTRED, "indent": INDENTED, None: None}


@dataclass(frozen=True)
class Column:
    """How one column of a data sheet is laid out and checked."""

    width: int
    prompt: str
    number_format: str = "General"
    choices: Choices | None = None
    check: Callable[[Parameters], DataValidation] | None = None
    align: Alignment | None = None


def validation(kind: _Kind, operator: _Operator, formula1: str, formula2: str | None, error: str,
                strict: bool = True) -> DataValidation:  # fmt: skip
    return DataValidation(
        type=kind, operator=operator, formula1=formula1, formula2=formula2, allow_blank=True,
        showErrorMessage=True, errorTitle="Valeur refusée" if strict else "Valeur à vérifier",
        error=error, errorStyle="stop" if strict else "warning",
    )  # fmt: skip


def _bound(value: Decimal) -> str:
    """A bound as the input check's formula writes it (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f")


def _excel_date(day: date) -> str:
    """A date as a formula both Excel and LibreOffice read whatever their language."""
    return f"DATE({day.year},{day.month},{day.day})"


def check_of(spec: Description) -> Callable[[Parameters], DataValidation] | None:
    """The template's input check of a column, from its description (None: no check).

    A column with a list has its dropdown instead (`xl_idf.template`).
    """
    if spec.length is not None:
        shortest, longest = spec.length
        return lambda p: validation(
            "textLength", "between", str(shortest), str(longest), spec.error
        )
    if spec.dates is not None:
        first, last = spec.dates

        def dates(p: Parameters) -> DataValidation:
            # Warned about outside the programme's dates, not refused: the rules decide.
            low, high = first(p), last(p)
            error = spec.error.format(first=french.day(low), last=french.day(high))
            return validation("date", "between", _excel_date(low), _excel_date(high), error,
                              strict=False)  # fmt: skip

        return dates
    if spec.low is None or spec.high is None:
        return None
    kind: _Kind = "whole" if spec.whole else "decimal"
    low, high = _bound(spec.low), _bound(spec.high)
    if spec.entry_above_low:
        # The lower bound itself is refused: above it, with no upper bound at entry (the
        # structure check says a value beyond `high`).
        return lambda p: validation(kind, "greaterThan", low, None, spec.error)
    return lambda p: validation(kind, "between", low, high, spec.error)


def layout(spec: Description) -> Column:
    """How the template lays out the column described by `spec`."""
    return Column(
        width=spec.width, prompt=spec.prompt, number_format=spec.number_format,
        choices=spec.choices, check=None if spec.choices else check_of(spec),
        align=ALIGNMENTS[spec.align],
    )  # fmt: skip


COLUMNS: dict[type[Record], dict[str, Column]] = {
    kind: {name: layout(spec) for name, spec in kind.columns().items()} for kind in RECORD_KINDS
}
