"""CodeCommit repositories (regional): ListRepositories gives names and ids; the metadata
takes a GetRepository call and the tags a ListTagsForResource call per repository."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

REPOSITORY = ResourceSpec(
    type="codecommit:repository",
    service="codecommit",
    operation="ListRepositories",
    items="repositories",
    id="repositoryName",
    name="repositoryName",
    arn="Repository.Arn",
    arn_template="arn:{partition}:codecommit:{region}:{account}:{id}",
    tags="Tags",
    details=(
        Detail(
            "GetRepository",
            {"repositoryName": "repositoryName"},
            into="Repository",
            result="repositoryMetadata",
        ),
        Detail(
            "ListTagsForResource", {"resourceArn": "Repository.Arn"}, into="Tags", result="tags"
        ),
    ),
    # Moves with every push, the repository's settings unchanged.
    volatile=("Repository.lastModifiedDate",),
    relations=(Relation("kms-key", "kms:key", "Repository.kmsKeyId"),),
)

SPECS = (REPOSITORY,)
