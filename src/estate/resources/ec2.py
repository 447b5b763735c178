"""EC2: instances, VPCs, subnets, security groups and volumes (regional, tags inline)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from estate.resources.spec import Relation, ResourceSpec, TagWrite

_ARN = "arn:{partition}:ec2:{region}:{account}:"

# CreateTags takes up to 1,000 ids of any EC2 kind at once; DeleteTags removes a key whatever
# its value when given no Value.
TAGS = TagWrite(
    style="batched",
    set_op="CreateTags",
    unset_op="DeleteTags",
    batch=1000,
    param="Resources",
    source="id",
    tags_as="list",
    unset_param="Tags",
    unset_as="key-list",
)

# What a reservation says about how its instances were launched: RequesterId is set when an
# Auto Scaling group, EKS or Spot launched them for the owner.
RESERVATION_FIELDS = ("ReservationId", "OwnerId", "RequesterId")


def reservation_instances(reservation: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Pure: a reservation's instances, each carrying the reservation's own fields."""
    carried = {k: reservation[k] for k in RESERVATION_FIELDS if reservation.get(k) is not None}
    for instance in reservation.get("Instances") or []:
        yield {**instance, **carried}


INSTANCE = ResourceSpec(
    type="ec2:instance",
    service="ec2",
    relations=(
        Relation("subnet", "ec2:subnet", "SubnetId"),
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("security-group", "ec2:security-group", "SecurityGroups[].GroupId"),
        Relation("instance-profile", "iam:instance-profile", "IamInstanceProfile.Arn"),
        Relation("volume", "ec2:volume", "BlockDeviceMappings[].Ebs.VolumeId"),
        Relation(
            "network-interface", "ec2:network-interface", "NetworkInterfaces[].NetworkInterfaceId"
        ),
        Relation("image", "ec2:image", "ImageId"),
        Relation("key-pair", "ec2:key-pair", "KeyName"),
    ),
    tag_write=TAGS,
    operation="DescribeInstances",
    items="Reservations",
    spread=reservation_instances,
    id="InstanceId",
    arn_template=_ARN + "instance/{id}",
    # Unpaginated DescribeInstances is throttled hardest: always ask for pages; 500 keeps a
    # page's parsed answer to a few MB while dozens of shards run at once.
    params={"MaxResults": 500},
    unordered=(
        "SecurityGroups",
        "BlockDeviceMappings",
        "NetworkInterfaces",
        "NetworkInterfaces[].Groups",
        "NetworkInterfaces[].PrivateIpAddresses",
        "NetworkInterfaces[].Ipv6Addresses",
        "ProductCodes",
    ),
)

VPC = ResourceSpec(
    type="ec2:vpc",
    service="ec2",
    relations=(Relation("dhcp-options", "ec2:dhcp-options", "DhcpOptionsId"),),
    tag_write=TAGS,
    operation="DescribeVpcs",
    items="Vpcs",
    id="VpcId",
    # DescribeVpcs answers no ARN; a VPC shared through RAM is listed with its owner's OwnerId.
    arn_template=_ARN + "vpc/{id}",
    owner="OwnerId",
    params={"MaxResults": 1000},
    unordered=("CidrBlockAssociationSet", "Ipv6CidrBlockAssociationSet"),
)

SUBNET = ResourceSpec(
    type="ec2:subnet",
    service="ec2",
    relations=(Relation("vpc", "ec2:vpc", "VpcId"),),
    tag_write=TAGS,
    operation="DescribeSubnets",
    items="Subnets",
    id="SubnetId",
    arn="SubnetArn",
    arn_template=_ARN + "subnet/{id}",
    owner="OwnerId",
    params={"MaxResults": 1000},
    unordered=("Ipv6CidrBlockAssociationSet",),
    # The count of free addresses moves with every ENI created elsewhere.
    volatile=("AvailableIpAddressCount",),
)

_RULE_LISTS = ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")

SECURITY_GROUP = ResourceSpec(
    type="ec2:security-group",
    service="ec2",
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation(
            "security-group", "ec2:security-group", "IpPermissions[].UserIdGroupPairs[].GroupId"
        ),
    ),
    tag_write=TAGS,
    operation="DescribeSecurityGroups",
    items="SecurityGroups",
    id="GroupId",
    name="GroupName",
    arn="SecurityGroupArn",
    arn_template=_ARN + "security-group/{id}",
    owner="OwnerId",  # security groups can be shared through RAM too
    params={"MaxResults": 1000},
    unordered=(
        "IpPermissions",
        "IpPermissionsEgress",
        *(f"IpPermissions[].{name}" for name in _RULE_LISTS),
        *(f"IpPermissionsEgress[].{name}" for name in _RULE_LISTS),
    ),
)

VOLUME = ResourceSpec(
    type="ec2:volume",
    service="ec2",
    relations=(
        Relation("instance", "ec2:instance", "Attachments[].InstanceId"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
        Relation("snapshot", "ec2:snapshot", "SnapshotId"),
    ),
    tag_write=TAGS,
    operation="DescribeVolumes",
    items="Volumes",
    id="VolumeId",
    arn="VolumeArn",
    arn_template=_ARN + "volume/{id}",
    params={"MaxResults": 500},
    unordered=("Attachments",),
)

SPECS = (INSTANCE, VPC, SUBNET, SECURITY_GROUP, VOLUME)
