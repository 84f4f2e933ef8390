"""The IDF_* functions through xlwings' own server-side dispatcher, as Excel calls them.

xlwings Server and xlwings Lite register the functions with `custom_functions_meta` and call them
with `custom_functions_call`, sending what Office.js sends: every argument as rows of cells,
dates as serial numbers, whole numbers as int, empty cells as "" or None, errors as objects.
On Linux the decorators register only with XLWINGS_ON_SERVER=true, and xlwings chooses its
decorators once, when it is first imported: `server_module` imports a fresh xlwings and a fresh
copy of the module with the variables set, and puts the process's own xlwings back afterwards,
so that no other test sees them.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from test_udfs import OPTIONAL, SPEC

from udfs import idf_udfs as plain_udfs

UDF_FILE = Path(__file__).parents[1] / "udfs" / "idf_udfs.py"
ERR = "#IDF: "
NA = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}  # an error cell


def _xlwings(name: str) -> bool:
    return name == "xlwings" or name.startswith("xlwings.")


@contextmanager
def server_module() -> Iterator[tuple[ModuleType, ModuleType]]:
    """udfs/idf_udfs.py and xlwings.server as xlwings Server loads them; nothing left behind."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XLWINGS_ON_SERVER", "true")
        patch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
        for name in [n for n in sys.modules if _xlwings(n)]:
            patch.delitem(sys.modules, name)  # put back when the context ends
        try:
            import xlwings.server

            spec = importlib.util.spec_from_file_location("idf_udfs_on_server", UDF_FILE)
            assert spec is not None
            assert spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module  # its dataclasses look their module up there
            spec.loader.exec_module(module)
            yield module, xlwings.server
        finally:
            for name in [n for n in sys.modules if _xlwings(n)]:
                del sys.modules[name]  # the fresh xlwings; the process's own comes back
            sys.modules.pop("idf_udfs_on_server", None)


@pytest.fixture
def server() -> Iterator[tuple[ModuleType, ModuleType]]:
    """Per test, so that the variables are set only while a test needs them (about 60 ms)."""
    with server_module() as loaded:
        yield loaded


def call(server: tuple[ModuleType, ModuleType], name: str, *args: Any, **data: Any) -> Any:
    """What Excel gets back for `=name(args...)`, each argument given as rows of cells."""
    module, xlwings_server = server
    payload = {
        "func_name": name,
        "args": list(args),
        "caller_address": "Calculs!X5",
        "version": sys.modules["xlwings"].__version__,
        "runtime": "1.4",
        "client": "Office.js",
        "culture_info_name": "fr-FR",
        "date_format": "dd/mm/yyyy",
        **data,
    }
    return asyncio.run(xlwings_server.custom_functions_call(payload, module))


# --- Registration -----------------------------------------------------------------------------


def test_every_spec_function_is_registered_with_each_argument_described_in_french(server):
    module, xlwings_server = server
    meta = xlwings_server.custom_functions_meta(module)
    functions = {f["id"]: f for f in meta["functions"]}
    assert sorted(functions) == sorted(SPEC)
    for name, arguments in SPEC.items():
        function = functions[name]
        assert function["name"] == name
        assert function["description"] == inspect.getdoc(getattr(module, name))
        assert function["result"] == {"dimensionality": "matrix", "type": "any"}
        assert [p["name"] for p in function["parameters"]] == arguments
        for parameter in function["parameters"]:
            assert parameter["description"] == module.ARGUMENTS[name][parameter["name"]]
            assert not parameter["description"].startswith("Positional argument")
            assert parameter["dimensionality"] == "matrix"
        optional = [p["name"] for p in function["parameters"] if p.get("optional")]
        assert optional == OPTIONAL.get(name, [])


