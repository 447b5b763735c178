"""Cognito user pools (cognito-idp) and identity pools (cognito-identity), regional. Both
List calls need MaxResults (60 at most) and give a summary: the Describe call of each pool
gives its config and tags."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

# Every Lambda trigger a user pool can call, by ARN.
_TRIGGERS = (
    "PreSignUp",
    "CustomMessage",
    "PostConfirmation",
    "PreAuthentication",
    "PostAuthentication",
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
    "PreTokenGeneration",
    "UserMigration",
    "PreTokenGenerationConfig.LambdaArn",
    "CustomSMSSender.LambdaArn",
    "CustomEmailSender.LambdaArn",
)

USER_POOL = ResourceSpec(
    type="cognito-idp:user-pool",
    service="cognito-idp",
    operation="ListUserPools",
    items="UserPools",
    id="Id",
    name="Name",
    arn="UserPool.Arn",
    arn_template="arn:{partition}:cognito-idp:{region}:{account}:userpool/{id}",
    params={"MaxResults": 60},
    details=(Detail("DescribeUserPool", {"UserPoolId": "Id"}, into="UserPool", result="UserPool"),),
    tags="UserPool.UserPoolTags",
    unordered=(
        "UserPool.SchemaAttributes",
        "UserPool.AutoVerifiedAttributes",
        "UserPool.AliasAttributes",
        "UserPool.UsernameAttributes",
        "UserPool.AccountRecoverySetting.RecoveryMechanisms",
    ),
    # Moves with every sign-up.
    volatile=("UserPool.EstimatedNumberOfUsers",),
    relations=(
        Relation(
            "trigger", "lambda:function", "UserPool.LambdaConfig.[" + ", ".join(_TRIGGERS) + "]"
        ),
        Relation("kms-key", "kms:key", "UserPool.LambdaConfig.KMSKeyID"),
        Relation("sms-role", "iam:role", "UserPool.SmsConfiguration.SnsCallerArn"),
    ),
)

IDENTITY_POOL = ResourceSpec(
    type="cognito-identity:identity-pool",
    service="cognito-identity",
    operation="ListIdentityPools",
    items="IdentityPools",
    # <region>:<uuid>, as its ARN ends: identitypool/eu-west-1:0f3c…
    id="IdentityPoolId",
    name="IdentityPoolName",
    arn_template="arn:{partition}:cognito-identity:{region}:{account}:identitypool/{id}",
    params={"MaxResults": 60},
    details=(
        Detail("DescribeIdentityPool", {"IdentityPoolId": "IdentityPoolId"}, into="IdentityPool"),
    ),
    tags="IdentityPool.IdentityPoolTags",
    unordered=(
        "IdentityPool.OpenIdConnectProviderARNs",
        "IdentityPool.SamlProviderARNs",
        "IdentityPool.CognitoIdentityProviders",
    ),
    relations=(
        Relation("oidc-provider", "iam:oidc-provider", "IdentityPool.OpenIdConnectProviderARNs"),
        Relation("saml-provider", "iam:saml-provider", "IdentityPool.SamlProviderARNs"),
    ),
)

SPECS = (USER_POOL, IDENTITY_POOL)
