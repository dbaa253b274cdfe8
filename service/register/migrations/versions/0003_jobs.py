"""Jobs: the state of each job of the jobs API (queued, running, done, failed) and where its result is.

Revision ID: 0003_jobs
Revises: 0002_units
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.register.models import UtcDateTime

revision = "0003_jobs"
down_revision = "0002_units"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("input_key", sa.String(64), nullable=False),
        sa.Column("request", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("errors", sa.JSON, nullable=False),
        sa.Column("problem", sa.JSON, nullable=True),
        sa.Column("result_sha256", sa.String(64), nullable=True),
        sa.Column("result_name", sa.String(255), nullable=True),
        sa.Column("result_type", sa.String(100), nullable=True),
        sa.Column("result_size", sa.Integer, nullable=True),
        sa.Column("callback_url", sa.String(2000), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=True),
        sa.Column("finished_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_jobs_owner", "jobs", ["owner"])
    op.create_index("ix_jobs_input_key", "jobs", ["input_key"])
    op.create_index("ix_jobs_result_sha256", "jobs", ["result_sha256"])
    op.create_index("ix_jobs_finished_at", "jobs", ["finished_at"])


def downgrade() -> None:
    op.drop_table("jobs")
