"""Amazon MSK clusters, provisioned and serverless (ListClustersV2, tags inline as a map).
A cluster's ARN holds a UUID only the answer knows: kafka:{region}:{account}:cluster/<name>/<uuid>;
its name is unique per account and region."""

from __future__ import annotations

from estate.resources.spec import Relation, ResourceSpec

_BROKERS = "Provisioned.BrokerNodeGroupInfo"
_LOGS = "Provisioned.LoggingInfo.BrokerLogs"

CLUSTER = ResourceSpec(
    type="kafka:cluster",
    service="kafka",
    operation="ListClustersV2",
    items="ClusterInfoList",
    id="ClusterName",
    name="ClusterName",
    arn="ClusterArn",
    params={"MaxResults": 100},
    unordered=(
        f"{_BROKERS}.ClientSubnets",
        f"{_BROKERS}.SecurityGroups",
        f"{_BROKERS}.ZoneIds",
        "Serverless.VpcConfigs",
        "Serverless.VpcConfigs[].SubnetIds",
        "Serverless.VpcConfigs[].SecurityGroupIds",
    ),
    # The operation under way, if any: it comes and goes with each update.
    volatile=("ActiveOperationArn",),
    relations=(
        Relation("subnet", "ec2:subnet", f"{_BROKERS}.ClientSubnets"),
        Relation("security-group", "ec2:security-group", f"{_BROKERS}.SecurityGroups"),
        Relation("subnet", "ec2:subnet", "Serverless.VpcConfigs[].SubnetIds"),
        Relation(
            "security-group", "ec2:security-group", "Serverless.VpcConfigs[].SecurityGroupIds"
        ),
        Relation(
            "kms-key",
            "kms:key",
            "Provisioned.EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId",
        ),
        Relation("log-group", "logs:log-group", f"{_LOGS}.CloudWatchLogs.LogGroup"),
        Relation("delivery-stream", "firehose:delivery-stream", f"{_LOGS}.Firehose.DeliveryStream"),
        Relation("bucket", "s3:bucket", f"{_LOGS}.S3.Bucket"),
    ),
)

SPECS = (CLUSTER,)

ARN_ONLY_FROM_ANSWER = {
    "kafka:cluster": "the ARN ends in a UUID only the answer knows (cluster/<name>/<uuid>)",
}
