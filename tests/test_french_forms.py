"""One way to write numbers, amounts, dates and plurals in every message (issue 10).

Every code of the catalogue is produced by a real run (one workbook per code, checked together,
which also gives the checks across files), and every message, table line and annotation line
is read for the forms a French reader expects: `1 234,50 €` (no-break space as thousands
separator and before the unit), `-100,00`, `31/12/2022`, « 1 fichier », « 2 fichiers ».
What a user typed is quoted in « » and shown as typed: it is left out of the check.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from test_validate import PER_CODE, workbook
from typer.testing import CliRunner

from xl_idf.catalogue import CATALOGUE
from xl_idf.cli import app
from xl_idf.template import build_template

runner = CliRunner()
NB = "\u00a0"
QUOTED = re.compile(r"«[^»]*»")
AMOUNT = re.compile(rf"(\S+){NB}€")
FRENCH_AMOUNT = re.compile(rf"-?\d{{1,3}}(?:{NB}\d{{3}})*,\d{{2}}")
PERCENT = re.compile(rf"(\S+){NB}%")
FRENCH_NUMBER = re.compile(rf"-?\d{{1,3}}(?:{NB}\d{{3}})*(?:,\d+)?")
NOUNS = "jours|fichiers|erreurs|avertissements|informations|versements|dossiers|salariés|mois"
WRONG = {
    "a plain space before a unit": re.compile(r"\d [€%]"),
    "a decimal point": re.compile(r"(?<!art\. )(?<![A-Z.])\d+\.\d+(?![\dA-Z])"),
    "an ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a plural after 0 or 1": re.compile(rf"(?<![\d,{NB}])[01][ {NB}](?:{NOUNS})\b"),
    "a count of thousands without separator": re.compile(rf"\b\d{{4,}}[ {NB}](?:{NOUNS})\b"),
    "an amount of thousands without separator": re.compile(rf"\b\d{{4,}},\d{{2}}{NB}€"),
}


def problems(text: str) -> list[str]:
    """What in `text` is not written the French way (quoted user input left out)."""
    plain = QUOTED.sub("«»", text)
    found = [f"{why}: '{m.group(0)}'" for why, rx in WRONG.items() for m in rx.finditer(plain)]
    found += [f"amount '{m.group(1)}'" for m in AMOUNT.finditer(plain)
              if not FRENCH_AMOUNT.fullmatch(m.group(1))]  # fmt: skip
    found += [f"percentage '{m.group(1)}'" for m in PERCENT.finditer(plain)
              if not FRENCH_NUMBER.fullmatch(m.group(1))]  # fmt: skip
    return found


@pytest.fixture(scope="module")
def every_code(tmp_path_factory: pytest.TempPathFactory, programme) -> Path:
    """A folder of one workbook per code (test_validate.PER_CODE)."""
    from test_validate import DOSSIER

    folder = tmp_path_factory.mktemp("codes")
    for index, (code, changes, lines, payments, _, _) in enumerate(PER_CODE):
        extra = [{**DOSSIER, "siret": "35600000000048"}] if code == "F06" else None
        workbook(folder, programme, changes, lines, payments, name=f"{index:02d}-{code}.xlsx",
                 extra_dossiers=extra)  # fmt: skip
    # The same company under another number in another file (C02).
    workbook(folder, programme, {"numero": "IDF-0002"}, lines=[], name="90-C02.xlsx")
    # No dossier at all (F09), a sheet missing (F02), a column missing (F03), a formula no
    # program computed (F08), and a file that is no workbook (F01).
    build_template(programme).save(folder / "91-vide.xlsx")
    book = openpyxl.load_workbook(workbook(folder, programme, name="92-F02.xlsx"))
    del book["Versements"]
    book.save(folder / "92-F02.xlsx")
    book = openpyxl.load_workbook(workbook(folder, programme, name="93-F03.xlsx"))
    book["Dossiers"]["B1"] = "Nom"
    book["Dossiers"]["O2"] = "=1+1"  # F08 as well: a formula without its value
    book.save(folder / "93-F03.xlsx")
    (folder / "98-texte.xlsx").write_text("pas un classeur", encoding="utf-8")
    return folder


def test_every_message_of_a_real_run_is_written_the_french_way(every_code: Path) -> None:
    import json

    result = runner.invoke(app, ["validate", str(every_code), "--format", "json"])
    report = json.loads(result.stdout)
    issues = [i for f in report["files"] for i in f["issues"]]
    # The run says (almost) every code of the catalogue, each of them checked below.
    seen = {i["code"] for i in issues}
    # S03 cannot happen under Occitanie's figures (5 x 1,200 + 25 x 1,200 = the journey cap).
    # The R codes need a register's earlier quarters: tests/test_register_*.py read their forms.
    assert {code for code in set(CATALOGUE) - seen if code[0] != "R"} == {"S03"}
    wrong = {(i["code"], i["message"]): problems(i["message"]) for i in issues}
    assert {key: found for key, found in wrong.items() if found} == {}
    explanations = [line for f in report["files"] for d in f["dossiers"]
                    for line in d["explanation"]]  # fmt: skip
    assert [(line, problems(line)) for line in explanations if problems(line)] == []


def test_the_table_and_the_annotation_lines_are_written_the_french_way(
    every_code: Path, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["validate", str(every_code), "--annotate", str(tmp_path)])
    lines = (result.stdout + result.stderr).splitlines()
    assert [(line, problems(line)) for line in lines if problems(line)] == []
    assert any("copie annotée écrite" in line for line in lines)


def test_the_rule_catalogue_is_written_the_french_way() -> None:
    result = runner.invoke(app, ["rules"])
    # Citations quote the programme's own text (« 1 200 € HT/ jour »), quoted: left out.
    assert [(line, problems(line)) for line in result.stdout.splitlines() if problems(line)] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Facture de 7{NB}000,00{NB}€ pour 5{NB}jours", []),
        ("lu 6000,00 €", ["a plain space before a unit: '0 €'"]),
        ("valeur « -100.00 »", []),  # typed by the user: quoted, left out
        ("valeur -100.00", ["a decimal point: '100.00'"]),
        ("1 fichiers", ["a plural after 0 or 1: '1 fichiers'"]),
        ("6000 erreurs", ["a count of thousands without separator: '6000 erreurs'"]),
        (f"le 2022-12-31 et 1234,50{NB}€",
         ["an ISO date: '2022-12-31'",
          f"an amount of thousands without separator: '1234,50{NB}€'", "amount '1234,50'"]),
    ],
)  # fmt: skip
def test_the_checker_catches_each_wrong_form(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_every_figure_a_message_states_is_a_parameter_its_rule_lists(
    every_code: Path, programme
) -> None:
    """The catalogue's `parameters=` lists are checked against what the rules say.

    A programme figure written in a message (« 1 200,00 € », « 70 % », « Occitanie ») must
    be one of the parameters the rule declares, so that `xl-idf rules` shows every figure a
    rule uses. Where two parameters share a written value (5 days: phase 1's length and the
    minimum), one of them listed is enough.
    """
    import json

    from xl_idf import french

    params = programme.at(programme.reference_day)
    written: dict[str, set[str]] = {}
    for name, parameter in programme.parameters.items():
        value = getattr(params, name)
        if isinstance(value, tuple) or parameter.unit in ("text", "names", "days"):
            # Lists and texts: their items are words of the messages too; days: a dossier's own
            # 25 days of phase 2 would read as the phase's maximum.
            continue
        written.setdefault(french.parameter(value, parameter.unit), set()).add(name)
    written.setdefault(params.region_name, set()).add("region_name")
    result = runner.invoke(app, ["validate", str(every_code), "--format", "json"])
    missing = set()
    for file in json.loads(result.stdout)["files"]:
        for issue in file["issues"]:
            rule = CATALOGUE[issue["code"]]
            plain = QUOTED.sub("«»", issue["message"])
            for text, names in written.items():
                if re.search(rf"(?<![\d,{NB}]){re.escape(text)}(?![\d,])", plain) and not (
                    names & set(rule.parameters)
                ):
                    missing.add((issue["code"], text, tuple(sorted(names))))
    assert missing == set()
