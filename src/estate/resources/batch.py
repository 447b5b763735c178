"""AWS Batch compute environments, job queues and job definitions (regional, tags inline as
a map). Job definitions are listed per ACTIVE revision: each revision is immutable, its own
ARN (name:revision) and its own record; a deregistered one is gone (INACTIVE)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Relation, ResourceSpec

_ARN = "arn:{partition}:batch:{region}:{account}:"
_PAGE = {"maxResults": 100}
_COMPUTE = "computeResources"


def revision_id(item: Mapping[str, Any]) -> dict[str, str]:
    """Pure: a job definition revision's id, `name:revision`, as its ARN ends."""
    name, revision = item.get("jobDefinitionName"), item.get("revision")
    return {"jobDefinitionId": f"{name}:{revision}"} if name and revision is not None else {}


COMPUTE_ENVIRONMENT = ResourceSpec(
    type="batch:compute-environment",
    service="batch",
    operation="DescribeComputeEnvironments",
    items="computeEnvironments",
    id="computeEnvironmentName",
    name="computeEnvironmentName",
    arn="computeEnvironmentArn",
    arn_template=_ARN + "compute-environment/{id}",
    tags="tags",
    params=_PAGE,
    unordered=(
        f"{_COMPUTE}.subnets",
        f"{_COMPUTE}.securityGroupIds",
        f"{_COMPUTE}.instanceTypes",
        f"{_COMPUTE}.ec2Configuration",
    ),
    # Batch scales the desired vCPUs with the queue's jobs.
    volatile=(f"{_COMPUTE}.desiredvCpus",),
    relations=(
        Relation("role", "iam:role", "serviceRole"),
        Relation("instance-profile", "iam:instance-profile", f"{_COMPUTE}.instanceRole"),
        Relation("subnet", "ec2:subnet", f"{_COMPUTE}.subnets"),
        Relation("security-group", "ec2:security-group", f"{_COMPUTE}.securityGroupIds"),
        Relation("ecs-cluster", "ecs:cluster", "ecsClusterArn"),
        Relation("eks-cluster", "eks:cluster", "eksConfiguration.eksClusterArn"),
    ),
)

JOB_QUEUE = ResourceSpec(
    type="batch:job-queue",
    service="batch",
    operation="DescribeJobQueues",
    items="jobQueues",
    id="jobQueueName",
    name="jobQueueName",
    arn="jobQueueArn",
    arn_template=_ARN + "job-queue/{id}",
    tags="tags",
    params=_PAGE,
    # Each entry carries its own `order`: the list's order means nothing.
    unordered=("computeEnvironmentOrder",),
    relations=(
        Relation(
            "compute-environment",
            "batch:compute-environment",
            "computeEnvironmentOrder[].computeEnvironment",
        ),
    ),
)

JOB_DEFINITION = ResourceSpec(
    type="batch:job-definition",
    service="batch",
    operation="DescribeJobDefinitions",
    items="jobDefinitions",
    id="jobDefinitionId",
    name="jobDefinitionName",
    arn="jobDefinitionArn",
    arn_template=_ARN + "job-definition/{id}",
    derive=revision_id,
    tags="tags",
    params={**_PAGE, "status": "ACTIVE"},
    unordered=("platformCapabilities", "containerProperties.environment"),
    relations=(
        Relation("role", "iam:role", "containerProperties.jobRoleArn"),
        Relation("execution-role", "iam:role", "containerProperties.executionRoleArn"),
    ),
)

SPECS = (COMPUTE_ENVIRONMENT, JOB_QUEUE, JOB_DEFINITION)
