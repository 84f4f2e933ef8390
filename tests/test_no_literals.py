"""No programme figure is written as a literal in code (SPEC section 2; STYLE habit 3).

The figures are taken from the loaded Occitanie programme file itself, so a new figure in the file
is checked without touching this test. Every `.py` file of `xl_idf/` and `udfs/` is parsed; its
numbers and its strings (docstrings aside) are compared whole with the figures.

What counts as a figure, and why (the aim: catch `cap = 1200`, not flag every ordinary number):
- money (EUR): the amount as a number (1200, 1200.0) and as text ("1200", "1200.00", "1 200").
- whole numbers above 12 (head counts, months, companies, days): 5000, 250, 400, 25, and an
  employee threshold minus one (4999, 249), the way "250 to 4,999" is often written. Figures of 12
  or less (5 days, 12 months) are left out: 0-12 are everywhere in code (indexes, months of a year,
  `[:2]`), and the made-up programme's test catches them when a rule holds one.
- rates (percent): as fractions, float or text (0.7, "0.7", "0.70"), and as percent points only as
  float or text (70.0, "70", "70 %"), never as ints: an int 50 or 70 is too often a width, a limit
  or a count (a progress bar, a truncated message), and `Decimal(100)` converts every percent. 100 %
  (the fraction 1) is left out for the same reason.
- dates: the year of every date of the file, as a number and as text (2020, 2022, 2014, 2024),
  and the whole date as ISO and French text ("2022-12-31", "31/12/2022").
- lists and texts: every department code ("09", "31"), provider name and alias, legal form,
  approval name, the region's name: whole strings only (a message may well contain "31" inside
  a sentence). NAF divisions are left out: "10" to "33" are also postal prefixes ("20" for
  Corsica) and would flag ordinary code.

A second check reads inside the texts: a figure followed by its unit ("5 jours", "1 200 €",
"70 %") in a message or a title states the Occitanie figure under every programme.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from xl_idf.programme import Programme

ROOT = Path(__file__).parent.parent
CODE_FOLDERS = ("xl_idf", "udfs")  # udfs/ may not exist yet
SMALL = 12  # whole numbers up to this are ordinary in code (see the module docstring)
SPACES = (" ", "\u00a0", "\u202f")  # thousands separators a French text may use


@dataclass
class Figures:
    """The programme's figures as they could be written in code: numbers and whole strings."""

    numbers: dict[Decimal, str] = field(default_factory=dict)  # any int or float
    floats: dict[Decimal, str] = field(default_factory=dict)  # floats only
    strings: dict[str, str] = field(default_factory=dict)

    def add_number(self, value: Decimal, why: str, *, floats_only: bool = False) -> None:
        (self.floats if floats_only else self.numbers).setdefault(value, why)

    def add_strings(self, texts: Iterator[str] | list[str], why: str) -> None:
        for text in texts:
            self.strings.setdefault(text, why)

    def number(self, value: int | float) -> str | None:
        """Why a numeric literal is a programme figure, or None."""
        exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if exact in self.numbers:
            return self.numbers[exact]
        return self.floats.get(exact) if isinstance(value, float) else None

    def string(self, value: str) -> str | None:
        """Why a string literal is a programme figure, or None."""
        return self.strings.get(value.strip())


def _whole_number_texts(value: int) -> Iterator[str]:
    yield str(value)
    grouped = f"{value:,}"
    for space in SPACES:
        yield grouped.replace(",", space)


def _money_texts(value: Decimal) -> Iterator[str]:
    if value == value.to_integral_value():
        yield from _whole_number_texts(int(value))
    for text in (f"{value:.2f}", f"{value:.1f}", str(value)):
        yield text
        yield text.replace(".", ",")
    grouped = f"{value:,.2f}"
    for space in SPACES:
        yield grouped.replace(",", space).replace(".", ",")


def _date_texts(day: date) -> Iterator[str]:
    yield day.isoformat()
    yield f"{day:%d/%m/%Y}"
    yield str(day.year)


