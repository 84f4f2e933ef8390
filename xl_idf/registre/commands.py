"""`xl-idf registre init|etat|classeur|exporter`, and the register side of `validate`.

Thin commands: each opens the register and calls one function. SQLAlchemy loads only when a
command runs, so `xl-idf --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from xl_idf import french
from xl_idf.cli_french import FrenchCommand, FrenchGroup
from xl_idf.errors import XlIdfError
from xl_idf.programme import DEFAULT_PROGRAMME, Programme, load_programme

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from xl_idf.registre.state import State
    from xl_idf.report import Report

registre_app = typer.Typer(
    cls=FrenchGroup,
    subcommand_metavar="COMMANDE [ARGUMENTS]...",
    help="Registre du programme : les trimestres enregistrés par « validate --registre », "
    "leur état et le tableau de bord.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

RegisterOption = Annotated[
    str | None,
    typer.Option(
        "--registre",
        metavar="REGISTRE",
        envvar="XLIDF_REGISTRE",
        show_envvar=False,
        help="Registre : fichier SQLite ou postgresql+psycopg://… (par défaut $XLIDF_REGISTRE, "
        "sinon registre-idf.sqlite).",
    ),
]
ProgrammeOption = Annotated[
    str,
    typer.Option("--programme", metavar="PROGRAMME", help="Programme (identifiant ou fichier)."),
]


def _stop(message: str) -> NoReturn:
    typer.echo(f"Erreur : {message}", err=True)
    raise typer.Exit(2)


def _open(registre: str | None, create: bool = False) -> Engine:
    """The register, or a French one-line refusal with exit code 2."""
    from xl_idf.registre.store import open_register

    try:
        return open_register(registre, create=create)
    except XlIdfError as exc:
        _stop(str(exc))


def _programme(ref: str) -> Programme:
    try:
        return load_programme(ref)
    except XlIdfError as exc:
        _stop(str(exc))


def recorder(
    registre: str | None, trimestre: str | None, programme: Programme, jobs: int
) -> Callable[[Report, list[Path]], Report]:
    """For `validate`: the register opened and the quarter read before any file is read."""
    from xl_idf.registre.run import parse_quarter, record_report

    if registre is None or trimestre is None:
        _stop("--registre et --trimestre vont ensemble (par exemple --registre "
              "registre-idf.sqlite --trimestre 2022T4)")  # fmt: skip
    try:
        quarter = parse_quarter(trimestre)
    except XlIdfError as exc:
        _stop(str(exc))
    engine = _open(registre, create=True)

    def record(report: Report, files: list[Path]) -> Report:
        try:
            updated, recorded = record_report(report, files, programme, engine, quarter, jobs)
        except XlIdfError as exc:
            _stop(str(exc))
        for item in recorded:
            typer.echo(f"Registre {quarter} : « {item.name} » {item.outcome}", err=True)
        return updated

    return record


@registre_app.command("init", cls=FrenchCommand)
def init(registre: RegisterOption = None) -> None:
    """Crée le registre, ou le met à jour vers la dernière version de son schéma."""
    from xl_idf.registre.store import register_url, schema_version, shown

    engine = _open(registre, create=True)
    typer.echo(f"Registre prêt : {shown(register_url(registre))} (schéma {schema_version(engine)})")


class StateFormat(StrEnum):
    """Formats of `registre etat`."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _state(registre: str | None, programme: str) -> State:
    from sqlalchemy.exc import DBAPIError

    from xl_idf.registre.record import active_files
    from xl_idf.registre.state import compute_state
    from xl_idf.registre.store import reason

    loaded = _programme(programme)
    engine = _open(registre)
    try:
        with engine.connect() as connection:
            pasts = active_files(connection)
    except DBAPIError as exc:
        _stop(f"registre illisible : {reason(exc)}")
    return compute_state(pasts, loaded.at(loaded.reference_day).target_companies)


@registre_app.command("etat", cls=FrenchCommand)
def etat(
    registre: RegisterOption = None,
    state_format: Annotated[
        StateFormat | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="table (lisible), json ou csv. Par défaut : celui de l'extension de --output, "
            "sinon table.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", metavar="FICHIER", help="Écrire l'état dans ce fichier."),
    ] = None,
    programme: ProgrammeOption = DEFAULT_PROGRAMME,
) -> None:
    """État du programme par trimestre, prestataire et département : dossiers, entreprises
    aidées face à l'objectif, subvention accordée, dû, versé, reste à verser, part de minimis."""
    from xl_idf.files import write_text_atomically
    from xl_idf.registre import state as states

    if state_format is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        known = {f.value for f in StateFormat}
        state_format = StateFormat(suffix) if suffix in known else StateFormat.TABLE
    state = _state(registre, programme)
    writer = {StateFormat.TABLE: states.to_table, StateFormat.JSON: states.to_json,
              StateFormat.CSV: states.to_csv}[state_format]  # fmt: skip
    text = writer(state)
    if state_format is StateFormat.CSV:
        text = "\ufeff" + text  # French Excel reads the accents right with a BOM
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        write_text_atomically(output, text)
    except OSError as exc:
        _stop(f"impossible d'écrire « {output} » ({french.os_error(exc)})")
    typer.echo(f"État écrit : {output}", err=True)


@registre_app.command("classeur", cls=FrenchCommand)
def classeur(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="FICHIER", help="Classeur .xlsx à écrire."),
    ],
    registre: RegisterOption = None,
    programme: ProgrammeOption = DEFAULT_PROGRAMME,
) -> None:
    """Tableau de bord pour l'équipe financière : les tableaux de l'état et leurs graphiques."""
    from xl_idf.registre.dashboard import write_dashboard

    if output.suffix.lower() != ".xlsx":
        _stop(f"« {output} » : le tableau de bord s'enregistre en .xlsx")
    state = _state(registre, programme)
    try:
        write_dashboard(output, state)
    except OSError as exc:
        _stop(f"impossible d'écrire « {output} » ({french.os_error(exc)})")
    typer.echo(f"Tableau de bord écrit : {output}")


@registre_app.command("exporter", cls=FrenchCommand)
def exporter(
    registre: RegisterOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FICHIER", help="Fichier .json à écrire."),
    ] = None,
) -> None:
    """Exporte tout le registre en JSON (historique compris) : fichiers, dossiers, lignes,
    versements."""
    from sqlalchemy.exc import DBAPIError

    from xl_idf.files import write_text_atomically
    from xl_idf.registre.export import export_json
    from xl_idf.registre.store import reason

    engine = _open(registre)
    try:
        text = export_json(engine)
    except DBAPIError as exc:
        _stop(f"registre illisible : {reason(exc)}")
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        write_text_atomically(output, text)
    except OSError as exc:
        _stop(f"impossible d'écrire « {output} » ({french.os_error(exc)})")
    typer.echo(f"Registre exporté : {output}", err=True)
