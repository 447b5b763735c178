"""Partitions from botocore's endpoint data: pure, no network."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from estate.actions.tagapply import tag_target
from estate.actions.tagplan import PlannedItem, TagChange
from estate.aws.partitions import home_region, partition_of_arn, partition_of_region, regions_of
from estate.aws.regions import enabled_regions
from estate.config import Config, load_config
from estate.engine.plan import Target, regions_by_target
from estate.errors import ConfigError, InputError
from estate.inventory.arns import check_arn
from estate.inventory.normalize import resource_arn
from estate.resources.iam import ROLE
from estate.resources.spec import GLOBAL_REGION


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("cn-north-1", "aws-cn"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-gov-east-1", "aws-us-gov"),
        ("eu-west-1", "aws"),
        ("us-east-1", "aws"),
        ("cn-south-7", "aws-cn"),  # newer than botocore: its partition's region pattern
        ("us-iso-east-1", "aws-iso"),
        (GLOBAL_REGION, "aws"),
    ],
)
def test_partition_of_a_region(region: str, partition: str) -> None:
    assert partition_of_region(region) == partition


def test_partition_of_an_arn() -> None:
    assert partition_of_arn("arn:aws-cn:iam::111111111111:role/R") == "aws-cn"
    assert partition_of_arn("arn:aws-us-gov:sts::111111111111:assumed-role/R/s") == "aws-us-gov"
    assert partition_of_arn("arn:aws:s3:::bucket") == "aws"
    with pytest.raises(InputError, match="not an ARN: 'role/R'"):
        partition_of_arn("role/R")


@pytest.mark.parametrize(
    ("partition", "service", "region"),
    [
        ("aws", "iam", "us-east-1"),
        ("aws-cn", "iam", "cn-north-1"),
        ("aws-us-gov", "iam", "us-gov-west-1"),
        ("aws-cn", "organizations", "cn-northwest-1"),
        ("aws-us-gov", "organizations", "us-gov-west-1"),
        ("aws-cn", "route53", "cn-northwest-1"),
        ("aws-us-gov", "route53", "us-gov-west-1"),
        ("aws-cn", "cloudfront", "cn-northwest-1"),
        # No partition-wide endpoint: the partition's anchor (where its IAM is signed).
        ("aws-cn", "s3", "cn-north-1"),
        ("aws-us-gov", "s3", "us-gov-west-1"),
        ("aws-cn", "sts", "cn-north-1"),
        ("aws-cn", "ec2", "cn-north-1"),
        ("aws", "s3", "us-east-1"),
        ("aws", "ec2", "us-east-1"),
    ],
)
def test_home_region_of_a_service_in_a_partition(partition: str, service: str, region: str) -> None:
    assert home_region(partition, service) == region


def test_regions_of_a_partition_and_an_unknown_partition() -> None:
    assert regions_of("aws-cn") == ["cn-north-1", "cn-northwest-1"]
    assert regions_of("aws-us-gov") == ["us-gov-east-1", "us-gov-west-1"]
    with pytest.raises(InputError, match="not an AWS partition: 'aws-mars'"):
        home_region("aws-mars")


def test_enabled_regions_of_another_partition() -> None:
    answer = [
        {"RegionName": "cn-north-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "cn-northwest-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "us-gov-west-1", "OptInStatus": "opt-in-not-required"},
    ]
    assert enabled_regions(answer, "aws-cn") == ["cn-north-1", "cn-northwest-1"]
    assert enabled_regions(answer, "aws-us-gov") == ["us-gov-west-1"]


def test_each_account_is_planned_in_the_regions_of_its_partition() -> None:
    targets = [
        Target("111111111111", None, None, "aws"),
        Target("222222222222", None, "arn:aws-cn:iam::222222222222:role/R", "aws-cn"),
    ]
    regions = ["cn-north-1", "eu-west-1", "us-east-1"]
    assert regions_by_target(targets, regions) == {
        "111111111111": ["eu-west-1", "us-east-1"],
        "222222222222": ["cn-north-1"],
    }


def test_a_global_record_built_from_a_template_carries_the_collecting_partition() -> None:
    spec = dataclasses.replace(ROLE, arn=None, arn_template="arn:{partition}:iam::{account}:x/{id}")
    arn = resource_arn(spec, "111111111111", GLOBAL_REGION, "app", {}, "aws-cn")
    assert arn == "arn:aws-cn:iam::111111111111:x/app"
    # a regional record's region names its partition
    assert resource_arn(spec, "111111111111", "us-gov-east-1", "app", {}).startswith(
        "arn:aws-us-gov:"
    )


def test_role_arns_built_from_role_name_are_in_the_accounts_partition() -> None:
    config = Config.model_validate(
        {
            "role_name": "Reader",
            "accounts": [
                {"id": "111111111111", "partition": "aws-us-gov"},
                {"id": "222222222222"},
            ],
        }
    )
    gov, plain = config.accounts
    assert config.role_arn_for(gov) == "arn:aws-us-gov:iam::111111111111:role/Reader"
    assert config.role_arn_for(plain) == "arn:aws:iam::222222222222:role/Reader"
    # an account that names none is in the caller's partition
    assert config.role_arn_for(plain, "aws-cn") == "arn:aws-cn:iam::222222222222:role/Reader"
    top = Config.model_validate({"partition": "aws-cn", "role_name": "Reader"})
    assert top.role_arn_for("333333333333", "aws") == "arn:aws-cn:iam::333333333333:role/Reader"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"partition": "aws-china"}, "not an AWS partition: 'aws-china'"),
        (
            {
                "accounts": [
                    {
                        "id": "111111111111",
                        "partition": "aws-cn",
                        "role_arn": "arn:aws:iam::111111111111:role/R",
                    }
                ]
            },
            "is not in partition aws-cn",
        ),
    ],
)
def test_a_wrong_partition_is_refused(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):  # pydantic ValidationError
        Config.model_validate(raw)


def test_a_queue_url_built_from_an_aws_cn_arn_is_on_the_aws_cn_domain() -> None:
    change = TagChange({"team": "x"}, ())
    arn = "arn:aws-cn:sqs:cn-north-1:111111111111:jobs"
    queue = PlannedItem(arn, "sqs:queue", "111111111111", "cn-north-1", "jobs", "sqs", change)
    assert tag_target(queue) == "https://sqs.cn-north-1.amazonaws.com.cn/111111111111/jobs"


def test_arns_of_every_partition_are_accepted_as_input() -> None:
    for arn in ("arn:aws-cn:s3:::logs", "arn:aws-iso-b:iam::111111111111:role/R"):
        assert check_arn(arn) == arn
    with pytest.raises(InputError, match="not an ARN"):
        check_arn("arn:azure:s3:::logs")


def test_the_partition_from_the_environment_and_a_wrong_one_named_in_one_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "estate.yaml"
    path.write_text("partition: aws-cn\n")
    assert load_config(path, env={}).partition == "aws-cn"
    assert load_config(path, env={"ESTATE_PARTITION": "aws-us-gov"}).partition == "aws-us-gov"
    path.write_text("accounts: [{id: '111111111111', partition: aws-mars}]\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    message = str(caught.value)
    assert "\n" not in message
    assert "accounts" in message and "not an AWS partition: 'aws-mars'" in message
