"""IAM roles and users: global, listed once per account; tags need a call per item because
ListRoles and ListUsers never return them."""

from __future__ import annotations

from estate.resources.spec import Detail, ResourceSpec

ROLE = ResourceSpec(
    type="iam:role",
    service="iam",
    operation="ListRoles",
    items="Roles",
    id="RoleName",
    name="RoleName",
    arn="Arn",
    scope="global",
    details=(Detail("ListRoleTags", {"RoleName": "RoleName"}, into="Tags", result="Tags"),),
)

USER = ResourceSpec(
    type="iam:user",
    service="iam",
    operation="ListUsers",
    items="Users",
    id="UserName",
    name="UserName",
    arn="Arn",
    scope="global",
    details=(Detail("ListUserTags", {"UserName": "UserName"}, into="Tags", result="Tags"),),
    # Moves with every console sign-in.
    volatile=("PasswordLastUsed",),
)

SPECS = (ROLE, USER)
