from __future__ import annotations

import boto3

from estate.aws.sessions import AccountSession
from estate.resources.acmpca import CERTIFICATE_AUTHORITY
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"


def test_certificate_authority(member: boto3.Session, reader: AccountSession) -> None:
    arn = member.client("acm-pca", region_name=REGION).create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": "internal.example.com"},
        },
        RevocationConfiguration={
            "CrlConfiguration": {
                "Enabled": True,
                "ExpirationInDays": 7,
                "S3BucketName": "example-crls",
            }
        },
        CertificateAuthorityType="ROOT",
        Tags=[{"Key": "team", "Value": "pki"}],
    )["CertificateAuthorityArn"]
    ca_id = arn.rsplit("/", 1)[-1]

    ca = collect_resources(CERTIFICATE_AUTHORITY, reader, REGION)[ca_id]

    assert ca.arn == arn == f"arn:aws:acm-pca:{REGION}:{ACCOUNT}:certificate-authority/{ca_id}"
    assert ca.name == "internal.example.com"
    assert ca.region == REGION
    assert ca.account == ACCOUNT
    assert ca.tags == {"team": "pki"}
    assert ca.config["Type"] == "ROOT"
    assert ca.relations == [
        {"kind": "crl-bucket", "type": "s3:bucket", "arn": "arn:aws:s3:::example-crls"}
    ]
