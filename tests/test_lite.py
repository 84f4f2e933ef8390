"""xlwings Lite in one paste: the main.py of scripts/build_lite.py, run where the package is not.

The same built main.py is loaded by tests/lite_driver.py three ways, and its nine functions are
called with arguments whose answers were worked out by hand (the README's « Dans Excel »
examples; Occitanie: daily cap 1,200 EUR, phase 1 at 100 %, phase 2 at 50 %, advance 70 %, PME
below 250 staff and ETI below 5,000, de minimis ceiling 200,000 EUR, 300,000 EUR from 2024):
- a fresh CPython without its site-packages (`-I -S`), where `import xl_idf` fails and only
  python-stdnum is added, xlwings' decorators stubbed (Lite supplies its own);
- Pyodide under Node.js, the Python compiled to WebAssembly that xlwings Lite runs; skipped with
  its reason where Node or the fetched Pyodide is missing (`python scripts/fetch_pyodide.py`),
  required when CI is set;
- xlwings' own dispatcher (XLWINGS_ON_SERVER), which registers and calls the functions as Lite
  does, with the package installed: the bundled core must still be the one that answers.
Every answer is also the package's own, from `xl_idf.excel_functions` or `udfs/idf_udfs.py`.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lite_driver import encode
from test_import_graph import PURE
from test_udfs import SPEC
from test_udfs_dispatcher import call, server_module

from workbooks import build_script
from xl_idf import excel_functions
from xl_idf.excel_arguments import ARGUMENTS
from xl_idf.programme import DEFAULT_PROGRAMME

TESTS = Path(__file__).parent
ROOT = TESTS.parent
DRIVER = TESTS / "lite_driver.py"
build_lite = build_script("build_lite")
fetch_pyodide = build_script("fetch_pyodide")

NB = "\u00a0"  # the core's French numbers: no-break space as thousands separator and before €
SME = ["Entreprise", "Oui", "Aucun", "", 48, 24, "31", "Non", "Oui", "15/03/2022", "AFNOR"]
MOTIFS = [
    "Premier bilan de 6 mois : 12 mois minimum",
    "Établissement dans le département « 75 », hors de la région Occitanie (départements : 09, "
    "11, 12, 30, 31, 32, 34, 46, 48, 65, 66, 81, 82)",
]
CEILING = (
    f"De minimis : 180{NB}000,00{NB}€ déjà reçus + 21{NB}000,00{NB}€ du dossier = "
    f"201{NB}000,00{NB}€, au-dessus du plafond de 200{NB}000,00{NB}€ sur 3 exercices fiscaux "
    f"(Règlement (UE) n° 1407/2013, art. 3.2) ; phases 1 et 2 refusées (21{NB}000,00{NB}€)"
)
# case: (function, arguments as Excel sends them, the answer worked out by hand)
CASES: dict[str, tuple[str, list[Any], list[list[Any]]]] = {
    "categorie, a column": ("IDF_CATEGORIE", [[[48], [250], [5000]]],
                            [["PME"], ["ETI"], ["Non éligible"]]),
    "eligible": ("IDF_ELIGIBLE", SME, [[True]]),
    "motifs: 6-month balance sheet, Paris": (
        "IDF_MOTIFS", [*SME[:5], 6, "75", *SME[7:]], [[" ; ".join(MOTIFS)]]),
    "motifs of an eligible dossier": ("IDF_MOTIFS", SME, [[""]]),
    "capped at 5 x 1,200": ("IDF_DEPENSE_PLAFONNEE", [7500, 5, "15/03/2022"], [[6000.0]]),
    "capped, a column with a blank row": (
        "IDF_DEPENSE_PLAFONNEE", [[[7500], [3000], [None]], [[5], [2], [None]]],
        [[6000.0], [2400.0], [""]]),
    "capped, 0 days": ("IDF_DEPENSE_PLAFONNEE", [7500, 0], [
        ["#IDF: jours = 0 : une valeur strictement positive est attendue ; ligne exclue"]]),
    "eligible expense": ("IDF_DEPENSE_ELIGIBLE",
                         [7500, 5, "15/03/2022", "AFNOR", "31", "15/03/2022"], [[6000.0]]),
    "eligible expense, provider not referenced": (
        "IDF_DEPENSE_ELIGIBLE", [7500, 5, "15/03/2022", "Cabinet Inconnu", "31"], [[0.0]]),
    "subsidy 6,000 + 50 % of 30,000": (
        "IDF_SUBVENTION", [5, 6000, 25, 30000, 500000, "15/03/2022"],
        [[6000.0, 15000.0, 21000.0]]),
    "schedule due": ("IDF_ECHEANCIER", [6000, 15000, 6000, 30000, 30],
                     [[6000.0, 10500.0, 4500.0]]),
    "schedule, phase 2 not begun": ("IDF_ECHEANCIER", [6000, 6000, 6000, 0, 5],
                                    [[6000.0, 0.0, 0.0]]),
    "de minimis OK": ("IDF_MINIMIS", ["PME", 6000, 15000, 0, "15/03/2022", "Oui"], [["OK"]]),
    "de minimis 180,000 + 21,000 in 2022": (
        "IDF_MINIMIS", ["ETI", 6000, 15000, 180000, "15/03/2022", "Oui"], [[CEILING]]),
    "de minimis 180,000 + 21,000 in 2024": (
        "IDF_MINIMIS", ["ETI", 6000, 15000, 180000, "15/01/2024", "Oui"], [["OK"]]),
    "daily cap": ("IDF_PARAMETRE", ["plafond_journalier"], [[1200.0]]),
    "de minimis ceiling in 2024": ("IDF_PARAMETRE", ["plafond_minimis", "01/01/2024"],
                                   [[300000.0]]),
    "programme's last day": ("IDF_PARAMETRE", ["fin_programme"], [[date(2022, 12, 31)]]),
}  # fmt: skip


def as_json(value: Any) -> Any:
    """`value` as it comes back from a driver's run: through JSON."""
    return json.loads(json.dumps(value, default=encode, ensure_ascii=False))


