"""Lambda functions ($LATEST only); tags come as a dict from ListTags."""

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

SPECS = (FUNCTION,)
