from __future__ import annotations

from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.glue import CRAWLER, DATABASE, JOB
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/glue-etl"
GLUE = f"arn:aws:glue:{REGION}:{ACCOUNT}"


@pytest.fixture
def glue(member: boto3.Session) -> Any:
    client = member.client("glue", region_name=REGION)
    client.create_database(DatabaseInput={"Name": "sales"})
    client.create_job(
        Name="nightly-etl",
        Role=ROLE,
        Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/etl.py"},
        Connections={"Connections": ["warehouse", "crm"]},
    )
    client.create_job(
        Name="by-name", Role="glue-etl", Command={"Name": "glueetl", "ScriptLocation": "s3://a/b"}
    )
    client.create_crawler(
        Name="sales-crawler",
        Role=ROLE,
        DatabaseName="sales",
        Targets={"S3Targets": [{"Path": "s3://sales/raw/"}]},
    )
    return client


def test_job(glue: Any, reader: AccountSession) -> None:
    found = collect_resources(JOB, reader, REGION)

    job = found["nightly-etl"]
    assert job.name == "nightly-etl"
    assert job.region == REGION and job.account == ACCOUNT
    assert job.arn == f"{GLUE}:job/nightly-etl"
    assert job.tags == {}
    assert job.config["Connections"]["Connections"] == ["crm", "warehouse"]  # sorted
    assert job.relations == [{"kind": "role", "type": "iam:role", "arn": ROLE}]
    assert found["by-name"].relations == []  # a role name is no ARN, and iam:role has no template


def test_database(glue: Any, reader: AccountSession) -> None:
    sales = collect_resources(DATABASE, reader, REGION)["sales"]

    assert sales.name == "sales"
    assert sales.region == REGION and sales.account == ACCOUNT
    assert sales.arn == f"{GLUE}:database/sales"
    assert sales.tags == {}


def test_crawler(glue: Any, reader: AccountSession) -> None:
    crawler = collect_resources(CRAWLER, reader, REGION)["sales-crawler"]

    assert crawler.name == "sales-crawler"
    assert crawler.region == REGION and crawler.account == ACCOUNT
    assert crawler.arn == f"{GLUE}:crawler/sales-crawler"
    assert crawler.relations == [
        {"kind": "database", "type": "glue:database", "arn": f"{GLUE}:database/sales"},
        {"kind": "role", "type": "iam:role", "arn": ROLE},
    ]


def test_a_crawl_does_not_change_the_crawlers_hash(glue: Any, reader: AccountSession) -> None:
    (raw,) = [item for page in collect_pages(CRAWLER, reader, REGION) for item in page.items]
    crawled = {
        **raw.data,
        "State": "RUNNING",
        "CrawlElapsedTime": 42000,
        "LastCrawl": {"Status": "SUCCEEDED", "LogGroup": "/aws-glue/crawlers"},
    }

    assert (
        normalize_resource(CRAWLER, ACCOUNT, REGION, crawled).hash
        == normalize_resource(CRAWLER, ACCOUNT, REGION, raw.data).hash
    )
