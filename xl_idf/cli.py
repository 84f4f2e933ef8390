"""The `xl-idf` command: thin commands over the library, with French help and messages."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xl_idf import french
from xl_idf.catalogue import RULES
from xl_idf.cli_common import (
    BOM,
    Format,
    ProgrammeOption,
    emit,
    format_of,
    programme_or_refuse,
    refuse,
)
from xl_idf.cli_french import FrenchCommand, FrenchGroup, speak_french
from xl_idf.files import WORKBOOK_EXTENSIONS, Protected, writable_folder
from xl_idf.programme import DEFAULT_PROGRAMME, Programme

if TYPE_CHECKING:
    from xl_idf.report import Report

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


def _version(asked: bool) -> None:
    """--version: the installed version, then stop."""
    if asked:
        from importlib.metadata import version

        typer.echo(f"xl-idf {version('xl-idf')}")
        raise typer.Exit(0)


@app.callback()
def _main(
    _version_asked: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Afficher la version d'xl-idf et quitter.",
            callback=_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Parcours régional Industrie du futur : contrôle des dossiers, subventions et versements."""


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
    loaded = programme_or_refuse(programme)
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
        typer.Option("--output", "-o", metavar="FICHIER", help="Fichier .xlsx à écrire."),
    ],
    programme: ProgrammeOption = DEFAULT_PROGRAMME,
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer le fichier s'il existe déjà.")
    ] = False,
) -> None:
    """Écrit un modèle de classeur vierge pour les prestataires."""
    from xl_idf.template import write_template  # openpyxl loads only for this command

    loaded = programme_or_refuse(programme)
    if output.suffix.lower() != ".xlsx":
        refuse(f"« {output} » : le modèle s'enregistre en .xlsx")
    if output.is_dir():
        refuse(f"« {output} » est un dossier : donner le nom du fichier à écrire")
    if output.exists() and not force:
        refuse(
            f"« {output} » existe déjà et n'est pas remplacé (il peut contenir des dossiers "
            "saisis) : choisir un autre nom, ou ajouter --force pour le remplacer"
        )
    try:
        write_template(output, loaded)
    except OSError as exc:
        refuse(f"impossible d'écrire « {output} » ({french.os_error(exc)})")
    typer.echo(f"Modèle écrit : {output}")


class Content(StrEnum):
    """What a CSV report holds: one row per finding, or one row per dossier."""

    FINDINGS = "constats"
    DOSSIERS = "dossiers"


@app.command("validate", cls=FrenchCommand)
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Classeurs .xlsx ou .xlsm, ou dossiers qui en contiennent.",
            metavar="CLASSEUR...",
            show_default=False,
        ),
    ],
    report_format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="Format du rapport : table (lisible), json ou csv. "
            "Par défaut : celui de l'extension de --output, sinon table.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="FICHIER",
            help="Écrire le rapport dans ce fichier (.json, .csv ou .txt) plutôt qu'à l'écran ; "
            "jamais dans un classeur ni par-dessus un fichier contrôlé.",
        ),
    ] = None,
    content: Annotated[
        Content,
        typer.Option(
            "--contenu",
            metavar="CONTENU",
            help="Rapport CSV : une ligne par constat (constats) ou une ligne par dossier avec "
            "son statut, sa subvention, le dû, le déjà versé et le reste à verser (dossiers).",
        ),
    ] = Content.FINDINGS,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            metavar="DOSSIER",
            help="Dossier où écrire une copie annotée de chaque "
            "classeur (cellules signalées, feuilles Contrôles et Synthèse).",
        ),
    ] = None,
    recursive: Annotated[
        bool,
        typer.Option(
            "--recursive", help="Chercher aussi les classeurs dans les sous-dossiers des dossiers."
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Les avertissements rendent aussi un fichier non valide."),
    ] = False,
    programme: ProgrammeOption = DEFAULT_PROGRAMME,
    jobs: Annotated[
        int,
        typer.Option("--jobs", min=1, max=64, metavar="N", help="Fichiers contrôlés en parallèle."),
    ] = 1,
    registre: Annotated[
        str | None,
        typer.Option(
            "--registre",
            metavar="REGISTRE",
            help="Enregistrer les fichiers lus dans le registre du programme (fichier SQLite ou "
            "postgresql+psycopg://…) et les contrôler face aux trimestres précédents (R01-R05).",
        ),
    ] = None,
    trimestre: Annotated[
        str | None,
        typer.Option("--trimestre", metavar="TRIMESTRE", help="Trimestre des fichiers (2022T4)."),
    ] = None,
) -> None:
    """Contrôle des classeurs trimestriels : chaque problème avec sa cellule, les subventions
    et les versements de chaque dossier. Code de sortie : 0 tout est valide, 1 un fichier est
    à corriger, 2 un fichier est illisible ou l'appel est incorrect."""
    from xl_idf.workbook_files import collect

    loaded = programme_or_refuse(programme)
    collected = collect(paths, recursive=recursive)
    for line in collected.skipped:
        typer.echo(line, err=True)
    for error in collected.errors:
        typer.echo(f"Erreur : {error}", err=True)
    if collected.errors or not collected.files:
        raise typer.Exit(2)
    files = collected.files
    # Every refusal before any file is read (SPEC 4.3): nothing is lost, nothing overwritten.
    if output is not None:
        _check_output(output, files)
    if annotate is not None:
        _check_annotate(annotate)
    chosen = report_format or format_of(output)
    progress = _progress_bar() if sys.stderr.isatty() else None
    register = None
    if registre is not None or trimestre is not None:
        from xl_idf.registre.commands import recorder

        register = recorder(registre, trimestre, loaded, jobs)
    try:
        _checked(files, loaded, jobs, strict, progress, chosen, content, output, annotate, register)
    except KeyboardInterrupt:
        # Ctrl+C: outputs are written whole or not at all, inputs never; say so, no traceback.
        # A workbook interrupted while saving leaves a zip writer whose clean-up at exit would
        # print Python's « Exception ignored » on a stream already closed: silenced.
        sys.unraisablehook = lambda _: None
        typer.echo("\nInterrompu : aucun fichier n'a été laissé à moitié écrit.", err=True)
        raise typer.Exit(130) from None


