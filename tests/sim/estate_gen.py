"""Generate a large emulated estate quickly, with real boto3 calls, straight to the emulator.

Instances are launched hundreds per call (each brings its root volume), and the types that
need one detail call per item (queues, topics, buckets, roles) are made in the numbers a
benchmark asks for. Does I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
AMI = "ami-1e749f67"
BATCH = 250  # instances per RunInstances call


@dataclass(frozen=True)
class EstateShape:
    accounts: int = 3
    regions: Sequence[str] = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2")
    instances_per_region: int = 1000
    volumes_per_region: int = 0  # besides each instance's root volume
    queues_per_region: int = 30
    topics_per_region: int = 20
    buckets_per_region: int = 5
    roles_per_account: int = 40
    first_account: int = 300000000000

    @property
    def account_ids(self) -> list[str]:
        return [str(self.first_account + i) for i in range(self.accounts)]


@dataclass
class Generated:
    accounts: list[str]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _session(endpoint_url: str, account: str) -> boto3.Session:
    sts = boto3.client("sts", endpoint_url=endpoint_url, region_name="us-east-1", **CREDENTIALS)
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/Setup", RoleSessionName="estate-gen"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def _client(session: boto3.Session, service: str, region: str, endpoint_url: str) -> Any:
    config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 10})
    return session.client(service, region_name=region, endpoint_url=endpoint_url, config=config)


def _tags(i: int) -> list[dict[str, str]]:
    tags = [{"Key": "Name", "Value": f"node-{i}"}]
    if i % 3:
        tags.append({"Key": "env", "Value": "prod" if i % 3 == 1 else "dev"})
    return tags


def _fill_region(
    endpoint_url: str, account: str, region: str, shape: EstateShape
) -> dict[str, int]:
    session = _session(endpoint_url, account)
    counts: dict[str, int] = {}
    ec2 = _client(session, "ec2", region, endpoint_url)
    left = shape.instances_per_region
    while left > 0:
        n = min(BATCH, left)
        ec2.run_instances(
            ImageId=AMI,
            MinCount=n,
            MaxCount=n,
            TagSpecifications=[{"ResourceType": "instance", "Tags": _tags(left)}],
        )
        left -= n
    counts["ec2:instance"] = shape.instances_per_region
    zone = f"{region}a"
    for i in range(shape.volumes_per_region):
        ec2.create_volume(
            AvailabilityZone=zone,
            Size=8,
            TagSpecifications=[{"ResourceType": "volume", "Tags": _tags(i)}],
        )
    counts["ec2:volume"] = shape.instances_per_region + shape.volumes_per_region
    sqs = _client(session, "sqs", region, endpoint_url)
    for i in range(shape.queues_per_region):
        sqs.create_queue(QueueName=f"q-{i}", tags={"team": f"t{i % 4}"})
    counts["sqs:queue"] = shape.queues_per_region
    sns = _client(session, "sns", region, endpoint_url)
    for i in range(shape.topics_per_region):
        sns.create_topic(Name=f"topic-{i}", Tags=[{"Key": "team", "Value": f"t{i % 4}"}])
    counts["sns:topic"] = shape.topics_per_region
    s3 = _client(session, "s3", region, endpoint_url)
    for i in range(shape.buckets_per_region):
        name = f"gen-{account}-{region}-{i}"
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        if i % 2:
            s3.put_bucket_tagging(
                Bucket=name, Tagging={"TagSet": [{"Key": "env", "Value": "prod"}]}
            )
    counts["s3:bucket"] = shape.buckets_per_region
    return counts


def _fill_account(endpoint_url: str, account: str, shape: EstateShape) -> dict[str, int]:
    iam = _client(_session(endpoint_url, account), "iam", "us-east-1", endpoint_url)
    trust = '{"Version":"2012-10-17","Statement":[]}'
    for i in range(shape.roles_per_account):
        iam.create_role(
            RoleName=f"role-{i}",
            AssumeRolePolicyDocument=trust,
            Tags=[{"Key": "team", "Value": f"t{i % 4}"}],
        )
    return {"iam:role": shape.roles_per_account}


def generate_estate(endpoint_url: str, shape: EstateShape, workers: int = 4) -> Generated:
    """Fill the emulator at `endpoint_url` (not through a fault proxy) with `shape`."""
    result = Generated(shape.account_ids)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_fill_account, endpoint_url, a, shape) for a in shape.account_ids]
        futures += [
            pool.submit(_fill_region, endpoint_url, a, r, shape)
            for a in shape.account_ids
            for r in shape.regions
        ]
        for future in futures:
            for kind, n in future.result().items():
                result.counts[kind] = result.counts.get(kind, 0) + n
    return result