def drive(python: list[str], main_py: Path, folder: Path, *options: str, **env: str) -> Any:
    """Run tests/lite_driver.py with `python` on main_py; what it wrote."""
    calls, result = folder / "calls.json", folder / "result.json"
    calls.write_text(json.dumps([[case, f, args] for case, (f, args, _) in CASES.items()]))
    run = subprocess.run(
        [*python, str(main_py), str(calls), str(result), *options],
        capture_output=True, text=True, cwd=folder, env={**os.environ, **env}, check=False,
        timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return json.loads(result.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """main.py and requirements.txt, built into a temporary folder."""
    main_py, requirements = build_lite.build(tmp_path_factory.mktemp("lite"))
    return main_py, requirements


@pytest.fixture(scope="module")
def cpython(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The run in a fresh CPython without site-packages: python-stdnum alone is added."""
    folder = tmp_path_factory.mktemp("cpython")
    site = folder / "site"
    site.mkdir()
    import stdnum

    (site / "stdnum").symlink_to(Path(stdnum.__file__).parent, target_is_directory=True)
    return drive([sys.executable, "-I", "-S", str(DRIVER)], built[0], folder, "--path", str(site))


def pyodide_missing() -> str | None:
    """Why the Pyodide run cannot happen here, or None."""
    if shutil.which("node") is None:
        return "Node.js (node) not on PATH"
    if fetch_pyodide.pyodide_dir() is None or fetch_pyodide.stdnum_wheel() is None:
        return (
            f"Pyodide {fetch_pyodide.PYODIDE_VERSION} or python-stdnum's wheel not in "
            f"{fetch_pyodide.CACHE.relative_to(ROOT)}: run python scripts/fetch_pyodide.py"
        )
    return None


needs_pyodide = pytest.mark.skipif(
    pyodide_missing() is not None and not os.environ.get("CI"),
    reason=f"{pyodide_missing()} (required when CI is set)",
)


@pytest.fixture(scope="module")
def pyodide(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The run in Pyodide under Node.js."""
    missing = pyodide_missing()
    assert missing is None, missing
    folder = tmp_path_factory.mktemp("pyodide")
    node = ["node", str(TESTS / "lite_pyodide.mjs"), str(fetch_pyodide.pyodide_dir()),
            str(fetch_pyodide.stdnum_wheel()), str(DRIVER)]  # fmt: skip
    start = time.perf_counter()
    result = drive(node, built[0], folder)
    print(f"Pyodide run: {time.perf_counter() - start:.1f} s")  # shown with -s
    return result


RUNTIMES = ["cpython", pytest.param("pyodide", marks=needs_pyodide)]


# --- The build --------------------------------------------------------------------------------


def assigned(main_py: Path, name: str) -> Any:
    """The value main.py assigns to `name`, read without running it."""
    for node in ast.parse(main_py.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not in {main_py}")


def test_main_py_holds_the_pure_modules_the_functions_need_and_the_programme_file(built):
    main_py, _ = built
    modules = assigned(main_py, "XL_IDF_MODULES")
    assert {"xl_idf.excel_functions", "xl_idf.excel", "xl_idf.programme"} <= set(modules)
    assert {name.removeprefix("xl_idf.") for name in modules} - {"xl_idf"} <= PURE
    for name, source in modules.items():
        path = ROOT / "xl_idf" / ("__init__.py" if name == "xl_idf" else f"{name[7:]}.py")
        assert source == path.read_text(encoding="utf-8"), name
    toml = ROOT / "xl_idf" / "programmes" / f"{DEFAULT_PROGRAMME}.toml"
    files = assigned(main_py, "XL_IDF_FILES")
    assert files == {f"programmes/{toml.name}": toml.read_text(encoding="utf-8")}


def test_requirements_ask_for_python_stdnum_as_the_package_does(built):
    _, requirements = built
    lines = requirements.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == ["python-stdnum>=1.20"]
    assert "python-stdnum>=1.20" in built[0].read_text(encoding="utf-8")[:1000]


def test_the_build_is_the_same_each_time(built, tmp_path):
    again, _ = build_lite.build(tmp_path)
    assert again.read_bytes() == built[0].read_bytes()


def test_the_build_refuses_what_xlwings_lite_cannot_import(tmp_path):
    (tmp_path / "__init__.py").write_text('"""A package."""\n')
    (tmp_path / "rules.py").write_text("import json\n\ndef f():\n    import pandas\n")
    with pytest.raises(build_lite.BuildError, match=r"xl_idf\.rules imports pandas"):
        build_lite.bundled_modules("from xl_idf import rules\n", package=tmp_path)
    with pytest.raises(build_lite.BuildError, match=r"main\.py imports openpyxl"):
        build_lite.bundled_modules("import openpyxl\nimport xlwings\n", package=tmp_path)
    with pytest.raises(build_lite.BuildError, match=r"xl_idf\.missing, which is not a module file"):
        build_lite.bundled_modules("import xl_idf.missing\n", package=tmp_path)


@pytest.mark.parametrize(
    "text", ["plain\n", "a '''quoted''' text\n", "ends with a quote'", "back\\slash\\", "cr\r\n"]
)
def test_each_text_is_embedded_exactly(text):
    assert ast.literal_eval(build_lite.literal(text)) == text


# --- The runs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_main_py_serves_the_package_itself_where_it_is_not_installed(runtime, request):
    run = request.getfixturevalue(runtime)
    assert run["xl_idf_before"] is False  # `import xl_idf` fails without main.py
    assert run["served"] == run["loaded"]
    assert run["loaded"] == sorted(assigned(request.getfixturevalue("built")[0], "XL_IDF_MODULES"))
    assert run["importers"] == ["XlIdfImporter"]  # one, though main.py ran twice
    assert run["programmes"] == [DEFAULT_PROGRAMME]
    assert run["programme_file"] == f"main.py:xl_idf/programmes/{DEFAULT_PROGRAMME}.toml"


@needs_pyodide
def test_pyodide_is_the_python_of_xlwings_lite(pyodide):
    assert pyodide["platform"] == "emscripten"
    assert pyodide["python"].startswith("3.12.")


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_nine_functions_are_declared_as_udfs_idf_udfs_declares_them(runtime, request):
    declared = request.getfixturevalue(runtime)["declared"]
    assert sorted(declared) == sorted(SPEC)
    for name, arguments in SPEC.items():
        assert declared[name]["func"] == {}
        assert list(declared[name]["args"]) == arguments
        for argument, options in declared[name]["args"].items():
            assert options == {"ndim": 2, "err_to_str": True, "doc": ARGUMENTS[name][argument]}
        ret = {"date_format": "dd/mm/yyyy"} if name == "IDF_PARAMETRE" else None
        assert declared[name]["ret"] == ret


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_each_function_answers_as_worked_out_by_hand_and_as_the_package(runtime, case, request):
    function, args, expected = CASES[case]
    answer = request.getfixturevalue(runtime)["answers"][case]
    assert answer == as_json(expected)
    assert answer == as_json(getattr(excel_functions, function)(*args))


def test_xlwings_registers_and_calls_the_bundle_even_beside_the_installed_package(built, tmp_path):
    run = drive(
        [sys.executable, str(DRIVER)], built[0], tmp_path, "--xlwings",
        XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial",
    )  # fmt: skip
    assert run["xl_idf_before"] is True  # installed here, and still main.py's core answers
    assert run["served"] == run["loaded"]
    assert {name: list(f["args"]) for name, f in run["declared"].items()} == SPEC
    with server_module() as server:  # udfs/idf_udfs.py over the installed package
        for case, (function, args, _) in CASES.items():
            rows = [a if isinstance(a, list) else [[a]] for a in args]
            assert run["answers"][case] == as_json(call(server, function, *rows)), case
