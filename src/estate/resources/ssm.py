"""Systems Manager parameters, documents and managed instances (regional). Parameters are
listed with DescribeParameters only: their values are never read (no GetParameter)."""

from __future__ import annotations

from estate.resources.kms import key_relations
from estate.resources.spec import Detail, Relation, ResourceSpec


def _tags(resource_type: str, id_path: str, missing: tuple[str, ...] = ()) -> Detail:
    return Detail(
        "ListTagsForResource",
        {"ResourceId": id_path},
        into="Tags",
        result="TagList",
        constants={"ResourceType": resource_type},
        missing=missing,
        default=[],
    )


PARAMETER = ResourceSpec(
    type="ssm:parameter",
    service="ssm",
    operation="DescribeParameters",
    items="Parameters",
    id="Name",
    name="Name",
    arn="ARN",
    # Shared is left False: parameters shared with the account are their owner's.
    params={"MaxResults": 50},
    details=(_tags("Parameter", "Name"),),
    unordered=("Policies",),
    relations=key_relations("KeyId"),
)

DOCUMENT = ResourceSpec(
    type="ssm:document",
    service="ssm",
    operation="ListDocuments",
    items="DocumentIdentifiers",
    id="Name",
    name="Name",
    arn_template="arn:{partition}:ssm:{region}:{account}:document/{id}",
    # The account's own documents, not the hundreds Amazon publishes (AWS-*) nor shared ones.
    params={"Filters": [{"Key": "Owner", "Values": ["Self"]}], "MaxResults": 50},
    unordered=("PlatformTypes", "Tags"),
    relations=(Relation("requires", "ssm:document", "Requires[].Name"),),
)

MANAGED_INSTANCE = ResourceSpec(
    type="ssm:managed-instance",
    service="ssm",
    operation="DescribeInstanceInformation",
    items="InstanceInformationList",
    # i-… for an EC2 instance, mi-… for a hybrid (on-premises) one.
    id="InstanceId",
    name="Name",
    # IAM's managed-instance ARN (a hybrid instance's); an EC2 instance's own ARN is its
    # ec2:instance record's, which the ec2-instance edge names.
    arn_template="arn:{partition}:ssm:{region}:{account}:managed-instance/{id}",
    params={"MaxResults": 50},
    # Only hybrid instances take SSM tags; an EC2 instance's are on the instance, and asking
    # for them here answers InvalidResourceId.
    details=(_tags("ManagedInstance", "InstanceId", missing=("InvalidResourceId",)),),
    # The agent's heartbeat and the last association runs move on their own.
    volatile=(
        "PingStatus",
        "LastPingDateTime",
        "IsLatestVersion",
        "AssociationStatus",
        "LastAssociationExecutionDate",
        "LastSuccessfulAssociationExecutionDate",
        "AssociationOverview",
    ),
    relations=(
        Relation(
            "ec2-instance", "ec2:instance", "[@][?SourceType == 'AWS::EC2::Instance'].SourceId"
        ),
    ),
)

SPECS = (PARAMETER, DOCUMENT, MANAGED_INSTANCE)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    # parameter/x for x, parameter/a/b for /a/b: no one template joins both.
    "ssm:parameter": "the ARN joins 'parameter' and the name with one slash, leading or not",
}
