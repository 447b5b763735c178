"""CodeBuild projects (regional): ListProjects gives names only; each project's configuration
and tags take a BatchGetProjects call (one name a call; batching is for later)."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec, TagWrite

PROJECT = ResourceSpec(
    type="codebuild:project",
    service="codebuild",
    # CodeBuild has no tag call of its own: a project's tags are a field UpdateProject writes,
    # which is the action IAM checks when the tagging API tags a project.
    tag_write=TagWrite(service_actions=("codebuild:UpdateProject",)),
    operation="ListProjects",
    items="projects",
    item_key="name",
    id="name",
    name="name",
    arn="Project.arn",
    arn_template="arn:{partition}:codebuild:{region}:{account}:project/{id}",
    tags="Project.tags",
    details=(
        Detail("BatchGetProjects", {"names": "[name]"}, into="Project", result="projects[0]"),
    ),
    unordered=(
        "Project.vpcConfig.subnets",
        "Project.vpcConfig.securityGroupIds",
        "Project.secondarySources",
        "Project.secondaryArtifacts",
        "Project.environment.environmentVariables",
        "Project.fileSystemLocations",
    ),
    relations=(
        Relation("service-role", "iam:role", "Project.serviceRole"),
        Relation("vpc", "ec2:vpc", "Project.vpcConfig.vpcId"),
        Relation("subnet", "ec2:subnet", "Project.vpcConfig.subnets"),
        Relation("security-group", "ec2:security-group", "Project.vpcConfig.securityGroupIds"),
        Relation("log-group", "logs:log-group", "Project.logsConfig.cloudWatchLogs.groupName"),
    ),
)

SPECS = (PROJECT,)
