"""Edges from fields: ids become the target record's ARN, ARNs stay, lists give many edges."""

from __future__ import annotations

import dataclasses

from estate.inventory.normalize import normalize_resource
from estate.inventory.relations import Edge, edges
from estate.resources.ec2 import INSTANCE
from estate.resources.spec import Relation

SPEC = dataclasses.replace(
    INSTANCE,
    relations=(
        Relation("subnet", "ec2:subnet", "SubnetId"),
        Relation("security-group", "ec2:security-group", "SecurityGroups[].GroupId"),
        Relation("instance-profile", "iam:instance-profile", "IamInstanceProfile.Arn"),
        Relation("image", "ec2:nothing-known", "ImageId"),
    ),
)
ITEM = {
    "InstanceId": "i-1",
    "SubnetId": "subnet-1",
    "SecurityGroups": [{"GroupId": "sg-2"}, {"GroupId": "sg-1"}, {"GroupId": "sg-2"}],
    "IamInstanceProfile": {"Arn": "arn:aws-cn:iam::111111111111:instance-profile/web"},
    "ImageId": "ami-1",
}


def template_of(type_name: str) -> str | None:
    return {
        "ec2:subnet": "arn:{partition}:ec2:{region}:{account}:subnet/{id}",
        "ec2:security-group": "arn:{partition}:ec2:{region}:{account}:security-group/{id}",
    }.get(type_name)


def test_ids_become_arns_in_the_partition_arns_stay_each_edge_once() -> None:
    found = edges(SPEC, ITEM, "111111111111", "cn-north-1", template_of)

    assert found == [
        Edge("instance-profile", "iam:instance-profile", ITEM["IamInstanceProfile"]["Arn"]),
        Edge(
            "security-group",
            "ec2:security-group",
            "arn:aws-cn:ec2:cn-north-1:111111111111:security-group/sg-1",
        ),
        Edge(
            "security-group",
            "ec2:security-group",
            "arn:aws-cn:ec2:cn-north-1:111111111111:security-group/sg-2",
        ),
        Edge("subnet", "ec2:subnet", "arn:aws-cn:ec2:cn-north-1:111111111111:subnet/subnet-1"),
    ]  # the image has no template: no guessed edge


def test_absent_fields_give_no_edges() -> None:
    assert edges(SPEC, {"InstanceId": "i-2"}, "111111111111", "eu-west-1", template_of) == []


def test_a_record_carries_its_edges_with_registry_templates() -> None:
    record = normalize_resource(SPEC, "111111111111", "eu-west-1", ITEM)

    assert {
        "kind": "subnet",
        "type": "ec2:subnet",
        "arn": "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-1",
    } in record.relations
