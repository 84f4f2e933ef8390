"""Load a built main.py as xlwings Lite would, call its IDF_* functions, write what they answer.

Run by tests/test_lite.py, as a script, in a fresh CPython without the package and in Pyodide
(tests/lite_pyodide.mjs): `python lite_driver.py MAIN_PY CALLS_JSON RESULT_JSON [--path DIR]
[--xlwings]`. CALLS_JSON lists `[case, function, args]`; RESULT_JSON gets each case's answer
and what the run saw: was xl_idf importable before main.py, which modules main.py served, where
the programme file was read from, what each function declared to xlwings. main.py runs twice,
the second time in the same Python, as after an edit in Lite's editor.

Lite supplies xlwings' decorators: a stub stands in and records them, unless `--xlwings`, where
the installed xlwings registers and calls the functions as xlwings Server and Lite do
(`custom_functions_meta`, `custom_functions_call`). Standard library only, and nothing of the
tests imported: the driver must run where they cannot.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import types
from collections.abc import Callable
from datetime import date
from typing import Any

Declared = dict[str, dict[str, Any]]


def encode(value: object) -> object:
    """JSON for what JSON lacks: a date answer (IDF_PARAMETRE's dates)."""
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise TypeError(f"not JSON: {value!r}")


def stub_xlwings() -> Declared:
    """An `xlwings` module whose decorators change nothing and record what they declare."""
    declared: Declared = {}

    def entry(function: Callable[..., Any]) -> dict[str, Any]:
        return declared.setdefault(function.__name__, {"func": None, "args": {}, "ret": None})

    def func(function: Any = None, **options: Any) -> Any:
        if function is None:
            return lambda f: func(f, **options)
        entry(function)["func"] = options
        return function

    def arg(name: str, convert: Any = None, **options: Any) -> Any:
        def declare(function: Callable[..., Any]) -> Callable[..., Any]:
            entry(function)["args"][name] = options
            return function

        return declare

    def ret(convert: Any = None, **options: Any) -> Any:
        def declare(function: Callable[..., Any]) -> Callable[..., Any]:
            entry(function)["ret"] = options
            return function

        return declare

    xlwings, utils = types.ModuleType("xlwings"), types.ModuleType("xlwings.utils")
    xlwings.func, xlwings.arg, xlwings.ret, xlwings.utils = func, arg, ret, utils
    sys.modules["xlwings"], sys.modules["xlwings.utils"] = xlwings, utils
    return declared


def load(main_py: str) -> types.ModuleType:
    """main.py, imported as the module `main`."""
    spec = importlib.util.spec_from_file_location("main", main_py)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["main"] = module
    spec.loader.exec_module(module)
    return module


def through_xlwings(module: types.ModuleType, calls: list[Any]) -> tuple[Declared, dict[str, Any]]:
    """What xlwings' own dispatcher registers and answers, each argument sent as rows of cells."""
    import xlwings.server

    meta = xlwings.server.custom_functions_meta(module)
    declared = {
        f["id"]: {"args": {p["name"]: {"dimensionality": p["dimensionality"]}
                           for p in f["parameters"]}}
        for f in meta["functions"]
    }  # fmt: skip
    answers = {}
    for case, function, args in calls:
        payload = {
            "func_name": function,
            "args": [a if isinstance(a, list) else [[a]] for a in args],
            "caller_address": "Feuil1!A1",
            "version": xlwings.__version__,
            "runtime": "1.4",
            "client": "Office.js",
            "culture_info_name": "fr-FR",
            "date_format": "dd/mm/yyyy",
        }
        answers[case] = asyncio.run(xlwings.server.custom_functions_call(payload, module))
    return declared, answers


def run(main_py: str, calls: list[Any], real_xlwings: bool) -> dict[str, Any]:
    """Load main.py, call each function, and say what happened."""
    before = importlib.util.find_spec("xl_idf") is not None
    declared = {} if real_xlwings else stub_xlwings()
    load(main_py)  # as when the workbook opens,
    module = load(main_py)  # and again in the same Python, as after an edit in Lite's editor
    if real_xlwings:
        declared, answers = through_xlwings(module, calls)
    else:
        answers = {case: getattr(module, function)(*args) for case, function, args in calls}
    from xl_idf.programme import available_programmes, load_programme

    package = {n: m for n, m in sys.modules.items() if n.partition(".")[0] == "xl_idf"}
    return {
        "python": sys.version,
        "platform": sys.platform,
        "xl_idf_before": before,
        "loaded": sorted(package),
        "served": sorted(n for n, m in package.items() if m.__spec__.origin.startswith("main.py:")),
        "importers": [type(f).__name__ for f in sys.meta_path if "XlIdf" in type(f).__name__],
        "programmes": available_programmes(),
        "programme_file": load_programme().path,
        "declared": declared,
        "answers": answers,
    }


def main(argv: list[str]) -> None:
    """Command line: see the module's docstring."""
    main_py, calls_json, result_json, *options = argv
    for index, option in enumerate(options):
        if option == "--path":
            sys.path.insert(0, options[index + 1])
    with open(calls_json, encoding="utf-8") as handle:
        calls = json.load(handle)
    result = run(main_py, calls, real_xlwings="--xlwings" in options)
    with open(result_json, "w", encoding="utf-8") as handle:
        json.dump(result, handle, default=encode, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
