"""ElastiCache: cache clusters (nodes), replication groups (Redis/Valkey clusters of cache
clusters) and cache subnet groups. The answers carry no tags: ListTagsForResource takes a
call per item. Ids are unique per account and region; ARNs are
elasticache:{region}:{account}:<cluster|replicationgroup|subnetgroup>:<id>."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

_ARN = "arn:{partition}:elasticache:{region}:{account}:"
_PAGE = {"MaxRecords": 100}  # the API's largest page

_TAGS = Detail("ListTagsForResource", {"ResourceName": "ARN"}, into="TagList", result="TagList")

_LOG_GROUPS = "LogDeliveryConfigurations[].DestinationDetails.CloudWatchLogsDetails.LogGroup"
_FIREHOSE = "LogDeliveryConfigurations[].DestinationDetails.KinesisFirehoseDetails.DeliveryStream"

CACHE_CLUSTER = ResourceSpec(
    type="elasticache:cache-cluster",
    service="elasticache",
    operation="DescribeCacheClusters",
    items="CacheClusters",
    id="CacheClusterId",
    name="CacheClusterId",
    arn="ARN",
    arn_template=_ARN + "cluster:{id}",
    tags="TagList",
    # The nodes (endpoints, zones) too; a replication group's members are listed as well.
    params={**_PAGE, "ShowCacheNodeInfo": True},
    details=(_TAGS,),
    unordered=(
        "CacheNodes",
        "CacheSecurityGroups",
        "SecurityGroups",
        "LogDeliveryConfigurations",
    ),
    relations=(
        Relation("replication-group", "elasticache:replication-group", "ReplicationGroupId"),
        Relation("subnet-group", "elasticache:subnet-group", "CacheSubnetGroupName"),
        Relation("security-group", "ec2:security-group", "SecurityGroups[].SecurityGroupId"),
        Relation("topic", "sns:topic", "NotificationConfiguration.TopicArn"),
        Relation("log-group", "logs:log-group", _LOG_GROUPS),
        Relation("delivery-stream", "firehose:delivery-stream", _FIREHOSE),
    ),
)

REPLICATION_GROUP = ResourceSpec(
    type="elasticache:replication-group",
    service="elasticache",
    operation="DescribeReplicationGroups",
    items="ReplicationGroups",
    id="ReplicationGroupId",
    name="ReplicationGroupId",
    arn="ARN",
    arn_template=_ARN + "replicationgroup:{id}",
    tags="TagList",
    params=_PAGE,
    details=(_TAGS,),
    unordered=(
        "MemberClusters",
        "MemberClustersOutpostArns",
        "NodeGroups",
        "NodeGroups[].NodeGroupMembers",
        "UserGroupIds",
        "LogDeliveryConfigurations",
    ),
    relations=(
        Relation("cache-cluster", "elasticache:cache-cluster", "MemberClusters"),
        Relation("kms-key", "kms:key", "KmsKeyId"),
        Relation("log-group", "logs:log-group", _LOG_GROUPS),
        Relation("delivery-stream", "firehose:delivery-stream", _FIREHOSE),
    ),
)

SUBNET_GROUP = ResourceSpec(
    type="elasticache:subnet-group",
    service="elasticache",
    operation="DescribeCacheSubnetGroups",
    items="CacheSubnetGroups",
    id="CacheSubnetGroupName",
    name="CacheSubnetGroupName",
    arn="ARN",
    arn_template=_ARN + "subnetgroup:{id}",
    tags="TagList",
    params=_PAGE,
    details=(_TAGS,),
    unordered=("Subnets", "Subnets[].SupportedNetworkTypes", "SupportedNetworkTypes"),
    relations=(
        Relation("vpc", "ec2:vpc", "VpcId"),
        Relation("subnet", "ec2:subnet", "Subnets[].SubnetIdentifier"),
    ),
)

SPECS = (CACHE_CLUSTER, REPLICATION_GROUP, SUBNET_GROUP)
