"""Amazon MQ brokers (regional): ListBrokers gives summaries; the configuration, network and
tags take a DescribeBroker call per broker."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

BROKER = ResourceSpec(
    type="mq:broker",
    service="mq",
    operation="ListBrokers",
    items="BrokerSummaries",
    id="BrokerId",
    name="BrokerName",
    arn="BrokerArn",
    tags="Broker.Tags",
    params={"MaxResults": 100},
    details=(Detail("DescribeBroker", {"BrokerId": "BrokerId"}, into="Broker"),),
    unordered=(
        "Broker.SubnetIds",
        "Broker.SecurityGroups",
        "Broker.PendingSecurityGroups",
        "Broker.Users",
        "Broker.BrokerInstances",
        "Broker.BrokerInstances[].Endpoints",
    ),
    relations=(
        Relation("subnet", "ec2:subnet", "Broker.SubnetIds"),
        Relation("security-group", "ec2:security-group", "Broker.SecurityGroups"),
        Relation("kms-key", "kms:key", "Broker.EncryptionOptions.KmsKeyId"),
    ),
)

SPECS = (BROKER,)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "mq:broker": "the ARN holds the broker's name and id (broker:web:b-1234…); BrokerArn is "
    "in every summary",
}
