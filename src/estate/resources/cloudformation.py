"""CloudFormation stacks (regional, tags inline; the stack id is its ARN)."""

from __future__ import annotations

from estate.resources.spec import Relation, ResourceSpec, not_taggable

STACK = ResourceSpec(
    type="cloudformation:stack",
    service="cloudformation",
    relations=(
        Relation("role", "iam:role", "RoleARN"),
        Relation("topic", "sns:topic", "NotificationARNs"),
    ),
    operation="DescribeStacks",
    items="Stacks",
    id="StackName",
    name="StackName",
    # No template: a stack's ARN holds an id that only the answer knows.
    arn="StackId",
    tag_write=not_taggable(
        "a stack's tags change only through a stack update (UpdateStack), which also "
        "updates every resource in it; estate does not update stacks"
    ),
    unordered=("Parameters", "Outputs", "Capabilities", "NotificationARNs"),
    # Set by every drift check, which changes nothing.
    volatile=("DriftInformation.LastCheckTimestamp",),
)

SPECS = (STACK,)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "cloudformation:stack": "StackId holds a stack id that only the answer knows",
}
