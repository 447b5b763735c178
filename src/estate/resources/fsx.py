"""FSx file systems (Windows, Lustre, ONTAP, OpenZFS), tags inline. ARNs are
fsx:{region}:{account}:file-system/<id>."""

from __future__ import annotations

from estate.resources.spec import Relation, ResourceSpec

FILE_SYSTEM = ResourceSpec(
    type="fsx:file-system",
    service="fsx",
    operation="DescribeFileSystems",
    items="FileSystems",
    id="FileSystemId",
    arn="ResourceARN",
    arn_template="arn:{partition}:fsx:{region}:{account}:file-system/{id}",
    owner="OwnerId",
    # The largest MaxResults the model allows: FSx answers the smaller of it and its own page.
    params={"MaxResults": 2147483647},
    unordered=("SubnetIds", "NetworkInterfaceIds"),
    # The history of administrative actions (backups, updates) and their progress.
    volatile=("AdministrativeActions",),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "SubnetIds"),
        Relation("network-interface", "ec2:network-interface", "NetworkInterfaceIds"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
        Relation(
            "directory",
            "ds:directory",
            "WindowsConfiguration.ActiveDirectoryId",
        ),
    ),
)

SPECS = (FILE_SYSTEM,)
