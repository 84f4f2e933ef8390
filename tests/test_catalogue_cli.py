"""The catalogue holds every code of SPEC 3, and `xl-idf rules` prints it in French."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from xl_idf.catalogue import CATALOGUE, RULES, finding
from xl_idf.cli import app
from xl_idf.findings import NOWHERE, Severity
from xl_idf.programme import PARAMETER_UNITS

E, W, INFO = "error", "warning", "info"
# SPEC section 3, code by code, with its severity.
SPEC_CODES = {
    "E01": E, "E02": E, "E03": E, "E04": E, "E05": E, "E06": E, "E07": E, "E08": E, "E09": E,
    "E10": W, "E11": W, "E12": E,
    "X01": E, "X02": INFO, "X03": W, "X04": E, "X05": E, "X06": E, "X07": E, "X08": W, "X09": W,
    "X10": INFO,
    "S01": E, "S02": W, "S03": INFO, "S04": INFO, "S05": E, "S06": E, "S07": E,
    "P01": INFO, "P02": INFO, "P03": E, "P04": W, "P05": E,
}  # fmt: skip


def test_every_spec_code_is_in_the_catalogue_with_its_severity():
    assert {code: CATALOGUE[code].severity.value for code in SPEC_CODES} == SPEC_CODES


def test_codes_are_unique_and_well_formed():
    assert len(CATALOGUE) == len(RULES)
    for rule in RULES:
        assert rule.code[0] in "EXSPFCR"
        assert rule.code[1:].isdigit()
        assert len(rule.code) == 3


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_french_title_citation_and_a_message_that_formats(rule):
    assert rule.title.strip()
    assert rule.citation.strip()
    assert set(rule.parameters) <= set(PARAMETER_UNITS)
    made = finding(rule.code, NOWHERE, "IDF-1", **dict.fromkeys(rule.fields, "«valeur»"))
    assert "{" not in made.message
    assert made.severity is rule.severity


def test_only_eligibility_quote_and_duplicate_errors_block_the_subsidy():
    blocking = {rule.code for rule in RULES if rule.blocking}
    assert blocking == {f"E0{n}" for n in range(1, 10)} | {"E12", "S01", "S05", "F06"}
    assert all(CATALOGUE[code].severity is Severity.ERROR for code in blocking)


def test_caps_and_de_minimis_cut_part_of_the_subsidy():
    # SPEC 3: every cap that changes an amount, and S06/S07 setting the de minimis part to 0.
    assert {rule.code for rule in RULES if rule.cuts} == {
        "S02", "S03", "S04", "S06", "S07", "S08", "S09",
    }  # fmt: skip


runner = CliRunner()


def test_rules_lists_every_code_with_title_citation_and_figures():
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0, result.output
    for rule in RULES:
        assert f"{rule.code}  [{rule.severity.french}]  {rule.title}" in result.output
        assert rule.citation in result.output
    # The figures come from the programme file, with their own citation.
    assert "1\u00a0200,00\u00a0€ — [§Dépenses concernées]" in result.output
    assert "à partir du 01/01/2024 : 300\u00a0000,00\u00a0€" in result.output


def test_rules_as_json():
    result = runner.invoke(app, ["rules", "--json"])
    assert result.exit_code == 0
    entries = json.loads(result.output)
    assert [e["code"] for e in entries] == [r.code for r in RULES]
    daily = next(e for e in entries if e["code"] == "X02")
    assert daily["severity"] == "info"
    assert "1\u00a0200,00\u00a0€" in daily["parameters"]["daily_cap"]


def test_unknown_programme_is_a_french_error_with_exit_code_2():
    result = runner.invoke(app, ["rules", "--programme", "bretagne"])
    assert result.exit_code == 2
    assert "programme inconnu « bretagne »" in result.output
    assert "Traceback" not in result.output


def test_help_is_french():
    result = runner.invoke(app, ["rules", "--help"])
    assert result.exit_code == 0
    assert "Catalogue des règles" in result.output
    assert "Programme appliqué" in result.output


def test_installed_command_runs():
    command = shutil.which("xl-idf")
    argv = [command] if command else [sys.executable, "-m", "xl_idf"]
    done = subprocess.run([*argv, "rules"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "S07  [erreur]  Plafond de minimis dépassé" in done.stdout
