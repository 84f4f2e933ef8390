"""Recording checked files in the register, in one locked transaction, and reading them back.

A file already recorded for the quarter (same SHA-256) is not recorded again; a new version of
a source's file for the quarter replaces the earlier one, which stays in the history
(`files.replaced_by`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, select, update

from xl_idf.payments import Instalments
from xl_idf.programme import Programme
from xl_idf.registre.checks import Past, across_quarters
from xl_idf.registre.schema import dossiers, files, lines, payments
from xl_idf.registre.snapshot import DossierRow, LineRow, PaymentRow, Snapshot
from xl_idf.registre.store import recording
from xl_idf.report import FileReport

_SCHEDULES = ("planned", "due", "paid", "remaining")
_PARTS = (("phase1", "phase1"), ("advance", "advance_phase2"), ("balance", "balance_phase2"))


@dataclass(frozen=True)
class Recorded:
    """What a run did to the register, file by file: recorded, already there, or replacing."""

    name: str
    outcome: str  # "enregistré", "déjà enregistré", "remplace la version précédente"


def record_run(
    engine: Engine,
    quarter: str,
    checked: Sequence[tuple[Snapshot, FileReport]],
    programme: Programme,
    strict: bool = False,
) -> tuple[list[FileReport], list[Recorded]]:
    """Check each file against the earlier quarters (R01-R05), then record it with its status.

    All in one transaction that holds the register's lock: a run that fails records nothing.
    The reports come back with the R findings added, in their place.
    """
    with recording(engine) as connection:
        pasts = earlier_files(connection, quarter)
        reports = []
        for snapshot, report in checked:
            added = [
                f.in_file(report.path) for f in across_quarters(snapshot, quarter, pasts, programme)
            ]
            reports.append(report.adding(added, strict))
        done = [
            _record(connection, quarter, snapshot, report.status.value)
            for (snapshot, _), report in zip(checked, reports, strict=True)
        ]
    return reports, done


def _record(connection: Connection, quarter: str, snapshot: Snapshot, status: str) -> Recorded:
    """One file: nothing if the quarter has it already, else its rows, replacing its source's."""
    active = and_(files.c.quarter == quarter, files.c.replaced_by.is_(None))
    same = connection.execute(
        select(files.c.id).where(active, files.c.sha256 == snapshot.sha256)
    ).first()
    if same is not None:
        return Recorded(snapshot.name, "déjà enregistré")
    key = connection.execute(
        insert(files).values(
            quarter=quarter, name=snapshot.name, sha256=snapshot.sha256, source=snapshot.source,
            status=status, recorded_at=datetime.now(UTC),
        )
    ).inserted_primary_key  # fmt: skip
    assert key is not None
    file_id = int(key[0])
    earlier = connection.execute(
        update(files)
        .where(active, files.c.source == snapshot.source, files.c.id != file_id)
        .values(replaced_by=file_id)
    ).rowcount
    if snapshot.dossiers:
        connection.execute(
            insert(dossiers), [_dossier_values(file_id, d) for d in snapshot.dossiers]
        )
    if snapshot.lines:
        connection.execute(insert(lines), [_values(file_id, line) for line in snapshot.lines])
    if snapshot.payments:
        connection.execute(insert(payments), [_values(file_id, p) for p in snapshot.payments])
    return Recorded(snapshot.name, "remplace la version précédente" if earlier else "enregistré")


def _values(file_id: int, row: LineRow | PaymentRow) -> dict[str, Any]:
    values = {f.name: getattr(row, f.name) for f in fields(row)}
    return {"file_id": file_id, **values}


def _dossier_values(file_id: int, row: DossierRow) -> dict[str, Any]:
    values: dict[str, Any] = {"file_id": file_id}
    for f in fields(row):
        value = getattr(row, f.name)
        if isinstance(value, Instalments):
            for column, attribute in _PARTS:
                values[f"{f.name}_{column}"] = getattr(value, attribute)
        else:
            values[f.name] = value
    return values


def _dossier_row(mapping: Any) -> DossierRow:
    values: dict[str, Any] = {}
    for f in fields(DossierRow):
        if f.name in _SCHEDULES:
            values[f.name] = Instalments(*(mapping[f"{f.name}_{c}"] for c, _ in _PARTS))
        else:
            values[f.name] = mapping[f.name]
    return DossierRow(**values)


def active_files(connection: Connection, where: Any = None) -> list[Past]:
    """The files in force (not replaced), each with its rows, in quarter then recording order."""
    query = select(files).where(files.c.replaced_by.is_(None))
    if where is not None:
        query = query.where(where)
    found = connection.execute(query.order_by(files.c.quarter, files.c.id)).mappings().all()
    ids = [f["id"] for f in found]
    if not ids:
        return []
    rows: dict[str, dict[int, list[Any]]] = {"d": {}, "l": {}, "p": {}}
    for letter, table, make in (
        ("d", dossiers, _dossier_row),
        ("l", lines, lambda m: LineRow(**{f.name: m[f.name] for f in fields(LineRow)})),
        ("p", payments, lambda m: PaymentRow(**{f.name: m[f.name] for f in fields(PaymentRow)})),
    ):
        query = select(table).where(table.c.file_id.in_(ids)).order_by(table.c.id)
        for mapping in connection.execute(query).mappings():
            rows[letter].setdefault(mapping["file_id"], []).append(make(mapping))
    return [
        Past(
            f["quarter"], f["name"], tuple(rows["d"].get(f["id"], ())),
            tuple(rows["l"].get(f["id"], ())), tuple(rows["p"].get(f["id"], ())),
        )
        for f in found
    ]  # fmt: skip


def earlier_files(connection: Connection, quarter: str) -> list[Past]:
    """The files in force of the quarters before `quarter`."""
    return active_files(connection, files.c.quarter < quarter)
