"""The moto process's patches, seen by real boto3 clients: DescribeVolumes pages as AWS does,
and every service is still routed to its own backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from estate.resources import paging
from tests.sim import estate_gen
from tests.sim.estate_gen import EstateShape, generate_estate
from tests.sim.moto_process import MotoProcess

REGION = "eu-west-3"  # this module's own: nothing else makes volumes here
VOLUMES = 12


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with MotoProcess() as moto:
        ec2 = boto3.client(
            "ec2",
            endpoint_url=moto.endpoint_url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        for i in range(VOLUMES):
            tags = [{"Key": "Name", "Value": f"v-{i}"}] + [{"Key": "odd", "Value": "1"}] * (i % 2)
            ec2.create_volume(
                AvailabilityZone=f"{REGION}a",
                Size=1 + i,
                TagSpecifications=[{"ResourceType": "volume", "Tags": tags}],
            )
        yield moto.endpoint_url


@pytest.fixture
def ec2(endpoint: str) -> Any:
    return boto3.client("ec2", endpoint_url=endpoint, region_name=REGION)


def tags_by_id(volumes: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    return {v["VolumeId"]: {t["Key"]: t["Value"] for t in v.get("Tags", [])} for v in volumes}


def test_without_max_results_every_volume_comes_at_once(ec2: Any) -> None:
    answer = ec2.describe_volumes()
    assert len(answer["Volumes"]) == VOLUMES
    assert "NextToken" not in answer


def test_max_results_pages_every_volume_once_with_the_same_tags(ec2: Any) -> None:
    whole = tags_by_id(ec2.describe_volumes()["Volumes"])
    pages, token = [], None
    while True:
        answer = ec2.describe_volumes(MaxResults=5, **({"NextToken": token} if token else {}))
        pages.append([v["VolumeId"] for v in answer["Volumes"]])
        token = answer.get("NextToken")
        if not token:
            break
        assert tags_by_id(answer["Volumes"]).items() <= whole.items()
    assert [len(p) for p in pages] == [5, 5, 2]
    ids = [i for page in pages for i in page]
    assert len(ids) == len(set(ids)) and set(ids) == set(whole)
    pages_of_botocore = ec2.get_paginator("describe_volumes").paginate(
        PaginationConfig={"PageSize": 5}
    )
    assert tags_by_id([v for p in pages_of_botocore for v in p["Volumes"]]) == whole


def test_a_filter_holds_across_pages(ec2: Any) -> None:
    odd = {"Name": "tag:odd", "Values": ["1"]}
    first = ec2.describe_volumes(MaxResults=5, Filters=[odd])
    rest = ec2.describe_volumes(MaxResults=5, Filters=[odd], NextToken=first["NextToken"])
    assert [len(first["Volumes"]), len(rest["Volumes"])] == [5, 1]
    assert "NextToken" not in rest
    with pytest.raises(ClientError) as caught:  # the token belongs to the filtered listing
        ec2.describe_volumes(MaxResults=5, NextToken=first["NextToken"])
    assert caught.value.response["Error"]["Code"] == "InvalidPaginationToken"


def test_max_results_below_five_or_with_ids_is_refused(ec2: Any) -> None:
    some = ec2.describe_volumes()["Volumes"][0]["VolumeId"]
    for params, code in (
        ({"MaxResults": 4}, "InvalidParameterValue"),
        ({"MaxResults": 5, "VolumeIds": [some]}, "InvalidParameterCombination"),
    ):
        with pytest.raises(ClientError) as caught:
            ec2.describe_volumes(**params)
        assert caught.value.response["Error"]["Code"] == code
    # Above 500 AWS caps the page rather than refusing.
    assert len(ec2.describe_volumes(MaxResults=1000)["Volumes"]) == VOLUMES


def test_estate_paging_reads_every_page(ec2: Any) -> None:
    config = paging.paginator_config("ec2", "DescribeVolumes")
    seen, token, calls = [], None, 0
    while True:
        answer = ec2.describe_volumes(MaxResults=5, **paging.token_params(config, token))
        seen += [v["VolumeId"] for v in answer["Volumes"]]
        calls += 1
        token = paging.next_token(config, answer)
        if token is None:
            break
    assert calls == 3
    assert sorted(seen) == sorted(v["VolumeId"] for v in ec2.describe_volumes()["Volumes"])


def test_every_service_of_a_generated_estate_is_routed(endpoint: str) -> None:
    """The process remembers how it routes requests: each service still reaches its own."""
    shape = EstateShape(
        accounts=1, regions=("ap-northeast-1",), instances_per_region=3, volumes_per_region=2,
        queues_per_region=2, topics_per_region=2, buckets_per_region=2, roles_per_account=2,
    )  # fmt: skip
    generated = generate_estate(endpoint, shape)
    session = estate_gen._session(endpoint, shape.account_ids[0])

    def client(service: str) -> Any:
        return estate_gen._client(session, service, "ap-northeast-1", endpoint)

    reservations = client("ec2").describe_instances()["Reservations"]
    found = {
        "ec2:instance": sum(len(r["Instances"]) for r in reservations),
        "ec2:volume": len(client("ec2").describe_volumes()["Volumes"]),
        "sqs:queue": len(client("sqs").list_queues()["QueueUrls"]),
        "sns:topic": len(client("sns").list_topics()["Topics"]),
        "s3:bucket": len(client("s3").list_buckets()["Buckets"]),
        "iam:role": len(client("iam").list_roles()["Roles"]),
    }
    assert found == generated.counts
