"""Values written the way French finance staff read them, for messages and reports."""

from __future__ import annotations

import errno
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache

from xl_idf.money import CENT

NBSP = "\u00a0"  # no-break space: French thousands separator and space before "€" or "%"


def _group(integer_digits: str) -> str:
    groups: list[str] = []
    while len(integer_digits) > 3:
        groups.insert(0, integer_digits[-3:])
        integer_digits = integer_digits[:-3]
    groups.insert(0, integer_digits)
    return NBSP.join(groups)


@lru_cache(maxsize=16384)
def number(value: Decimal | int, places: int | None = None) -> str:
    """A number with French separators: 1 200,5; with `places`, that many decimals."""
    # Cached: the same amounts and day counts fill the messages of a large quarter. The text
    # depends on the number only, not on how it is written (1.50 and 1.5 both give 1,5; -0
    # gives 0), so numbers that compare equal may share it.
    d = Decimal(value)
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places))
    elif d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    else:
        d = d.normalize()
    sign = "-" if d < 0 else ""
    text = f"{abs(d):f}"
    integer, _, decimals = text.partition(".")
    return f"{sign}{_group(integer)}" + (f",{decimals}" if decimals else "")


@lru_cache(maxsize=16384)
def eur(amount: Decimal) -> str:
    """An amount in euros to the cent: 1 200,00 €."""
    return f"{number(amount.quantize(CENT), 2)}{NBSP}€"


def days(value: Decimal | int) -> str:
    """A number of days: 1 jour, 12,5 jours."""
    return f"{number(value)}{NBSP}jour" + ("s" if abs(Decimal(value)) >= 2 else "")


def percent(rate: Decimal) -> str:
    """A rate given as a fraction, in percent: 0.5 -> 50 %."""
    return f"{number(rate * 100)}{NBSP}%"


def day(value: date) -> str:
    """A date as jj/mm/aaaa."""
    return value.strftime("%d/%m/%Y")


def listing(items: tuple[str, ...] | list[str]) -> str:
    """Items joined with commas, for messages naming what is expected."""
    return ", ".join(items)


def parameter(value: object, unit: str) -> str:
    """A programme parameter's value in words, by its unit (see `xl_idf.programme`)."""
    if unit == "aliases" and isinstance(value, tuple):
        # (provider, its other names) pairs: « AFNOR : AFNOR Certification, … ; … ».
        return " ; ".join(f"{provider} : {listing(names)}" for provider, names in value)
    if isinstance(value, tuple):
        return listing([str(item) for item in value])
    if isinstance(value, Decimal):
        shown: dict[str, Callable[[Decimal], str]] = {"EUR": eur, "percent": percent, "days": days}
        return shown.get(unit, number)(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, int):
        word = {"months": "mois", "employees": "salariés", "companies": "entreprises"}.get(unit)
        return f"{number(value)} {word}" if word else number(value)
    return str(value)


_OS_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "accès refusé",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "support en lecture seule",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EEXIST: "un fichier de ce nom existe déjà",
}


def os_error(exc: OSError) -> str:
    """Why a file could not be read or written, in French."""
    return _OS_REASONS.get(exc.errno or 0, f"erreur du système ({exc.strerror or exc})")


def count(n: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun agreed: 0 erreur, 1 erreur, 2 erreurs (French: 0 and 1 singular)."""
    noun = singular if n < 2 else (plural or singular + "s")
    return f"{number(n)} {noun}"
