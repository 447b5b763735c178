"""The registry of resource types: a plain dict from type name to spec."""

from __future__ import annotations

from collections.abc import Iterable

from estate.errors import InputError
from estate.resources import (
    acm,
    acmpca,
    apigateway,
    apigatewayv2,
    appsync,
    athena,
    autoscaling,
    awslambda,
    backup,
    batch,
    cloudformation,
    cloudfront,
    cloudtrail,
    cloudwatch,
    codebuild,
    codecommit,
    codedeploy,
    codepipeline,
    cognito,
    configservice,
    dax,
    dynamodb,
    ec2,
    ec2compute,
    ec2net,
    ecr,
    ecs,
    efs,
    eks,
    elasticache,
    elasticbeanstalk,
    elb,
    elbv2,
    emr,
    events,
    firehose,
    fsx,
    glacier,
    glue,
    guardduty,
    iam,
    kafka,
    kinesis,
    kms,
    logs,
    memorydb,
    mq,
    opensearch,
    organizations,
    ram,
    rds,
    redshift,
    route53,
    route53resolver,
    s3,
    sagemaker,
    scheduler,
    secretsmanager,
    servicediscovery,
    sesv2,
    sns,
    sqs,
    ssm,
    stepfunctions,
    transfer,
    wafv2,
)
from estate.resources.spec import ResourceSpec

# Registry order is the order of `estate types` and of a run's shards: core types first.
_MODULES = (
    s3,
    ec2,
    ec2net,
    ec2compute,
    iam,
    awslambda,
    sqs,
    sns,
    dynamodb,
    rds,
    autoscaling,
    cloudformation,
    elbv2,
    ecs,
    ecr,
    eks,
    elb,
    batch,
    elasticbeanstalk,
    emr,
    stepfunctions,
    kms,
    acm,
    secretsmanager,
    ssm,
    wafv2,
    cognito,
    organizations,
    guardduty,
    acmpca,
    ram,
    redshift,
    opensearch,
    efs,
    elasticache,
    kafka,
    dax,
    kinesis,
    firehose,
    memorydb,
    fsx,
    glacier,
    cloudtrail,
    cloudwatch,
    logs,
    events,
    scheduler,
    cloudfront,
    route53,
    route53resolver,
    apigateway,
    apigatewayv2,
    appsync,
    servicediscovery,
    backup,
    mq,
    transfer,
    configservice,
    codebuild,
    codecommit,
    codepipeline,
    codedeploy,
    glue,
    athena,
    sagemaker,
    sesv2,
)

REGISTRY: dict[str, ResourceSpec] = {spec.type: spec for m in _MODULES for spec in m.SPECS}


def get_spec(type_name: str) -> ResourceSpec:
    """The spec of a type; InputError listing the known types when there is none."""
    try:
        return REGISTRY[type_name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise InputError(f"unknown resource type {type_name!r} (known: {known})") from None


def get_specs(type_names: Iterable[str] | None) -> list[ResourceSpec]:
    """Specs in registry order; all of them when `type_names` is None."""
    if type_names is None:
        return list(REGISTRY.values())
    wanted = {get_spec(t).type for t in type_names}
    return [spec for name, spec in REGISTRY.items() if name in wanted]
