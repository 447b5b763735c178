"""AppSync GraphQL APIs (regional), the account's own only; tags inline."""

from __future__ import annotations

from estate.resources.spec import Relation, ResourceSpec

GRAPHQL_API = ResourceSpec(
    type="appsync:graphql-api",
    service="appsync",
    operation="ListGraphqlApis",
    items="graphqlApis",
    id="apiId",
    name="name",
    arn="arn",
    arn_template="arn:{partition}:appsync:{region}:{account}:apis/{id}",
    owner="owner",
    tags="tags",
    # Not the APIs of other accounts this one may merge or call.
    params={"owner": "CURRENT_ACCOUNT", "maxResults": 25},
    unordered=("additionalAuthenticationProviders",),
    relations=(
        Relation("role", "iam:role", "logConfig.cloudWatchLogsRoleArn"),
        Relation("role", "iam:role", "mergedApiExecutionRoleArn"),
        Relation("web-acl", "wafv2:web-acl", "wafWebAclArn"),
        Relation("function", "lambda:function", "lambdaAuthorizerConfig.authorizerUri"),
    ),
)

SPECS = (GRAPHQL_API,)
