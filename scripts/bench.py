"""Benchmark of xl-idf: how fast the core assesses dossiers (a measurement, not a test).

Run: `python scripts/bench.py [--dossiers N]`. Prints one line per measurement with the best of
several runs and the peak memory the run allocated (tracemalloc).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_idf.programme import load_programme
from xl_idf.quarter import assess_quarter
from xl_idf.records import Dossier, ExpenseLine, LegalForm, Payment, PaymentType
from xl_idf.subsidy import compute_subsidy
from xl_idf.workbook import read_workbook


def make_quarter(count: int) -> tuple[list[Dossier], list[ExpenseLine], list[Payment]]:
    """`count` varied dossiers, with three paid lines and one payment each."""
    programme = load_programme()
    params = programme.at(programme.reference_day)
    providers = params.providers
    departments = params.region_departments
    start = params.period_start
    dossiers, lines, payments = [], [], []
    for i in range(count):
        number = f"IDF-{i:05d}"
        daily = params.daily_cap - Decimal(i % 400)
        phase2_days = Decimal(5 + i % 21)
        dossiers.append(
            Dossier(
                numero=number, siret="73282932000074", code_naf="25.62B",
                forme_juridique=LegalForm.ENTREPRISE, activite_industrielle=True,
                effectif=10 + i % 4000, duree_premier_bilan=12 + i % 30,
                departement=departments[i % len(departments)], code_postal=None,
                en_difficulte=False, a_jour_fiscal_social=True,
                fonds_propres=Decimal(5000 + (i % 97) * 1000), prestataire=providers[i % 7],
                date_depot=start + timedelta(days=i % 1000), aides_minimis_3_ans=Decimal(0),
                attestation_minimis=True, jours_p1=params.phase1_max_days,
                montant_p1=daily * params.phase1_max_days, jours_p2=phase2_days,
                montant_p2=daily * phase2_days,
            )
        )  # fmt: skip
        for n, (phase, days) in enumerate(((1, params.phase1_max_days), (2, phase2_days))):
            lines.append(
                ExpenseLine(
                    dossier=number, phase=phase, prestataire=providers[i % 7],
                    numero_facture=f"F{i}-{n}", date_prestation=date(2022, 6, 1),
                    jours=days, montant_ht=daily * days,
                    departement_prestation=departments[0], date_acquittement=date(2022, 7, 1),
                )
            )  # fmt: skip
        payments.append(Payment(dossier=number, type=PaymentType.PHASE1, montant=daily * 5))
    return dossiers, lines, payments


def measure(label: str, unit_count: int, unit: str, run: Callable[[], Any], repeat: int) -> None:
    """Print the best time of `repeat` runs and the peak memory of one."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    per = best / unit_count * 1e6
    print(f"{label:<48} {best * 1000:9.1f} ms  {per:8.1f} µs/{unit}  peak {peak / 2**20:7.1f} MiB")


def make_workbook(count: int, folder: Path) -> Path:
    """The provider template filled with `count` dossier rows, saved in `folder`."""
    from xl_idf.template import append_rows, build_template

    programme = load_programme()
    dossiers, _, _ = make_quarter(count)
    book = build_template(programme)
    headers = Dossier.headers()
    rows = []
    for d in dossiers:
        row = {name: getattr(d, name) for name in headers}
        row["forme_juridique"] = str(d.forme_juridique)
        for name in ("activite_industrielle", "en_difficulte", "a_jour_fiscal_social",
                     "attestation_minimis"):  # fmt: skip
            row[name] = "Oui" if getattr(d, name) else "Non"
        rows.append(row)
    append_rows(book, Dossier, rows)
    path = folder / f"dossiers-{count}.xlsx"
    book.save(path)
    return path


def read_with_calamine(path: Path) -> int:
    """Every cell of the Dossiers sheet through python-calamine, without typing them."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Dossiers").to_python()
    return sum(len(row) for row in rows)


def read_with_openpyxl(path: Path) -> int:
    """Every cell of the Dossiers sheet through openpyxl's read-only mode, for comparison."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for row in book["Dossiers"].iter_rows(values_only=True))
    book.close()
    return cells


def main() -> None:
    """Run every measurement."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    programme = load_programme()
    params = programme.at(programme.reference_day)
    dossiers, lines, payments = make_quarter(args.dossiers)
    n = len(dossiers)
    measure(
        f"core: compute_subsidy x {n}", n, "dossier",
        lambda: [compute_subsidy(d, params) for d in dossiers], args.repeat,
    )  # fmt: skip
    measure(
        f"core: assess_quarter, {n} dossiers, {len(lines)} lines", n, "dossier",
        lambda: assess_quarter(dossiers, lines, payments, programme), args.repeat,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = make_workbook(n, Path(folder))
        measure(
            f"read: read_workbook (calamine), {n} dossier rows", n, "row",
            lambda: read_workbook(path, params), args.repeat,
        )  # fmt: skip
        measure(
            f"read: calamine alone, same {n} rows, cells only", n, "row",
            lambda: read_with_calamine(path), args.repeat,
        )  # fmt: skip
        measure(
            f"read: openpyxl read-only, same {n} rows, cells only", n, "row",
            lambda: read_with_openpyxl(path), args.repeat,
        )  # fmt: skip
    sample = Path(__file__).parents[1] / "workbooks" / "exemple-trimestre-2022T4.xlsx"

    def read_and_assess() -> None:
        content = read_workbook(sample, params)
        assess_quarter(content.dossiers, content.lines, content.payments, programme)

    measure("sample quarter: read + assess (30 dossiers)", 1, "file", read_and_assess, args.repeat)
    measure_excel_functions(args.dossiers, args.repeat)


def measure_excel_functions(count: int, repeat: int) -> None:
    """IDF_SUBVENTION on `count` rows in one call, through xlwings' server-side dispatcher."""
    import asyncio
    import os

    names = ("XLWINGS_ON_SERVER", "XLWINGS_LICENSE_KEY")
    saved = {name: os.environ.get(name) for name in names}
    # xlwings' decorators register only with these set before xlwings is imported.
    os.environ.update(XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    try:
        import xlwings.server
        import xlwings.utils
        from build_calculator import load_udfs  # scripts/ is on sys.path: the script's folder

        udfs = load_udfs()
        assert hasattr(udfs.IDF_SUBVENTION, "__xlfunc__"), "xlwings imported without the variables"

        def cell(value: Decimal) -> int | float:
            # What Office.js sends: a whole number as int, any other as float.
            return int(value) if value == value.to_integral_value() else float(value)

        dossiers, _, _ = make_quarter(count)
        quote = ("jours_p1", "montant_p1", "jours_p2", "montant_p2", "fonds_propres")
        columns = [[[cell(getattr(d, name))] for d in dossiers] for name in quote]
        payload = {
            "func_name": "IDF_SUBVENTION", "args": columns, "version": xlwings.__version__,
            "runtime": "1.4", "client": "Office.js",
        }  # fmt: skip

        def dispatch() -> None:
            rows = asyncio.run(xlwings.server.custom_functions_call(payload, udfs))
            assert len(rows) == count

        measure(f"excel: IDF_SUBVENTION, {count} rows, via dispatcher", count, "row", dispatch,
                repeat)  # fmt: skip
        measure(f"excel: IDF_SUBVENTION, {count} rows, called directly", count, "row",
                lambda: udfs.IDF_SUBVENTION(*columns), repeat)  # fmt: skip
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


if __name__ == "__main__":
    main()
