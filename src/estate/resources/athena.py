"""Athena workgroups and data catalogs (regional). Lists give summaries; each item's
configuration takes a Get call.

Tags are not collected yet: ListTagsForResource needs the item's ARN, which no Athena answer
carries (it is built from the template, after the details are fetched).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec

_ARN = "arn:{partition}:athena:{region}:{account}:"

WORK_GROUP = ResourceSpec(
    type="athena:work-group",
    service="athena",
    operation="ListWorkGroups",
    items="WorkGroups",
    id="Name",
    name="Name",
    arn_template=_ARN + "workgroup/{id}",
    tags=None,
    taggable=False,
    params={"MaxResults": 50},
    # botocore models no paginator for ListWorkGroups, yet the API pages by NextToken.
    paginator={"input_token": "NextToken", "output_token": "NextToken", "limit_key": "MaxResults"},
    details=(Detail("GetWorkGroup", {"WorkGroup": "Name"}, into="WorkGroup", result="WorkGroup"),),
    relations=(
        Relation(
            "kms-key",
            "kms:key",
            "WorkGroup.Configuration.ResultConfiguration.EncryptionConfiguration.KmsKey",
        ),
        Relation("execution-role", "iam:role", "WorkGroup.Configuration.ExecutionRole"),
    ),
)

# Every account has the Glue Data Catalog as AwsDataCatalog: AWS's, not a catalog of its own.
_BUILT_IN = "AwsDataCatalog"


def own_catalogs(summary: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    """The catalogs the account registered: all but the built-in one."""
    return [] if summary.get("CatalogName") == _BUILT_IN else [summary]


_PARAMETERS = "DataCatalog.Parameters"

DATA_CATALOG = ResourceSpec(
    type="athena:data-catalog",
    service="athena",
    operation="ListDataCatalogs",
    items="DataCatalogsSummary",
    id="CatalogName",
    name="CatalogName",
    arn_template=_ARN + "datacatalog/{id}",
    tags=None,
    taggable=False,
    params={"MaxResults": 50},
    spread=own_catalogs,
    details=(
        Detail("GetDataCatalog", {"Name": "CatalogName"}, into="DataCatalog", result="DataCatalog"),
    ),
    # A LAMBDA catalog names one function for both, or one for metadata and one for records.
    relations=tuple(
        Relation("function", "lambda:function", f'{_PARAMETERS}."{key}"')
        for key in ("function", "metadata-function", "record-function")
    ),
)

# Registered once the meta-test's model answers end a page model of our own (they end only
# botocore's, so ListWorkGroups would hand back its example token for ever); tested directly.
PENDING = (WORK_GROUP,)
SPECS = (DATA_CATALOG, WORK_GROUP)
