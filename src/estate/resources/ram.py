"""RAM resource shares the account owns (resourceOwner SELF; those shared with it are their
owners'), regional, tags inline. The resources a share holds take a ListResources call."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec


def live_shares(share: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Pure: a share, unless it is deleted (RAM lists deleted shares for a while), each with
    its id: the UUID that ends its ARN (names need not be unique)."""
    if share.get("status") == "DELETED":
        return
    arn = share.get("resourceShareArn")
    yield {**share, "resourceShareId": str(arn).rsplit("/", 1)[-1]} if arn else share


RESOURCE_SHARE = ResourceSpec(
    type="ram:resource-share",
    service="ram",
    operation="GetResourceShares",
    items="resourceShares",
    spread=live_shares,
    id="resourceShareId",
    name="name",
    arn="resourceShareArn",
    arn_template="arn:{partition}:ram:{region}:{account}:resource-share/{id}",
    owner="owningAccountId",
    tags="tags",
    params={"resourceOwner": "SELF", "maxResults": 500},
    details=(
        Detail(
            "ListResources",
            {"resourceShareArns": "[resourceShareArn]"},
            into="ResourceArns",
            result="resources[].arn",
            constants={"resourceOwner": "SELF"},
        ),
    ),
    unordered=("ResourceArns", "tags"),
    relations=(
        Relation("subnet", "ec2:subnet", "ResourceArns[?contains(@, ':subnet/')]"),
        Relation(
            "transit-gateway",
            "ec2:transit-gateway",
            "ResourceArns[?contains(@, ':transit-gateway/')]",
        ),
        Relation(
            "resolver-rule",
            "route53resolver:resolver-rule",
            "ResourceArns[?contains(@, ':resolver-rule/')]",
        ),
    ),
)

SPECS = (RESOURCE_SHARE,)