def programme_figures(programme: Programme) -> Figures:
    """Every figure of `programme`, in the forms code could hold it."""
    figures = Figures()
    for name, parameter in programme.parameters.items():
        for dated in parameter.values:
            if dated.start is not None:
                why = f"{name} : valeur en vigueur à partir du {dated.start:%d/%m/%Y}"
                figures.add_number(Decimal(dated.start.year), why)
                figures.add_strings(list(_date_texts(dated.start)), why)
            _add_value(figures, name, parameter.unit, dated.value)
    return figures


def _show(value: object) -> str:
    """A parameter's value as the message shows it: Decimal and dates as the file writes them."""
    return str(value) if isinstance(value, Decimal | date) else repr(value)


def _add_value(figures: Figures, name: str, unit: str, value: object) -> None:
    why = f"{name} = {_show(value)}"
    if unit == "EUR":
        assert isinstance(value, Decimal)
        figures.add_number(value, why)
        figures.add_strings(list(_money_texts(value)), why)
    elif unit == "percent":
        assert isinstance(value, Decimal)
        points = value * 100
        if 0 < value < 1:
            figures.add_number(value, why, floats_only=True)
            figures.add_number(points, why, floats_only=True)
            fraction = [f"{value}", f"{value:.2f}"]
            points_texts = [f"{points.normalize():f}", f"{points:.1f}", f"{points:.2f}"]
            figures.add_strings(
                [t for text in fraction for t in (text, text.replace(".", ","))], why
            )
            figures.add_strings(
                [f"{text}{sign}" for text in points_texts for sign in ("", "%", " %", "\u00a0%")],
                why,
            )
    elif unit == "days":
        assert isinstance(value, Decimal)
        if value == value.to_integral_value() and value > SMALL:
            figures.add_number(value, why)
            figures.add_strings(list(_whole_number_texts(int(value))), why)
    elif unit in {"employees", "months", "companies"}:
        assert isinstance(value, int)
        # "250 to 4,999 employees": an upper threshold is also written as the last count below it.
        counts = [value, value - 1] if unit == "employees" else [value]
        for count in (c for c in counts if c > SMALL):
            figures.add_number(Decimal(count), why)
            figures.add_strings(list(_whole_number_texts(count)), why)
    elif unit == "date":
        assert isinstance(value, date)
        figures.add_number(Decimal(value.year), why)
        figures.add_strings(list(_date_texts(value)), why)
    elif unit in {"departments", "names"}:
        assert isinstance(value, tuple)
        for item in value:
            figures.add_strings([item], f"{name} contient {item!r}")
    elif unit == "aliases":
        assert isinstance(value, tuple)
        for provider, aliases in value:
            for alias in aliases:
                figures.add_strings([alias], f"{name} : {alias!r} désigne {provider!r}")
    elif unit == "naf_divisions":
        # Two-digit strings ("10" to "33") that are also postal and department prefixes ("20" is
        # Corsica's): as whole strings they would flag ordinary code. E10's tests in the made-up
        # programme show that the divisions come from the file.
        pass
    elif unit == "text":
        assert isinstance(value, str)
        figures.add_strings([value], why)
    else:
        pytest.fail(f"unité « {unit} » inconnue du test : dire quelles écritures la trahissent")


def _documentation(tree: ast.AST) -> set[int]:
    """The ids of the string constants that document code: docstrings and bare strings."""
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found.add(id(node.value))
    return found


@dataclass(frozen=True)
class Hit:
    """A literal of the code that is a programme figure."""

    path: str
    line: int
    value: object
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.value!r} ({self.why})"


