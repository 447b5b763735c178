"""OpenSearch Service domains (OpenSearch and Elasticsearch engines): ListDomainNames names
them all, DescribeDomain and ListTags take a call each. IAM's prefix is still `es`, and so is
the ARN's: es:{region}:{account}:domain/<name> (names are unique per account and region)."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

_STATUS = "DomainStatus"
_VPC = f"{_STATUS}.VPCOptions"
_SOFTWARE = f"{_STATUS}.ServiceSoftwareOptions"

DOMAIN = ResourceSpec(
    type="opensearch:domain",
    service="opensearch",
    operation="ListDomainNames",
    items="DomainNames",
    id="DomainName",
    name="DomainName",
    arn=f"{_STATUS}.ARN",
    arn_template="arn:{partition}:es:{region}:{account}:domain/{id}",
    iam_service="es",
    single_call="ListDomainNames takes no page token: it names every domain of the region",
    details=(
        Detail("DescribeDomain", {"DomainName": "DomainName"}, into=_STATUS, result=_STATUS),
        Detail("ListTags", {"ARN": f"{_STATUS}.ARN"}, into="Tags", result="TagList"),
    ),
    unordered=(
        f"{_VPC}.SubnetIds",
        f"{_VPC}.AvailabilityZones",
        f"{_VPC}.SecurityGroupIds",
        f"{_STATUS}.ModifyingProperties",
    ),
    # AWS announces service software updates (and their dates) without the domain changing;
    # the processing flags and progress follow whatever change is under way.
    volatile=(
        f"{_SOFTWARE}.UpdateAvailable",
        f"{_SOFTWARE}.NewVersion",
        f"{_SOFTWARE}.Description",
        f"{_SOFTWARE}.AutomatedUpdateDate",
        f"{_SOFTWARE}.Cancellable",
        f"{_SOFTWARE}.UpdateStatus",
        f"{_SOFTWARE}.OptionalDeployment",
        f"{_STATUS}.ChangeProgressDetails",
        f"{_STATUS}.Processing",
        f"{_STATUS}.UpgradeProcessing",
        f"{_STATUS}.DomainProcessingStatus",
    ),
    relations=(
        Relation("vpc", "ec2:vpc", f"{_VPC}.VPCId"),
        Relation("subnet", "ec2:subnet", f"{_VPC}.SubnetIds"),
        Relation("security-group", "ec2:security-group", f"{_VPC}.SecurityGroupIds"),
        Relation("kms-key", "kms:key", f"{_STATUS}.EncryptionAtRestOptions.KmsKeyId"),
        Relation(
            "log-group",
            "logs:log-group",
            f"{_STATUS}.LogPublishingOptions.*.CloudWatchLogsLogGroupArn",
        ),
        Relation("role", "iam:role", f"{_STATUS}.CognitoOptions.RoleArn"),
    ),
)

SPECS = (DOMAIN,)
