from __future__ import annotations

import boto3

from estate.aws.organizations import get_active_accounts
from estate.aws.regions import enabled_regions
from estate.aws.sessions import AwsSettings, SessionFactory


def test_every_page_of_the_organization_is_read_and_only_active_accounts_kept(aws: None) -> None:
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    ids = [
        org.create_account(Email=f"a{i}@example.com", AccountName=f"a{i}")["CreateAccountStatus"][
            "AccountId"
        ]
        for i in range(24)
    ]
    org.close_account(AccountId=ids[0])
    first_page = org.list_accounts(MaxResults=20)
    assert "NextToken" in first_page  # moto pages this list, so paging is exercised

    found = get_active_accounts(SessionFactory(AwsSettings()).base_session())
    found_ids = {a["Id"] for a in found}
    assert set(ids[1:]) <= found_ids
    assert ids[0] not in found_ids
    assert "123456789012" in found_ids  # the management account is a member too


def test_enabled_regions_keep_the_aws_partition_and_enabled_ones() -> None:
    answer = [
        {"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "af-south-1", "OptInStatus": "not-opted-in"},
        {"RegionName": "ap-east-1", "OptInStatus": "opted-in"},
        {"RegionName": "cn-north-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "us-gov-west-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "eu-west-1"},
    ]
    assert enabled_regions(answer) == ["ap-east-1", "eu-west-1", "us-east-1"]
