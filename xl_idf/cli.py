"""The `xl-idf` command: thin commands over the library, with French help and messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from xl_idf import french
from xl_idf.catalogue import RULES
from xl_idf.errors import XlIdfError
from xl_idf.programme import DEFAULT_PROGRAMME, Programme, load_programme

app = typer.Typer(
    name="xl-idf",
    help="Parcours régional Industrie du futur (Région Occitanie) : contrôle des dossiers, "
    "subventions et versements.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ProgrammeOption = Annotated[
    str,
    typer.Option(
        "--programme",
        help="Programme appliqué : identifiant d'un programme fourni, ou chemin d'un fichier TOML.",
    ),
]


@app.callback()
def _main() -> None:
    """Parcours régional Industrie du futur : contrôle des dossiers, subventions et versements."""


def _programme(ref: str) -> Programme:
    """Load the programme, or stop with its French message and exit code 2."""
    try:
        return load_programme(ref)
    except XlIdfError as exc:
        typer.echo(f"Erreur : {exc}", err=True)
        raise typer.Exit(2) from None


def _parameter_line(programme: Programme, name: str) -> str:
    """A parameter as the catalogue prints it: description, value(s) in force, citation."""
    parameter = programme.parameters[name]
    values = []
    for dated in parameter.values:
        since = f"à partir du {french.day(dated.start)} : " if dated.start else ""
        values.append(f"{since}{french.parameter(dated.value, parameter.unit)} — {dated.citation}")
    return f"{parameter.description} = " + " ; ".join(values)


@app.command("rules")
def rules(
    programme: ProgrammeOption = DEFAULT_PROGRAMME,
    as_json: Annotated[
        bool, typer.Option("--json", help="Catalogue au format JSON plutôt qu'en texte.")
    ] = False,
) -> None:
    """Catalogue des règles : code, gravité, intitulé, source et paramètres du programme."""
    loaded = _programme(programme)
    if as_json:
        entries = [
            {
                "code": rule.code,
                "severity": rule.severity.value,
                "title": rule.title,
                "citation": rule.citation,
                "parameters": {name: _parameter_line(loaded, name) for name in rule.parameters},
            }
            for rule in RULES
        ]
        typer.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    typer.echo(f"Règles du programme {loaded.id} — {loaded.title}\n")
    for rule in RULES:
        typer.echo(f"{rule.code}  [{rule.severity.french}]  {rule.title}")
        typer.echo(f"      Source : {rule.citation}")
        for name in rule.parameters:
            typer.echo(f"      Paramètre : {_parameter_line(loaded, name)}")
    typer.echo(f"\n{len(RULES)} règles.")


@app.command("template")
def template(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Fichier .xlsx à écrire.", dir_okay=False)
    ],
    programme: ProgrammeOption = DEFAULT_PROGRAMME,
) -> None:
    """Écrit un modèle de classeur vierge pour les prestataires."""
    from xl_idf.template import write_template  # openpyxl loads only for this command

    loaded = _programme(programme)
    if output.suffix.lower() != ".xlsx":
        typer.echo(f"Erreur : « {output} » : le modèle s'enregistre en .xlsx", err=True)
        raise typer.Exit(2)
    try:
        write_template(output, loaded)
    except OSError as exc:
        typer.echo(f"Erreur : impossible d'écrire « {output} » ({french.os_error(exc)})", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Modèle écrit : {output}")


def main() -> None:
    """Entry point of the `xl-idf` console script."""
    app()
