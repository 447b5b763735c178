from __future__ import annotations

from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.acm import CERTIFICATE
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def acm(member: boto3.Session) -> Any:
    return member.client("acm", region_name=REGION)


def test_certificate(acm: Any, member: boto3.Session, reader: AccountSession) -> None:
    ca_arn = member.client("acm-pca", region_name=REGION).create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": "internal"},
        },
        CertificateAuthorityType="ROOT",
    )["CertificateAuthorityArn"]
    arn = acm.request_certificate(
        DomainName="shop.example.com",
        SubjectAlternativeNames=["shop.example.com", "www.shop.example.com"],
        CertificateAuthorityArn=ca_arn,
        Tags=[{"Key": "team", "Value": "shop"}],
    )["CertificateArn"]
    cert_id = arn.rsplit("/", 1)[-1]

    cert = collect_resources(CERTIFICATE, reader, REGION)[cert_id]

    assert cert.arn == arn == f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{cert_id}"
    assert cert.name == "shop.example.com"
    assert cert.region == REGION
    assert cert.account == ACCOUNT
    assert cert.tags == {"team": "shop"}
    assert cert.relations == [
        {"kind": "certificate-authority", "type": "acm-pca:certificate-authority", "arn": ca_arn}
    ]


def test_every_key_type_is_asked_for() -> None:
    assert set(CERTIFICATE.params["Includes"]["keyTypes"]) >= {"RSA_2048", "EC_prime256v1"}
    assert len(CERTIFICATE.params["Includes"]["keyTypes"]) == 7
