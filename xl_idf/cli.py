"""The `xl-idf` command: thin commands over the library, with French help and messages."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from xl_idf import french
from xl_idf.catalogue import RULES
from xl_idf.cli_french import FrenchCommand, FrenchGroup, speak_french
from xl_idf.errors import XlIdfError
from xl_idf.programme import DEFAULT_PROGRAMME, Programme, load_programme

speak_french()
app = typer.Typer(
    name="xl-idf",
    cls=FrenchGroup,
    subcommand_metavar="COMMANDE [ARGUMENTS]...",
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
        metavar="PROGRAMME",
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


@app.command("rules", cls=FrenchCommand)
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


@app.command("template", cls=FrenchCommand)
def template(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="FICHIER", help="Fichier .xlsx à écrire.", dir_okay=False
        ),
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


class Format(StrEnum):
    """Report formats of `validate`."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@app.command("validate", cls=FrenchCommand)
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Classeurs .xlsx ou .xlsm, ou dossiers qui en contiennent.",
            metavar="CLASSEUR",
            show_default=False,
        ),
    ],
    report_format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            help="Format du rapport : table (lisible), json ou csv. "
            "Par défaut : celui de l'extension de --output, sinon table.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Écrire le rapport dans ce fichier plutôt qu'à l'écran.",
            dir_okay=False,
        ),
    ] = None,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            help="Dossier où écrire une copie annotée de chaque "
            "classeur (cellules signalées, feuilles Contrôles et Synthèse).",
            file_okay=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Les avertissements rendent aussi un fichier non valide."),
    ] = False,
    programme: ProgrammeOption = DEFAULT_PROGRAMME,
    jobs: Annotated[
        int,
        typer.Option("--jobs", min=1, max=64, metavar="N", help="Fichiers contrôlés en parallèle."),
    ] = 1,
) -> None:
    """Contrôle des classeurs trimestriels : chaque problème avec sa cellule, les subventions
    et les versements de chaque dossier. Code de sortie : 0 tout est valide, 1 un fichier est
    à corriger, 2 un fichier est illisible ou l'appel est incorrect."""
    from xl_idf import report as reports
    from xl_idf.validate import collect
    from xl_idf.validate import validate as run

    loaded = _programme(programme)
    files, errors = collect(paths)
    for error in errors:
        typer.echo(f"Erreur : {error}", err=True)
    if errors or not files:
        raise typer.Exit(2)
    chosen = report_format or _format_of(output)
    progress = _progress_bar() if sys.stderr.isatty() else None
    report = run(files, loaded, jobs=jobs, strict=strict, progress=progress)
    render = {Format.TABLE: reports.to_table, Format.JSON: reports.to_json,
              Format.CSV: reports.to_csv}[chosen]  # fmt: skip
    text = render(report)
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            # A BOM lets Excel open a CSV's accents right.
            output.write_text(text, encoding="utf-8-sig" if chosen is Format.CSV else "utf-8")
        except OSError as exc:
            typer.echo(f"Erreur : impossible d'écrire « {output} » ({french.os_error(exc)})",
                       err=True)  # fmt: skip
            raise typer.Exit(2) from None
        s = report.summary
        typer.echo(f"Rapport écrit : {output} ({s['files']} fichiers, {s['errors']} erreurs, "
                   f"{s['warnings']} avertissements)", err=True)  # fmt: skip
    # The report first: whatever happens while writing copies, it is not lost.
    if annotate is not None:
        from xl_idf.annotate import annotate_all

        for line in annotate_all(report, files, annotate):
            typer.echo(line, err=True)
    raise typer.Exit(report.exit_code)


def _format_of(output: Path | None) -> Format:
    """The format an output file's extension asks for; table otherwise."""
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return Format(suffix) if suffix in {f.value for f in Format} else Format.TABLE


def _progress_bar() -> Callable[[int, int], None]:
    """A one-line progress bar on the terminal (stderr)."""

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        end = "\n" if done == total else ""
        sys.stderr.write(f"\rContrôle [{'#' * filled}{'.' * (width - filled)}] "
                         f"{done}/{total} fichiers{end}")  # fmt: skip
        sys.stderr.flush()

    return show


def main() -> None:
    """Entry point of the `xl-idf` console script."""
    app()
