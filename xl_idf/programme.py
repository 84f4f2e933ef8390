"""Programme files: every figure of a programme edition as dated, cited data, loaded strictly.

A programme file (TOML, in `xl_idf/programmes/`) holds one table per parameter. The rules never
read the file: they receive a `Parameters` snapshot, the values in force on one day (OpenFisca's
`parameters(period)`), so a ceiling that changes over time is picked by the dossier's date.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from xl_idf import french
from xl_idf.errors import ProgrammeError
from xl_idf.providers import Aliases, conflicts
from xl_idf.values import DEPARTMENTS

DEFAULT_PROGRAMME = "occitanie-idf-2020-2022"

_NAF_DIVISION = re.compile(r"^\d\d$")
_HUNDRED = Decimal(100)


def _unit(name: str) -> dict[str, str]:
    return {"unit": name}


@dataclass(frozen=True)
class Parameters:
    """The programme's parameters in force on one day: what every rule reads, and nothing else."""

    programme_id: str
    on: date
    region_name: str = field(metadata=_unit("text"))
    region_departments: tuple[str, ...] = field(metadata=_unit("departments"))
    period_start: date = field(metadata=_unit("date"))
    period_end: date = field(metadata=_unit("date"))
    last_expense_date: date = field(metadata=_unit("date"))
    target_companies: int = field(metadata=_unit("companies"))
    pme_employees_below: int = field(metadata=_unit("employees"))
    eti_employees_below: int = field(metadata=_unit("employees"))
    first_balance_sheet_min_months: int = field(metadata=_unit("months"))
    industry_naf_divisions: tuple[str, ...] = field(metadata=_unit("naf_divisions"))
    ess_approvals: tuple[str, ...] = field(metadata=_unit("names"))
    ess_min_production_revenue_share: Decimal = field(metadata=_unit("percent"))
    providers: tuple[str, ...] = field(metadata=_unit("names"))
    provider_aliases: Aliases = field(metadata=_unit("aliases"))
    legal_forms: tuple[str, ...] = field(metadata=_unit("names"))
    daily_cap: Decimal = field(metadata=_unit("EUR"))
    total_cap: Decimal = field(metadata=_unit("EUR"))
    phase1_max_days: Decimal = field(metadata=_unit("days"))
    phase1_rate: Decimal = field(metadata=_unit("percent"))
    phase2_max_days: Decimal = field(metadata=_unit("days"))
    phase2_rate: Decimal = field(metadata=_unit("percent"))
    min_days: Decimal = field(metadata=_unit("days"))
    phase2_advance_max_rate: Decimal = field(metadata=_unit("percent"))
    de_minimis_ceiling: Decimal = field(metadata=_unit("EUR"))
    de_minimis_period: str = field(metadata=_unit("text"))
    # Each value's citation, by parameter name: a message can say which text a figure comes from.
    citations: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def citation(self, name: str) -> str:
        """The citation of parameter `name`'s value in force on this snapshot's day."""
        return self.citations.get(name, "")


PARAMETER_UNITS: Mapping[str, str] = {
    f.name: f.metadata["unit"] for f in fields(Parameters) if "unit" in f.metadata
}


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, in force from `start` (None: from the beginning) on."""

    start: date | None
    value: Any
    citation: str


@dataclass(frozen=True)
class Parameter:
    """A parameter of the programme: its unit, description and values over time."""

    name: str
    unit: str
    description: str
    values: tuple[DatedValue, ...]

    def at(self, day: date) -> DatedValue | None:
        """The value in force on `day`, or None before the first one starts."""
        in_force = [v for v in self.values if v.start is None or v.start <= day]
        return in_force[-1] if in_force else None


@dataclass(frozen=True)
class Programme:
    """A programme edition: its identity and its parameters, as loaded from its file."""

    id: str
    title: str
    source: str
    path: str
    parameters: Mapping[str, Parameter]
    # Snapshots already built, by day: a quarter's dossiers share a few hundred filing dates.
    _snapshots: dict[date, Parameters] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def in_force(self, day: date) -> bool:
        """True when every parameter has a value on `day`."""
        return day in self._snapshots or all(
            p.at(day) is not None for p in self.parameters.values()
        )

    def at(self, day: date) -> Parameters:
        """The snapshot of the parameters in force on `day`."""
        snapshot = self._snapshots.get(day)
        if snapshot is None:
            snapshot = self._snapshots[day] = self._build(day)
        return snapshot

    def _build(self, day: date) -> Parameters:
        values: dict[str, Any] = {}
        citations: dict[str, str] = {}
        for name, parameter in self.parameters.items():
            dated = parameter.at(day)
            if dated is None:
                raise ProgrammeError(
                    f"{self.path} : le paramètre « {name} » n'a pas de valeur en vigueur "
                    f"le {day:%d/%m/%Y}"
                )
            values[name] = dated.value
            citations[name] = dated.citation
        return Parameters(programme_id=self.id, on=day, citations=citations, **values)

    @property
    def reference_day(self) -> date:
        """The day used when a dossier gives none: the programme's last day."""
        end: date = self.parameters["period_end"].values[-1].value
        return end


