"""Edge readers: one raw cell value in, one typed value out, and a note when the read was lenient.

Cell values come from python-calamine (a blank is `''`, every number a float), openpyxl, or xlwings
(Office.js sends dates as serial numbers). Each reader accepts the ways finance staff and providers
actually write a value and says so in a French note, which the report turns into a warning
(SPEC section 3, Format). A value it cannot read raises `ValueRejected`; the message quotes the
value but not the cell, which only the caller knows.
"""

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache, wraps
from typing import Generic, TypeVar

from xl_idf import french
from xl_idf.cell_numbers import (
    EXCEL_LIMIT,
    as_number,
    french_number,
    number_in,
    plain,
    shown_value,
)
from xl_idf.errors import ValueRejected
from xl_idf.money import cents_down

T = TypeVar("T")

_EXCEL_ERRORS = frozenset(
    [
        "#N/A",
        "#VALUE!",
        "#DIV/0!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
    ]
)
# Excel keeps 15 significant digits: a larger number has already lost some.
_SPACES = " \u00a0\u202f"
_FOLD_AS_SPACE = str.maketrans(dict.fromkeys("-_.'’\u2010\u2011", " "))
_ASCII_AS_SPACE = bytes.maketrans(b"-_.'\x1c\x1d\x1e\x1f", b" " * 8)
_ONE_SPACE = str.maketrans(dict.fromkeys(_SPACES, " "))
_NO_SPACES = str.maketrans("", "", _SPACES)

_EURO_UNIT = re.compile(r"(?P<number>.*?)\s*(?:€|EUR|euros?)?(?:\s*HT)?", re.IGNORECASE | re.DOTALL)
_PERCENT_UNIT = re.compile(r"(?P<number>.*?)\s*%?", re.DOTALL)

_TIME = r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_FRENCH_DATE = re.compile(
    r"(?P<day>[0-9]{1,2})(?P<sep>[/.-])(?P<month>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4}|[0-9]{2})"
    + _TIME
)
_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})" + _TIME)
# Excel's 1900 date system counts a 29/02/1900 that never was (serial 60), so from serial 61 on
# the epoch is 30/12/1899, and before it 31/12/1899.
_EXCEL_EPOCH = date(1899, 12, 30)
_FICTITIOUS_LEAP_DAY = 60
_LAST_SERIAL = 2958465

_TRUE = frozenset({"oui", "o", "vrai", "true", "1"})
_FALSE = frozenset({"non", "n", "faux", "false", "0"})
DEPARTMENTS = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"] + [str(n) for n in range(971, 977)]
)  # every French department code: 01-95 but 20, Corsica's 2A and 2B, overseas 971-976

_POSTAL_CODE = re.compile(r"[0-9]{5}")
_SIRET_WRITTEN = re.compile(r"[0-9]+(?:[.\u0020\u00a0\u202f]+[0-9]+)*")
_SIRET_SEPARATORS = re.compile(r"[.\u0020\u00a0\u202f]+")


@dataclass(frozen=True, slots=True)
class Reading(Generic[T]):
    """A value read from a cell, with the French note saying how leniently it was read."""

    value: T | None
    note: str | None = None