def test_every_argument_is_read_as_rows_with_error_cells_as_text(server):
    module, _ = server
    for name, arguments in SPEC.items():
        info = getattr(module, name).__xlfunc__
        assert [a["name"] for a in info["args"]] == arguments
        assert all(a["options"]["ndim"] == 2 for a in info["args"]), name
        assert all(a["options"]["err_to_str"] is True for a in info["args"]), name


# --- Calls shaped as Office.js sends them -----------------------------------------------------

SME = [
    [["Entreprise"]],
    [[True]],
    [["Aucun"]],
    [[None]],
    [[48]],
    [[24]],
    [[31]],
    [[False]],
    [[True]],
    [[44635]],
    [["AFNOR"]],
]  # fmt: skip  (15/03/2022 as a serial number)


def with_cell(args: list[Any], index: int, cell: Any) -> list[Any]:
    return [[[cell]] if i == index else arg for i, arg in enumerate(args)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(SME, [[True]], id="eligible"),
        pytest.param(with_cell(SME, 6, 75), [[False]], id="E05-department-as-a-number"),
        pytest.param(with_cell(SME, 9, 44927), [[False]], id="E08-filed-on-serial-01-01-2023"),
        pytest.param(with_cell(SME, 4, None), [[f"{ERR}effectif : valeur manquante"]],
                     id="empty-cell-arrives-as-None"),
        pytest.param(with_cell(SME, 4, NA), [[f"{ERR}effectif : valeur d'erreur Excel « #N/A » : "
                                               "corriger la formule ou la saisie"]],
                     id="error-cell"),
        pytest.param(with_cell(SME, 9, "#VALUE!"),
                     [[f"{ERR}date_depot : valeur d'erreur Excel « #VALUE! » : corriger la "
                       "formule ou la saisie"]], id="error-as-text"),
        pytest.param(with_cell(SME, 9, "15/03/2022"), [[True]], id="date-as-text"),
    ],
)  # fmt: skip
def test_eligible(server, args, expected):
    assert call(server, "IDF_ELIGIBLE", *args) == expected


def test_motifs(server):
    assert call(server, "IDF_MOTIFS", *with_cell(SME, 5, 11)) == [
        ["Premier bilan de 11 mois : 12 mois minimum"]
    ]
    assert call(server, "IDF_MOTIFS", *SME) == [[""]]


def test_categorie_of_a_column_with_an_empty_cell_and_an_error(server):
    column = [[48], [""], [250], [NA], [5000]]
    assert call(server, "IDF_CATEGORIE", column) == [
        ["PME"],
        [""],
        ["ETI"],
        [f"{ERR}effectif : valeur d'erreur Excel « #N/A » : corriger la formule ou la saisie"],
        ["Non éligible"],
    ]


def test_subvention_to_the_cent(server):
    assert call(server, "IDF_SUBVENTION", [[5]], [[6000]], [[25]], [[30000]], [[500000]]) == [
        [6000.0, 15000.0, 21000.0]
    ]
    assert call(server, "IDF_SUBVENTION", [[5]], [[5999.99]], [[25]], [[29999.99]], [[500000]]) == [
        [5999.99, 14999.99, 20999.98]
    ]


def test_subvention_of_columns_with_single_cells_and_a_blank_row(server):
    rows = call(server, "IDF_SUBVENTION", [[5], [""], [4], [5]], [[6000], [""], [4800], [7000]],
                [[25], [""], [25], [None]], [[30000], [""], [30000], [None]], [[8000]])  # fmt: skip
    assert rows == [
        [6000.0, 2000.0, 8000.0],  # the equity cap takes from phase 2 first
        ["", "", ""],
        [0.0, 0.0, 0.0],  # S01: a phase 1 under 5 days blocks the quote
        [6000.0, 0.0, 6000.0],
    ]


