"""Resources collected incomplete (a per-item call refused), and their count per shard.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    # Nullable, no default: every resource and shard stored so far was complete.
    op.add_column("shards", sa.Column("incomplete", Json))
    op.add_column("resources", sa.Column("incomplete", Json))


def downgrade() -> None:
    op.drop_column("resources", "incomplete")
    op.drop_column("shards", "incomplete")
