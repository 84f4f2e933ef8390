"""`xl-idf registre init|etat|classeur|exporter`, and the register side of `validate`.

Thin commands: each opens the register and calls one function. SQLAlchemy loads only when a
command runs, so `xl-idf --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xl_idf import french
from xl_idf.cli_common import (
    BOM,
    Format,
    ProgrammeOption,
    emit,
    format_of,
    programme_or_refuse,
    refuse,
)
from xl_idf.cli_french import FrenchCommand, FrenchGroup
from xl_idf.errors import XlIdfError
from xl_idf.programme import DEFAULT_PROGRAMME, Programme

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


def _open(registre: str | None, create: bool = False) -> Engine:
    """The register, or a French one-line refusal with exit code 2."""
    from xl_idf.registre.store import open_register

    try:
        return open_register(registre, create=create)
    except XlIdfError as exc:
        refuse(str(exc))


def recorder(
    registre: str | None, trimestre: str | None, programme: Programme, jobs: int
) -> Callable[[Report, list[Path]], Report]:
    """For `validate`: the register opened and the quarter read before any file is read."""
    from xl_idf.registre.run import parse_quarter, record_report

    if registre is None or trimestre is None:
        refuse("--registre et --trimestre vont ensemble (par exemple --registre "
              "registre-idf.sqlite --trimestre 2022T4)")  # fmt: skip
    try:
        quarter = parse_quarter(trimestre)
    except XlIdfError as exc:
        refuse(str(exc))
    engine = _open(registre, create=True)

    def record(report: Report, files: list[Path]) -> Report:
        try:
            updated, recorded = record_report(report, files, programme, engine, quarter, jobs)
        except XlIdfError as exc:
            refuse(str(exc))
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


def _state(registre: str | None, programme: str) -> State:
    from sqlalchemy.exc import DBAPIError

    from xl_idf.registre.record import active_files
    from xl_idf.registre.state import compute_state
    from xl_idf.registre.store import reason

    loaded = programme_or_refuse(programme)
    engine = _open(registre)
    try:
        with engine.connect() as connection:
            pasts = active_files(connection)
    except DBAPIError as exc:
        refuse(f"registre illisible : {reason(exc)}")
    return compute_state(pasts, loaded.at(loaded.reference_day).target_companies)


@registre_app.command("etat", cls=FrenchCommand)
def etat(
    registre: RegisterOption = None,
    state_format: Annotated[
        Format | None,
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
    from xl_idf.registre import state as states

    state_format = state_format or format_of(output)
    writer = {Format.TABLE: states.to_table, Format.JSON: states.to_json,
              Format.CSV: states.to_csv}[state_format]  # fmt: skip
    text = writer(_state(registre, programme))
    emit(BOM + text if state_format is Format.CSV else text, output, f"État écrit : {output}")


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
        refuse(f"« {output} » : le tableau de bord s'enregistre en .xlsx")
    state = _state(registre, programme)
    try:
        write_dashboard(output, state)
    except OSError as exc:
        refuse(f"impossible d'écrire « {output} » ({french.os_error(exc)})")
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

    from xl_idf.registre.export import export_json
    from xl_idf.registre.store import reason

    engine = _open(registre)
    try:
        text = export_json(engine)
    except DBAPIError as exc:
        refuse(f"registre illisible : {reason(exc)}")
    emit(text, output, f"Registre exporté : {output}")