def test_depenses(server):
    assert call(server, "IDF_DEPENSE_PLAFONNEE", [[7500], [3000]], [[5]]) == [[6000.0], [3000.0]]
    eligible = call(
        server, "IDF_DEPENSE_ELIGIBLE", [[7500]], [[5]], [[44926], [44927], [""]], [["AFNOR"]],
        [[31]],
    )  # fmt: skip
    # 31/12/2022 counts; 01/01/2023 is after the last eligible date (X03). The third row is
    # blank in the only range given: an empty row, whatever the single cells repeated.
    assert eligible == [[6000.0], [0.0], [""]]
    assert call(server, "IDF_DEPENSE_ELIGIBLE", [[7500]], [[5]], [[""]], [["AFNOR"]], [[31]]) == [
        [f"{ERR}date_prestation : valeur manquante"]
    ]


def test_echeancier_with_and_without_the_optional_arguments(server):
    five = [[[6000]], [[15000]], [[6000]], [[30000]], [[30]]]
    # 70 % x 15,000 = 10,500 planned; balance 50 % x 30,000 - 10,500 = 4,500.
    assert call(server, "IDF_ECHEANCIER", *five) == [[6000.0, 10500.0, 4500.0]]
    assert call(server, "IDF_ECHEANCIER", *five, [[None]]) == [[6000.0, 10500.0, 4500.0]]
    # The recorded advance is the advance due: balance 15,000 - 10,000 = 5,000.
    assert call(server, "IDF_ECHEANCIER", *five, [[10000]], [[44635]]) == [
        [6000.0, 10000.0, 5000.0]
    ]
    # Phase 2 not begun (nothing justified, no advance): nothing due on it.
    assert call(server, "IDF_ECHEANCIER", [[6000]], [[6000]], [[6000]], [[0]], [[5]]) == [
        [6000.0, 0.0, 0.0]
    ]
    # Above 70 % of 15,000: said in the row, with its figures.
    ((message, *_),) = call(server, "IDF_ECHEANCIER", *five, [[11000]])
    assert message.startswith(f"{ERR}acompte_verse : Acompte de la phase 2 versé "
                              "11\u00a0000,00\u00a0€, au-dessus de 70\u00a0%")  # fmt: skip


def test_minimis_with_dates_as_serial_numbers(server):
    eti = [[["ETI"]], [[6000]], [[15000]], [[279000]]]
    assert call(server, "IDF_MINIMIS", *eti, [[45292]], [["Oui"]]) == [["OK"]]  # 01/01/2024
    ((message,),) = call(server, "IDF_MINIMIS", *eti, [[45291]], [["Oui"]])  # 31/12/2023
    # 279,000 + 6,000 + 15,000 = 300,000 > 200,000, the ceiling in force on 31/12/2023.
    assert message.startswith("De minimis : 279\u00a0000,00\u00a0€ déjà reçus + "
                              "21\u00a0000,00\u00a0€ du dossier = 300\u00a0000,00\u00a0€, "
                              "au-dessus du plafond de 200\u00a0000,00\u00a0€ sur 3 exercices "
                              "fiscaux (Règlement (UE) n° 1407/2013, art. 3.2)")  # fmt: skip
    assert message.endswith("phases 1 et 2 refusées (21\u00a0000,00\u00a0€)")
    # A company neither PME nor ETI gets a reason, not OK.
    ((reason,),) = call(server, "IDF_MINIMIS", [["Non éligible"]], *eti[1:], [[45291]], [["Oui"]])
    assert reason.startswith("Catégorie « Non éligible » : ni PME ni ETI")


def test_the_date_picks_the_parameters_in_force(server):
    # The de minimis ceiling on 31/12/2023 (serial 45291) and on 01/01/2024 (45292).
    assert call(server, "IDF_PARAMETRE", [["plafond_minimis"]], [[45291], [45292]]) == [
        [200000.0],
        [300000.0],
    ]
    assert call(server, "IDF_SUBVENTION", [[5]], [[6000]], [[25]], [[30000]], [[500000]],
                [[44635]]) == [[6000.0, 15000.0, 21000.0]]  # fmt: skip
    assert call(server, "IDF_DEPENSE_PLAFONNEE", [[7500]], [[5]], [[""]]) == [[6000.0]]


