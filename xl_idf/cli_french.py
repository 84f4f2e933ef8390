"""Typer's own words in French: help headings, the --help option, usage errors.

The commands' texts are French already; what Typer writes around them ("Usage:", "Options",
"Show this message and exit.", "Error: Missing argument") is English. The command and group
classes here (given to Typer with `cls=`) bring a French help formatter and help option, and
print usage errors in French with exit code 2; the few words Typer passes through gettext are
translated by `translate`.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
import typer._coercion
import typer._param_types
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
    "No such command {name!r}.": "commande inconnue : « {name} ».",
}

# The French names of the commands, beside their English ones (shown in the help).
ALIASES = {"valider": "validate", "modele": "template", "regles": "rules"}

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
    (r"Option '(.+)' does not take a value\.", r"l'option « \1 » ne prend pas de valeur."),
    (r"Got unexpected extra arguments?(?:\(s\))? \((.+)\)", r"argument en trop : \1"),
    (r"Invalid value for '(.+)': (.+)", r"valeur invalide pour « \1 » : \2"),
    (r"Invalid value: (.+)", r"valeur invalide : \1"),
    (r"Value error, ", ""),
    (r"Input should be greater than or equal to (\S+)", r"au moins \1 attendu"),
    (r"Input should be less than or equal to (\S+)", r"au plus \1 attendu"),
    (r"Input should be a valid integer.*", r"un nombre entier est attendu"),
    (r"Input should be a valid number.*", r"un nombre est attendu"),
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
    # What is left in English quotes ('table', 'json') gets French ones; not an apostrophe.
    return re.sub(r"(?<!\w)'([^'\s][^']*)'(?!\w)", r"« \1 »", message)


# Pydantic's error types, as French (Typer validates typed options with pydantic).
PYDANTIC = {
    "int_parsing": "un nombre entier est attendu, trouvé « {input} »",
    "int_from_float": "un nombre entier est attendu, trouvé « {input} »",
    "float_parsing": "un nombre est attendu, trouvé « {input} »",
    "greater_than_equal": "au moins {ge} est attendu, trouvé « {input} »",
    "less_than_equal": "au plus {le} est attendu, trouvé « {input} »",
    "greater_than": "plus de {gt} est attendu, trouvé « {input} »",
    "less_than": "moins de {lt} est attendu, trouvé « {input} »",
}


def pydantic_error(exc: Any) -> str:
    """The first validation error of a pydantic exception, in French, with the value typed."""
    errors = exc.errors()
    if not errors:
        return translate(str(exc))
    first = errors[0]
    words = PYDANTIC.get(first.get("type", ""))
    if words is None:
        return translate(str(first.get("msg", exc)))
    return words.format(input=first.get("input", ""), **(first.get("ctx") or {}))


def number_range(minimum: float | None, maximum: float | None) -> str | None:
    """An option's allowed range, in French: « de 1 à 64 »."""
    if minimum is None and maximum is None:
        return None
    if minimum is None:
        return f"au plus {maximum}"
    if maximum is None:
        return f"au moins {minimum}"
    return f"de\u00a0{minimum}\u00a0à\u00a0{maximum}"  # never cut across two lines


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
            if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
                # A bare `xl-idf`: how to use it, in a few lines, without « Erreur ».
                typer.echo(context.get_usage(), err=True)
                typer.echo(_command_line(context), err=True)
                typer.echo(f"Aide : {context.command_path} --help", err=True)
                sys.exit(2)
            if context is not None:
                typer.echo(context.get_usage(), err=True)
                typer.echo(f"Aide : {context.command_path} --help", err=True)
            else:
                typer.echo(f"Aide : {self.name} --help", err=True)  # type: ignore[attr-defined]
            typer.echo(f"Erreur : {translate(exc.format_message())}", err=True)
            sys.exit(getattr(exc, "exit_code", 2))
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


class FrenchCommand(_French, typer.core.TyperCommand):
    """A Typer command whose help and errors are French."""


class FrenchGroup(_French, typer.core.TyperGroup):
    """A Typer group whose help and errors are French, with French command names too."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """A command by its English or French name (accents ignored: « modèle »)."""
        plain = cmd_name.replace("è", "e")
        return super().get_command(ctx, ALIASES.get(plain, cmd_name))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """An unknown command gets a French error, with the closest name as a suggestion."""
        try:
            return self._click_resolve_command(ctx, args)
        except typer._click.exceptions.UsageError as exc:
            names = [*self.commands, *ALIASES]
            close = difflib.get_close_matches(args[0], names, n=1) if args else []
            if close:
                exc.message = (
                    f"{translate(exc.message).rstrip('.')}. Vouliez-vous dire « {close[0]} » ?"
                )
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands, each with its French name beside its English one."""
        french = {english: name for name, english in ALIASES.items()}
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            both = f"{name}, {french[name]}" if name in french else name
            rows.append((both, command.get_short_help_str(formatter.width - 30)))
        if rows:
            with formatter.section(WORDS["Commands"]):
                formatter.write_dl(rows)


def _command_line(context: Any) -> str:
    """The commands, named both ways, for the short usage of a bare `xl-idf` (or of a bare
    sub-group such as `xl-idf registre`: its own commands)."""
    if context.parent is not None:
        return "Commandes : " + ", ".join(context.command.list_commands(context))
    return "Commandes : " + ", ".join(f"{fr} ({en})" for fr, en in ALIASES.items())


def speak_french() -> None:
    """Put French where Typer writes its own words, at their source.

    The words Typer passes through gettext (its module keeps `_` for them), pydantic's
    validation errors, the numeric ranges (« 1<=x<=64 ») and an argument's type in help
    (« <list[Path]> »: the argument's metavar says what is expected).
    """
    if callable(getattr(typer.core, "_", None)):
        typer.core._ = translate  # type: ignore[attr-defined]
    for module in (typer._coercion, typer._param_types):
        if hasattr(module, "get_error_msg"):
            module.get_error_msg = pydantic_error  # type: ignore[attr-defined]
    if hasattr(typer.core, "describe_number_range"):
        typer.core.describe_number_range = number_range
    typer.core.TyperArgument.display_type_rich = _no_type  # type: ignore[method-assign]
    typer.core.TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]


def _no_type(self: Any, ctx: Any) -> None:
    return None


def _usage_name(self: Any) -> str:
    """An argument in the usage line: its metavar, in brackets when optional."""
    name = str(self.display_name_raw)
    return name if self.required else f"[{name}]"
