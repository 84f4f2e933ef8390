"""Benchmark of xl-idf end to end: whole processes on quarters built from the template.

Run: `python scripts/bench.py [--sizes 1000 10000 100000] [--repeat 3]`. It builds quarters of
that many invoice lines (one dossier per 10 lines, one payment per dossier) from the provider
template, once, in `build/bench/`, then runs each measurement as a process of its own, every
measurement once per round and the rounds one after the other, so that a noisy machine slows them
alike. It prints, per measurement, the median wall time of the rounds, their range and the peak
resident memory of the process (its children's included for `validate`, which reads each file
in a child), and each `validate`'s ratio to the bare python-calamine read of the same file.

The measurements:
- `calamine`: python-calamine reading every cell of every sheet, nothing else: the floor;
- `validate`: `xl-idf validate --format json` of the quarter, the report to /dev/null;
- `validate --jobs 1` and `--jobs 2` on 200 small files (10 dossiers each, no dossier, company
  or invoice shared between files: the checks across files find nothing), and two `--jobs 1`
  runs started together, each on half of them: what two processes give on this machine with
  nothing shared or coordinated, each with its own start, the two slowing each other down as
  they share the caches and the memory;
- `xl-idf --help`;
- `IDF_SUBVENTION` on 10,000 rows in one call through xlwings' dispatcher (time of the call only,
  median of the rounds inside one process);
- `frictionless validate --sheet Prestations` where frictionless is installed.

A measurement, not a test: `tests/test_fast_paths.py` runs it on a tiny size so that it cannot rot.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LINES_PER_DOSSIER = 10
SMALL_FILES = 200
SMALL_DOSSIERS = 10
# Bump when the quarters built change, so that cached files are built again.
BUILD_VERSION = "1"
# The same for the small files (2: each file's companies, dossiers and invoices its own).
SMALL_VERSION = "2"


def quarter_rows(
    dossier_count: int, first: int = 0
) -> tuple[list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]]:
    """Rows as providers type them: `dossier_count` dossiers, 10 lines and a payment each,
    the companies numbered from `first` (their dossier, SIRET and invoice numbers follow).

    Values vary as in a real quarter: seven providers, some spelled otherwise (« Top-Tech »),
    departments and dates of the region, amounts some of which the daily cap cuts.
    """
    from xl_idf.programme import load_programme

    programme = load_programme()
    params = programme.at(programme.reference_day)
    providers = params.providers
    departments = params.region_departments
    spellings = {"TOPTECH": "Top-Tech", "AFNOR": "AFNOR Certification", "CYLAD": "Cylad"}
    dossiers: list[dict[str, object]] = []
    lines: list[dict[str, object]] = []
    payments: list[dict[str, object]] = []
    for i in range(first, first + dossier_count):
        number = f"IDF-{i:06d}"
        provider = providers[i % len(providers)]
        written = spellings.get(provider, provider) if i % 5 == 0 else provider
        department = departments[i % len(departments)]
        filed = params.period_start + timedelta(days=i % 900)
        daily = Decimal(900 + 50 * (i % 8))
        days1, days2 = Decimal(5), Decimal(9 * (1 + i % 3))
        dossiers.append({
            "numero": number, "raison_sociale": f"Entreprise industrielle {i}",
            "siret": _siret(i), "code_naf": "25.62B", "forme_juridique": "Entreprise",
            "activite_industrielle": "Oui", "agrement_ess": "Aucun",
            "effectif": 10 + i % 400, "duree_premier_bilan": 12 + i % 48,
            "departement": department, "code_postal": f"{department}000",
            "en_difficulte": "Non", "a_jour_fiscal_social": "Oui",
            "fonds_propres": Decimal(40_000 + 1000 * (i % 500)), "prestataire": written,
            "date_depot": filed, "aides_minimis_3_ans": Decimal(1000 * (i % 50)),
            "attestation_minimis": "Oui", "jours_p1": days1, "montant_p1": daily * days1,
            "jours_p2": days2, "montant_p2": daily * days2,
        })  # fmt: skip
        served = filed + timedelta(days=30)
        for n in range(LINES_PER_DOSSIER):
            phase = 1 if n == 0 else 2
            days = days1 if phase == 1 else days2 / (LINES_PER_DOSSIER - 1)
            # One line in 20 is above the daily cap (X02), one in 50 not yet paid (X10).
            rate = daily + (400 if (i + n) % 20 == 0 else 0)
            served = min(served + timedelta(days=7), params.last_expense_date)
            lines.append({
                "dossier": number, "phase": phase, "prestataire": written,
                "numero_facture": f"F-{i:06d}-{n:02d}", "date_prestation": served,
                "date_facture": served, "jours": days, "montant_ht": rate * days,
                "departement_prestation": department,
                "date_acquittement": None if (i + n) % 50 == 0 else served + timedelta(days=20),
            })  # fmt: skip
        payments.append({
            "dossier": number, "type": "Phase 1", "date_versement": served, "montant": daily * 5,
        })  # fmt: skip
    return dossiers, lines, payments


def _siret(i: int) -> str:
    """A distinct valid SIRET for company `i` (SIREN and SIRET pass the Luhn check)."""
    from stdnum import luhn

    siren = f"{300_000_00 + i:08d}"
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


def build_quarter(path: Path, dossier_count: int, first: int = 0) -> Path:
    """The provider template filled with a quarter of `dossier_count` dossiers, saved at `path`."""
    from xl_idf.programme import load_programme
    from xl_idf.records import Dossier, ExpenseLine, Payment
    from xl_idf.template import append_rows, build_template

    book = build_template(load_programme())
    dossiers, lines, payments = quarter_rows(dossier_count, first)
    append_rows(book, Dossier, dossiers)  # type: ignore[arg-type]
    append_rows(book, ExpenseLine, lines)  # type: ignore[arg-type]
    append_rows(book, Payment, payments)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    book.save(partial)
    partial.replace(path)
    return path


def small_files(folder: Path, count: int) -> list[Path]:
    """`count` small quarters, each with its own dossiers, companies and invoices: the quarters
    of as many providers, which the checks across files find nothing shared in."""
    files = []
    for k in range(count):
        path = folder / f"v{SMALL_VERSION}-small" / f"trimestre-{k:04d}.xlsx"
        files.append(path)
        if not path.exists():
            build_quarter(path, SMALL_DOSSIERS, first=k * SMALL_DOSSIERS)
    return files


@dataclass
class Measure:
    """One command, its runs' wall times and the largest peak memory of its runs."""

    label: str
    command: list[str]
    size: int | None = None  # lines of the quarter it reads, for the ratios
    kind: str = ""
    env: dict[str, str] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    peak_kib: int = 0

    def run(self) -> None:
        """Run the command once, in a small process that times it and reads its peak memory."""
        # A process forked from this one would start with this one's peak (the quarters built
        # here): the wrapper, small, starts the command and reports on its children.
        done = subprocess.run(
            [sys.executable, "-c", WRAPPER, *self.command],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, check=False,
            env={**os.environ, **self.env},
        )  # fmt: skip
        reported = _reported(done.stdout)
        if reported.get("exit", 0) not in (0, 1) or done.returncode:
            raise SystemExit(f"{self.label}: exit code {reported.get('exit')}")
        self.times.append(reported.get("call_seconds", reported["seconds"]))
        self.peak_kib = max(self.peak_kib, int(reported["peak_kib"]))


