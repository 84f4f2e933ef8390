"""Alembic's environment for the register: it runs on the connection xl-idf hands it."""

from __future__ import annotations

from alembic import context

from xl_idf.registre.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
