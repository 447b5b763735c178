"""Job groups run by workers (claims, messages sent) and per-worker job figures.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "job_groups",
        sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("grp", sa.String(256), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(128)),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("enqueued_at", When),
    )
    op.create_index("ix_job_groups_todo", "job_groups", ["job_id", "status"])
    op.create_table(
        "job_calls",
        sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("worker", sa.String(128), primary_key=True),
        sa.Column("figures", Json, nullable=False),
        sa.Column("updated_at", When, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("job_calls")
    op.drop_index("ix_job_groups_todo", table_name="job_groups")
    op.drop_table("job_groups")
