"""API Gateway (v1) REST APIs and their stages (a child type), regional. Tags are inline.

API Gateway's IAM actions are HTTP verbs on resource paths (apigateway:GET), and its ARNs
name no account: arn:aws:apigateway:REGION::/restapis/ID[/stages/NAME].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Parent, Relation, ResourceSpec

_ARN = "arn:{partition}:apigateway:{region}::/restapis/"
_GET = "apigateway:GET"

REST_API = ResourceSpec(
    type="apigateway:rest-api",
    service="apigateway",
    operation="GetRestApis",
    items="items",
    id="id",
    name="name",
    arn_template=_ARN + "{id}",
    tags="tags",
    params={"limit": 500},
    list_iam_action=_GET,
    unordered=(
        "binaryMediaTypes",
        "warnings",
        "endpointConfiguration.types",
        "endpointConfiguration.vpcEndpointIds",
    ),
    relations=(
        Relation("vpc-endpoint", "ec2:vpc-endpoint", "endpointConfiguration.vpcEndpointIds"),
    ),
)


def stage_id(item: Mapping[str, Any]) -> dict[str, str]:
    """A stage's name is unique in its API only: the id is API/stages/NAME, as in its ARN."""
    api, name = item.get("restApiId"), item.get("stageName")
    return {"stageId": f"{api}/stages/{name}"} if api and name else {}


STAGE = ResourceSpec(
    type="apigateway:stage",
    service="apigateway",
    operation="GetStages",
    items="item",
    id="stageId",
    name="stageName",
    arn_template=_ARN + "{id}",
    tags="tags",
    parent=Parent("apigateway:rest-api", {"restApiId": "id"}, carry={"restApiId": "id"}),
    single_call="GetStages takes no page token: it answers every stage of the API",
    derive=stage_id,
    list_iam_action=_GET,
    # The cache cluster's state moves as it is created or flushed, the stage is the same.
    unstable=("cacheClusterStatus",),
    relations=(
        Relation("rest-api", "apigateway:rest-api", "restApiId"),
        Relation("log-group", "logs:log-group", "accessLogSettings.destinationArn"),
        Relation("web-acl", "wafv2:web-acl", "webAclArn"),
    ),
)

SPECS = (REST_API, STAGE)