def available_programmes() -> list[str]:
    """The ids of the programme files shipped with the package."""
    folder = resources.files("xl_idf") / "programmes"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def load_programme(ref: str | Path = DEFAULT_PROGRAMME) -> Programme:
    """Load a programme by id (a file shipped in `xl_idf/programmes/`) or by path to a TOML file."""
    path = Path(ref)
    return _load(path.resolve() if path.suffix == ".toml" else str(ref))


def _shipped(ref: str) -> Traversable:
    """A shipped programme file, as a package resource rather than a path: the package may be
    served from memory, as in the single main.py built for xlwings Lite (scripts/build_lite.py)."""
    file = resources.files("xl_idf") / "programmes" / f"{ref}.toml"
    if not file.is_file():
        known = ", ".join(available_programmes())
        raise ProgrammeError(f"programme inconnu « {ref} » (programmes disponibles : {known})")
    return file


@cache
def _load(ref: Path | str) -> Programme:
    file = ref if isinstance(ref, Path) else _shipped(ref)
    try:
        with file.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        why = french.os_error(exc)
        raise ProgrammeError(f"{file} : fichier de programme illisible ({why})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProgrammeError(f"{file} : TOML invalide ({exc})") from None
    return _Loader(str(file)).programme(data)


class _Loader:
    """Checks a parsed programme file, naming the file and the key of the first fault."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, key: str, why: str) -> ProgrammeError:
        return ProgrammeError(f"{self.path} : clé « {key} » : {why}")

    def programme(self, data: dict[str, Any]) -> Programme:
        self.only_keys("", data, required={"id", "title", "source", "parameters"}, optional=set())
        for key in ("id", "title", "source"):
            self.text(key, data[key])
        raw = data["parameters"]
        if not isinstance(raw, dict):
            raise self.fail("parameters", "une table de paramètres est attendue")
        # An unknown name first: a misspelled parameter is also a missing one.
        parameters = {name: self.parameter(name, raw[name]) for name in raw}
        missing = sorted(set(PARAMETER_UNITS) - set(raw))
        if missing:
            raise self.fail(f"parameters.{missing[0]}", "paramètre obligatoire absent")
        self.providers_apart(parameters)
        return Programme(
            id=data["id"],
            title=data["title"],
            source=data["source"],
            path=self.path,
            parameters={name: parameters[name] for name in PARAMETER_UNITS},
        )

    def providers_apart(self, parameters: Mapping[str, Parameter]) -> None:
        """No name may stand for two providers, on any day: checked across three parameters."""
        names = ("providers", "provider_aliases", "legal_forms")
        # The values in force change only on a start date: each start is checked.
        starts = {dated.start or date.min for name in names for dated in parameters[name].values}
        for day in sorted(starts):
            in_force = [parameters[name].at(day) for name in names]
            if any(dated is None for dated in in_force):
                continue
            providers, aliases, forms = (dated.value for dated in in_force if dated is not None)
            for name, why in conflicts(providers, aliases, forms):
                dated = in_force[names.index(name)]
                values = parameters[name].values
                where = "value" if len(values) == 1 else f"values[{values.index(dated)}].value"
                raise self.fail(f"parameters.{name}.{where}", why)

    def only_keys(self, where: str, table: Any, required: set[str], optional: set[str]) -> None:
        if not isinstance(table, dict):
            raise self.fail(where, "une table est attendue")
        prefix = f"{where}." if where else ""
        for key in table:
            if key not in required | optional:
                raise self.fail(f"{prefix}{key}", "clé inconnue")
        for key in sorted(required):
            if key not in table:
                raise self.fail(f"{prefix}{key}", "clé obligatoire absente")

    def parameter(self, name: str, table: Any) -> Parameter:
        key = f"parameters.{name}"
        if name not in PARAMETER_UNITS:
            raise self.fail(key, "paramètre inconnu")
        self.only_keys(key, table, {"description", "unit"}, {"value", "citation", "values"})
        unit = PARAMETER_UNITS[name]
        if table["unit"] != unit:
            raise self.fail(f"{key}.unit", f"unité « {table['unit']} », « {unit} » attendue")
        self.text(f"{key}.description", table["description"])
        convert = _CONVERTERS[unit]
        if "values" in table:
            if "value" in table or "citation" in table:
                raise self.fail(key, "« value » et « values » ne peuvent pas être donnés ensemble")
            values = self.dated_values(key, table["values"], convert)
        else:
            self.only_keys(key, table, {"description", "unit", "value", "citation"}, set())
            values = (
                DatedValue(
                    start=None,
                    value=self.convert(f"{key}.value", table["value"], convert),
                    citation=self.text(f"{key}.citation", table["citation"]),
                ),
            )
        return Parameter(name=name, unit=unit, description=table["description"], values=values)

    def dated_values(
        self, key: str, entries: Any, convert: Callable[[Any], Any]
    ) -> tuple[DatedValue, ...]:
        if not isinstance(entries, list) or not entries:
            raise self.fail(f"{key}.values", "une liste non vide de valeurs datées est attendue")
        values: list[DatedValue] = []
        for index, entry in enumerate(entries):
            where = f"{key}.values[{index}]"
            self.only_keys(where, entry, {"start", "value", "citation"}, set())
            start = self.convert(f"{where}.start", entry["start"], _to_date)
            if values and values[-1].start is not None and start <= values[-1].start:
                raise self.fail(f"{where}.start", "les dates de début doivent être croissantes")
            values.append(
                DatedValue(
                    start=start,
                    value=self.convert(f"{where}.value", entry["value"], convert),
                    citation=self.text(f"{where}.citation", entry["citation"]),
                )
            )
        return tuple(values)

    def convert(self, key: str, raw: Any, convert: Callable[[Any], Any]) -> Any:
        try:
            return convert(raw)
        except (ValueError, TypeError) as exc:
            raise self.fail(key, str(exc)) from None

    def text(self, key: str, raw: Any) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail(key, "un texte non vide est attendu")
        return raw


def _to_decimal(raw: Any) -> Decimal:
    # TOML floats are binary fractions: money and rates must be written exactly.
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise TypeError(f'valeur {raw!r} : écrire un nombre exact, en texte ("1234.50") ou entier')
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"nombre invalide « {raw} »") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"nombre invalide « {raw} » (un nombre positif ou nul est attendu)")
    return value


def _to_euros(raw: Any) -> Decimal:
    value = _to_decimal(raw)
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"montant « {raw} » plus précis que le centime")
    return value.quantize(Decimal("0.01"))


def _to_rate(raw: Any) -> Decimal:
    value = _to_decimal(raw)
    if value > _HUNDRED:
        raise ValueError(f"taux « {raw} » supérieur à 100 %")
    return value / _HUNDRED


def _to_days(raw: Any) -> Decimal:
    value = _to_decimal(raw)
    if value <= 0:
        raise ValueError(f"nombre de jours « {raw} » : une durée positive est attendue")
    return value


def _to_count(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise TypeError(f"valeur {raw!r} : un nombre entier positif ou nul est attendu")
    return raw


def _to_date(raw: Any) -> date:
    if isinstance(raw, datetime) or not isinstance(raw, date):
        raise TypeError(f"valeur {raw!r} : une date TOML (AAAA-MM-JJ) est attendue")
    return raw


def _to_text(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise TypeError(f"valeur {raw!r} : un texte non vide est attendu")
    return raw


def _list_of(check: Callable[[str], bool], what: str) -> Callable[[Any], tuple[str, ...]]:
    def convert(raw: Any) -> tuple[str, ...]:
        if not isinstance(raw, list) or not raw:
            raise TypeError("une liste non vide est attendue")
        for item in raw:
            if not isinstance(item, str) or not check(item):
                raise ValueError(f"{what} invalide : {item!r}")
        if len(set(raw)) != len(raw):
            raise ValueError("la liste contient des doublons")
        return tuple(raw)

    return convert


def _to_aliases(raw: Any) -> Aliases:
    if not isinstance(raw, dict):
        raise TypeError("une table est attendue : « prestataire » = [autres noms]")
    pairs = []
    for provider, names in raw.items():
        if not isinstance(names, list) or not names:
            raise TypeError(f"« {provider} » : une liste non vide de noms est attendue")
        pairs.append((provider, _list_of(lambda s: bool(s.strip()), "nom")(names)))
    return tuple(pairs)


_CONVERTERS: Mapping[str, Callable[[Any], Any]] = {
    "EUR": _to_euros,
    "percent": _to_rate,
    "days": _to_days,
    "employees": _to_count,
    "months": _to_count,
    "companies": _to_count,
    "date": _to_date,
    "text": _to_text,
    "departments": _list_of(DEPARTMENTS.__contains__, "code de département"),
    "naf_divisions": _list_of(lambda s: bool(_NAF_DIVISION.match(s)), "division NAF"),
    "names": _list_of(lambda s: bool(s.strip()), "nom"),
    "aliases": _to_aliases,
}
