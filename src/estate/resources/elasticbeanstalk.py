"""Elastic Beanstalk applications and environments (regional). Neither answer carries tags:
they take a ListTagsForResource call per item. An environment's name is unique in its region,
yet its ARN names its application too: its id is `application/environment`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec, TagWrite

_ARN = "arn:{partition}:elasticbeanstalk:{region}:{account}:"


def _tags(arn_path: str) -> Detail:
    return Detail(
        "ListTagsForResource", {"ResourceArn": arn_path}, into="Tags", result="ResourceTags"
    )


def environment_id(item: Mapping[str, Any]) -> dict[str, str]:
    """Pure: an environment's id, `application/environment`, as its ARN ends."""
    application, name = item.get("ApplicationName"), item.get("EnvironmentName")
    return {"EnvironmentKey": f"{application}/{name}"} if application and name else {}


# The tagging API writes them; IAM checks the service's own actions too, which for its one
# call (UpdateTagsForResource) are named AddTags and RemoveTags.
_TAGS = TagWrite(service_actions=("elasticbeanstalk:AddTags", "elasticbeanstalk:RemoveTags"))

APPLICATION = ResourceSpec(
    type="elasticbeanstalk:application",
    service="elasticbeanstalk",
    tag_write=_TAGS,
    operation="DescribeApplications",
    items="Applications",
    id="ApplicationName",
    name="ApplicationName",
    arn="ApplicationArn",
    arn_template=_ARN + "application/{id}",
    single_call="DescribeApplications takes no page token: it answers every application at once",
    details=(_tags("ApplicationArn"),),
    unordered=("Versions", "ConfigurationTemplates"),
    relations=(
        Relation(
            "service-role",
            "iam:role",
            "ResourceLifecycleConfig.ServiceRole",
        ),
    ),
)

ENVIRONMENT = ResourceSpec(
    type="elasticbeanstalk:environment",
    service="elasticbeanstalk",
    tag_write=_TAGS,
    operation="DescribeEnvironments",
    items="Environments",
    id="EnvironmentKey",
    name="EnvironmentName",
    arn="EnvironmentArn",
    arn_template=_ARN + "environment/{id}",
    derive=environment_id,
    # Terminated environments stay listed for an hour unless told otherwise.
    params={"IncludeDeleted": False, "MaxRecords": 1000},
    details=(_tags("EnvironmentArn"),),
    unordered=("EnvironmentLinks", "Resources.LoadBalancer.Listeners"),
    # Health is a heartbeat of AWS's own checks.
    volatile=("Health", "HealthStatus", "AbortableOperationInProgress"),
    relations=(
        Relation("application", "elasticbeanstalk:application", "ApplicationName"),
        Relation("role", "iam:role", "OperationsRole"),
    ),
)

SPECS = (APPLICATION, ENVIRONMENT)
