"""`xl-idf registre exporter`: the register's whole content as JSON, history included.

Each file with its rows nested, without the database's own numbering or the time of recording:
two registers that hold the same records export the same text, whatever order runs took.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from xl_idf.registre.schema import dossiers, files, lines, payments
from xl_idf.registre.store import schema_version

_HIDDEN = {"id", "file_id", "recorded_at", "replaced_by"}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Two decimals, or as many as the value has (days): the same text from either database.
        cents = value.quantize(Decimal("0.01"))
        return str(cents) if cents == value else str(value.normalize())
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def register_content(engine: Engine) -> dict[str, Any]:
    """Every file (in force or replaced) with its dossiers, lines and payments, sorted."""
    with engine.connect() as connection:
        found = connection.execute(select(files)).mappings().all()
        by_id = {f["id"]: f for f in found}
        nested: dict[int, dict[str, list[dict[str, Any]]]] = {
            f["id"]: {"dossiers": [], "lines": [], "payments": []} for f in found
        }
        for name, table in (("dossiers", dossiers), ("lines", lines), ("payments", payments)):
            for row in connection.execute(select(table).order_by(table.c.id)).mappings():
                values = {k: _plain(v) for k, v in row.items() if k not in _HIDDEN}
                nested[row["file_id"]][name].append(values)
    entries = []
    for file_id, f in by_id.items():
        newer = by_id.get(f["replaced_by"]) if f["replaced_by"] else None
        entries.append(
            {
                **{k: _plain(v) for k, v in f.items() if k not in _HIDDEN},
                "replaced_by": None if newer is None else newer["sha256"],
                **nested[file_id],
            }
        )
    entries.sort(key=lambda e: (e["quarter"], e["source"], e["sha256"]))
    return {"schema": schema_version(engine), "files": entries}


def export_json(engine: Engine) -> str:
    """The register's content as indented JSON."""
    return json.dumps(register_content(engine), ensure_ascii=False, indent=2) + "\n"