def test_parametre_gives_a_date_as_a_date_and_a_number_as_a_number(server):
    names = [["period_end"], ["plafond_journalier"], ["taux_phase2"]]
    assert call(server, "IDF_PARAMETRE", names) == [
        [{"type": "FormattedNumber", "basicValue": 44926.0, "numberFormat": "dd/mm/yyyy"}],
        [1200.0],
        [0.5],
    ]  # fmt: skip
    # An older Office.js runtime without formatted numbers gets the serial number.
    assert call(server, "IDF_PARAMETRE", [["period_end"]], runtime="1.3") == [[44926.0]]


def test_an_idf_message_reaches_excel_as_text_not_as_an_error_value(server):
    ((message,),) = call(server, "IDF_PARAMETRE", [["inconnu"]])
    assert isinstance(message, str)
    assert message.startswith(f"{ERR}paramètre inconnu « inconnu » : ")


def test_ten_thousand_rows_in_one_call_give_ten_thousand_rows(server):
    """The time is measured by scripts/bench.py, not asserted here."""
    n = 10_000
    rows = call(
        server, "IDF_SUBVENTION", [[5]] * n, [[4000 + i % 2001] for i in range(n)],
        [[i % 26] for i in range(n)], [[1000 * (i % 26)] for i in range(n)], [[500000]],
    )  # fmt: skip
    assert len(rows) == n
    assert rows[0] == [4000.0, 0.0, 4000.0]
    assert rows[25] == [4025.0, 12500.0, 16525.0]
    assert rows[2000] == [6000.0, 12000.0, 18000.0]  # phase 2: 24 days, 24,000 at 50 %
    assert rows[2001] == [4000.0, 12500.0, 16500.0]  # phase 2: 25 days, 25,000 at 50 %


# --- Nothing leaks into the other tests -------------------------------------------------------


def test_the_server_context_leaves_the_environment_and_xlwings_as_they_were():
    own = {name: module for name, module in sys.modules.items() if _xlwings(name)}
    environment = {k: v for k, v in os.environ.items() if k.startswith("XLWINGS_")}
    with server_module() as (module, _):
        assert os.environ["XLWINGS_ON_SERVER"] == "true"
        assert hasattr(module.IDF_CATEGORIE, "__xlfunc__")
        assert sys.modules["xlwings"] is not own.get("xlwings")
    assert {name: module for name, module in sys.modules.items() if _xlwings(name)} == own
    assert {k: v for k, v in os.environ.items() if k.startswith("XLWINGS_")} == environment
    assert "idf_udfs_on_server" not in sys.modules


def test_the_module_imported_without_the_variables_holds_plain_functions():
    assert "XLWINGS_ON_SERVER" not in os.environ
    assert not hasattr(plain_udfs.IDF_SUBVENTION, "__xlfunc__")
    assert plain_udfs.IDF_SUBVENTION(5, 6000, 25, 30000, 500000) == [[6000.0, 15000.0, 21000.0]]


def test_the_pyodide_check_is_answered_once_where_pyodide_is_absent(server):
    # udfs/idf_udfs.py replaces xlwings' per-cell `from pyodide.ffi import JsNull` probe
    # (2.5 s of a 10,000-row call) by its constant answer, only where pyodide is absent.
    module, _ = server
    utils = sys.modules["xlwings.utils"]
    assert importlib.util.find_spec("pyodide") is None
    assert utils.is_jsnull is module._never_jsnull
    original = inspect.getsource(module._never_jsnull)
    assert "return False" in original
    # What xlwings' own check answers here, for any cell Excel can send.
    for value in (None, "", 0, 1.5, "texte", True, NA, [[None]]):
        try:
            from pyodide.ffi import JsNull  # type: ignore[import-not-found]  # noqa: F401
        except ImportError:
            expected = False
        assert utils.is_jsnull(value) is expected
