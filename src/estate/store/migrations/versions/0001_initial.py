"""The initial inventory schema: runs, shards, resources, staged pages, changes.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", When, nullable=False),
        sa.Column("finished_at", When),
        sa.Column("scope", Json, nullable=False),
        sa.Column("figures", Json, nullable=False),
        sa.Column("resumes", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "shards",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("run_id", Id, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("account", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("regions", Json),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("page_token", sa.Text),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("error_kind", sa.String(16)),
        sa.Column("started_at", When),
        sa.Column("finished_at", When),
        sa.UniqueConstraint("run_id", "account", "region", "type", name="uq_shards_key"),
    )
    op.create_table(
        "resources",
        sa.Column("arn", sa.String(2048), primary_key=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("account", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("shard_region", sa.String(32), nullable=False),
        sa.Column("res_id", sa.String(1024), nullable=False),
        sa.Column("name", sa.String(1024), nullable=False),
        sa.Column("tags", Json, nullable=False),
        sa.Column("config", Json, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("first_seen", When, nullable=False),
        sa.Column("last_seen", When, nullable=False),
        sa.Column("last_run", Id, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("deleted_at", When),
    )
    op.create_index("ix_resources_owner", "resources", ["account", "shard_region", "type"])
    op.create_index("ix_resources_type", "resources", ["type", "account", "region"])
    op.create_table(
        "staged",
        sa.Column(
            "shard_id",
            Id,
            sa.ForeignKey("shards.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("arn", sa.String(2048), primary_key=True),
        sa.Column("record", Json, nullable=False),
    )
    op.create_table(
        "changes",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("run_id", Id, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("arn", sa.String(2048), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("account", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("fields", Json, nullable=False),
        sa.Column("diff", Json, nullable=False),
    )
    op.create_index("ix_changes_run", "changes", ["run_id"])
    op.create_index("ix_changes_arn", "changes", ["arn", "id"])
    op.create_index("ix_changes_at", "changes", ["at"])


def downgrade() -> None:
    for table in ("changes", "staged", "resources", "shards", "runs"):
        op.drop_table(table)
