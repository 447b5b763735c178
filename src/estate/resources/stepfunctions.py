"""Step Functions state machines and activities (regional; IAM's prefix is `states`). The
list calls give names and ARNs; DescribeStateMachine gives a machine's definition, role and
logging, and tags (a list of key/value) take a ListTagsForResource call per item."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

_ARN = "arn:{partition}:states:{region}:{account}:"
_PAGE = {"maxResults": 1000}


def _tags(arn_path: str) -> Detail:
    return Detail("ListTagsForResource", {"resourceArn": arn_path}, into="tags", result="tags")


STATE_MACHINE = ResourceSpec(
    type="stepfunctions:state-machine",
    service="stepfunctions",
    operation="ListStateMachines",
    items="stateMachines",
    id="name",
    name="name",
    arn="stateMachineArn",
    arn_template=_ARN + "stateMachine:{id}",
    iam_service="states",
    params=_PAGE,
    details=(
        Detail(
            "DescribeStateMachine",
            {"stateMachineArn": "stateMachineArn"},
            into="stateMachine",
        ),
        _tags("stateMachineArn"),
    ),
    tags="tags",
    relations=(
        Relation("role", "iam:role", "stateMachine.roleArn"),
        Relation(
            "log-group",
            "logs:log-group",
            "stateMachine.loggingConfiguration.destinations[].cloudWatchLogsLogGroup.logGroupArn",
        ),
        Relation("kms-key", "kms:key", "stateMachine.encryptionConfiguration.kmsKeyId"),
    ),
)

ACTIVITY = ResourceSpec(
    type="stepfunctions:activity",
    service="stepfunctions",
    operation="ListActivities",
    items="activities",
    id="name",
    name="name",
    arn="activityArn",
    arn_template=_ARN + "activity:{id}",
    iam_service="states",
    params=_PAGE,
    details=(
        Detail("DescribeActivity", {"activityArn": "activityArn"}, into="activity"),
        _tags("activityArn"),
    ),
    tags="tags",
    relations=(Relation("kms-key", "kms:key", "activity.encryptionConfiguration.kmsKeyId"),),
)

SPECS = (STATE_MACHINE, ACTIVITY)