def _checked(
    files: list[Path],
    loaded: Programme,
    jobs: int,
    strict: bool,
    progress: Callable[[int, int], None] | None,
    chosen: Format,
    content: Content,
    output: Path | None,
    annotate: Path | None,
    register: Callable[[Report, list[Path]], Report] | None = None,
) -> None:
    """Check the files, write the report and the annotated copies, exit with the verdict."""
    from xl_idf import report as reports
    from xl_idf import report_text
    from xl_idf.validate import validate as run

    # The files' results arrive and are written as hundreds of thousands of objects, none of
    # them garbage: the cyclic collector would only walk them again and again meanwhile.
    with collector_paused():
        # Only the JSON report to write: each file's dossiers are written where they are judged.
        json_only = chosen is Format.JSON and register is None and annotate is None
        report = run(
            files, loaded, jobs=jobs, strict=strict, progress=progress, json_only=json_only
        )
        if register is not None:
            report = register(report, files)
        text: str | bytes
        if chosen is Format.CSV:
            by = report_text.dossiers_csv if content is Content.DOSSIERS else report_text.to_csv
            text = by(report)
            text = BOM + text
        elif chosen is Format.JSON:
            text = reports.to_json_utf8(report)  # tens of megabytes: written as they are encoded
        else:
            text = report_text.to_table(report)
    s = report.summary
    emit(text, output, f"Rapport écrit : {output} ({french.count(s['files'], 'fichier')}, "
                       f"{french.count(s['errors'], 'erreur')}, "
                       f"{french.count(s['warnings'], 'avertissement')})")  # fmt: skip
    # The report first: whatever happens while writing copies, it is not lost.
    if annotate is not None:
        from xl_idf.annotate import annotate_all

        for line in annotate_all(report, files, annotate):
            typer.echo(line, err=True)
    raise typer.Exit(report.exit_code)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, as it was after it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _check_output(output: Path, files: list[Path]) -> None:
    """Refuse an --output that is a workbook, a checked file, a folder, or cannot be written."""
    if output.suffix.lower() in WORKBOOK_EXTENSIONS:
        refuse(
            f"« {output} » : le rapport est du texte et ne s'écrit pas dans un classeur "
            f"({output.suffix}) ; choisir un fichier .json, .csv ou .txt"
        )
    if Protected.of(files).covers(output):
        refuse(f"« {output} » est un fichier contrôlé, qui n'est jamais remplacé : choisir un "
                "autre fichier pour le rapport")  # fmt: skip
    if output.is_dir():
        refuse(f"« {output} » est un dossier : donner le nom du fichier du rapport")
    why = writable_folder(output.parent)
    if why is not None:
        refuse(f"rapport « {output} » impossible à écrire : dossier « {output.parent} » ({why})")


def _check_annotate(folder: Path) -> None:
    """Refuse an --annotate that is a file, or a folder where nothing can be written."""
    if folder.exists() and not folder.is_dir():
        refuse(f"--annotate « {folder} » est un fichier : donner un dossier pour les copies")
    why = writable_folder(folder)
    if why is not None:
        refuse(f"copies annotées impossibles : dossier « {folder} » ({why})")


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


from xl_idf.registre.commands import registre_app  # noqa: E402  (the group, its work lazy)

app.add_typer(registre_app, name="registre")


def main() -> None:
    """Entry point of the `xl-idf` console script."""
    try:
        app()
    finally:
        # The interpreter's exit collects cycles among every object still alive, a whole
        # report's among them, none of them garbage: 70 ms of 1.9 s on 200 small files. Frozen,
        # they are freed as the process ends, without that walk.
        gc.freeze()
