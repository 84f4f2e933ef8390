"""The rules core is pure: the standard library, python-stdnum and itself, nothing else.

So the core can be shipped alone (xlwings Lite runs it in Pyodide), and the heavy libraries
(pandas, pandera, openpyxl, python-calamine, typer, xlwings) load only in the layers that
need them. The graph is read from the source, imports inside functions included.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbooks import build_script

PACKAGE = Path(__file__).parents[1] / "xl_idf"
# The rules core, and the Excel functions computed on it.
PURE = {
    "catalogue", "catalogue_format", "catalogue_money", "cell_numbers", "columns", "decisions",
    "de_minimis",
    "dossier", "eligibility", "errors", "excel", "excel_arguments", "excel_functions",
    "expenses", "findings", "french", "money", "ooxml", "payments", "programme", "providers",
    "quarter", "records", "slots", "subsidy", "values",
}  # fmt: skip
ALLOWED_OUTSIDE = {"stdnum"}


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at its top or inside a function (the Lite build's reader)."""
    return set(build_script("build_lite").imported_modules(path.read_text(encoding="utf-8")))


def test_every_pure_module_exists() -> None:
    assert {p.stem for p in PACKAGE.glob("*.py")} >= PURE


@pytest.mark.parametrize("name", sorted(PURE))
def test_a_rules_module_imports_only_the_standard_library_stdnum_and_the_core(name: str) -> None:
    outside = set()
    for module in imports_of(PACKAGE / f"{name}.py"):
        top = module.split(".")[0]
        if top in sys.stdlib_module_names or top in ALLOWED_OUTSIDE:
            continue
        if top == "xl_idf" and module.split(".")[1] in PURE:
            continue
        outside.add(module)
    assert outside == set()


def test_the_check_catches_a_heavy_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import json\n\ndef f():\n    import pandas\n    from xl_idf import workbook\n"
    )
    assert imports_of(sample) == {"json", "pandas", "xl_idf.workbook"}
    sample.write_text("from xl_idf.workbook import read_workbook\n")
    assert imports_of(sample) == {"xl_idf.workbook"}
