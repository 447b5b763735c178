"""ECS: clusters and task definitions (regional), services and running tasks per cluster
(child types). The list calls give ARNs or names only; a Describe* call per
item gives the configuration, and with include=["TAGS"] its tags (a list of key/value).

A service's name is unique in its cluster only, and a task's id belongs to its cluster too:
their ids are `cluster/name`, which is also what their (long-format) ARNs end with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Parent, Relation, ResourceSpec

_ARN = "arn:{partition}:ecs:{region}:{account}:"
_PAGE = {"maxResults": 100}  # the largest page of every ECS List* call

# AWS's own capacity providers: every account has them, none of them is the account's.
# (ecs:capacity-provider is not listed yet: DescribeCapacityProviders pages, botocore has no
# paginator for it, and the meta-test's example answers loop on a spec's own paginator.)
MANAGED_CAPACITY_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
_OWN_PROVIDERS = " && ".join(f"@ != '{name}'" for name in MANAGED_CAPACITY_PROVIDERS)


def _last(arn: Any) -> str | None:
    return str(arn).rsplit("/", 1)[-1] if arn else None


def cluster_name(item: Mapping[str, Any]) -> dict[str, str]:
    """Pure: a cluster's name, the end of its ARN (ListClusters gives ARNs only)."""
    name = _last(item.get("clusterArn"))
    return {"clusterName": name} if name else {}


def service_id(item: Mapping[str, Any]) -> dict[str, str]:
    """Pure: a service's name (the end of its ARN, old or long format) and its id, the
    cluster's name and its own: a service's name is unique within its cluster only."""
    name = _last(item.get("serviceArn"))
    if not name:
        return {}
    return {"serviceName": name, "serviceId": f"{item.get('clusterName')}/{name}"}


def task_id(item: Mapping[str, Any]) -> dict[str, str]:
    """Pure: a task's id (the end of its ARN) and its id within its cluster."""
    found = _last(item.get("taskArn"))
    if not found:
        return {}
    return {"taskId": found, "clusterTaskId": f"{item.get('clusterName')}/{found}"}


CLUSTER = ResourceSpec(
    type="ecs:cluster",
    service="ecs",
    operation="ListClusters",
    items="clusterArns",
    item_key="clusterArn",
    id="clusterName",
    name="clusterName",
    arn="clusterArn",
    arn_template=_ARN + "cluster/{id}",
    params=_PAGE,
    derive=cluster_name,
    tags="cluster.tags",
    details=(
        Detail(
            "DescribeClusters",
            {"clusters": "[clusterArn]"},
            into="cluster",
            result="clusters[0]",
            constants={"include": ["CONFIGURATIONS", "SETTINGS", "TAGS"]},
        ),
    ),
    unordered=("cluster.capacityProviders", "cluster.defaultCapacityProviderStrategy"),
    # Counts of what runs in it move with every task started or stopped.
    volatile=(
        "cluster.runningTasksCount",
        "cluster.pendingTasksCount",
        "cluster.activeServicesCount",
        "cluster.registeredContainerInstancesCount",
        "cluster.statistics",
        "cluster.attachmentsStatus",
    ),
    relations=(
        Relation(
            "capacity-provider",
            "ecs:capacity-provider",
            f"cluster.capacityProviders[?{_OWN_PROVIDERS}]",
        ),
    ),
)

# A family's latest ACTIVE revision, one record per family: a new revision is a new ARN
# (family:revision) and AWS keeps the older ones ACTIVE until deregistered, but the family is
# what users name and deploy; its record's ARN is that of its latest revision.
TASK_DEFINITION = ResourceSpec(
    type="ecs:task-definition",
    service="ecs",
    operation="ListTaskDefinitionFamilies",
    items="families",
    item_key="family",
    id="family",
    name="family",
    arn="definition.taskDefinition.taskDefinitionArn",
    tags="definition.tags",
    params={**_PAGE, "status": "ACTIVE"},
    details=(
        # The family alone names its latest ACTIVE revision; the answer's tags sit beside it.
        Detail(
            "DescribeTaskDefinition",
            {"taskDefinition": "family"},
            into="definition",
            constants={"include": ["TAGS"]},
        ),
    ),
    unordered=(
        "definition.taskDefinition.requiresAttributes",
        "definition.taskDefinition.compatibilities",
        "definition.taskDefinition.requiresCompatibilities",
        "definition.taskDefinition.volumes",
        "definition.taskDefinition.placementConstraints",
        "definition.taskDefinition.containerDefinitions[].environment",
        "definition.taskDefinition.containerDefinitions[].secrets",
        "definition.taskDefinition.containerDefinitions[].portMappings",
    ),
    relations=(
        Relation("role", "iam:role", "definition.taskDefinition.taskRoleArn"),
        Relation("execution-role", "iam:role", "definition.taskDefinition.executionRoleArn"),
    ),
)

