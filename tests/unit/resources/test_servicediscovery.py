from __future__ import annotations

from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.servicediscovery import NAMESPACE, SERVICE
from tests.unit.resources.collecting import ACCOUNT, collect_resources
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"


@pytest.fixture
def cloudmap(member: boto3.Session) -> dict[str, Any]:
    client = member.client("servicediscovery", region_name=REGION)
    client.create_http_namespace(Name="internal", Tags=[{"Key": "team", "Value": "core"}])
    client.create_http_namespace(Name="other")
    namespaces = {n["Name"]: n["Id"] for n in client.list_namespaces()["Namespaces"]}
    service = client.create_service(Name="billing", NamespaceId=namespaces["internal"])
    return {"namespaces": namespaces, "service": service}


def test_namespace(cloudmap: dict[str, Any], reader: AccountSession) -> None:
    found = collect_resources(NAMESPACE, reader, REGION)

    namespace_id = cloudmap["namespaces"]["internal"]
    internal = found[namespace_id]
    assert internal.name == "internal"
    assert internal.arn == f"arn:aws:servicediscovery:{REGION}:{ACCOUNT}:namespace/{namespace_id}"
    assert (internal.region, internal.account) == (REGION, ACCOUNT)
    assert internal.tags == {"team": "core"}


def _own(**filters: str) -> list[dict[str, Any]]:
    found = [{"Name": k, "Values": [v], "Condition": "EQ"} for k, v in filters.items()]
    return [*found, {"Name": "RESOURCE_OWNER", "Values": ["SELF"], "Condition": "EQ"}]


def test_services_of_every_namespace() -> None:
    # moto 5.2 ignores ListServices' Filters (every namespace would list every service).
    ns = "ns-abcdefgh12345678"
    ns_arn = f"arn:aws:servicediscovery:{REGION}:{ACCOUNT}:namespace/{ns}"
    service_id = "srv-abcdefgh12345678"
    arn = f"arn:aws:servicediscovery:{REGION}:{ACCOUNT}:service/{service_id}"
    with stubbed("servicediscovery", REGION) as (session, stubber):
        stubber.add_response(
            "list_namespaces",
            {
                "Namespaces": [
                    {"Id": ns, "Arn": ns_arn, "ResourceOwner": ACCOUNT, "Name": "internal"}
                ]
            },
            {"MaxResults": 100, "Filters": _own()[-1:]},
        )
        stubber.add_response(
            "list_services",
            {
                "Services": [
                    {
                        "Id": service_id,
                        "Arn": arn,
                        "ResourceOwner": ACCOUNT,
                        "Name": "billing",
                        "Type": "HTTP",
                        "InstanceCount": 3,
                        "CreatedByAccount": ACCOUNT,
                    }
                ]
            },
            {"MaxResults": 100, "Filters": _own(NAMESPACE_ID=ns)},
        )
        stubber.add_response(
            "list_tags_for_resource",
            {"Tags": [{"Key": "team", "Value": "pay"}]},
            {"ResourceARN": arn},
        )
        found = collect_resources(SERVICE, session, REGION)

    billing = found[service_id]
    assert billing.name == "billing"
    assert billing.arn == arn
    assert (billing.region, billing.account) == (REGION, ACCOUNT)
    assert billing.tags == {"team": "pay"}
    assert "InstanceCount" not in billing.config
    assert billing.relations == [
        {"kind": "namespace", "type": "servicediscovery:namespace", "arn": ns_arn}
    ]
