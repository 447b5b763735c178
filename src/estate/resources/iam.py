"""IAM roles and users: global, listed once per account; tags need a call per item because
ListRoles and ListUsers never return them."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec, TagWrite

ROLE = ResourceSpec(
    type="iam:role",
    service="iam",
    relations=(
        Relation(
            "permissions-boundary", "iam:policy", "PermissionsBoundary.PermissionsBoundaryArn"
        ),
    ),
    operation="ListRoles",
    items="Roles",
    id="RoleName",
    name="RoleName",
    arn="Arn",
    scope="global",
    tag_write=TagWrite(
        style="each",
        set_op="TagRole",
        unset_op="UntagRole",
        batch=1,
        param="RoleName",
        source="id",
        tags_as="list",
    ),
    details=(Detail("ListRoleTags", {"RoleName": "RoleName"}, into="Tags", result="Tags"),),
)

USER = ResourceSpec(
    type="iam:user",
    service="iam",
    relations=(
        Relation(
            "permissions-boundary", "iam:policy", "PermissionsBoundary.PermissionsBoundaryArn"
        ),
    ),
    operation="ListUsers",
    items="Users",
    id="UserName",
    name="UserName",
    arn="Arn",
    scope="global",
    tag_write=TagWrite(
        style="each",
        set_op="TagUser",
        unset_op="UntagUser",
        batch=1,
        param="UserName",
        source="id",
        tags_as="list",
    ),
    details=(Detail("ListUserTags", {"UserName": "UserName"}, into="Tags", result="Tags"),),
    # Moves with every console sign-in.
    volatile=("PasswordLastUsed",),
)

SPECS = (ROLE, USER)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "iam:role": "Arn is a required member of Role; the path inside it is in no template",
    "iam:user": "Arn is a required member of User; the path inside it is in no template",
}
