from __future__ import annotations

from typing import Any

import boto3

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.athena import DATA_CATALOG, WORK_GROUP
from estate.resources.collect import get_pages
from estate.resources.spec import ResourceSpec
from tests.unit.resources.collecting import ACCOUNT, collect_resources
from tests.unit.resources.test_registry import ShapeCaller, unresolved

REGION = "eu-west-1"
ATHENA = f"arn:aws:athena:{REGION}:{ACCOUNT}"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


class OwnPagesCaller(ShapeCaller):
    """The meta-test's model answers, ending the page model of the spec's own as well."""

    def __init__(self, spec: ResourceSpec) -> None:
        self.spec = spec

    def call(self, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]:
        response = super().call(service, region, operation, **params)
        if operation == self.spec.operation and self.spec.paginator:
            response.pop(self.spec.paginator["output_token"], None)
        return response


def check_against_the_model(spec: ResourceSpec) -> None:
    """What the meta-test checks of a registered spec's paths, for one not yet registered."""
    items = [i for page in get_pages(spec, OwnPagesCaller(spec), REGION) for i in page.items]
    assert items
    for item in items:
        assert unresolved(spec, item.data) == []
        resource = normalize_resource(spec, ACCOUNT, REGION, item.data)
        assert resource.tags or not spec.taggable


def test_work_group_paths_resolve_in_the_api_shapes() -> None:
    check_against_the_model(WORK_GROUP)


def test_work_group(member: boto3.Session, reader: AccountSession) -> None:
    member.client("athena", region_name=REGION).create_work_group(
        Name="analysts",
        Configuration={
            "ResultConfiguration": {
                "OutputLocation": "s3://query-results/analysts/",
                "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": KEY},
            }
        },
    )

    found = collect_resources(WORK_GROUP, reader, REGION)

    assert set(found) == {"primary", "analysts"}  # every account's own primary workgroup too
    analysts = found["analysts"]
    assert analysts.name == "analysts"
    assert analysts.region == REGION and analysts.account == ACCOUNT
    assert analysts.arn == f"{ATHENA}:workgroup/analysts"
    assert analysts.tags == {}
    assert analysts.relations == [{"kind": "kms-key", "type": "kms:key", "arn": KEY}]


def test_data_catalog(member: boto3.Session, reader: AccountSession) -> None:
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:hive-connector"
    member.client("athena", region_name=REGION).create_data_catalog(
        Name="hive", Type="LAMBDA", Parameters={"function": function}
    )

    found = collect_resources(DATA_CATALOG, reader, REGION)

    assert set(found) == {"hive"}
    hive = found["hive"]
    assert hive.name == "hive"
    assert hive.region == REGION and hive.account == ACCOUNT
    assert hive.arn == f"{ATHENA}:datacatalog/hive"
    assert hive.relations == [{"kind": "function", "type": "lambda:function", "arn": function}]


def test_the_built_in_glue_catalog_is_not_the_accounts() -> None:
    summaries = {"DataCatalogsSummary": [{"CatalogName": "AwsDataCatalog"}, {"CatalogName": "x"}]}

    assert DATA_CATALOG.items_in(summaries) == [{"CatalogName": "x"}]
