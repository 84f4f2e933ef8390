"""`xl-idf registre` speaks French like every other command, and its CSV is French Excel's."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli_french import english
from test_register_story import Q1, A, validate, workbook
from typer.testing import CliRunner

from xl_idf.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    "args",
    [["registre", "--help"], *(["registre", verb, "--help"]
                               for verb in ("init", "etat", "classeur", "exporter"))],
)  # fmt: skip
def test_register_help_pages_are_french(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.output.startswith("Utilisation : xl-idf registre")
    assert not english(result.output)


def test_validate_help_names_the_register_options() -> None:
    result = runner.invoke(app, ["validate", "--help"])
    assert "--registre REGISTRE" in result.output
    assert "--trimestre TRIMESTRE" in result.output


def test_a_bare_registre_names_its_own_commands() -> None:
    result = runner.invoke(app, ["registre"])
    assert result.exit_code == 2
    assert result.output.splitlines()[1] == "Commandes : init, etat, classeur, exporter"


def test_state_as_csv_for_french_excel(tmp_path: Path) -> None:
    url = str(tmp_path / "r.sqlite")
    validate(url, "2022T1", [workbook(tmp_path, "t1.xlsx", [A], Q1[:1], [])])
    output = tmp_path / "etat.csv"
    # The format follows --output's extension, as for validate.
    result = runner.invoke(app, ["registre", "etat", "--registre", url, "--output", str(output)])
    assert result.exit_code == 0, result.output
    rows = output.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("\ufeffTrimestre;Prestataire;Département;Dossiers")
    assert rows[1] == "2022T1;AFNOR;31;1;1;;;12000,00;6000,00;0,00;6000,00;6000,00"
    assert rows[2] == "2022T1;Total;;1;1;1;400;12000,00;6000,00;0,00;6000,00;6000,00"


def test_an_empty_register_says_so(tmp_path: Path) -> None:
    url = str(tmp_path / "r.sqlite")
    assert runner.invoke(app, ["registre", "init", "--registre", url]).exit_code == 0
    result = runner.invoke(app, ["registre", "etat", "--registre", url])
    assert result.stdout == "Registre vide : aucun fichier enregistré.\n"


def test_the_dashboard_is_an_xlsx(tmp_path: Path) -> None:
    url = str(tmp_path / "r.sqlite")
    assert runner.invoke(app, ["registre", "init", "--registre", url]).exit_code == 0
    result = runner.invoke(
        app, ["registre", "classeur", "--registre", url, "-o", str(tmp_path / "t.csv")]
    )
    assert result.exit_code == 2
    assert "le tableau de bord s'enregistre en .xlsx" in result.stderr


def test_the_command_line_loads_no_database_library_until_a_register_is_asked_for(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    sample = Path(__file__).parents[1] / "workbooks" / "exemple-trimestre-2022T4.xlsx"
    script = (
        "import sys; from xl_idf.cli import app\n"
        "try:\n"
        f"    app([{'validate'!r}, {str(sample)!r}, '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print([m for m in ('sqlalchemy', 'alembic', 'psycopg') if m in sys.modules],"
        " file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300, check=False)  # fmt: skip
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert list(tmp_path.iterdir()) == []  # no register file made either


def test_every_register_command_is_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Registre du programme", 1)[1].split("\n## ", 1)[0]
    for verb in ("init", "etat", "classeur", "exporter"):
        assert f"xl-idf registre {verb}" in section
    assert "--registre registre-idf.sqlite --trimestre 2022T4" in section
