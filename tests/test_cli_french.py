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
# What Typer, Click and Pydantic write in English when nobody translates them.
ENGLISH = (
    "Usage:", "Show this message", "Commands:", "[required]", "[default:", "Error:", "Try '",
    "Did you mean", "Input should", "unable to parse", "is not a valid", "is not one of",
    "does not exist", "is a file", "is a directory", "Missing", "No such", "Got unexpected",
    "requires an argument", "does not take a value", "Aborted", "env var", "Invalid value",
    "<list[", "<file>", "<dir>", "<Path>", "<int", "<=x<=", "x>=", "x<=", "Possible options",
    "Traceback",
)  # fmt: skip


def english(text: str) -> list[str]:
    """The English phrases found in `text`."""
    return [word for word in ENGLISH if word in text]


COMMANDS = ["rules", "regles", "template", "modele", "validate", "valider"]


@pytest.mark.parametrize("args", [["--help"], *([name, "--help"] for name in COMMANDS)])
def test_help_pages_are_french(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.output.startswith("Utilisation : xl-idf")
    assert "Afficher cette aide et quitter." in result.output
    assert not english(result.output)


def test_group_help_names_the_commands_in_french_too():
    result = runner.invoke(app, ["--help"])
    assert "Utilisation : xl-idf [OPTIONS] COMMANDE [ARGUMENTS]..." in result.output
    assert "Commandes:" in result.output
    for both in ("rules, regles", "template, modele", "validate, valider"):
        assert both in result.output


def test_validate_help_names_its_values_in_french():
    result = runner.invoke(app, ["validate", "--help"])
    assert "Utilisation : xl-idf validate [OPTIONS] CLASSEUR..." in result.output
    for metavar in ("--output FICHIER", "--annotate DOSDIER".replace("DOSDIER", "DOSSIER"),
                    "--jobs N", "--format FORMAT", "--contenu CONTENU"):  # fmt: skip
        assert metavar in result.output
    assert "de\u00a01\u00a0à\u00a064" in result.output


def test_a_bare_call_says_how_to_use_it_in_a_few_lines():
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Utilisation : xl-idf [OPTIONS] COMMANDE [ARGUMENTS]...",
        "Commandes : valider (validate), modele (template), regles (rules)",
        "Aide : xl-idf --help",
    ]


def test_version():
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.output) == (0, f"xl-idf {version('xl-idf')}\n")


@pytest.mark.parametrize("name", ["valider", "regles", "modele", "modèle"])
def test_french_command_names_run_the_same_command(name, tmp_path):
    english_name = {"valider": "validate", "regles": "rules"}.get(name, "template")
    args = {"validate": ["--help"], "rules": [], "template": ["-o", str(tmp_path / "m.xlsx")]}
    french_run = runner.invoke(app, [name, *args[english_name]])
    assert french_run.exit_code == 0, french_run.output
    if english_name != "template":
        assert (
            french_run.output.replace(name, english_name)
            == runner.invoke(app, [english_name, *args[english_name]]).output
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate"], "Erreur : argument « CLASSEUR... » manquant."),
        (["validate", "--jobs", "0", "x.xlsx"],
         "Erreur : valeur invalide pour « --jobs » : au moins 1 est attendu, trouvé « 0 »"),
        (["validate", "--jobs", "65", "x.xlsx"],
         "Erreur : valeur invalide pour « --jobs » : au plus 64 est attendu, trouvé « 65 »"),
        (["validate", "--jobs", "abc", "x.xlsx"],
         "Erreur : valeur invalide pour « --jobs » : un nombre entier est attendu, trouvé "
         "« abc »"),
        (["validate", "--jobs", "1.5", "x.xlsx"],
         "Erreur : valeur invalide pour « --jobs » : un nombre entier est attendu, trouvé "
         "« 1.5 »"),
        (["validate", "--format", "xml", "x.xlsx"],
         "Erreur : valeur invalide pour « --format » : « xml » n'est pas l'une des valeurs "
         "« table », « json », « csv »."),
        (["validate", "--contenu", "tout", "x.xlsx", "--format", "csv"],
         "Erreur : valeur invalide pour « --contenu » : « tout » n'est pas l'une des valeurs "
         "« constats », « dossiers »."),
        (["validate", "--inconnue", "x.xlsx"], "Erreur : option inconnue : --inconnue"),
        (["validate", "x.xlsx", "--output"], "Erreur : l'option « --output » attend une valeur."),
        (["validate", "x.xlsx", "--annotate"],
         "Erreur : l'option « --annotate » attend une valeur."),
        (["validate", "x.xlsx", "--strict=oui"],
         "Erreur : l'option « --strict » ne prend pas de valeur."),
        (["validate", "x.xlsx", "--programme"],
         "Erreur : l'option « --programme » attend une valeur."),
        (["inconnue"], "Erreur : commande inconnue : « inconnue »."),
        (["valdate", "x.xlsx"],
         "Erreur : commande inconnue : « valdate ». Vouliez-vous dire « validate » ?"),
        (["regle"], "Erreur : commande inconnue : « regle ». Vouliez-vous dire « regles » ?"),
        (["template"], "Erreur : option « --output » / « -o » manquante."),
        (["rules", "de", "trop"], "Erreur : argument en trop : de trop"),
    ],
)  # fmt: skip
def test_usage_errors_are_french_with_exit_code_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Aide : xl-idf" in result.output
    assert not english(result.output)


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "/introuvable.xlsx"],
        ["validate", "--programme", "inconnu", "x.xlsx"],
        ["rules", "--programme", "/introuvable.toml"],
        ["template", "-o", "modele.txt"],
    ],
)
def test_file_errors_are_french(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.output.startswith("Erreur : ")
    assert not english(result.output)


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
    assert "Erreur : argument « CLASSEUR... » manquant." in wrong.stderr
