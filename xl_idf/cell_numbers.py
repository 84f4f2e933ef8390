"""Numbers as spreadsheet cells hold them: Excel's precision, and numbers written as text.

A float from a cell is rounded to Excel's 15 significant digits before it becomes a decimal;
text is read in French or English style (« 1 234,50 », « 1,234.50 »), and an ambiguous
« 6.000 » is refused. The edge readers (`xl_idf.values`) are built on these.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from xl_idf import french
from xl_idf.errors import ValueRejected

_ONE_SPACE = str.maketrans(dict.fromkeys(" \u00a0\u202f", " "))
EXCEL_DIGITS = 15
EXCEL_LIMIT = Decimal(10) ** EXCEL_DIGITS
_NUMBER_TEXT = re.compile(r"(?P<sign>[-+]?)(?P<body>[0-9](?:[0-9.,\u0020\u00a0\u202f]*[0-9])?)")
_GROUPED = {sep: re.compile(rf"[0-9]{{1,3}}(?:{re.escape(sep)}[0-9]{{3}})+") for sep in " .,"}
_THOUSANDS_LEAD = re.compile(r"[1-9][0-9]{0,2}")
_DIGITS = re.compile(r"[0-9]")


def excel_decimal(number: float) -> Decimal:
    """A float from a cell as the decimal Excel holds: rounded to its 15 significant digits."""
    # A formula's result such as 5816.749999999999 is stored with binary noise in its 16th and
    # 17th digits, which Excel never shows (5 816,75) and LibreOffice does not write (5816.75):
    # the same cell must read the same whichever program saved the file. float() first: a float
    # subclass (numpy's float64) formats differently.
    return Decimal(format(float(number), f".{EXCEL_DIGITS}g"))


def as_number(raw: object) -> Decimal | None:
    """The value of a number cell at Excel's precision; None if it holds no number."""
    # bool is an int, but TRUE in a number cell is a mistake, not 1.
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        return None
    # An int or a Decimal (Office.js, openpyxl, the tests) is already exact.
    value = excel_decimal(raw) if isinstance(raw, float) else Decimal(raw)
    if not value.is_finite():
        raise ValueRejected(f"nombre invalide « {shown_value(raw)} »")
    return value


def number_in(raw: object, noun: str, example: str, unit: re.Pattern[str] | None = None) -> Decimal:
    """The number a cell holds, as a number or as text followed by `unit`; else ValueRejected."""
    if isinstance(raw, str):
        text = raw.strip()
        written = unit.fullmatch(text) if unit else None
        value = parse_number(written["number"] if written else text, shown_value(raw))
    else:
        value = as_number(raw)
    if value is None:
        raise ValueRejected(
            f"{noun} illisible « {shown_value(raw)} » : écrire par exemple {example}"
        )
    if abs(value) >= EXCEL_LIMIT:
        raise ValueRejected(
            f"{noun} trop grand « {shown_value(raw)} » : Excel ne garde que 15 chiffres"
        )
    return value


def parse_number(text: str, shown: str) -> Decimal | None:
    """The number written in `text`, French or English style; None if it is not one."""
    match = _NUMBER_TEXT.fullmatch(text)
    if match is None:
        return None
    sign, body = match["sign"], match["body"].translate(_ONE_SPACE)
    marks = _DIGITS.sub("", body)
    # The last separator marks the decimals, unless it is a space or it repeats (1.200.000).
    last = marks[-1:]
    decimal = last if last in (".", ",") and marks.count(last) == 1 else ""
    whole, frac = body.rsplit(decimal, 1) if decimal else (body, "")
    thousands = set(marks) - {decimal}
    if len(thousands) > 1:
        return None
    if thousands:
        separator = thousands.pop()
        if not _GROUPED[separator].fullmatch(whole):
            return None
        whole = whole.replace(separator, "")
    elif len(frac) == 3 and _THOUSANDS_LEAD.fullmatch(whole):
        small = french_number(Decimal(f"{sign}{whole}.{frac}").normalize())
        large = f"{sign}{whole}{frac}"
        raise ValueRejected(
            f"nombre ambigu « {shown} » : {large} ou {small} ? Écrire {large} "
            f"ou {sign}{whole} {frac},00 pour le premier, {small} pour le second"
        )
    return Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")


def plain(value: Decimal) -> str:
    """A number's digits without exponent, and without a '.0' when it is whole."""
    return str(int(value)) if value == value.to_integral_value() else format(value, "f")


def french_number(value: Decimal) -> str:
    """A number as every message writes it: French separators (`french.number`)."""
    return french.number(value)


def shown_value(raw: object) -> str:
    """How a message quotes the raw value: as the user sees it in French Excel."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "VRAI" if raw else "FAUX"
    if isinstance(raw, date):
        return french.day(raw)
    if isinstance(raw, int | float | Decimal):
        value = excel_decimal(raw) if isinstance(raw, float) else Decimal(raw)
        return plain(value).replace(".", ",") if value.is_finite() else str(raw)
    return str(raw)
