"""Alembic environment of the register, run only programmatically (``service.register.database.upgrade``).

The caller hands in an open connection, already inside the transaction that holds the migration lock
(``config.attributes["connection"]``), so every migration runs in it and two starting services never
migrate the same database at once.
"""

from __future__ import annotations

from alembic import context

from service.register.models import Base



def run_migrations() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):  # loaded by Alembic (not merely imported, e.g. by a walk over service/)
    run_migrations()
