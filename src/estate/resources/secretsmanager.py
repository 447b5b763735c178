"""Secrets Manager secrets (regional, tags inline). Only ListSecrets' metadata: the secret
value is never read (no GetSecretValue)."""

from __future__ import annotations

from estate.resources.kms import key_relations
from estate.resources.spec import Relation, ResourceSpec

SECRET = ResourceSpec(
    type="secretsmanager:secret",
    service="secretsmanager",
    operation="ListSecrets",
    items="SecretList",
    id="Name",
    name="Name",
    arn="ARN",
    # A secret scheduled for deletion still exists (and can be restored) until DeletedDate.
    params={"IncludePlannedDeletion": True, "MaxResults": 100},
    unordered=("Tags",),
    # Move with use and with each rotation of the value, which is not the secret's config.
    volatile=(
        "LastAccessedDate",
        "LastChangedDate",
        "LastRotatedDate",
        "NextRotationDate",
        "SecretVersionsToStages",
    ),
    relations=(
        *key_relations("KmsKeyId"),
        Relation("rotation-function", "lambda:function", "RotationLambdaARN"),
    ),
)

SPECS = (SECRET,)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "secretsmanager:secret": "the ARN ends in six random characters (orders-db-AbCdEf)",
}
