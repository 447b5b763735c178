"""Pure: the least-privilege, read-only IAM policy that collecting some types needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from estate.resources.spec import ResourceSpec

# Needed whatever the types: identify the caller, find accounts and regions.
BASE_ACTIONS = ("sts:GetCallerIdentity", "ec2:DescribeRegions")
ORGANIZATION_ACTIONS = ("organizations:ListAccounts",)


def plan_read_policy(specs: Sequence[ResourceSpec], organization: bool) -> dict[str, Any]:
    """An IAM policy document allowing exactly the calls estate makes for these types."""
    actions = set(BASE_ACTIONS)
    if organization:
        actions.update(ORGANIZATION_ACTIONS)
    for spec in specs:
        actions.update(spec.iam_actions())
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EstateReadOnly",
                "Effect": "Allow",
                "Action": sorted(actions),
                "Resource": "*",
            }
        ],
    }
