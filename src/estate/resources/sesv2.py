"""SES (API v2) email identities and configuration sets (regional; IAM's prefix is `ses`).
Lists give names; each item's settings and tags take a Get call."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

_ARN = "arn:{partition}:ses:{region}:{account}:"
# botocore models no paginator for these lists, yet the API pages by NextToken.
_PAGED = {"input_token": "NextToken", "output_token": "NextToken", "limit_key": "PageSize"}

CONFIGURATION_SET = ResourceSpec(
    type="sesv2:configuration-set",
    service="sesv2",
    operation="ListConfigurationSets",
    items="ConfigurationSets",
    item_key="ConfigurationSetName",
    id="ConfigurationSetName",
    name="ConfigurationSetName",
    arn_template=_ARN + "configuration-set/{id}",
    iam_service="ses",
    tags="ConfigurationSet.Tags",
    paginator=_PAGED,
    details=(
        Detail(
            "GetConfigurationSet",
            {"ConfigurationSetName": "ConfigurationSetName"},
            into="ConfigurationSet",
        ),
    ),
    unordered=("ConfigurationSet.SuppressionOptions.SuppressedReasons",),
)

EMAIL_IDENTITY = ResourceSpec(
    type="sesv2:email-identity",
    service="sesv2",
    operation="ListEmailIdentities",
    items="EmailIdentities",
    id="IdentityName",
    name="IdentityName",
    arn_template=_ARN + "identity/{id}",
    iam_service="ses",
    tags="Identity.Tags",
    params={"PageSize": 1000},
    paginator=_PAGED,
    details=(Detail("GetEmailIdentity", {"EmailIdentity": "IdentityName"}, into="Identity"),),
    # Easy DKIM rotates its keys on AWS's schedule, the identity unchanged.
    volatile=(
        "Identity.DkimAttributes.LastKeyGenerationTimestamp",
        "Identity.DkimAttributes.CurrentSigningKeyLength",
        "Identity.DkimAttributes.NextSigningKeyLength",
    ),
    unordered=("Identity.DkimAttributes.Tokens",),
    relations=(
        Relation("configuration-set", "sesv2:configuration-set", "Identity.ConfigurationSetName"),
    ),
)

# Registered once the meta-test's model answers end a page model of our own (they end only
# botocore's, so these lists would hand back their example token for ever); tested directly.
PENDING = (CONFIGURATION_SET, EMAIL_IDENTITY)
SPECS = (CONFIGURATION_SET, EMAIL_IDENTITY)
