"""CodePipeline pipelines (regional): ListPipelines gives summaries; the structure takes a
GetPipeline call and the tags a ListTagsForResource call per pipeline."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

_PIPELINE = "Pipeline.pipeline"
_ARN = "Pipeline.metadata.pipelineArn"

PIPELINE = ResourceSpec(
    type="codepipeline:pipeline",
    service="codepipeline",
    operation="ListPipelines",
    items="pipelines",
    id="name",
    name="name",
    arn=_ARN,
    arn_template="arn:{partition}:codepipeline:{region}:{account}:{id}",
    params={"maxResults": 1000},
    details=(
        Detail("GetPipeline", {"name": "name"}, into="Pipeline"),
        Detail("ListTagsForResource", {"resourceArn": _ARN}, into="Tags", result="tags"),
    ),
    # Set when polling sources were turned off for inactivity, the pipeline unchanged.
    volatile=("Pipeline.metadata.pollingDisabledAt",),
    relations=(
        Relation("role", "iam:role", f"{_PIPELINE}.roleArn"),
        Relation("artifact-bucket", "s3:bucket", f"{_PIPELINE}.artifactStore.location"),
        Relation("artifact-bucket", "s3:bucket", f"{_PIPELINE}.artifactStores.*.location"),
        Relation("action-role", "iam:role", f"{_PIPELINE}.stages[].actions[].roleArn"),
    ),
)

SPECS = (PIPELINE,)
