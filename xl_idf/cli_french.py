"""Typer's own words in French: help headings, the --help option, usage errors.

The commands' texts are French already; what Typer writes around them ("Usage:", "Options",
"Show this message and exit.", "Error: Missing argument") is English. The command and group
classes here (given to Typer with `cls=`) bring a French help formatter and help option, and
print usage errors in French with exit code 2; the few words Typer passes through gettext are
translated by `translate`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
import typer.core

HELP_OPTION = "Afficher cette aide et quitter."

# The words Typer passes through gettext (typer/core.py).
WORDS = {
    "Arguments": "Arguments",
    "Options": "Options",
    "Commands": "Commandes",
    "default: {default}": "défaut : {default}",
    "required": "obligatoire",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(dynamique)",
    "Aborted!": "Interrompu.",
    "Missing command.": "Commande manquante.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
}

# Usage errors, as click words them, and their French.
ERRORS = (
    (r"' / '", " » / « "),  # an option's two spellings: '--output' / '-o'
    (r"Missing argument '(.+)'\.", r"argument « \1 » manquant."),
    (r"Missing option '(.+)'\.", r"option « \1 » manquante."),
    (r"Missing parameter: (.+)", r"paramètre manquant : \1"),
    (r"No such option: (\S+) \(Possible options: (.+)\)", r"option inconnue : \1 (options : \2)"),
    (r"No such option: (\S+)", r"option inconnue : \1"),
    (r"No such command '?([^']+)'?\.", r"commande inconnue : « \1 »."),
    (r"Option '(.+)' requires an argument\.", r"l'option « \1 » attend une valeur."),
    (r"Got unexpected extra arguments? \((.+)\)", r"argument en trop : \1"),
    (r"Invalid value for '(.+)': (.+)", r"valeur invalide pour « \1 » : \2"),
    (r"Invalid value: (.+)", r"valeur invalide : \1"),
    (r"Value error, ", ""),
    (r"Input should be greater than or equal to (\S+)", r"au moins \1 attendu"),
    (r"Input should be less than or equal to (\S+)", r"au plus \1 attendu"),
    (r"'(.*)' is not one of (.+)\.", r"« \1 » n'est pas l'une des valeurs \2."),
    (r"'(.*)' is not a valid integer(?: range)?\.?", r"« \1 » n'est pas un nombre entier."),
    (r"Directory '(.+)' is a file\.", r"« \1 » est un fichier, pas un dossier."),
    (r"File '(.+)' is a directory\.", r"« \1 » est un dossier, pas un fichier."),
)


def translate(message: str) -> str:
    """A word of Typer's, or a usage error, in French (unchanged when unknown)."""
    if message in WORDS:
        return WORDS[message]
    for pattern, french in ERRORS:
        message = re.sub(pattern, french, message)
    return message


_BaseFormatter: Any = typer.Context.formatter_class


class _Formatter(_BaseFormatter):  # type: ignore[misc]
    """Help pages that begin with « Utilisation : »."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Utilisation : " if prefix is None else prefix)


class _Context(typer.Context):
    formatter_class = _Formatter


class _French:
    """What the French command and group share: context, help option, usage errors."""

    context_class: Any = _Context

    def get_help_option(self, ctx: Any) -> Any:
        """The --help option, described in French."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def main(
        self, args: Sequence[str] | None = None, *rest: Any, standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:  # fmt: skip
        """Run, and say usage errors in French (exit code 2)."""
        try:
            result = super().main(args, *rest, standalone_mode=False, **extra)  # type: ignore[misc]
        except typer.Abort:
            typer.echo(WORDS["Aborted!"], err=True)
            if not standalone_mode:
                raise
            sys.exit(1)
        except typer.TyperException as exc:
            if not standalone_mode:
                raise
            context = getattr(exc, "ctx", None)
            if context is not None:
                typer.echo(context.get_usage(), err=True)
                typer.echo(f"Aide : {context.command_path} --help", err=True)
            typer.echo(f"Erreur : {translate(exc.format_message())}", err=True)
            sys.exit(getattr(exc, "exit_code", 2))
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


class FrenchCommand(_French, typer.core.TyperCommand):
    """A Typer command whose help and errors are French."""


class FrenchGroup(_French, typer.core.TyperGroup):
    """A Typer group whose help and errors are French."""


def speak_french() -> None:
    """Translate the words Typer passes through gettext (its module keeps `_` for them)."""
    if callable(getattr(typer.core, "_", None)):
        typer.core._ = translate  # type: ignore[attr-defined]
