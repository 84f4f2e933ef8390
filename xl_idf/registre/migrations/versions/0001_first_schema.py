"""The register's first schema: files, dossiers, lines, payments

Revision ID: 0001
Revises:

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The exact-decimal type of money and days (NUMERIC, text on SQLite).
from xl_idf.registre.schema import Exact

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The four tables and the lock row every recording run takes first."""
    op.create_table(
        "files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["replaced_by"],
            ["files.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_files_quarter"), ["quarter"], unique=False)

    op.create_table(
        "register_lock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=255), nullable=False),
        sa.Column("number_key", sa.String(length=255), nullable=False),
        sa.Column("sheet", sa.String(length=64), nullable=True),
        sa.Column("cell", sa.String(length=16), nullable=True),
        sa.Column("company", sa.String(length=255), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("provider", sa.String(length=255), nullable=True),
        sa.Column("department", sa.String(length=3), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("eligibility", sa.String(length=16), nullable=False),
        sa.Column("counts", sa.Boolean(), nullable=False),
        sa.Column("subsidy_phase1", Exact(), nullable=False),
        sa.Column("subsidy_phase2", Exact(), nullable=False),
        sa.Column("de_minimis", Exact(), nullable=False),
        sa.Column("planned_phase1", Exact(), nullable=False),
        sa.Column("planned_advance", Exact(), nullable=False),
        sa.Column("planned_balance", Exact(), nullable=False),
        sa.Column("due_phase1", Exact(), nullable=False),
        sa.Column("due_advance", Exact(), nullable=False),
        sa.Column("due_balance", Exact(), nullable=False),
        sa.Column("paid_phase1", Exact(), nullable=False),
        sa.Column("paid_advance", Exact(), nullable=False),
        sa.Column("paid_balance", Exact(), nullable=False),
        sa.Column("remaining_phase1", Exact(), nullable=False),
        sa.Column("remaining_advance", Exact(), nullable=False),
        sa.Column("remaining_balance", Exact(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["files.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossiers_file_id"), ["file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossiers_number_key"), ["number_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossiers_siret"), ["siret"], unique=False)

    op.create_table(
        "lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("dossier_key", sa.String(length=255), nullable=True),
        sa.Column("dossier", sa.String(length=255), nullable=True),
        sa.Column("sheet", sa.String(length=64), nullable=True),
        sa.Column("cell", sa.String(length=16), nullable=True),
        sa.Column("phase", sa.Integer(), nullable=True),
        sa.Column("provider", sa.String(length=255), nullable=True),
        sa.Column("provider_key", sa.String(length=255), nullable=True),
        sa.Column("invoice", sa.String(length=255), nullable=True),
        sa.Column("invoice_key", sa.String(length=255), nullable=True),
        sa.Column("service_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("days", Exact(6), nullable=True),
        sa.Column("amount", Exact(), nullable=True),
        sa.Column("eligible", Exact(), nullable=False),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["files.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lines_dossier_key"), ["dossier_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_lines_file_id"), ["file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lines_invoice_key"), ["invoice_key"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("dossier_key", sa.String(length=255), nullable=True),
        sa.Column("dossier", sa.String(length=255), nullable=True),
        sa.Column("sheet", sa.String(length=64), nullable=True),
        sa.Column("cell", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("amount", Exact(), nullable=True),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["files.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_dossier_key"), ["dossier_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_file_id"), ["file_id"], unique=False)
    lock = sa.table("register_lock", sa.column("id", sa.Integer), sa.column("runs", sa.Integer))
    op.bulk_insert(lock, [{"id": 1, "runs": 0}])


def downgrade() -> None:
    """Drop everything (the register is lost)."""
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_file_id"))
        batch_op.drop_index(batch_op.f("ix_payments_dossier_key"))

    op.drop_table("payments")
    with op.batch_alter_table("lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lines_invoice_key"))
        batch_op.drop_index(batch_op.f("ix_lines_file_id"))
        batch_op.drop_index(batch_op.f("ix_lines_dossier_key"))

    op.drop_table("lines")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossiers_siret"))
        batch_op.drop_index(batch_op.f("ix_dossiers_number_key"))
        batch_op.drop_index(batch_op.f("ix_dossiers_file_id"))

    op.drop_table("dossiers")
    op.drop_table("register_lock")
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_files_quarter"))

    op.drop_table("files")
