"""Workers: shard claims (owner, enqueued_at), worker heartbeats, per-process call counts.

Revision ID: 0003
Revises: 0002
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)
CALLS = ("api_calls", "throttles", "retries", "assume_roles", "expired_refreshes")
EARLIER = "(before workers)"


def upgrade() -> None:
    op.add_column("runs", sa.Column("resumed_at", When))
    op.add_column("shards", sa.Column("owner", sa.String(128)))
    op.add_column("shards", sa.Column("enqueued_at", When))
    op.create_table(
        "workers",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("concurrency", sa.Integer, nullable=False),
        sa.Column("started_at", When, nullable=False),
        sa.Column("beat_at", When, nullable=False),
    )
    run_calls = op.create_table(
        "run_calls",
        sa.Column("run_id", Id, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("worker", sa.String(128), primary_key=True),
        sa.Column("calls", Json, nullable=False),
        sa.Column("updated_at", When, nullable=False),
    )
    # A run's call figures are now the sum over run_calls: carry the earlier runs' over, so
    # resuming one of them keeps its counts.
    runs = sa.table("runs", sa.column("id", Id), sa.column("figures", Json))
    conn = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "run_id": run_id,
            "worker": EARLIER,
            "calls": {name: int(figures.get(name, 0)) for name in CALLS},
            "updated_at": now,
        }
        for run_id, figures in conn.execute(sa.select(runs.c.id, runs.c.figures))
        if figures and any(name in figures for name in CALLS)
    ]
    if rows:
        conn.execute(run_calls.insert(), rows)


def downgrade() -> None:
    op.drop_table("run_calls")
    op.drop_table("workers")
    op.drop_column("shards", "enqueued_at")
    op.drop_column("shards", "owner")
    op.drop_column("runs", "resumed_at")
