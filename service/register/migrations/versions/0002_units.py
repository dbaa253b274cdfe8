"""Units, roles and keys; the audit log; the 维稳办's review; tracking of measures (step six).

Adds ``cases.unit`` (the unit that owns a case) and ``packages.filed_on`` (the filing date of the
version a package was made from, filled in here for packages filed before), and the tables
``api_keys``, ``audit_log``, ``reviews`` and ``tracking_entries``.

Revision ID: 0002_units
Revises: 0001
"""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from alembic import op

from service.register.models import UtcDateTime

revision = "0002_units"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("unit", sa.String(100), nullable=True))
        batch.create_index("ix_cases_unit", ["unit"])
    with op.batch_alter_table("packages") as batch:
        batch.add_column(sa.Column("filed_on", sa.Date, nullable=True))
        batch.create_index("ix_packages_filed_on", ["filed_on"])
    _fill_filed_on()
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("revoked_at", UtcDateTime, nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("key_name", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=True),
        sa.Column("detail", sa.String(200), nullable=False),
    )
    op.create_index("ix_audit_log_case_id", "audit_log", ["case_id"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("package_pk", sa.Integer, sa.ForeignKey("packages.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("result", sa.String(8), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_reviews_package_pk", "reviews", ["package_pk"])
    op.create_table(
        "tracking_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("risk_id", sa.String(64), nullable=False),
        sa.Column("measure_no", sa.Integer, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("entry_date", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("who", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_tracking_entries_case_pk", "tracking_entries", ["case_pk"])


def _fill_filed_on() -> None:
    """Packages filed before this revision: their filing date, read from the version they were made from."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT p.id, v.content FROM packages p JOIN case_versions v ON p.version_pk = v.id")
    ).all()
    for package_id, content in rows:
        filed_on = (json.loads(content).get("filing") or {}).get("filed_on")
        if filed_on:
            connection.execute(
                sa.text("UPDATE packages SET filed_on = :d WHERE id = :i"),
                {"d": date.fromisoformat(filed_on), "i": package_id},
            )


def downgrade() -> None:
    op.drop_table("tracking_entries")
    op.drop_table("reviews")
    op.drop_table("audit_log")
    op.drop_table("api_keys")
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch copy of ``cases`` would break the foreign keys
    # that point at it while SQLite enforces them.
    op.drop_index("ix_packages_filed_on", "packages")
    op.drop_column("packages", "filed_on")
    op.drop_index("ix_cases_unit", "cases")
    op.drop_column("cases", "unit")
