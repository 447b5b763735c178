"""Jobs (bulk tag changes, S3 copies) and their items: the journal a job resumes from.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("started_at", When),
        sa.Column("finished_at", When),
        sa.Column("spec", Json, nullable=False),
        sa.Column("state", Json, nullable=False),
        sa.Column("figures", Json, nullable=False),
        sa.Column("resumes", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "job_items",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("job_id", Id, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(2048), nullable=False),
        sa.Column("grp", sa.String(256), nullable=False),
        sa.Column("payload", Json, nullable=False),
        sa.Column("progress", Json),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("updated_at", When),
        sa.UniqueConstraint("job_id", "key", name="uq_job_items_key"),
    )
    op.create_index("ix_job_items_todo", "job_items", ["job_id", "status", "grp"])


def downgrade() -> None:
    op.drop_table("job_items")
    op.drop_table("jobs")
