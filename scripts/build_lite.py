"""Build the xlwings Lite edition of the IDF_* functions: one main.py to paste, its requirements.

Run: `python scripts/build_lite.py [-o build/lite]`. xlwings Lite (an Excel add-in that runs
Python in the browser, on Pyodide) keeps a workbook's code in one main.py and installs what its
requirements.txt lists; it cannot install xl-idf itself, whose batch layers need libraries with
no build for Pyodide (python-calamine, pandas). The main.py written here holds, in this order:
1. the importer of `scripts/lite_importer.py`, copied;
2. the source of every module of `xl_idf` the nine functions import, directly or not, and the
   default programme file, as text (the build refuses a module that imports anything but the
   standard library, the package and python-stdnum);
3. the nine functions as `udfs/idf_udfs.py` declares them to xlwings, copied.
It is generated: change the package or `udfs/idf_udfs.py` and build again, never edit main.py.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from pathlib import Path

from xl_idf import __version__
from xl_idf.programme import DEFAULT_PROGRAMME

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "xl_idf"
DECLARATIONS = ROOT / "udfs" / "idf_udfs.py"
IMPORTER = ROOT / "scripts" / "lite_importer.py"
OUTPUT = ROOT / "build" / "lite"
# What main.py may import beyond the standard library and the package: python-stdnum, which
# requirements.txt asks Lite to install, and xlwings, which Lite supplies.
DISTRIBUTIONS = {"stdnum": "python-stdnum"}
SUPPLIED_BY_LITE = {"xlwings"}


class BuildError(Exception):
    """The package cannot be bundled for xlwings Lite as it stands."""


def imported_modules(source: str) -> set[str]:
    """The absolute modules `source` imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from xl_idf import values` imports the module xl_idf.values.
            if node.module == "xl_idf":
                found |= {f"xl_idf.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
    return found


def outside(source: str, allowed: set[str]) -> list[str]:
    """The modules `source` imports from beyond the standard library, the package and `allowed`."""
    known = {"xl_idf", *sys.stdlib_module_names, *allowed}
    return sorted(name for name in imported_modules(source) if name.partition(".")[0] not in known)


def bundled_modules(entry: str, package: Path = PACKAGE) -> dict[str, str]:
    """Each module of the package that `entry` (source) needs, by name: its source text."""
    modules = {"xl_idf": (package / "__init__.py").read_text(encoding="utf-8")}
    pending = [
        ("main.py", entry, {*DISTRIBUTIONS, *SUPPLIED_BY_LITE}),
        ("xl_idf", modules["xl_idf"], set(DISTRIBUTIONS)),
    ]
    while pending:
        importer, source, allowed = pending.pop()
        if unknown := outside(source, allowed):
            raise BuildError(
                f"{importer} imports {unknown[0]}: xlwings Lite has only the standard library, "
                f"xlwings and {', '.join(DISTRIBUTIONS.values())}"
            )
        for name in sorted(imported_modules(source)):
            if name.partition(".")[0] != "xl_idf" or name in modules:
                continue
            path = package / f"{name.removeprefix('xl_idf.')}.py"
            if name.count(".") != 1 or not path.is_file():
                raise BuildError(f"{importer} imports {name}, which is not a module file")
            modules[name] = path.read_text(encoding="utf-8")
            pending.append((name, modules[name], set(DISTRIBUTIONS)))
    return dict(sorted(modules.items()))


def body(source: str) -> str:
    """A module's code without its docstring and `from __future__` imports, comments kept."""
    tree = ast.parse(source)
    drop = set()
    for index, node in enumerate(tree.body):
        docstring = (
            index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        )
        if docstring or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            drop |= set(range(node.lineno - 1, node.end_lineno or node.lineno))
    lines = [line for i, line in enumerate(source.splitlines(keepends=True)) if i not in drop]
    return "".join(lines).lstrip("\n")


def literal(text: str) -> str:
    """`text` as a Python string literal a reader can read: raw and triple-quoted when exact."""
    readable = f"r'''{text}'''"
    try:
        if ast.literal_eval(readable) == text:
            return readable
    except (SyntaxError, ValueError):
        pass
    return repr(text)  # a quote or newline that a raw string would not keep as it is


def table(name: str, texts: dict[str, str]) -> str:
    """`name = {key: text, ...}`, one text after the other."""
    items = "".join(f"    {key!r}: {literal(text)},\n" for key, text in texts.items())
    return f"{name} = {{\n{items}}}\n"


def requirements() -> str:
    """requirements.txt: the distributions the bundle imports, as pyproject.toml asks for them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = set(DISTRIBUTIONS.values())
    lines = [d for d in project["dependencies"] if re.split(r"[\s<>=!~;\[]", d)[0] in wanted]
    if len(lines) != len(wanted):
        raise BuildError(f"pyproject.toml must list each of {sorted(wanted)} once")
    return (
        "# xlwings Lite, requirements.txt tab: add these lines and keep the xlwings line there.\n"
        + "".join(f"{line}\n" for line in lines)
    )


def main_py() -> str:
    """The whole main.py."""
    importer = IMPORTER.read_text(encoding="utf-8")
    if outside(importer, set()):
        raise BuildError(f"{IMPORTER.name} must import only the standard library")
    declarations = DECLARATIONS.read_text(encoding="utf-8")
    modules = bundled_modules(declarations)
    programme = PACKAGE / "programmes" / f"{DEFAULT_PROGRAMME}.toml"
    files = {f"programmes/{programme.name}": programme.read_text(encoding="utf-8")}
    needs = ", ".join(line for line in requirements().splitlines() if not line.startswith("#"))
    header = f'''"""xl-idf {__version__}: the IDF_* Excel functions for xlwings Lite, in one file.

Coller ce fichier entier dans l'onglet main.py d'xlwings Lite, sans le modifier ; dans l'onglet
requirements.txt, ajouter : {needs}.

Generated by `python scripts/build_lite.py` from the package xl_idf (the {len(modules)} modules the
functions need, served by the importer below), its programme file {programme.name} and
udfs/idf_udfs.py. Change those and build again; never edit this file.
"""

from __future__ import annotations

'''
    return "".join(
        [
            header,
            body(importer),
            "\n\n# --- The package xl_idf, as text ---\n\n",
            table("XL_IDF_MODULES", modules),
            "\n",
            table("XL_IDF_FILES", files),
            "\ninstall_xl_idf(XL_IDF_MODULES, XL_IDF_FILES)\n",
            "\n\n# --- The nine functions, as udfs/idf_udfs.py declares them ---\n\n",
            body(declarations),
        ]
    )


def build(output: Path) -> tuple[Path, Path]:
    """Write main.py and requirements.txt into `output`."""
    output.mkdir(parents=True, exist_ok=True)
    main, needs = output / "main.py", output / "requirements.txt"
    main.write_text(main_py(), encoding="utf-8")
    needs.write_text(requirements(), encoding="utf-8")
    return main, needs


def main() -> None:
    """Build main.py and requirements.txt for xlwings Lite."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT, help="folder (build/lite)")
    args = parser.parse_args()
    try:
        for path in build(args.output):
            print(path)
    except BuildError as exc:
        sys.exit(f"build_lite: {exc}")


if __name__ == "__main__":
    main()
