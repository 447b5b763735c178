"""ECR private repositories (regional): DescribeRepositories lists the account's own registry;
tags take a ListTagsForResource call per repository."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

REPOSITORY = ResourceSpec(
    type="ecr:repository",
    service="ecr",
    operation="DescribeRepositories",
    items="repositories",
    id="repositoryName",
    name="repositoryName",
    arn="repositoryArn",
    arn_template="arn:{partition}:ecr:{region}:{account}:repository/{id}",
    params={"maxResults": 1000},
    details=(
        Detail("ListTagsForResource", {"resourceArn": "repositoryArn"}, into="tags", result="tags"),
    ),
    tags="tags",
    relations=(Relation("kms-key", "kms:key", "encryptionConfiguration.kmsKey"),),
)

SPECS = (REPOSITORY,)