def literal_figures(source: str, path: str, figures: Figures) -> list[Hit]:
    """Every literal of `source` that is a programme figure, in source order."""
    tree = ast.parse(source, filename=path)
    documentation = _documentation(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
            continue
        value = node.value
        why = None
        if isinstance(value, int | float):
            why = figures.number(value)
        elif isinstance(value, str) and id(node) not in documentation:
            why = figures.string(value)
        if why:
            found.append(Hit(path, node.lineno, value, why))
    return sorted(found, key=lambda hit: (hit.line, str(hit.value)))


@pytest.fixture(scope="module")
def figures(programme: Programme) -> Figures:
    return programme_figures(programme)


def code_files() -> list[Path]:
    folders = [ROOT / name for name in CODE_FOLDERS if (ROOT / name).is_dir()]
    return sorted(p for folder in folders for p in folder.rglob("*.py"))


def test_there_is_code_to_check() -> None:
    assert ROOT / "xl_idf" / "programme.py" in code_files()


def test_no_programme_figure_is_a_literal_in_code(figures: Figures) -> None:
    found = [
        hit
        for path in code_files()
        for hit in literal_figures(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), figures
        )
    ]
    assert found == [], "Chiffres du programme écrits en dur :\n" + "\n".join(map(str, found))


# --- A figure stated in a text of the code ---------------------------------------------------
# A message or a title that says "5 jours" says the Occitanie figure under every programme. The
# whole-string check above cannot see it inside a sentence, and a bare "5" inside a sentence is
# ordinary ("phase 1", "14 chiffres"): a figure counts here only when followed by its unit.

UNIT_WORDS = {  # unit: (how a text writes it, how the report names it)
    "EUR": (r"(?:€|EUR|euros?)", "€"),
    "percent": (r"%", "%"),
    "days": (r"jours?", "jours"),
    "months": (r"mois", "mois"),
    "employees": (r"salariés", "salariés"),
    "companies": (r"entreprises", "entreprises"),
}


def _number_pattern(number: Decimal) -> str:
    """A regex for `number` as a text may write it: 36000, 36 000, 36 000,00, 36000.00."""
    whole = f"{int(number):,}".replace(",", r"\s?")
    decimals = f"{number:f}".partition(".")[2].rstrip("0")
    if decimals:
        return rf"{whole}[.,]{decimals}0*"
    return rf"{whole}(?:[.,]0+)?"


def stated_figures(programme: Programme) -> list[tuple[re.Pattern[str], str]]:
    """A pattern per figure of `programme` that has a unit: the number followed by its unit."""
    patterns = []
    for name, parameter in programme.parameters.items():
        if parameter.unit not in UNIT_WORDS:
            continue
        word, label = UNIT_WORDS[parameter.unit]
        for dated in parameter.values:
            value = dated.value
            if parameter.unit == "percent" and not 0 < value < 1:
                continue  # "100 %" bounds any percentage (the loader says so): not a figure
            number = value * 100 if parameter.unit == "percent" else Decimal(value)
            pattern = rf"(?<![\d.,]){_number_pattern(number)}\s*{word}(?!\w)"
            patterns.append((re.compile(pattern), f"{name} = {number.normalize():f} {label}"))
    return patterns


def figures_in_texts(
    source: str, path: str, patterns: list[tuple[re.Pattern[str], str]]
) -> list[Hit]:
    """Every string literal of `source` (docstrings aside) that states a figure with its unit."""
    tree = ast.parse(source, filename=path)
    documentation = _documentation(tree)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in documentation
        ):
            whys = [why for regex, why in patterns if regex.search(node.value)]
            if whys:
                found.append(Hit(path, node.lineno, node.value, " ; ".join(whys)))
    return sorted(found, key=lambda hit: (hit.line, str(hit.value)))


