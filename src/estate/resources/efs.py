"""EFS: file systems and access points (tags inline), and mount targets, listed per file
system (DescribeMountTargets needs a file system or access point). ARNs:
elasticfilesystem:{region}:{account}:<file-system|access-point>/<id>; mount targets have none
in AWS (see MOUNT_TARGET)."""

from __future__ import annotations

from estate.resources.spec import Detail, Parent, Relation, ResourceSpec

_ARN = "arn:{partition}:elasticfilesystem:{region}:{account}:"

FILE_SYSTEM = ResourceSpec(
    type="efs:file-system",
    service="efs",
    operation="DescribeFileSystems",
    items="FileSystems",
    id="FileSystemId",
    owner="OwnerId",
    name="Name",  # the Name tag, as the answer gives it
    arn="FileSystemArn",
    arn_template=_ARN + "file-system/{id}",
    params={"MaxItems": 100},
    iam_service="elasticfilesystem",
    # The metered size moves with the data; the mount target count with the mount targets,
    # which are records of their own.
    volatile=("SizeInBytes", "NumberOfMountTargets"),
    relations=(Relation("kms-key", "kms:key", "KmsKeyId"),),
)

ACCESS_POINT = ResourceSpec(
    type="efs:access-point",
    service="efs",
    operation="DescribeAccessPoints",
    items="AccessPoints",
    id="AccessPointId",
    owner="OwnerId",
    name="Name",
    arn="AccessPointArn",
    arn_template=_ARN + "access-point/{id}",
    params={"MaxResults": 1000},
    iam_service="elasticfilesystem",
    unordered=("PosixUser.SecondaryGids",),
    relations=(Relation("file-system", "efs:file-system", "FileSystemId"),),
)

MOUNT_TARGET = ResourceSpec(
    type="efs:mount-target",
    service="efs",
    operation="DescribeMountTargets",
    items="MountTargets",
    id="MountTargetId",
    owner="OwnerId",
    # AWS gives a mount target no ARN (IAM authorizes its calls on its file system's): this
    # one is estate's own, in AWS's form, so that records can be keyed and pointed at.
    arn_template=_ARN + "mount-target/{id}",
    tags=None,
    taggable=False,
    parent=Parent("efs:file-system", {"FileSystemId": "FileSystemId"}),
    params={"MaxItems": 100},
    iam_service="elasticfilesystem",
    # Its security groups take a call per mount target.
    details=(
        Detail(
            "DescribeMountTargetSecurityGroups",
            {"MountTargetId": "MountTargetId"},
            into="SecurityGroups",
            result="SecurityGroups",
        ),
    ),
    unordered=("SecurityGroups",),
    relations=(
        Relation("security-group", "ec2:security-group", "SecurityGroups"),
        Relation("file-system", "efs:file-system", "FileSystemId"),
        Relation("subnet", "ec2:subnet", "SubnetId"),
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("network-interface", "ec2:network-interface", "NetworkInterfaceId"),
    ),
)

SPECS = (FILE_SYSTEM, ACCESS_POINT, MOUNT_TARGET)
