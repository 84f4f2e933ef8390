"""One description per column of the provider template (SPEC 4.1), which every layer builds on.

A `Column` says everything about one field of a record: its header, how its cells are read,
its number format and width, its bounds, its list of values, the template's prompt and input
check, what the structure check (Pandera) asks of it, and the name of the Excel function
argument that carries it. The reader (`xl_idf.workbook.field_readers`), the template
(`xl_idf.template_columns`), the sheet schemas (`xl_idf.schemas`), the Excel functions'
arguments (`xl_idf.excel`) and the calculator's headers (`scripts/build_calculator.py`) are
all built from it; `tests/test_columns.py` walks every column and checks each layer against
its description.

Pure: standard library and the core's readers only, so that xlwings Lite can ship it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from xl_idf import providers, values
from xl_idf.programme import Parameters

Reader = Callable[[object], values.Reading[Any]]

# Number formats, written as Excel stores them (openpyxl writes them as given).
EUROS = '#,##0.00\\ "€"'
DATE = "dd/mm/yyyy"
TEXT = "@"
GENERAL = "General"
WHOLE = "0"
YES_NO = ("Oui", "Non")


class LegalForm(StrEnum):
    """Forme juridique: the two kinds of structures the programme can support."""

    ENTREPRISE = "Entreprise"
    ASSOCIATION = "Association"


class PaymentType(StrEnum):
    """Type of a recorded payment (sheet Versements)."""

    PHASE1 = "Phase 1"
    ADVANCE_PHASE2 = "Acompte phase 2"
    BALANCE_PHASE2 = "Solde phase 2"


NO_APPROVAL = "Aucun"  # Agrément ESS: the dropdown's first entry, meaning no approval

# Plausibility bounds, whatever the programme: beyond them a value is a typing slip. The
# template's input checks and the sheet schemas both take them from the columns below.
MAX_EMPLOYEES = Decimal(1_000_000)
MAX_MONTHS = Decimal(600)
MAX_DAYS = Decimal(366)
MAX_AMOUNT = Decimal(1_000_000_000)


@dataclass(frozen=True)
class Choices:
    """A dropdown: its title in `Listes` and its values, drawn from the programme."""

    title: str
    name: str  # the workbook's defined name for the list
    values: Callable[[Parameters], tuple[str, ...]]
    strict: bool = True  # False: a value outside the list is warned about, not refused


FORMS = Choices("Formes juridiques", "Liste_Formes", lambda p: tuple(LegalForm))
YES_NO_LIST = Choices("Oui / Non", "Liste_OuiNon", lambda p: YES_NO)
APPROVALS = Choices("Agréments ESS", "Liste_Agrements", lambda p: (NO_APPROVAL, *p.ess_approvals))
PROVIDERS = Choices(
    "Prestataires référencés", "Liste_Prestataires", lambda p: p.providers, strict=False
)
DEPARTMENTS = Choices(
    "Départements de la région", "Liste_Departements", lambda p: p.region_departments, strict=False
)
PHASES = Choices("Phases", "Liste_Phases", lambda p: ("1", "2"))
PAYMENT_TYPES = Choices("Types de versement", "Liste_TypesVersement", lambda p: tuple(PaymentType))
CHOICES = (FORMS, YES_NO_LIST, APPROVALS, PROVIDERS, DEPARTMENTS, PHASES, PAYMENT_TYPES)


@dataclass(frozen=True)
class Column:
    """Everything about one column of a data sheet; see the module's docstring."""

    header: str
    read: Callable[[Parameters], Reader]  # the edge reader of its cells, for a programme day
    width: int
    prompt: str  # the template's input message
    number_format: str = GENERAL
    choices: Choices | None = None
    # Bounds: below `low` or above `high` is a typing slip. A `low` of 0 means « not below
    # zero »: the core sets such a value aside as unreadable (F04, `Record.screened`).
    low: Decimal | None = None
    high: Decimal | None = None
    # A value at `low` itself: refused at entry by the template's check (a line of 0 days,
    # which the rules then exclude, X05), or by the structure check (a payment of 0 €, which
    # no rule reports).
    entry_above_low: bool = False
    schema_above_low: bool = False
    whole: bool = False  # a whole number (months)
    length: tuple[int, int] | None = None  # a text's length, from and to
    # A date between two of the programme's dates (warned about outside, not refused).
    dates: tuple[Callable[[Parameters], date], Callable[[Parameters], date]] | None = None
    error: str = ""  # the template's message on a value its input check refuses
    # The structure check (Pandera): a value the rules do not need but a finance officer does;
    # a text's pattern; and what it says above `high` ({high}: the bound, French-written).
    required: bool = False
    pattern: str | None = None
    pattern_error: str = ""
    beyond: str = "au-delà de {high} : saisie à vérifier"
    # A cell formatted as a percentage holds a fraction (Excel stores 60 % as 0.6): read so.
    read_formatted: Reader | None = None
    argument: str | None = None  # the Excel functions' argument carrying it
    align: Literal["centre", "indent"] | None = None

    def reader(self, params: Parameters) -> Reader:
        """The reader of this column's cells under the parameters `params`."""
        return self.read(params)

    @property
    def not_negative(self) -> bool:
        """Whether only zero or more makes sense (a value below zero is F04)."""
        return self.low == 0


# --- Readers ---------------------------------------------------------------------------------


def plain(read: Reader) -> Callable[[Parameters], Reader]:
    """A reader that needs no parameter."""
    return lambda params: read


def listed(choices: Choices, convert: Callable[[str], Any] = str) -> Callable[[Parameters], Reader]:
    """A value of the list `choices`, spelled as the list does, then `convert`ed."""

    def make(params: Parameters) -> Reader:
        options = choices.values(params)

        def read(raw: object) -> values.Reading[Any]:
            got = values.read_choice(raw, options)
            return values.Reading(None if got.value is None else convert(got.value), got.note)

        return read

    return make


def provider(params: Parameters) -> Reader:
    """A provider's name, as the programme references it (aliases and spellings noted)."""
    return lambda raw: providers.read_provider(raw, params)


TEXT_CELL = plain(values.read_text)
AMOUNT = plain(values.read_amount)
DAYS = plain(values.read_decimal)
DAY = plain(values.read_date)
YES_NO_CELL = plain(values.read_bool)
DEPARTMENT = plain(values.read_department)
