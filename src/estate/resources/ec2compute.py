"""EC2 compute around the instance: EBS snapshots and AMIs the account owns, key pairs, launch
templates, placement groups, Spot Instance and Spot Fleet requests, EC2 Fleets, Dedicated
Hosts, Capacity Reservations and their fleets, Reserved Instances and host reservations
(regional, tags inline).

ARNs follow IAM's resource types: a snapshot's and an image's name no account
(arn:aws:ec2:eu-west-1::snapshot/snap-…), a key pair and a placement group are named by
their name, a Spot request is a `spot-instances-request`, a Reserved Instance
`reserved-instances`.
"""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

_ARN = "arn:{partition}:ec2:{region}:{account}:"
_PAGE = {"MaxResults": 1000}

SNAPSHOT = ResourceSpec(
    type="ec2:snapshot",
    service="ec2",
    operation="DescribeSnapshots",
    items="Snapshots",
    id="SnapshotId",
    arn_template="arn:{partition}:ec2:{region}::snapshot/{id}",
    owner="OwnerId",
    # Without OwnerIds every public snapshot of every account is listed too.
    params={**_PAGE, "OwnerIds": ["self"]},
    # Climbs while a snapshot is taken; its State says when it is done.
    volatile=("Progress",),
    relations=(
        # A copied snapshot names vol-ffffffff, which no record has.
        Relation("volume", "ec2:volume", "VolumeId"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
    ),
)

IMAGE = ResourceSpec(
    type="ec2:image",
    service="ec2",
    operation="DescribeImages",
    items="Images",
    id="ImageId",
    name="Name",
    arn_template="arn:{partition}:ec2:{region}::image/{id}",
    owner="OwnerId",
    # Own images only (not the public ones, nor those shared with the account); disabled
    # ones are left out unless asked for.
    params={**_PAGE, "Owners": ["self"], "IncludeDisabled": True},
    unordered=("BlockDeviceMappings", "ProductCodes"),
    # Moves with every instance launched from the image.
    volatile=("LastLaunchedTime",),
    relations=(
        Relation("snapshot", "ec2:snapshot", "BlockDeviceMappings[].Ebs.SnapshotId"),
        Relation("kms-key", "kms:key", "BlockDeviceMappings[].Ebs.KmsKeyId"),
        Relation("source-instance", "ec2:instance", "SourceInstanceId"),
    ),
)

KEY_PAIR = ResourceSpec(
    type="ec2:key-pair",
    service="ec2",
    operation="DescribeKeyPairs",
    items="KeyPairs",
    # IAM names a key pair by its name (key-pair/deploy); names are unique per region.
    id="KeyName",
    name="KeyName",
    arn_template=_ARN + "key-pair/{id}",
    single_call="DescribeKeyPairs takes no page token: it answers every key pair of the region",
)

LAUNCH_TEMPLATE = ResourceSpec(
    type="ec2:launch-template",
    service="ec2",
    operation="DescribeLaunchTemplates",
    items="LaunchTemplates",
    id="LaunchTemplateId",
    name="LaunchTemplateName",
    arn_template=_ARN + "launch-template/{id}",
    params={"MaxResults": 200},  # the API's largest page here
    details=(
        # What the template launches: its default version's data.
        Detail(
            "DescribeLaunchTemplateVersions",
            {"LaunchTemplateId": "LaunchTemplateId"},
            into="DefaultVersion",
            result="LaunchTemplateVersions[0].LaunchTemplateData",
            constants={"Versions": ["$Default"]},
        ),
    ),
    unordered=(
        "DefaultVersion.SecurityGroupIds",
        "DefaultVersion.SecurityGroups",
        "DefaultVersion.BlockDeviceMappings",
        "DefaultVersion.TagSpecifications",
    ),
    # User data often carries bootstrap secrets: never recorded.
    volatile=("DefaultVersion.UserData",),
    relations=(
        Relation("image", "ec2:image", "DefaultVersion.ImageId"),
        Relation("key-pair", "ec2:key-pair", "DefaultVersion.KeyName"),
        Relation("security-group", "ec2:security-group", "DefaultVersion.SecurityGroupIds"),
        Relation(
            "security-group",
            "ec2:security-group",
            "DefaultVersion.NetworkInterfaces[].Groups[]",
        ),
        Relation("subnet", "ec2:subnet", "DefaultVersion.NetworkInterfaces[].SubnetId"),
        Relation(
            "instance-profile", "iam:instance-profile", "DefaultVersion.IamInstanceProfile.Arn"
        ),
        Relation("kms-key", "kms:key", "DefaultVersion.BlockDeviceMappings[].Ebs.KmsKeyId"),
    ),
)

PLACEMENT_GROUP = ResourceSpec(
    type="ec2:placement-group",
    service="ec2",
    operation="DescribePlacementGroups",
    items="PlacementGroups",
    id="GroupName",
    name="GroupName",
    arn="GroupArn",
    arn_template=_ARN + "placement-group/{id}",
    single_call="DescribePlacementGroups takes no page token: it answers every group at once",
)

SPOT_INSTANCE_REQUEST = ResourceSpec(
    type="ec2:spot-instance-request",
    service="ec2",
    operation="DescribeSpotInstanceRequests",
    items="SpotInstanceRequests",
    id="SpotInstanceRequestId",
    arn_template=_ARN + "spot-instances-request/{id}",
    params=_PAGE,
    unordered=(
        "LaunchSpecification.SecurityGroups",
        "LaunchSpecification.BlockDeviceMappings",
        "LaunchSpecification.NetworkInterfaces",
    ),
    # AWS restamps the status as it re-evaluates the request; its Code says what changed.
    volatile=("Status.UpdateTime",),
    relations=(
        Relation("instance", "ec2:instance", "InstanceId"),
        Relation("image", "ec2:image", "LaunchSpecification.ImageId"),
        Relation("key-pair", "ec2:key-pair", "LaunchSpecification.KeyName"),
        Relation("subnet", "ec2:subnet", "LaunchSpecification.SubnetId"),
        Relation(
            "security-group", "ec2:security-group", "LaunchSpecification.SecurityGroups[].GroupId"
        ),
    ),
)

CAPACITY_RESERVATION = ResourceSpec(
    type="ec2:capacity-reservation",
    service="ec2",
    operation="DescribeCapacityReservations",
    items="CapacityReservations",
    id="CapacityReservationId",
    arn="CapacityReservationArn",
    arn_template=_ARN + "capacity-reservation/{id}",
    owner="OwnerId",  # shared through RAM, it is listed by the consumers too
    params=_PAGE,
    # How much of it running instances use, moment to moment.
    volatile=("AvailableInstanceCount", "CapacityAllocations"),
    relations=(
        Relation("placement-group", "ec2:placement-group", "PlacementGroupArn"),
        Relation("fleet", "ec2:capacity-reservation-fleet", "CapacityReservationFleetId"),
    ),
)

RESERVED_INSTANCE = ResourceSpec(
    type="ec2:reserved-instance",
    service="ec2",
    operation="DescribeReservedInstances",
    items="ReservedInstances",
    id="ReservedInstancesId",
    arn_template=_ARN + "reserved-instances/{id}",
    # Retired reservations stay listed for good: they are history, not the estate.
    params={
        "Filters": [{"Name": "state", "Values": ["payment-pending", "active", "payment-failed"]}]
    },
    single_call="DescribeReservedInstances takes no page token: it answers every reservation",
    unordered=("RecurringCharges",),
)

FLEET = ResourceSpec(
    type="ec2:fleet",
    service="ec2",
    operation="DescribeFleets",
    items="Fleets",
    id="FleetId",
    arn_template=_ARN + "fleet/{id}",
    params=_PAGE,
    unordered=("LaunchTemplateConfigs", "LaunchTemplateConfigs[].Overrides"),
    # What the fleet runs right now: it replaces instances (Spot interruptions) on its own.
    volatile=(
        "ActivityStatus",
        "FulfilledCapacity",
        "FulfilledOnDemandCapacity",
        "Instances",
        "Errors",
    ),
    relations=(
        Relation(
            "launch-template",
            "ec2:launch-template",
            "LaunchTemplateConfigs[].LaunchTemplateSpecification.LaunchTemplateId",
        ),
        Relation("instance", "ec2:instance", "Instances[].InstanceIds[]"),
    ),
)

_FLEET_CONFIG = "SpotFleetRequestConfig"

SPOT_FLEET_REQUEST = ResourceSpec(
    type="ec2:spot-fleet-request",
    service="ec2",
    operation="DescribeSpotFleetRequests",
    items="SpotFleetRequestConfigs",
    id="SpotFleetRequestId",
    arn_template=_ARN + "spot-fleet-request/{id}",
    params=_PAGE,
    unordered=(
        f"{_FLEET_CONFIG}.LaunchSpecifications",
        f"{_FLEET_CONFIG}.LaunchSpecifications[].SecurityGroups",
        f"{_FLEET_CONFIG}.LaunchTemplateConfigs",
    ),
    volatile=(
        # What the fleet runs right now.
        "ActivityStatus",
        f"{_FLEET_CONFIG}.FulfilledCapacity",
        f"{_FLEET_CONFIG}.OnDemandFulfilledCapacity",
        # User data often carries bootstrap secrets: never recorded.
        f"{_FLEET_CONFIG}.LaunchSpecifications[].UserData",
    ),
    relations=(
        Relation("fleet-role", "iam:role", f"{_FLEET_CONFIG}.IamFleetRole"),
        Relation(
            "launch-template",
            "ec2:launch-template",
            f"{_FLEET_CONFIG}.LaunchTemplateConfigs[].LaunchTemplateSpecification.LaunchTemplateId",
        ),
        Relation("image", "ec2:image", f"{_FLEET_CONFIG}.LaunchSpecifications[].ImageId"),
        Relation("key-pair", "ec2:key-pair", f"{_FLEET_CONFIG}.LaunchSpecifications[].KeyName"),
        Relation(
            "security-group",
            "ec2:security-group",
            f"{_FLEET_CONFIG}.LaunchSpecifications[].SecurityGroups[].GroupId",
        ),
        Relation(
            "instance-profile",
            "iam:instance-profile",
            f"{_FLEET_CONFIG}.LaunchSpecifications[].IamInstanceProfile.Arn",
        ),
    ),
)

DEDICATED_HOST = ResourceSpec(
    type="ec2:dedicated-host",
    service="ec2",
    operation="DescribeHosts",
    items="Hosts",
    id="HostId",
    arn_template=_ARN + "dedicated-host/{id}",
    owner="OwnerId",  # shared through RAM, it is listed by the consumers too
    params={"MaxResults": 500},  # the API's largest page here
    unordered=("Instances",),
    # Free slots move with every instance placed on the host (Instances says which).
    volatile=("AvailableCapacity",),
    relations=(Relation("instance", "ec2:instance", "Instances[].InstanceId"),),
)

CAPACITY_RESERVATION_FLEET = ResourceSpec(
    type="ec2:capacity-reservation-fleet",
    service="ec2",
    operation="DescribeCapacityReservationFleets",
    items="CapacityReservationFleets",
    id="CapacityReservationFleetId",
    arn="CapacityReservationFleetArn",
    arn_template=_ARN + "capacity-reservation-fleet/{id}",
    params={"MaxResults": 100},  # the API's largest page here
    unordered=("InstanceTypeSpecifications",),
    # How much of the target is reserved right now, per instance type and in all.
    volatile=("TotalFulfilledCapacity", "InstanceTypeSpecifications[].FulfilledCapacity"),
    relations=(
        Relation(
            "capacity-reservation",
            "ec2:capacity-reservation",
            "InstanceTypeSpecifications[].CapacityReservationId",
        ),
    ),
)

HOST_RESERVATION = ResourceSpec(
    type="ec2:host-reservation",
    service="ec2",
    operation="DescribeHostReservations",
    items="HostReservationSet",
    id="HostReservationId",
    arn_template=_ARN + "host-reservation/{id}",
    # Retired reservations stay listed for good, as Reserved Instances do.
    params={
        "MaxResults": 500,
        "Filter": [{"Name": "state", "Values": ["payment-pending", "active", "payment-failed"]}],
    },
    unordered=("HostIdSet",),
    relations=(Relation("host", "ec2:dedicated-host", "HostIdSet"),),
)

SPECS = (
    SNAPSHOT,
    IMAGE,
    KEY_PAIR,
    LAUNCH_TEMPLATE,
    PLACEMENT_GROUP,
    SPOT_INSTANCE_REQUEST,
    CAPACITY_RESERVATION,
    RESERVED_INSTANCE,
    FLEET,
    SPOT_FLEET_REQUEST,
    DEDICATED_HOST,
    CAPACITY_RESERVATION_FLEET,
    HOST_RESERVATION,
)
