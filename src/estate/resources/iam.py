"""IAM roles, users, managed policies, groups, instance profiles, access keys (per user),
server certificates and SAML/OIDC providers: global, listed once per account; tags need a
call per item because the List calls never return them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Parent, Relation, ResourceSpec, TagWrite


def _native(set_op: str, unset_op: str, param: str, source: str) -> TagWrite:
    """IAM tags each kind by its own call, one resource at a time (the tagging API takes
    no IAM resources)."""
    return TagWrite(
        style="each",
        set_op=set_op,
        unset_op=unset_op,
        batch=1,
        param=param,
        source=source,
        tags_as="list",
    )


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

SPECS: tuple[ResourceSpec, ...] = (ROLE, USER)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "iam:role": "Arn is a required member of Role; the path inside it is in no template",
    "iam:user": "Arn is a required member of User; the path inside it is in no template",
}

# --- more IAM types (global, listed once per account) -----------------------------------

# The policies an identity has attached, managed ones by ARN (the AWS-managed ones too).
_ATTACHED = Relation("policy", "iam:policy", "AttachedPolicies[].PolicyArn")

POLICY = ResourceSpec(
    type="iam:policy",
    service="iam",
    tag_write=_native("TagPolicy", "UntagPolicy", "PolicyArn", "arn"),
    operation="ListPolicies",
    items="Policies",
    # Managed policy names are unique per account, whatever their path.
    id="PolicyName",
    name="PolicyName",
    arn="Arn",
    scope="global",
    # Local: the account's own policies, not the ~1,300 AWS-managed ones.
    params={"Scope": "Local", "OnlyAttached": False},
    details=(
        Detail("ListPolicyTags", {"PolicyArn": "Arn"}, into="Tags", result="Tags"),
        # The document of the default version: what the policy allows.
        Detail(
            "GetPolicyVersion",
            {"PolicyArn": "Arn", "VersionId": "DefaultVersionId"},
            into="DefaultVersion",
            result="PolicyVersion",
        ),
    ),
    # Move when another identity attaches the policy or takes it off, not with the policy.
    volatile=("AttachmentCount", "PermissionsBoundaryUsageCount"),
)

GROUP = ResourceSpec(
    type="iam:group",
    service="iam",
    operation="ListGroups",
    items="Groups",
    id="GroupName",
    name="GroupName",
    arn="Arn",
    scope="global",
    tags=None,  # IAM groups take no tags
    taggable=False,
    details=(
        Detail(
            "ListAttachedGroupPolicies",
            {"GroupName": "GroupName"},
            into="AttachedPolicies",
            result="AttachedPolicies",
        ),
        Detail(
            "ListGroupPolicies",
            {"GroupName": "GroupName"},
            into="InlinePolicyNames",
            result="PolicyNames",
        ),
        # Members by ARN only: GetGroup's users carry their PasswordLastUsed.
        Detail("GetGroup", {"GroupName": "GroupName"}, into="UserArns", result="Users[].Arn"),
    ),
    unordered=("AttachedPolicies", "InlinePolicyNames", "UserArns"),
    relations=(_ATTACHED, Relation("member", "iam:user", "UserArns")),
)

INSTANCE_PROFILE = ResourceSpec(
    type="iam:instance-profile",
    service="iam",
    tag_write=_native("TagInstanceProfile", "UntagInstanceProfile", "InstanceProfileName", "id"),
    operation="ListInstanceProfiles",
    items="InstanceProfiles",
    id="InstanceProfileName",
    name="InstanceProfileName",
    arn="Arn",
    scope="global",
    # ListInstanceProfiles leaves the tags out.
    details=(
        Detail(
            "ListInstanceProfileTags",
            {"InstanceProfileName": "InstanceProfileName"},
            into="Tags",
            result="Tags",
        ),
    ),
    unordered=("Roles",),
    volatile=("Roles[].RoleLastUsed",),
    relations=(Relation("role", "iam:role", "Roles[].Arn"),),
)

ACCESS_KEY = ResourceSpec(
    type="iam:access-key",
    service="iam",
    operation="ListAccessKeys",
    items="AccessKeyMetadata",
    # Metadata only (id, status, creation date): a secret key is given once, at creation.
    id="AccessKeyId",
    # IAM gives an access key no ARN: this one is estate's, in IAM's form, unique per key.
    arn_template="arn:{partition}:iam::{account}:access-key/{id}",
    scope="global",
    parent=Parent("iam:user", {"UserName": "UserName"}, carry={"UserArn": "Arn"}),
    tags=None,
    taggable=False,
    relations=(Relation("user", "iam:user", "UserArn"),),
)

SERVER_CERTIFICATE = ResourceSpec(
    type="iam:server-certificate",
    service="iam",
    tag_write=_native(
        "TagServerCertificate", "UntagServerCertificate", "ServerCertificateName", "id"
    ),
    operation="ListServerCertificates",
    items="ServerCertificateMetadataList",
    id="ServerCertificateName",
    name="ServerCertificateName",
    arn="Arn",
    scope="global",
    details=(
        Detail(
            "ListServerCertificateTags",
            {"ServerCertificateName": "ServerCertificateName"},
            into="Tags",
            result="Tags",
        ),
    ),
)


def _provider_name(item: Mapping[str, Any]) -> dict[str, str]:
    """A SAML or OIDC provider's name: its ARN's resource part after the type."""
    arn = item.get("Arn")
    return {"ProviderName": str(arn).split("/", 1)[-1]} if arn else {}


SAML_PROVIDER = ResourceSpec(
    type="iam:saml-provider",
    service="iam",
    tag_write=_native("TagSAMLProvider", "UntagSAMLProvider", "SAMLProviderArn", "arn"),
    operation="ListSAMLProviders",
    items="SAMLProviderList",
    id="ProviderName",
    name="ProviderName",
    arn="Arn",
    arn_template="arn:{partition}:iam::{account}:saml-provider/{id}",
    scope="global",
    derive=_provider_name,
    single_call="ListSAMLProviders takes no page token: one answer lists every provider",
    details=(
        Detail("ListSAMLProviderTags", {"SAMLProviderArn": "Arn"}, into="Tags", result="Tags"),
    ),
)

OIDC_PROVIDER = ResourceSpec(
    type="iam:oidc-provider",
    service="iam",
    tag_write=_native(
        "TagOpenIDConnectProvider", "UntagOpenIDConnectProvider", "OpenIDConnectProviderArn", "arn"
    ),
    operation="ListOpenIDConnectProviders",
    items="OpenIDConnectProviderList",
    # The provider's URL without its scheme (token.actions.githubusercontent.com).
    id="ProviderName",
    name="ProviderName",
    arn="Arn",
    arn_template="arn:{partition}:iam::{account}:oidc-provider/{id}",
    scope="global",
    derive=_provider_name,
    single_call="ListOpenIDConnectProviders takes no page token: one answer lists them all",
    # One call gives the URL, client ids, thumbprints and tags.
    details=(
        Detail("GetOpenIDConnectProvider", {"OpenIDConnectProviderArn": "Arn"}, into="Provider"),
    ),
    tags="Provider.Tags",
    unordered=("Provider.ClientIDList", "Provider.ThumbprintList"),
)

SPECS = (
    *SPECS,
    POLICY,
    GROUP,
    INSTANCE_PROFILE,
    ACCESS_KEY,
    SERVER_CERTIFICATE,
    SAML_PROVIDER,
    OIDC_PROVIDER,
)

ARN_ONLY_FROM_ANSWER.update(
    {
        "iam:policy": "Arn is a required member of Policy; its path is in no template",
        "iam:group": "Arn is a required member of Group; its path is in no template",
        "iam:instance-profile": "Arn is required in InstanceProfile; its path is in no template",
        "iam:server-certificate": "Arn is required in ServerCertificateMetadata, with its path",
    }
)