def _reported(out: bytes) -> dict[str, float]:
    """What the wrapper and the command printed about themselves (`BENCH key=value ...`)."""
    found: dict[str, float] = {}
    for line in out.decode(errors="replace").splitlines():
        if line.startswith("BENCH "):
            found.update((k, float(v)) for k, v in (item.split("=") for item in line.split()[1:]))
    return found


# Runs a command; prints its wall time, exit code, the largest peak memory of its processes
# (validate's children included: each file is read in a child of its own) and its BENCH lines.
# Commands separated by « :: » are started together, side by side, and timed until the last ends.
WRAPPER = """
import resource, subprocess, sys, threading, time
commands = [[]]
for arg in sys.argv[1:]:
    if arg == "::":
        commands.append([])
    else:
        commands[-1].append(arg)
outputs = [b""] * len(commands)
began = time.perf_counter()
started = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
           for c in commands]
def drain(i):
    outputs[i] = started[i].communicate()[0]
threads = [threading.Thread(target=drain, args=(i,)) for i in range(len(started))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
seconds = time.perf_counter() - began
codes = [p.returncode for p in started]
for out in outputs:
    for line in out.decode(errors="replace").splitlines():
        if line.startswith("BENCH "):
            print(line)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("BENCH seconds=%f exit=%d peak_kib=%d" % (seconds, max(codes), peak))
"""
CALAMINE = (
    "import sys; from python_calamine import CalamineWorkbook; "
    "book = CalamineWorkbook.from_path(sys.argv[1]); "
    "print(sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names))"
)
DISPATCHER = """
import asyncio, os, statistics, sys, time
os.environ.update(XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
# The checkout measured first on the path: `python -c` would otherwise put the working
# directory (this checkout) before PYTHONPATH, and a --baseline run would measure this code.
root = os.environ.get("BENCH_ROOT", ".")
sys.path[:0] = [root, os.path.join(root, "scripts")]
import xlwings, xlwings.server
from build_calculator import load_udfs
udfs = load_udfs()
rows, repeat = int(sys.argv[1]), int(sys.argv[2])
columns = [[[5] for _ in range(rows)], [[5000 + i % 997] for i in range(rows)],
           [[10 + i % 15] for i in range(rows)], [[9000.5 + i % 991] for i in range(rows)],
           [[50000 + 100 * (i % 500)] for i in range(rows)]]
payload = {"func_name": "IDF_SUBVENTION", "args": columns, "version": xlwings.__version__,
           "runtime": "1.4", "client": "Office.js"}
times = []
for _ in range(repeat):
    began = time.perf_counter()
    answer = asyncio.run(xlwings.server.custom_functions_call(payload, udfs))
    times.append(time.perf_counter() - began)
    assert len(answer) == rows, answer[:3]
print("BENCH call_seconds=%f" % statistics.median(times))
"""


