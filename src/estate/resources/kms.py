"""KMS keys and aliases (regional). ListKeys gives only ids and ARNs: DescribeKey gives the
key's metadata and ListResourceTags its tags, a call each. AWS lists the keys it manages for
the account's services (aws/s3, aws/ebs...) alongside customer-managed ones; both are kept,
KeyMetadata.KeyManager says which (AWS or CUSTOMER). Aliases are listed with the keys they
point at, AWS-managed ones (alias/aws/...) included.
"""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

KEY = ResourceSpec(
    type="kms:key",
    service="kms",
    operation="ListKeys",
    items="Keys",
    id="KeyId",
    name="KeyId",
    arn="KeyArn",
    arn_template="arn:{partition}:kms:{region}:{account}:key/{id}",
    params={"Limit": 1000},
    details=(
        Detail("DescribeKey", {"KeyId": "KeyId"}, into="KeyMetadata", result="KeyMetadata"),
        # An AWS-managed key's tags cannot be set, but ListResourceTags answers for it.
        Detail("ListResourceTags", {"KeyId": "KeyId"}, into="Tags", result="Tags"),
    ),
    unordered=(
        "KeyMetadata.EncryptionAlgorithms",
        "KeyMetadata.SigningAlgorithms",
        "KeyMetadata.KeyAgreementAlgorithms",
        "KeyMetadata.MacAlgorithms",
        "KeyMetadata.MultiRegionConfiguration.ReplicaKeys",
    ),
    relations=(
        Relation("primary-key", "kms:key", "KeyMetadata.MultiRegionConfiguration.PrimaryKey.Arn"),
    ),
)

ALIAS = ResourceSpec(
    type="kms:alias",
    service="kms",
    operation="ListAliases",
    items="Aliases",
    # The alias name (alias/orders) is unique per account and region, and ends its ARN.
    id="AliasName",
    name="AliasName",
    arn="AliasArn",
    arn_template="arn:{partition}:kms:{region}:{account}:{id}",
    params={"Limit": 100},
    tags=None,
    taggable=False,
    relations=(Relation("key", "kms:key", "TargetKeyId"),),
)

SPECS = (KEY, ALIAS)


# An alias by name (alias/aws/ssm) or by ARN (arn:aws:kms:...:alias/orders).
_ALIASES = "starts_with(@, 'alias/') || contains(@, ':alias/')"


def key_relations(path: str) -> tuple[Relation, Relation]:
    """The edges of a field naming a KMS key by id, ARN or alias (alias/aws/ssm): an alias
    name to the alias, anything else to the key, so no key ARN is made of an alias name."""
    return (
        Relation("kms-key", "kms:key", f"[{path}][?@ && !({_ALIASES})]"),
        Relation("kms-alias", "kms:alias", f"[{path}][?@ && ({_ALIASES})]"),
    )
