"""AWS Private CA certificate authorities (regional): the account's own (ResourceOwner
SELF), not those shared with it through RAM. Tags take a ListTags call each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec


def authority_id(item: Mapping[str, Any]) -> dict[str, str]:
    """A CA's id: the UUID that ends its ARN (certificate-authority/<uuid>)."""
    arn = item.get("Arn")
    return {"CertificateAuthorityId": str(arn).rsplit("/", 1)[-1]} if arn else {}


CERTIFICATE_AUTHORITY = ResourceSpec(
    type="acm-pca:certificate-authority",
    service="acm-pca",
    operation="ListCertificateAuthorities",
    items="CertificateAuthorities",
    id="CertificateAuthorityId",
    name="CertificateAuthorityConfiguration.Subject.CommonName",
    arn="Arn",
    arn_template="arn:{partition}:acm-pca:{region}:{account}:certificate-authority/{id}",
    owner="OwnerAccount",
    derive=authority_id,
    params={"ResourceOwner": "SELF", "MaxResults": 1000},
    details=(Detail("ListTags", {"CertificateAuthorityArn": "Arn"}, into="Tags", result="Tags"),),
    unordered=(
        "CertificateAuthorityConfiguration.Subject.CustomAttributes",
        "CertificateAuthorityConfiguration.CsrExtensions.SubjectInformationAccess",
    ),
    relations=(
        Relation(
            "crl-bucket", "s3:bucket", "RevocationConfiguration.CrlConfiguration.S3BucketName"
        ),
    ),
)

SPECS = (CERTIFICATE_AUTHORITY,)