def test_no_text_of_the_code_states_a_programme_figure(programme: Programme) -> None:
    patterns = stated_figures(programme)
    found = [
        hit
        for path in code_files()
        for hit in figures_in_texts(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), patterns
        )
    ]
    assert found == [], "Chiffres du programme écrits dans un texte :\n" + "\n".join(
        map(str, found)
    )


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        pytest.param("Aucun versement avant 5 jours justifiés", True, id="minimum-days"),
        pytest.param("plafonnées à 1 200 € HT par jour", True, id="daily-cap-grouped"),
        pytest.param("au plus 36000,00 EUR", True, id="total-cap-decimals"),
        pytest.param("acompte de 70 % au plus", True, id="advance-rate"),
        pytest.param("moins de 250 salariés", True, id="PME-threshold"),
        pytest.param("un bilan de 12 mois", True, id="first-balance-sheet"),
        pytest.param("jusqu'à 25 jours", True, id="phase-2-days"),
        pytest.param("Phase 1 prévue sur {found} : {expected} minimum", False, id="placeholders"),
        pytest.param("SIRET de 14 chiffres", False, id="other-number"),
        pytest.param("15 jours", False, id="other-days"),
        pytest.param("1 2000 €", False, id="other-amount"),
        pytest.param("phase 2 : 50 000 €", False, id="percent-figure-as-money"),
    ],
)
def test_the_text_check_flags_a_figure_with_its_unit(
    text: str, flagged: bool, programme: Programme
) -> None:
    source = f"MESSAGE = {text!r}\n"
    assert bool(figures_in_texts(source, "synthetic.py", stated_figures(programme))) is flagged


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("cap = 1200\n", [1200], id="daily-cap-int"),
        pytest.param("cap = 1200.0\n", [1200.0], id="daily-cap-float"),
        pytest.param('cap = Decimal("1200.00")\n', ["1200.00"], id="daily-cap-text"),
        pytest.param('cap = Decimal("36 000")\n', ["36 000"], id="total-cap-grouped"),
        pytest.param("if effectif > 4999:\n    pass\n", [4999], id="ETI-threshold-minus-one"),
        pytest.param("limit = -5000\n", [5000], id="ETI-threshold-negated"),
        pytest.param("days = 25\n", [25], id="phase-2-days"),
        pytest.param("end = date(2022, 12, 31)\n", [2022], id="year-of-a-date"),
        pytest.param('end = "31/12/2022"\n', ["31/12/2022"], id="French-date"),
        pytest.param("start = date(2024, 1, 1)\n", [2024], id="start-of-a-dated-value"),
        pytest.param("rate = 0.7\n", [0.7], id="advance-fraction"),
        pytest.param('rate = Decimal("0.5")\n', ["0.5"], id="phase-2-fraction-text"),
        pytest.param("rate = 70.0\n", [70.0], id="percent-points-float"),
        pytest.param('rate = Decimal("50")\n', ["50"], id="percent-points-text"),
        pytest.param('REGION = ("09", "31")\n', ["09", "31"], id="departments"),
        pytest.param('x = f"{n} > 200000"\nceiling = 200000\n', [200000], id="ceiling"),
        pytest.param('P = ["AFNOR"]\n', ["AFNOR"], id="provider"),
        pytest.param('A = {"AFNOR Certification": 1}\n', ["AFNOR Certification"], id="alias"),
        pytest.param('FORMS = ("SA", "SCOP")\n', ["SA", "SCOP"], id="legal-forms"),
    ],
)
def test_the_check_flags_a_figure(source: str, expected: list[object], figures: Figures) -> None:
    found = literal_figures(source, "synthetic.py", figures)
    assert [hit.value for hit in found] == expected
    assert all(str(hit).startswith("synthetic.py:") for hit in found)


def test_a_hit_names_its_place_and_its_parameter(figures: Figures) -> None:
    (hit,) = literal_figures("x = 0\ncap = 1200\n", "xl_idf/rules.py", figures)
    assert str(hit) == "xl_idf/rules.py:2: 1200 (daily_cap = 1200.00)"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            '"""Plafond de 1200 € par jour, 36000 € au total."""\n', id="module-docstring"
        ),
        pytest.param('def f():\n    """Dès 5000 salariés, en 2022."""\n', id="function-docstring"),
        pytest.param("x = [0, 1, 2, 5, 12, 100, Decimal(100)]\n", id="ordinary-numbers"),
        pytest.param("width = 70\nhalf = 50\n", id="percent-points-as-ints"),
        pytest.param('m = "dans le département 31 avant 2022"\n', id="inside-a-sentence"),
        pytest.param("ok = True\n", id="booleans"),
    ],
)
def test_the_check_spares_ordinary_code(source: str, figures: Figures) -> None:
    assert literal_figures(source, "synthetic.py", figures) == []
