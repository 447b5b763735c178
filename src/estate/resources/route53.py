"""Route 53 hosted zones, their record sets (a child type) and health checks: global, listed
once per account. Tags take a ListTagsForResource call per zone or health check; record sets
take none.

Route 53 answers a zone's id as /hostedzone/Z…; its ARN and tag calls use the bare id.
Record sets have no ARN in AWS: estate names one under its zone's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Parent, Relation, ResourceSpec

_ZONE_PREFIX = "/hostedzone/"


def zone_id(item: Mapping[str, Any]) -> dict[str, str]:
    found = item.get("Id")
    return {"ZoneId": str(found).removeprefix(_ZONE_PREFIX)} if found else {}


HOSTED_ZONE = ResourceSpec(
    type="route53:hosted-zone",
    service="route53",
    operation="ListHostedZones",
    items="HostedZones",
    id="ZoneId",
    name="Name",
    arn_template="arn:{partition}:route53:::hostedzone/{id}",
    scope="global",
    params={"MaxItems": "100"},
    derive=zone_id,
    details=(
        Detail(
            "ListTagsForResource",
            {"ResourceId": "ZoneId"},
            into="Tags",
            result="ResourceTagSet.Tags",
            constants={"ResourceType": "hostedzone"},
        ),
        # A private zone's VPCs (each with its region); a public zone has none.
        Detail("GetHostedZone", {"Id": "ZoneId"}, into="VPCs", result="VPCs"),
    ),
    # Moves with every record created or deleted: the record sets have their own records.
    volatile=("ResourceRecordSetCount",),
    unordered=("VPCs",),
)


def record_set_id(item: Mapping[str, Any]) -> dict[str, str]:
    """A record set is its name and type in its zone, and its set identifier when it is one of
    several (weighted, latency, failover…) of that name and type."""
    zone, name, kind = item.get("HostedZoneId"), item.get("Name"), item.get("Type")
    if not (zone and name and kind):
        return {}
    parts = [str(zone), str(name), str(kind)]
    if item.get("SetIdentifier"):
        parts.append(str(item["SetIdentifier"]))
    return {"RecordSetId": "/".join(parts)}


RECORD_SET = ResourceSpec(
    type="route53:record-set",
    service="route53",
    operation="ListResourceRecordSets",
    items="ResourceRecordSets",
    id="RecordSetId",
    name="Name",
    arn_template="arn:{partition}:route53:::hostedzone/{id}",
    scope="global",
    parent=Parent(
        "route53:hosted-zone", {"HostedZoneId": "ZoneId"}, carry={"HostedZoneId": "ZoneId"}
    ),
    params={"MaxItems": "300"},
    derive=record_set_id,
    tags=None,
    taggable=False,
    unordered=("ResourceRecords",),
    relations=(
        Relation("hosted-zone", "route53:hosted-zone", "HostedZoneId"),
        Relation("health-check", "route53:health-check", "HealthCheckId"),
    ),
)

HEALTH_CHECK = ResourceSpec(
    type="route53:health-check",
    service="route53",
    operation="ListHealthChecks",
    items="HealthChecks",
    id="Id",
    arn_template="arn:{partition}:route53:::healthcheck/{id}",
    scope="global",
    params={"MaxItems": "100"},
    details=(
        Detail(
            "ListTagsForResource",
            {"ResourceId": "Id"},
            into="Tags",
            result="ResourceTagSet.Tags",
            constants={"ResourceType": "healthcheck"},
        ),
    ),
    unordered=("HealthCheckConfig.Regions", "HealthCheckConfig.ChildHealthChecks"),
    relations=(Relation("child", "route53:health-check", "HealthCheckConfig.ChildHealthChecks"),),
)

SPECS = (HOSTED_ZONE, RECORD_SET, HEALTH_CHECK)
