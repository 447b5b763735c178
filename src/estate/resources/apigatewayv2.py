"""API Gateway v2 (HTTP and WebSocket) APIs and their stages (a child type), regional. Tags
are inline. IAM actions are apigateway:GET; ARNs name no account:
arn:aws:apigateway:REGION::/apis/ID[/stages/NAME]."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Parent, Relation, ResourceSpec

_ARN = "arn:{partition}:apigateway:{region}::/apis/"
_GET = "apigateway:GET"

API = ResourceSpec(
    type="apigatewayv2:api",
    service="apigatewayv2",
    operation="GetApis",
    items="Items",
    id="ApiId",
    name="Name",
    arn_template=_ARN + "{id}",
    list_iam_action=_GET,
    unordered=(
        "Warnings",
        "CorsConfiguration.AllowHeaders",
        "CorsConfiguration.AllowMethods",
        "CorsConfiguration.AllowOrigins",
        "CorsConfiguration.ExposeHeaders",
    ),
)


def stage_id(item: Mapping[str, Any]) -> dict[str, str]:
    """A stage's name is unique in its API only: the id is API/stages/NAME, as in its ARN."""
    api, name = item.get("ApiId"), item.get("StageName")
    return {"StageId": f"{api}/stages/{name}"} if api and name else {}


STAGE = ResourceSpec(
    type="apigatewayv2:stage",
    service="apigatewayv2",
    operation="GetStages",
    items="Items",
    id="StageId",
    name="StageName",
    arn_template=_ARN + "{id}",
    parent=Parent("apigatewayv2:api", {"ApiId": "ApiId"}, carry={"ApiId": "ApiId"}),
    derive=stage_id,
    list_iam_action=_GET,
    # Says how the last auto-deployment went, not what the stage is.
    volatile=("LastDeploymentStatusMessage",),
    relations=(
        Relation("api", "apigatewayv2:api", "ApiId"),
        Relation("log-group", "logs:log-group", "AccessLogSettings.DestinationArn"),
    ),
)

SPECS = (API, STAGE)
