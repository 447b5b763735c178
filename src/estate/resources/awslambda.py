"""Lambda functions ($LATEST only), layers (their latest version) and event source mappings;
tags come as a dict from ListTags."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

FUNCTION = ResourceSpec(
    type="lambda:function",
    service="lambda",
    relations=(
        Relation("role", "iam:role", "Role"),
        Relation("subnet", "ec2:subnet", "VpcConfig.SubnetIds"),
        Relation("security-group", "ec2:security-group", "VpcConfig.SecurityGroupIds"),
        Relation("vpc", "ec2:vpc", "VpcConfig.VpcId"),
        Relation("kms-key", "kms:key", "KMSKeyArn"),
        Relation("layer", "lambda:layer", "Layers[].Arn"),
        Relation("dead-letter", "sqs:queue", "DeadLetterConfig.TargetArn"),
    ),
    operation="ListFunctions",
    items="Functions",
    id="FunctionName",
    name="FunctionName",
    arn="FunctionArn",
    arn_template="arn:{partition}:lambda:{region}:{account}:function:{id}",
    details=(Detail("ListTags", {"Resource": "FunctionArn"}, into="Tags", result="Tags"),),
    # Layers stay ordered: a later layer overrides an earlier one's files.
    unordered=("VpcConfig.SubnetIds", "VpcConfig.SecurityGroupIds", "FileSystemConfigs"),
    # Lambda parks idle functions as Inactive and wakes them on invoke: nobody changed them.
    volatile=("State", "StateReason", "StateReasonCode"),
)

# A layer's record is the layer (its ARN has no version); its latest version, with its number,
# is its configuration, so a new version reads as a change of the layer. Layers take no tags.
LAYER = ResourceSpec(
    type="lambda:layer",
    service="lambda",
    operation="ListLayers",
    items="Layers",
    id="LayerName",
    name="LayerName",
    arn="LayerArn",
    arn_template="arn:{partition}:lambda:{region}:{account}:layer:{id}",
    params={"MaxItems": 50},
    tags=None,
    taggable=False,
    unordered=(
        "LatestMatchingVersion.CompatibleRuntimes",
        "LatestMatchingVersion.CompatibleArchitectures",
    ),
)


def _source(service: str) -> str:
    """The event source ARN when it is one of `service`'s (arn:aws:sqs:...)."""
    return f"[EventSourceArn][?contains(@, ':{service}:')]"


EVENT_SOURCE_MAPPING = ResourceSpec(
    type="lambda:event-source-mapping",
    service="lambda",
    operation="ListEventSourceMappings",
    items="EventSourceMappings",
    id="UUID",
    arn="EventSourceMappingArn",
    arn_template="arn:{partition}:lambda:{region}:{account}:event-source-mapping:{id}",
    params={"MaxItems": 100},
    details=(
        Detail("ListTags", {"Resource": "EventSourceMappingArn"}, into="Tags", result="Tags"),
    ),
    unordered=("FunctionResponseTypes", "Topics", "Queues", "SourceAccessConfigurations"),
    # The outcome of the last poll, and when Lambda last changed its state by itself.
    volatile=("LastProcessingResult", "LastModified"),
    relations=(
        Relation("function", "lambda:function", "FunctionArn"),
        Relation("source", "sqs:queue", _source("sqs")),
        Relation("source", "kinesis:stream", _source("kinesis")),
        Relation("source", "dynamodb:stream", _source("dynamodb")),
        Relation("source", "kafka:cluster", _source("kafka")),
        Relation("source", "mq:broker", _source("mq")),
    ),
)

SPECS = (FUNCTION, LAYER, EVENT_SOURCE_MAPPING)
