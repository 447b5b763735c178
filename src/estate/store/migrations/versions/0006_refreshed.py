"""The botocore version of each resource's state, and each shard's skipped items.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL: stored before versions were; the merge treats it as a different version.
    op.add_column("resources", sa.Column("botocore_version", sa.String(32)))
    # Shards stored so far skipped nothing they counted.
    op.add_column("shards", sa.Column("unusable", sa.Integer, nullable=False, server_default="0"))
    op.add_column("shards", sa.Column("foreign", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("shards", "foreign")
    op.drop_column("shards", "unusable")
    op.drop_column("resources", "botocore_version")