def measures(folder: Path, sizes: Sequence[int], small: int, rows: int) -> list[Measure]:
    """Every measurement, on quarters built in `folder` when not there already."""
    python, xl_idf = str(BIN / "python"), str(BIN / "xl-idf")
    found: list[Measure] = []
    for size in sizes:
        path = folder / f"v{BUILD_VERSION}-quarter-{size}.xlsx"
        if not path.exists():
            print(f"building {path.name} ...", file=sys.stderr, flush=True)
            build_quarter(path, max(1, size // LINES_PER_DOSSIER))
        found.append(Measure(f"calamine read, {size:,} lines", [python, "-c", CALAMINE, str(path)],
                             size, "calamine"))  # fmt: skip
        validate = [xl_idf, "validate", "--format", "json", str(path)]
        found.append(Measure(f"xl-idf validate, {size:,} lines", validate, size, "validate"))
        frictionless = shutil.which("frictionless") or (
            str(BIN / "frictionless") if (BIN / "frictionless").exists() else None
        )
        if frictionless:
            command = [frictionless, "validate", "--sheet", "Prestations", str(path)]
            found.append(Measure(f"frictionless Prestations, {size:,} lines", command, size))
    if small:
        files = [str(p) for p in small_files(folder, small)]
        for jobs in (1, 2):
            command = [xl_idf, "validate", "--format", "json", "--jobs", str(jobs), *files]
            label = f"validate {small} small files, --jobs {jobs}"
            found.append(Measure(label, command, kind=f"jobs{jobs}"))
        # What two processes give on this machine with nothing to share or coordinate: two runs
        # of `--jobs 1` started together, each on half the files, each with its own start.
        half = len(files) // 2
        one = [xl_idf, "validate", "--format", "json", "--jobs", "1"]
        command = [*one, *files[:half], "::", *one, *files[half:]]
        label = f"two validate --jobs 1 side by side, {half} + {len(files) - half} files"
        found.append(Measure(label, command, kind="halves"))
    found.append(Measure("xl-idf --help", [xl_idf, "--help"]))
    if rows:
        found.append(Measure(f"IDF_SUBVENTION, {rows:,} rows, dispatcher (call only)",
                             [python, "-c", DISPATCHER, str(rows), "3"]))  # fmt: skip
    return found


def before(found: Sequence[Measure], baseline: Path) -> list[Measure]:
    """Each measurement of xl-idf again, with the code of an older checkout at `baseline`."""
    env = {"PYTHONPATH": str(baseline), "BENCH_ROOT": str(baseline)}
    return [
        Measure(f"before: {m.label}", m.command, m.size, f"before {m.kind}", env)
        for m in found
        if m.kind != "calamine"
    ]


def table(found: Sequence[Measure], repeat: int) -> str:
    """The results, one line a measurement, then the ratios the targets are stated in."""
    lines = [f"{'measurement':<60} {'median':>9} {'range':>15} {'peak':>9}"]
    for m in found:
        median = statistics.median(m.times)
        spread = f"{min(m.times):.2f}-{max(m.times):.2f} s"
        lines.append(f"{m.label:<60} {median:>7.3f} s {spread:>15} {m.peak_kib / 1024:>5.0f} MiB")
    median = {(m.kind, m.size): statistics.median(m.times) for m in found}
    floor = {size: seconds for (kind, size), seconds in median.items() if kind == "calamine"}
    for prefix in ("before ", ""):
        lines.append("")
        validate = {s: t for (k, s), t in median.items() if k == f"{prefix}validate"}
        for size, seconds in validate.items():
            ratio = seconds / floor[size]
            lines.append(f"{prefix}validate / calamine read, {size:,} lines: {ratio:.1f}x")
        sizes = sorted(s for s in validate if s)
        for small, large in itertools.pairwise(sizes):
            ratio = validate[large] / validate[small]
            lines.append(f"{prefix}validate {large:,} / {small:,} lines: {ratio:.1f}x the time "
                         f"for {large / small:.0f}x the lines")  # fmt: skip
        one, two = median.get((f"{prefix}jobs1", None)), median.get((f"{prefix}jobs2", None))
        if one and two:
            lines.append(f"{prefix}--jobs 2 speed-up on the small files: {one / two:.2f}x")
        halves = median.get((f"{prefix}halves", None))
        if one and two and halves:
            lines.append(f"{prefix}two runs side by side, half the files each: "
                         f"{one / halves:.2f}x --jobs 1's speed; "
                         f"--jobs 2 takes {two / halves:.2f}x their time")  # fmt: skip
    lines.append(f"(medians of {repeat} interleaved rounds; peak = largest resident set of a run)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Build the quarters, run every measurement in interleaved rounds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--small-files", type=int, default=SMALL_FILES)
    parser.add_argument("--rows", type=int, default=10_000, help="IDF_SUBVENTION rows (0: none)")
    parser.add_argument("--folder", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument(
        "--baseline", type=Path, help="an older checkout of xl-idf, measured beside this one"
    )
    args = parser.parse_args(argv)
    found = measures(args.folder, args.sizes, args.small_files, args.rows)
    if args.baseline:
        found += before(found, args.baseline.resolve())
    for round_number in range(args.repeat):
        print(f"round {round_number + 1}/{args.repeat} ...", file=sys.stderr, flush=True)
        for m in found:
            m.run()
    print(f"python scripts/bench.py, {date.today()}, {os.cpu_count()} cores")
    print(table(found, args.repeat))


if __name__ == "__main__":
    main()
