"""EMR clusters (regional; IAM's prefix is `elasticmapreduce`). ListClusters gives a summary;
DescribeCluster gives the rest, tags (a list of Key/Value) included.

Only clusters that are not yet terminated are listed (STARTING through TERMINATING): AWS keeps
terminated clusters listable for two months, but nothing runs or costs there any more, and a
cluster is never restarted (a new one has a new id), so a terminated one reads as deleted.
"""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

ACTIVE_STATES = ("STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING")
_EC2 = "Cluster.Ec2InstanceAttributes"

CLUSTER = ResourceSpec(
    type="emr:cluster",
    service="emr",
    operation="ListClusters",
    items="Clusters",
    id="Id",
    name="Name",
    arn="ClusterArn",
    arn_template="arn:{partition}:elasticmapreduce:{region}:{account}:cluster/{id}",
    iam_service="elasticmapreduce",
    params={"ClusterStates": list(ACTIVE_STATES)},
    tags="Cluster.Tags",
    details=(Detail("DescribeCluster", {"ClusterId": "Id"}, into="Cluster", result="Cluster"),),
    unordered=(
        "Cluster.Applications",
        f"{_EC2}.RequestedEc2SubnetIds",
        f"{_EC2}.RequestedEc2AvailabilityZones",
        f"{_EC2}.AdditionalMasterSecurityGroups",
        f"{_EC2}.AdditionalSlaveSecurityGroups",
    ),
    # RUNNING and WAITING alternate with its steps; the instance hours count up by the hour.
    volatile=(
        "Status",
        "NormalizedInstanceHours",
        "Cluster.Status",
        "Cluster.NormalizedInstanceHours",
    ),
    relations=(
        # The service role is usually named, not an ARN: such an edge is left out.
        Relation("role", "iam:role", "Cluster.ServiceRole"),
        Relation("subnet", "ec2:subnet", f"{_EC2}.Ec2SubnetId"),
        Relation(
            "security-group",
            "ec2:security-group",
            f"{_EC2}.[EmrManagedMasterSecurityGroup, EmrManagedSlaveSecurityGroup,"
            " ServiceAccessSecurityGroup, AdditionalMasterSecurityGroups,"
            " AdditionalSlaveSecurityGroups]",
        ),
    ),
)

SPECS = (CLUSTER,)
