"""Pure: the least-privilege IAM policy that collecting some types needs, read-only, and
what tagging them needs besides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from estate.resources.spec import ResourceSpec

# Needed whatever the types: identify the caller, find accounts and regions.
BASE_ACTIONS = ("sts:GetCallerIdentity", "ec2:DescribeRegions")
ORGANIZATION_ACTIONS = ("organizations:ListAccounts",)


def plan_read_policy(
    specs: Sequence[ResourceSpec], organization: bool, tagging: bool = False
) -> dict[str, Any]:
    """An IAM policy document allowing exactly the calls estate makes for these types; with
    `tagging`, a second statement for the calls `estate tag` makes on the taggable ones."""
    actions = set(BASE_ACTIONS)
    if organization:
        actions.update(ORGANIZATION_ACTIONS)
    for spec in specs:
        actions.update(spec.iam_actions())
        actions.update(parent_actions(spec))
    statements = [
        {"Sid": "EstateReadOnly", "Effect": "Allow", "Action": sorted(actions), "Resource": "*"}
    ]
    tag_actions = tag_policy_actions(specs) if tagging else []
    if tag_actions:
        statements.append(
            {"Sid": "EstateTag", "Effect": "Allow", "Action": tag_actions, "Resource": "*"}
        )
    return {"Version": "2012-10-17", "Statement": statements}


def tag_policy_actions(specs: Sequence[ResourceSpec]) -> list[str]:
    """The actions writing the tags of the taggable types among `specs` needs: the tagging
    API's with the service's own (AWS checks both), or the service's native calls."""
    return sorted({action for spec in specs for action in spec.tag_iam_actions()})


def parent_actions(spec: ResourceSpec) -> list[str]:
    """The calls a child type makes to list its parents (a listener's load balancers, a
    rule's listeners and their load balancers)."""
    from estate.resources.collect import lean_parent  # botocore, only for child types

    found: list[str] = []
    while spec.parent is not None:
        spec = lean_parent(spec)
        found += spec.iam_actions()
    return found