def is_blank(raw: object) -> bool:
    """Whether a cell is empty: None, or a text of nothing but spaces (no-break ones included)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """The key of a text ignoring case, accents and spacing; hyphens and apostrophes are spaces."""
    # Words stay apart, for what is keyed by fold: header labels, sheet names, list choices and
    # invoice numbers (X07, C01), where F-1-17 and F-11-7 are two invoices. Provider names drop
    # the spaces too (providers.name_key: Top-Tech is TOPTECH).
    # Cached: the same provider names and list values are folded again on every row.
    if text.isascii():
        # Nothing to decompose nor any accent to drop: case folding is lowering (same key).
        # Done on bytes, whose table lookup is twice as fast as a text's; the separators
        # \x1c-\x1f, which only a text's split takes for spaces, made spaces first.
        words = text.encode().lower().translate(_ASCII_AS_SPACE).split()
        return b" ".join(words).decode()
    # Case folding then compatibility decomposition, twice, so that folding a key changes nothing.
    text = unicodedata.normalize("NFD", text)
    for _ in range(2):
        text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.translate(_FOLD_AS_SPACE).split())


# The fold of texts met once each, such as invoice numbers: a cache would only churn.
fold_once = fold.__wrapped__


def match_name(raw: object, names: Sequence[str]) -> str | None:
    """The entry of `names` that `raw` spells, ignoring case, accents and spacing; else None."""
    try:
        text = read_text(raw).value
    except ValueRejected:
        return None
    return None if text is None else _find(text, names)


def _edge(reader: Callable[[object], Reading[T]]) -> Callable[[object], Reading[T]]:
    """Give a reader what every cell shares: a blank reads as None, an Excel error is rejected."""

    @wraps(reader)
    def read(raw: object) -> Reading[T]:
        if raw is None:
            return Reading(None)
        if isinstance(raw, str):
            text = raw.strip()
            if not text:
                return Reading(None)
            # Every Excel error starts with « # »: other texts are not looked up.
            if text[0] == "#" and text.upper() in _EXCEL_ERRORS:
                raise ValueRejected(
                    f"valeur d'erreur Excel « {text} » : corriger la formule ou la saisie"
                )
        return reader(raw)

    return read


@_edge
def read_text(raw: object) -> Reading[str]:
    """A text cell, stripped; a number typed in it reads as its digits (42.0 is « 42 »)."""
    if isinstance(raw, str):
        return Reading(raw.strip())
    if isinstance(raw, date):
        text = french.day(raw)
        return Reading(text, f"date saisie dans une cellule de texte, lue « {text} »")
    value = as_number(raw)
    if value is None:
        raise ValueRejected(f"texte attendu, trouvé « {shown_value(raw)} »")
    return Reading(plain(value))


@_edge
def read_amount(raw: object) -> Reading[Decimal]:
    """An amount in euros, to the cent: 1234.5, « 1 234,50 € », « 6 000,00 € HT »."""
    value = number_in(raw, "montant", "1234,50 ou 1 234,50 €", _EURO_UNIT)
    amount = cents_down(value)
    notes = [_text_note(raw, "montant", lambda: french.eur(amount))]
    if amount != value:
        notes.append(
            f"montant {french_number(value)}\u00a0€ arrondi au centime inférieur, "
            f"lu {french.eur(amount)}"
        )
    return Reading(amount, _joined(notes))


@_edge
def read_decimal(raw: object) -> Reading[Decimal]:
    """A plain number, such as a count of days: 12.5, « 12,5 »."""
    value = number_in(raw, "nombre", "12,5")
    return Reading(value, _text_note(raw, "nombre", lambda: french_number(value)))


@_edge
def read_percent(raw: object) -> Reading[Decimal]:
    """Percent points from 0 to 100 in a cell without a percentage format: 55, « 55,5 % »."""
    value = number_in(raw, "pourcentage", "55 ou 55 %", _PERCENT_UNIT)
    if not 0 <= value <= 100:
        raise ValueRejected(f"pourcentage hors limites « {shown_value(raw)} » : attendu de 0 à 100")
    # 0.6 may be 0.6 % or 60 % formatted away (a percentage cell stores 60 % as 0.6): nothing
    # says which, and reading 0.6 % would make an association ineligible (E02). A « % » typed
    # with the number says what it is.
    if 0 < value < 1 and not (isinstance(raw, str) and "%" in raw):
        shown, points = french_number(value), french_number(_tidy(value * 100))
        raise ValueRejected(
            f"pourcentage ambigu « {shown_value(raw)} » : {shown}\u00a0% ou {points}\u00a0% ? "
            f"Saisir {points} pour {points}\u00a0% (ou « {shown}\u00a0% » pour {shown}\u00a0%)"
        )
    return Reading(value, _text_note(raw, "pourcentage", lambda: f"{french_number(value)}\u00a0%"))


@_edge
def read_percent_formatted(raw: object) -> Reading[Decimal]:
    """A cell formatted as a percentage: 0.6 (shown 60 %) is 60 percent points."""
    if isinstance(raw, str):
        # Text shows as typed, whatever the cell's format: « 60 % » is 60, « 0,6 % » is 0.6.
        return read_percent(raw)
    fraction = number_in(raw, "pourcentage", "60 %")
    points = _tidy(fraction * 100)
    shown = f"{french_number(points)}\u00a0%"
    if not 0 <= points <= 100:
        raise ValueRejected(
            f"pourcentage hors limites « {shown} » (cellule au format pourcentage) : "
            "attendu de 0\u00a0% à 100\u00a0%"
        )
    note = (
        f"valeur {french_number(fraction)} d'une cellule au format pourcentage (affichée {shown}), "
        f"lue {shown}"
    )
    return Reading(points, None if points == fraction else note)


@_edge
def read_int(raw: object) -> Reading[int]:
    """A whole number: 45, 45.0, « 1 250 »."""
    value = number_in(raw, "nombre entier", "45 ou 1 250")
    if value != value.to_integral_value():
        raise ValueRejected(f"nombre entier attendu, trouvé « {shown_value(raw)} »")
    return Reading(int(value), _text_note(raw, "nombre entier", lambda: str(int(value))))


@_edge
def read_date(raw: object) -> Reading[date]:
    """A date: a date cell, an Excel serial number, or text « jj/mm/aaaa » (day first)."""
    if isinstance(raw, datetime):
        return Reading(raw.date())
    if isinstance(raw, date):
        return Reading(raw)
    if isinstance(raw, str):
        return _date_from_text(raw.strip())
    serial = as_number(raw)
    if serial is None:
        raise ValueRejected(f"date illisible « {shown_value(raw)} » : format attendu jj/mm/aaaa")
    day = _from_serial(serial, shown_value(raw))
    return Reading(day, f"date saisie comme nombre {shown_value(raw)}, lue {french.day(day)}")


@_edge
def read_bool(raw: object) -> Reading[bool]:
    """Yes or no: « Oui »/« Non », or O/N, Vrai/Faux, TRUE/FALSE, 1/0 with a note."""
    if isinstance(raw, bool):
        return Reading(raw)
    if isinstance(raw, str):
        if raw.strip() in ("Oui", "Non"):
            return Reading(raw.strip() == "Oui")
        key = fold(raw)
    else:
        number = as_number(raw)
        key = str(int(number)) if number is not None and number in (0, 1) else ""
    if key in _TRUE or key in _FALSE:
        value = key in _TRUE
        return Reading(
            value, f"oui/non saisi « {shown_value(raw)} », lu {'Oui' if value else 'Non'}"
        )
    raise ValueRejected(
        f"oui/non illisible « {shown_value(raw)} » : attendu Oui ou Non "
        "(acceptés aussi : O/N, Vrai/Faux, TRUE/FALSE, 1/0)"
    )


@_edge
def read_department(raw: object) -> Reading[str]:
    """A French department code: « 09 », « 31 », « 2A », « 971 »; 9 or « 9 » is padded to « 09 »."""
    code = _code_digits(raw).upper()
    code = code.zfill(2) if len(code) == 1 else code
    if code not in DEPARTMENTS:
        raise ValueRejected(
            f"département inconnu « {shown_value(raw)} » : "
            "attendu un code de 01 à 95 (Corse : 2A ou 2B) ou de 971 à 976"
        )
    return Reading(
        code,
        None
        if code == shown_value(raw)
        else f"département saisi « {shown_value(raw)} », lu {code}",
    )


@_edge
def read_postal_code(raw: object) -> Reading[str]:
    """A postal code of 5 digits; 9000 or « 31 000 » is read as « 09000 », « 31000 »."""
    code = _code_digits(raw).translate(_NO_SPACES)
    # Every French postal code starts 01 to 98: Excel can only have dropped one zero.
    code = code.zfill(5) if len(code) == 4 else code
    if not _POSTAL_CODE.fullmatch(code):
        raise ValueRejected(f"code postal illisible « {shown_value(raw)} » : 5 chiffres attendus")
    return Reading(
        code,
        None
        if code == shown_value(raw)
        else f"code postal saisi « {shown_value(raw)} », lu {code}",
    )


@_edge
def read_siret(raw: object) -> Reading[str]:
    """A SIRET as its 14 digits, spaces and dots removed; text of another shape is left to E12."""
    if isinstance(raw, str):
        text = raw.strip()
        digits = _SIRET_SEPARATORS.sub("", text) if _SIRET_WRITTEN.fullmatch(text) else text
        return Reading(digits if len(digits) <= 14 else text)
    number = as_number(raw)
    if number is not None and number >= EXCEL_LIMIT:
        raise ValueRejected(
            f"SIRET saisi comme nombre trop long « {shown_value(raw)} » : Excel ne garde que "
            "15 chiffres et des chiffres ont pu être perdus ; saisir le SIRET en texte"
        )
    if number is None or number < 0 or number != number.to_integral_value():
        raise ValueRejected(f"SIRET illisible « {shown_value(raw)} » : 14 chiffres attendus")
    digits = str(int(number)).zfill(14)
    return Reading(
        digits,
        f"SIRET saisi comme nombre « {shown_value(raw)} », lu {digits} "
        "(le saisir en texte pour garder les zéros de tête)",
    )


def read_choice(raw: object, choices: Sequence[str]) -> Reading[str]:
    """The entry of `choices` the cell spells, ignoring case, accents and spacing."""
    text = read_text(raw).value
    if text is None:
        return Reading(None)
    choice = _find(text, choices)
    if choice is None:
        raise ValueRejected(f"valeur inconnue « {text} » : choisir parmi {', '.join(choices)}")
    return Reading(choice, None if choice == text else f"valeur saisie « {text} », lue {choice}")


def _find(text: str, names: Sequence[str]) -> str | None:
    key = fold(text)
    return next((name for name in names if fold(name) == key), None)


def _date_from_text(text: str) -> Reading[date]:
    written = _FRENCH_DATE.fullmatch(text) or _ISO_DATE.fullmatch(text)
    if written is None:
        raise ValueRejected(f"date illisible « {text} » : format attendu jj/mm/aaaa")
    year = int(written["year"])
    short_year = len(written["year"]) == 2
    try:
        day = date(2000 + year if short_year else year, int(written["month"]), int(written["day"]))
    except ValueError:
        raise ValueRejected(f"date impossible « {text} » : ce jour n'existe pas") from None
    note = f"date saisie en texte « {text} », lue {french.day(day)}"
    if short_year:
        note += f" (année à deux chiffres lue {day.year})"
    return Reading(day, note)


def _from_serial(serial: Decimal, shown: str) -> date:
    """The day an Excel serial number of the 1900 date system stands for; its time is dropped."""
    if not 1 <= serial < _LAST_SERIAL + 1:
        raise ValueRejected(
            f"date saisie comme nombre hors limites « {shown} » : attendu une date jj/mm/aaaa"
        )
    days = int(serial)
    if days == _FICTITIOUS_LEAP_DAY:
        raise ValueRejected(
            f"date impossible « {shown} » : le 29/02/1900 du calendrier d'Excel n'a pas existé"
        )
    return _EXCEL_EPOCH + timedelta(days if days > _FICTITIOUS_LEAP_DAY else days + 1)


def _code_digits(raw: object) -> str:
    """The code a cell spells: its stripped text, or the digits of a whole number; else ''."""
    if isinstance(raw, str):
        return raw.strip()
    number = as_number(raw)
    return plain(number) if number is not None and number >= 0 else ""


def _text_note(raw: object, noun: str, read_as: Callable[[], str]) -> str | None:
    """The note on a number typed as text; `read_as` is written only then."""
    if not isinstance(raw, str):
        return None
    return f"{noun} saisi en texte « {raw.strip()} », lu {read_as()}"


def _joined(notes: list[str | None]) -> str | None:
    return " ; ".join(note for note in notes if note) or None


def _tidy(value: Decimal) -> Decimal:
    """A computed number without trailing zeros or exponent: 60.0 is 60, 55.50 is 55.5."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
