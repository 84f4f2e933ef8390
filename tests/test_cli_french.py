"""The command line speaks French, Typer's own words included (SPEC section 1)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from workbooks import ROOT
from xl_idf.cli import app
from xl_idf.cli_french import translate

runner = CliRunner()
ENGLISH = ("Usage:", "Show this message", "Commands:", "[required]", "[default:", "Error:",
           "Try '")  # fmt: skip


@pytest.mark.parametrize(
    "args", [["--help"], ["rules", "--help"], ["template", "--help"], ["validate", "--help"]]
)
def test_help_pages_are_french(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.output.startswith("Utilisation : xl-idf")
    assert "Afficher cette aide et quitter." in result.output
    assert not [word for word in ENGLISH if word in result.output]


def test_group_help_names_the_commands_in_french():
    result = runner.invoke(app, ["--help"])
    assert "Utilisation : xl-idf [OPTIONS] COMMANDE [ARGUMENTS]..." in result.output
    assert "Commandes:" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate"], "Erreur : argument « CLASSEUR » manquant."),
        (["validate", "--jobs", "0", "x.xlsx"],
         "Erreur : valeur invalide pour « --jobs » : au moins 1 attendu"),
        (["validate", "--format", "xml", "x.xlsx"],
         "Erreur : valeur invalide pour « --format » : « xml » n'est pas l'une des valeurs "
         "'table', 'json', 'csv'."),
        (["validate", "--inconnue", "x.xlsx"], "Erreur : option inconnue : --inconnue"),
        (["inconnue"], "Erreur : Commande inconnue : 'inconnue'."),
        (["template"], "Erreur : option « --output » / « -o » manquante."),
    ],
)  # fmt: skip
def test_usage_errors_are_french_with_exit_code_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Aide : xl-idf" in result.output
    assert not [word for word in ENGLISH if word in result.output]


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("Missing argument 'PATHS'.", "argument « PATHS » manquant."),
        ("Option '--output' requires an argument.", "l'option « --output » attend une valeur."),
        ("Got unexpected extra argument (b)", "argument en trop : b"),
        ("No such option: --x (Possible options: --xy)", "option inconnue : --x (options : --xy)"),
        ("Something new.", "Something new."),  # unknown: left as it is, never lost
    ],
)
def test_translate(english, french):
    assert translate(english) == french


def test_exit_codes_reach_the_shell_through_the_console_script():
    command = shutil.which("xl-idf")
    argv = [command] if command else [sys.executable, "-m", "xl_idf"]
    sample = ROOT / "workbooks" / "exemple-trimestre-2022T4.xlsx"
    assert subprocess.run([*argv, "validate", str(sample)], capture_output=True,
                          check=False).returncode == 1  # fmt: skip
    assert subprocess.run([*argv, "rules"], capture_output=True, check=False).returncode == 0
    wrong = subprocess.run([*argv, "validate"], capture_output=True, text=True, check=False)
    assert wrong.returncode == 2
    assert "Erreur : argument « CLASSEUR » manquant." in wrong.stderr