_SERVICE_NETWORK = "service.networkConfiguration.awsvpcConfiguration"

SERVICE = ResourceSpec(
    type="ecs:service",
    service="ecs",
    operation="ListServices",
    items="serviceArns",
    item_key="serviceArn",
    parent=Parent(
        "ecs:cluster",
        {"cluster": "clusterArn"},
        carry={"clusterArn": "clusterArn", "clusterName": "clusterName"},
    ),
    id="serviceId",
    name="serviceName",
    arn="serviceArn",
    arn_template=_ARN + "service/{id}",
    derive=service_id,
    params=_PAGE,
    tags="service.tags",
    details=(
        Detail(
            "DescribeServices",
            {"cluster": "clusterArn", "services": "[serviceArn]"},
            into="service",
            result="services[0]",
            constants={"include": ["TAGS"]},
        ),
    ),
    unordered=(
        f"{_SERVICE_NETWORK}.subnets",
        f"{_SERVICE_NETWORK}.securityGroups",
        "service.loadBalancers",
        "service.serviceRegistries",
        "service.placementConstraints",
    ),
    # Task counts move with every task started, stopped or replaced; deployments and events
    # are the service's activity log, not its configuration.
    volatile=(
        "service.runningCount",
        "service.pendingCount",
        "service.events",
        "service.deployments",
        "service.taskSets",
    ),
    relations=(
        Relation("cluster", "ecs:cluster", "clusterArn"),
        Relation("task-definition", "ecs:task-definition", "service.taskDefinition"),
        Relation("subnet", "ec2:subnet", f"{_SERVICE_NETWORK}.subnets"),
        Relation("security-group", "ec2:security-group", f"{_SERVICE_NETWORK}.securityGroups"),
        Relation("target-group", "elbv2:target-group", "service.loadBalancers[].targetGroupArn"),
        Relation("load-balancer", "elb:load-balancer", "service.loadBalancers[].loadBalancerName"),
        Relation("role", "iam:role", "service.roleArn"),
        Relation(
            "capacity-provider",
            "ecs:capacity-provider",
            f"service.capacityProviderStrategy[].capacityProvider | [?{_OWN_PROVIDERS}]",
        ),
    ),
)

_ATTACHED = "task.attachments[?type=='ElasticNetworkInterface'].details[] |"

# Running tasks (ListTasks' default): a stopped task is gone from the API within the hour.
TASK = ResourceSpec(
    type="ecs:task",
    service="ecs",
    operation="ListTasks",
    items="taskArns",
    item_key="taskArn",
    parent=Parent(
        "ecs:cluster",
        {"cluster": "clusterArn"},
        carry={"clusterArn": "clusterArn", "clusterName": "clusterName"},
    ),
    id="clusterTaskId",
    arn="taskArn",
    arn_template=_ARN + "task/{id}",
    derive=task_id,
    params=_PAGE,
    tags="task.tags",
    details=(
        Detail(
            "DescribeTasks",
            {"cluster": "clusterArn", "tasks": "[taskArn]"},
            into="task",
            result="tasks[0]",
            constants={"include": ["TAGS"]},
        ),
    ),
    unordered=("task.attachments", "task.attachments[].details", "task.containers"),
    # A task's status and health are heartbeats; its version counts their changes.
    volatile=(
        "task.lastStatus",
        "task.healthStatus",
        "task.version",
        "task.connectivity",
        "task.connectivityAt",
        "task.attachments[].status",
        "task.containers[].lastStatus",
        "task.containers[].healthStatus",
    ),
    relations=(
        Relation("cluster", "ecs:cluster", "clusterArn"),
        Relation("task-definition", "ecs:task-definition", "task.taskDefinitionArn"),
        # An awsvpc task's network interface and subnet are its ENI attachment's details.
        Relation("subnet", "ec2:subnet", f"{_ATTACHED} [?name=='subnetId'].value"),
        Relation(
            "network-interface",
            "ec2:network-interface",
            f"{_ATTACHED} [?name=='networkInterfaceId'].value",
        ),
        Relation(
            "capacity-provider",
            "ecs:capacity-provider",
            f"[task.capacityProviderName] | [?{_OWN_PROVIDERS}]",
        ),
    ),
)

SPECS = (CLUSTER, TASK_DEFINITION, SERVICE, TASK)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "ecs:task-definition": "the ARN names the latest revision (family:3), which only the"
    " answer knows; DescribeTaskDefinition always gives it",
}
