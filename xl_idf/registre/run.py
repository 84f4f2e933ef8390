"""`xl-idf validate --registre URL --trimestre 2022T4`: the run's files checked across quarters
and recorded, after the checks of the files themselves."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from xl_idf.programme import Programme
from xl_idf.registre.record import Recorded, record_run
from xl_idf.registre.snapshot import Snapshot, take_snapshot
from xl_idf.registre.store import RegisterError
from xl_idf.report import FileStatus, Report

_QUARTER = re.compile(r"(\d{4})\s*[Tt]\s*([1-4])")


def parse_quarter(text: str) -> str:
    """A quarter as the register writes it, `2022T4`; a French refusal for anything else."""
    match = _QUARTER.fullmatch(text.strip())
    if match is None:
        raise RegisterError(
            f"trimestre « {text} » illisible : écrire l'année, T et le numéro du trimestre "
            "(1 à 4), par exemple 2022T4"
        )
    return f"{match[1]}T{match[2]}"


def _none(_path: Path, _why: str) -> Snapshot | None:
    """A file whose snapshot's child failed is not recorded (its check said why)."""
    return None


def record_report(
    report: Report,
    files: Sequence[Path],
    programme: Programme,
    engine: Engine,
    quarter: str,
    jobs: int = 1,
) -> tuple[Report, list[Recorded]]:
    """Record the run's readable files in the register; the report with the R findings added.

    Each file is read again in a child process for its snapshot (the check's children send back
    only the report); an unreadable file is neither checked across quarters nor recorded.
    """
    from xl_idf.isolation import run_isolated

    readable = [
        (path, file)
        for path, file in zip(files, report.files, strict=True)
        if file.status is not FileStatus.UNREADABLE
    ]
    # No connection may cross a fork: the children start from an empty pool.
    engine.dispose()
    snapshots = run_isolated(
        [path for path, _ in readable], partial(take_snapshot, programme=programme), _none, jobs
    )
    checked = [
        (snapshot, file)
        for snapshot, (_, file) in zip(snapshots, readable, strict=True)
        if snapshot is not None
    ]
    updated, recorded = record_run(engine, quarter, checked, programme, report.strict)
    by_path = {file.path: file for file in updated}
    files_out = tuple(by_path.get(file.path, file) for file in report.files)
    return replace(report, files=files_out), recorded
