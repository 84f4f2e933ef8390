"""What the commands of `xl-idf` share (`xl_idf.cli` and `xl_idf.registre.commands`): the
programme option, a refusal in French, the text formats and how a text output is written."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from xl_idf import french
from xl_idf.errors import XlIdfError
from xl_idf.files import write_atomically, write_text_atomically
from xl_idf.programme import Programme, load_programme

ProgrammeOption = Annotated[
    str,
    typer.Option(
        "--programme",
        metavar="PROGRAMME",
        help="Programme appliqué : identifiant d'un programme fourni, ou chemin d'un fichier TOML.",
    ),
]

# A BOM, wherever a CSV goes, lets French Excel read its accents right.
BOM = "\ufeff"


class Format(StrEnum):
    """Formats of a text output (`validate`, `registre etat`)."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def refuse(message: str) -> NoReturn:
    """Stop a refused call with its French message and exit code 2."""
    typer.echo(f"Erreur : {message}", err=True)
    raise typer.Exit(2)


def programme_or_refuse(ref: str) -> Programme:
    """Load the programme, or stop with its French message and exit code 2."""
    try:
        return load_programme(ref)
    except XlIdfError as exc:
        refuse(str(exc))


def format_of(output: Path | None) -> Format:
    """The format an output file's extension asks for; table otherwise."""
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return Format(suffix) if suffix in {f.value for f in Format} else Format.TABLE


def emit(text: str | bytes, output: Path | None, written: str) -> None:
    """`text` (or its UTF-8 bytes) on standard output, or written whole to `output`, then
    `written` said on stderr."""
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        if isinstance(text, bytes):
            write_atomically(output, lambda stream: stream.write(text))
        else:
            write_text_atomically(output, text)
    except OSError as exc:
        refuse(f"impossible d'écrire « {output} » ({french.os_error(exc)})")
    typer.echo(written, err=True)
