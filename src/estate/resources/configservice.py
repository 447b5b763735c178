"""AWS Config rules, configuration recorders and conformance packs (regional; botocore's
service is `config`, as is IAM's prefix). Tags take a ListTagsForResource call per item."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec


def _tags(arn_path: str) -> Detail:
    return Detail("ListTagsForResource", {"ResourceArn": arn_path}, into="Tags", result="Tags")


def rule_function(item: Mapping[str, Any]) -> dict[str, str]:
    """A custom rule's Lambda function: its SourceIdentifier, which for an AWS managed rule is
    the managed rule's name (S3_BUCKET_VERSIONING_ENABLED), no function at all."""
    source = item.get("Source") or {}
    identifier = source.get("SourceIdentifier")
    if source.get("Owner") == "CUSTOM_LAMBDA" and identifier:
        return {"LambdaFunctionArn": str(identifier)}
    return {}


CONFIG_RULE = ResourceSpec(
    type="config:config-rule",
    service="config",
    operation="DescribeConfigRules",
    items="ConfigRules",
    id="ConfigRuleName",
    name="ConfigRuleName",
    arn="ConfigRuleArn",
    derive=rule_function,
    details=(_tags("ConfigRuleArn"),),
    unordered=("Scope.ComplianceResourceTypes", "Source.SourceDetails", "EvaluationModes"),
    relations=(Relation("function", "lambda:function", "LambdaFunctionArn"),),
)

CONFIGURATION_RECORDER = ResourceSpec(
    type="config:configuration-recorder",
    service="config",
    operation="DescribeConfigurationRecorders",
    items="ConfigurationRecorders",
    id="name",
    name="name",
    arn="arn",
    single_call="a region holds one customer managed recorder (and a few service-linked "
    "ones); DescribeConfigurationRecorders takes no page token",
    # Recorders take tags since the service-linked ones came (PutConfigurationRecorder's Tags).
    details=(_tags("arn"),),
    unordered=(
        "recordingGroup.resourceTypes",
        "recordingGroup.exclusionByResourceTypes.resourceTypes",
        "recordingMode.recordingModeOverrides",
        "recordingMode.recordingModeOverrides[].resourceTypes",
    ),
    relations=(Relation("role", "iam:role", "roleARN"),),
)

CONFORMANCE_PACK = ResourceSpec(
    type="config:conformance-pack",
    service="config",
    operation="DescribeConformancePacks",
    items="ConformancePackDetails",
    id="ConformancePackName",
    name="ConformancePackName",
    arn="ConformancePackArn",
    params={"Limit": 20},
    details=(_tags("ConformancePackArn"),),
    unordered=("ConformancePackInputParameters",),
    relations=(Relation("delivery-bucket", "s3:bucket", "DeliveryS3Bucket"),),
)

SPECS = (CONFIG_RULE, CONFIGURATION_RECORDER, CONFORMANCE_PACK)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "config:config-rule": "the ARN holds the rule's id (config-rule/config-rule-ab12cd), not its "
    "name; ConfigRuleArn is in every answer",
    "config:configuration-recorder": "the ARN holds an id after the name "
    "(configuration-recorder/default/ab12cd…) that only the answer knows",
    "config:conformance-pack": "the ARN holds the pack's id after its name "
    "(conformance-pack/p/conformance-pack-ab12cd); ConformancePackArn is required",
}
