"""The register's tables, as the latest migration leaves them (SQLAlchemy Core).

Money and days are kept exactly: `Exact` stores a `Decimal` as PostgreSQL's NUMERIC and as text
on SQLite (whose NUMERIC is a binary float); sums are made in Python, in `Decimal`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

DAY_DECIMALS = 6


class Exact(TypeDecorator[Decimal]):
    """A Decimal kept to the digit: NUMERIC(18, `scale`) where it is exact, text on SQLite.

    Money has 2 decimals (the reader rounds an amount to the cent); days keep up to 6 (staff
    count half days, and a day in work units may have more).
    """

    impl = Numeric(18, 2)
    cache_ok = True

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """Text on SQLite, NUMERIC elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(18, self.scale, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        """A Decimal to the database: its exact text on SQLite."""
        if value is None:
            return None
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """Back to a Decimal, never through a float."""
        return None if value is None else Decimal(str(value))


metadata = MetaData()

# One row that every recording run locks first: runs are recorded one after the other.
register_lock = Table(
    "register_lock",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("runs", Integer, nullable=False),
)

files = Table(
    "files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("quarter", String(6), nullable=False, index=True),
    Column("name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    # Whose file it is: the dossiers' referenced provider (else the file's name). A new version
    # of the same source for the same quarter replaces the earlier one, which stays in history.
    Column("source", String(255), nullable=False),
    Column("status", String(16), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("replaced_by", Integer, ForeignKey("files.id"), nullable=True),
)

dossiers = Table(
    "dossiers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_id", Integer, ForeignKey("files.id"), nullable=False, index=True),
    Column("number", String(255), nullable=False),
    Column("number_key", String(255), nullable=False, index=True),
    Column("sheet", String(64)),
    Column("cell", String(16)),
    Column("company", String(255)),
    Column("siret", String(14), index=True),
    Column("category", String(16)),
    Column("provider", String(255)),
    Column("department", String(3)),
    Column("filed_on", Date),
    Column("eligibility", String(16), nullable=False),
    Column("counts", Boolean, nullable=False),
    Column("subsidy_phase1", Exact, nullable=False),
    Column("subsidy_phase2", Exact, nullable=False),
    Column("de_minimis", Exact, nullable=False),
    *(
        Column(f"{schedule}_{part}", Exact, nullable=False)
        for schedule in ("planned", "due", "paid", "remaining")
        for part in ("phase1", "advance", "balance")
    ),
)

lines = Table(
    "lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_id", Integer, ForeignKey("files.id"), nullable=False, index=True),
    Column("dossier_key", String(255), index=True),
    Column("dossier", String(255)),
    Column("sheet", String(64)),
    Column("cell", String(16)),
    Column("phase", Integer),
    Column("provider", String(255)),
    Column("provider_key", String(255)),
    Column("invoice", String(255)),
    Column("invoice_key", String(255), index=True),
    Column("service_on", Date),
    Column("paid_on", Date),
    Column("days", Exact(DAY_DECIMALS)),
    Column("amount", Exact),
    Column("eligible", Exact, nullable=False),
    Column("excluded", Boolean, nullable=False),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_id", Integer, ForeignKey("files.id"), nullable=False, index=True),
    Column("dossier_key", String(255), index=True),
    Column("dossier", String(255)),
    Column("sheet", String(64)),
    Column("cell", String(16)),
    Column("kind", String(32)),
    Column("paid_on", Date),
    Column("amount", Exact),
)

DATA_TABLES = (files, dossiers, lines, payments)
