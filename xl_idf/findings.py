"""Findings: what a rule says about the data, with its code, severity, French message and place.

Rules *return* findings; they never raise for bad data (frictionless-py's habit). Each code is
described once in `xl_idf.catalogue`.
"""

from __future__ import annotations

import pickle
import string
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass, fields
from enum import StrEnum
from operator import attrgetter

from xl_idf.slots import maker


class Severity(StrEnum):
    """How serious a finding is: an error makes a workbook invalid."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def french(self) -> str:
        """The severity as French finance staff read it."""
        return {"error": "erreur", "warning": "avertissement", "info": "information"}[self.value]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value sits: sheet and cell (both None for a value typed in a formula)."""

    sheet: str | None = None
    cell: str | None = None


NOWHERE = Location()


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule found, located to its sheet and cell and tied to its dossier."""

    code: str
    severity: Severity
    message: str
    sheet: str | None = None
    cell: str | None = None
    dossier: str | None = None
    file: str | None = None

    def __reduce__(self) -> tuple[Callable[..., Finding], tuple[object, ...]]:
        # Sent back from each file's worker by the ten thousand: its fields as a tuple (a
        # slotted dataclass is otherwise pickled through a state dict, field by field).
        return made, (
            self.code, self.severity, self.message, self.sheet, self.cell, self.dossier, self.file
        )  # fmt: skip

    def in_file(self, file: str) -> Finding:
        """The same finding, placed in a workbook file."""
        # Made directly: dataclasses.replace costs five times more, on every finding of a run.
        return _make(
            self.code, self.severity, self.message, self.sheet, self.cell, self.dossier, file
        )


# Findings made by the hundred thousand on a big file (rules, placing, pickling): made as
# `Finding(...)` makes them, its slots set directly (`xl_idf.slots`).
_make = maker(Finding)


def pack(findings: Sequence[Finding]) -> bytes:
    """`findings` pickled a field at a time, each field's values in one list: a third faster
    both ways than finding by finding, for the tens of thousands a big file's processes send
    each other (`unpack`)."""
    columns = tuple(list(map(attrgetter(name), findings)) for name in _FIELDS)
    return pickle.dumps(columns, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> tuple[Finding, ...]:
    """The findings `pack` pickled, in their order."""
    return tuple(map(_make, *pickle.loads(data)))


_FIELDS = tuple(f.name for f in fields(Finding))


def made(
    code: str,
    severity: Severity,
    message: str,
    sheet: str | None = None,
    cell: str | None = None,
    dossier: str | None = None,
    file: str | None = None,
) -> Finding:
    """`Finding(...)`, twice as fast."""
    return _make(code, severity, message, sheet, cell, dossier, file)


@dataclass(frozen=True, slots=True)
class Rule:
    """One code of the catalogue."""

    code: str
    severity: Severity
    title: str
    citation: str
    message: str
    _: KW_ONLY
    parameters: tuple[str, ...] = ()  # the programme parameters the rule reads
    blocking: bool = False  # an error of this code leaves the dossier without subsidy
    cuts: bool = False  # the code cuts an amount of the subsidy, or sets a part of it to 0

    @property
    def fields(self) -> set[str]:
        """The names the message template needs."""
        return {name for _, name, _, _ in string.Formatter().parse(self.message) if name}
