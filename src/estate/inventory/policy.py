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
        actions.update(parent_actions(spec))
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


def parent_actions(spec: ResourceSpec) -> list[str]:
    """The calls a child type makes to list its parents (a listener's load balancers, a
    rule's listeners and their load balancers)."""
    from estate.resources.collect import lean_parent  # botocore, only for child types

    found: list[str] = []
    while spec.parent is not None:
        spec = lean_parent(spec)
        found += spec.iam_actions()
    return found
