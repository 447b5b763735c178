"""CodeDeploy applications and their deployment groups (regional; groups are listed per
application). ListApplications and ListDeploymentGroups give names only; each takes a Get call.

Tags are not collected yet: ListTagsForResource needs the item's ARN, which no CodeDeploy
answer carries (it is built from the template, after the details are fetched).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Parent, Relation, ResourceSpec

APPLICATION = ResourceSpec(
    type="codedeploy:application",
    service="codedeploy",
    operation="ListApplications",
    items="applications",
    item_key="applicationName",
    id="applicationName",
    name="applicationName",
    arn_template="arn:{partition}:codedeploy:{region}:{account}:application:{id}",
    tags=None,
    taggable=False,
    details=(
        Detail(
            "GetApplication",
            {"applicationName": "applicationName"},
            into="Application",
            result="application",
        ),
    ),
)


def group_path(item: Mapping[str, Any]) -> dict[str, str]:
    """A deployment group's id: its application's name and its own, as in its ARN
    (deploymentgroup:web/prod); group names are unique per application only."""
    app, group = item.get("applicationName"), item.get("deploymentGroupName")
    return {"GroupPath": f"{app}/{group}"} if app and group else {}


_TRIGGERS = "DeploymentGroup.triggerConfigurations[]"

DEPLOYMENT_GROUP = ResourceSpec(
    type="codedeploy:deployment-group",
    service="codedeploy",
    operation="ListDeploymentGroups",
    items="deploymentGroups",
    item_key="deploymentGroupName",
    id="GroupPath",
    name="deploymentGroupName",
    arn_template="arn:{partition}:codedeploy:{region}:{account}:deploymentgroup:{id}",
    tags=None,
    taggable=False,
    parent=Parent(
        "codedeploy:application",
        {"applicationName": "applicationName"},
        carry={"applicationName": "applicationName"},
    ),
    derive=group_path,
    details=(
        Detail(
            "GetDeploymentGroup",
            {"applicationName": "applicationName", "deploymentGroupName": "deploymentGroupName"},
            into="DeploymentGroup",
            result="deploymentGroupInfo",
        ),
    ),
    # Moves with every deployment, the group's settings unchanged.
    volatile=(
        "DeploymentGroup.lastAttemptedDeployment",
        "DeploymentGroup.lastSuccessfulDeployment",
        "DeploymentGroup.targetRevision",
    ),
    unordered=(
        "DeploymentGroup.autoScalingGroups",
        "DeploymentGroup.ec2TagFilters",
        "DeploymentGroup.onPremisesInstanceTagFilters",
        "DeploymentGroup.triggerConfigurations",
        "DeploymentGroup.alarmConfiguration.alarms",
    ),
    relations=(
        Relation("application", "codedeploy:application", "applicationName"),
        Relation("service-role", "iam:role", "DeploymentGroup.serviceRoleArn"),
        Relation("trigger-topic", "sns:topic", f"{_TRIGGERS}.triggerTargetArn"),
    ),
)

SPECS = (APPLICATION, DEPLOYMENT_GROUP)
