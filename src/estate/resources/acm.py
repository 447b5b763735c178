"""ACM certificates (regional). ListCertificates lists only RSA_1024/RSA_2048 keys unless
asked for every key type (Includes.keyTypes); DescribeCertificate gives the rest (issuer,
private CA, users) and ListTagsForCertificate the tags, a call each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec

# Every KeyAlgorithm ACM knows (botocore's enum), so no certificate is left out by its key.
KEY_TYPES = (
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
)


def certificate_id(item: Mapping[str, Any]) -> dict[str, str]:
    """A certificate's id: the UUID that ends its ARN (certificate/<uuid>)."""
    arn = item.get("CertificateArn")
    return {"CertificateId": str(arn).rsplit("/", 1)[-1]} if arn else {}


CERTIFICATE = ResourceSpec(
    type="acm:certificate",
    service="acm",
    operation="ListCertificates",
    items="CertificateSummaryList",
    id="CertificateId",
    name="DomainName",
    arn="CertificateArn",
    arn_template="arn:{partition}:acm:{region}:{account}:certificate/{id}",
    derive=certificate_id,
    params={"Includes": {"keyTypes": list(KEY_TYPES)}, "MaxItems": 1000},
    details=(
        Detail(
            "DescribeCertificate",
            {"CertificateArn": "CertificateArn"},
            into="Certificate",
            result="Certificate",
        ),
        Detail(
            "ListTagsForCertificate",
            {"CertificateArn": "CertificateArn"},
            into="Tags",
            result="Tags",
        ),
    ),
    unordered=(
        "SubjectAlternativeNameSummaries",
        "KeyUsages",
        "ExtendedKeyUsages",
        "Certificate.SubjectAlternativeNames",
        "Certificate.DomainValidationOptions",
        "Certificate.InUseBy",
        "Certificate.KeyUsages",
        "Certificate.ExtendedKeyUsages",
    ),
    # Managed renewal reports its progress there, on ACM's own schedule.
    volatile=("Certificate.RenewalSummary",),
    relations=(
        Relation(
            "certificate-authority",
            "acm-pca:certificate-authority",
            "Certificate.CertificateAuthorityArn",
        ),
    ),
)

SPECS = (CERTIFICATE,)
