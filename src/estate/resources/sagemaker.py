"""SageMaker notebook instances, endpoints and models (regional). Lists give summaries; each
item's configuration takes a Describe call and its tags a ListTags call. Training jobs and
the like are history, not inventory, and are left out.

SageMaker ARNs hold the resource's name lower-cased (notebook-instance/lab for "Lab"), so no
template can rebuild one from the name: they come from the answer, which always has them.
"""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec


def _tags(arn_path: str) -> Detail:
    return Detail("ListTags", {"ResourceArn": arn_path}, into="Tags", result="Tags")


_PAGE = {"MaxResults": 100}

NOTEBOOK_INSTANCE = ResourceSpec(
    type="sagemaker:notebook-instance",
    service="sagemaker",
    operation="ListNotebookInstances",
    items="NotebookInstances",
    id="NotebookInstanceName",
    name="NotebookInstanceName",
    arn="NotebookInstanceArn",
    params=_PAGE,
    details=(
        Detail(
            "DescribeNotebookInstance",
            {"NotebookInstanceName": "NotebookInstanceName"},
            into="Notebook",
        ),
        _tags("NotebookInstanceArn"),
    ),
    # A new network interface at every start, the notebook unchanged.
    volatile=("Notebook.NetworkInterfaceId",),
    unordered=(
        "Notebook.SecurityGroups",
        "Notebook.AcceleratorTypes",
        "Notebook.AdditionalCodeRepositories",
        "AdditionalCodeRepositories",
    ),
    relations=(
        Relation("role", "iam:role", "Notebook.RoleArn"),
        Relation("subnet", "ec2:subnet", "Notebook.SubnetId"),
        Relation("security-group", "ec2:security-group", "Notebook.SecurityGroups"),
        Relation("kms-key", "kms:key", "Notebook.KmsKeyId"),
    ),
)

_VARIANTS = "Endpoint.ProductionVariants[]"

ENDPOINT = ResourceSpec(
    type="sagemaker:endpoint",
    service="sagemaker",
    operation="ListEndpoints",
    items="Endpoints",
    id="EndpointName",
    name="EndpointName",
    arn="EndpointArn",
    params=_PAGE,
    details=(
        Detail("DescribeEndpoint", {"EndpointName": "EndpointName"}, into="Endpoint"),
        # The models and the key are named by the endpoint's configuration only.
        Detail(
            "DescribeEndpointConfig",
            {"EndpointConfigName": "Endpoint.EndpointConfigName"},
            into="EndpointConfig",
        ),
        _tags("EndpointArn"),
    ),
    # Autoscaling moves instance counts and weights, the endpoint's configuration unchanged.
    volatile=(
        f"{_VARIANTS}.CurrentInstanceCount",
        f"{_VARIANTS}.CurrentWeight",
        f"{_VARIANTS}.DesiredInstanceCount",
        f"{_VARIANTS}.DesiredWeight",
        f"{_VARIANTS}.CurrentServerlessConfig",
        f"{_VARIANTS}.VariantStatus",
    ),
    relations=(
        Relation("kms-key", "kms:key", "EndpointConfig.KmsKeyId"),
        Relation("kms-key", "kms:key", "EndpointConfig.DataCaptureConfig.KmsKeyId"),
        Relation("execution-role", "iam:role", "EndpointConfig.ExecutionRoleArn"),
    ),
)

MODEL = ResourceSpec(
    type="sagemaker:model",
    service="sagemaker",
    operation="ListModels",
    items="Models",
    id="ModelName",
    name="ModelName",
    arn="ModelArn",
    params=_PAGE,
    details=(
        Detail("DescribeModel", {"ModelName": "ModelName"}, into="Model"),
        _tags("ModelArn"),
    ),
    unordered=("Model.VpcConfig.Subnets", "Model.VpcConfig.SecurityGroupIds"),
    relations=(
        Relation("execution-role", "iam:role", "Model.ExecutionRoleArn"),
        Relation("subnet", "ec2:subnet", "Model.VpcConfig.Subnets"),
        Relation("security-group", "ec2:security-group", "Model.VpcConfig.SecurityGroupIds"),
    ),
)

SPECS = (NOTEBOOK_INSTANCE, ENDPOINT, MODEL)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
_LOWER = "the ARN holds the name lower-cased; {} is required in every summary"
ARN_ONLY_FROM_ANSWER = {
    "sagemaker:notebook-instance": _LOWER.format("NotebookInstanceArn"),
    "sagemaker:endpoint": _LOWER.format("EndpointArn"),
    "sagemaker:model": _LOWER.format("ModelArn"),
}
