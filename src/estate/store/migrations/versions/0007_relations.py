"""The typed edges between resources (issue 12): one row per edge of a resource's state.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty until each resource is next merged: stored states carry no edges yet.
    op.create_table(
        "relations",
        sa.Column("arn", sa.String(2048), primary_key=True),
        sa.Column("kind", sa.String(64), primary_key=True),
        sa.Column("target", sa.String(2048), primary_key=True),
        sa.Column("target_type", sa.String(64), nullable=False),
    )
    op.create_index("ix_relations_target", "relations", ["target"])


def downgrade() -> None:
    op.drop_index("ix_relations_target", "relations")
    op.drop_table("relations")
