from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import boto3

from estate.aws.sessions import AccountSession
from estate.resources.configservice import (
    CONFIG_RULE,
    CONFIGURATION_RECORDER,
    CONFORMANCE_PACK,
)
from tests.unit.resources.collecting import ACCOUNT, collect_resources
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"


def _function(member: boto3.Session) -> str:
    role = member.client("iam").create_role(
        RoleName="rule-fn", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"})
    )["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("rule.py", "def handler(event, context): pass\n")
    return str(
        member.client("lambda", region_name=REGION).create_function(
            FunctionName="check-buckets",
            Runtime="python3.12",
            Role=role,
            Handler="rule.handler",
            Code={"ZipFile": code.getvalue()},
        )["FunctionArn"]
    )


def test_config_rule(member: boto3.Session, reader: AccountSession) -> None:
    function = _function(member)
    config: Any = member.client("config", region_name=REGION)
    config.put_config_rule(
        ConfigRule={
            "ConfigRuleName": "buckets-versioned",
            "Source": {
                "Owner": "CUSTOM_LAMBDA",
                "SourceIdentifier": function,
                "SourceDetails": [
                    {
                        "EventSource": "aws.config",
                        "MessageType": "ConfigurationItemChangeNotification",
                    }
                ],
            },
        },
        Tags=[{"Key": "team", "Value": "sec"}],
    )
    config.put_config_rule(
        ConfigRule={
            "ConfigRuleName": "managed",
            "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
        }
    )

    found = collect_resources(CONFIG_RULE, reader, REGION)

    rule = found["buckets-versioned"]
    assert rule.name == "buckets-versioned"
    assert rule.region == REGION and rule.account == ACCOUNT
    rule_id = rule.config["ConfigRuleId"]
    assert rule.arn == f"arn:aws:config:{REGION}:{ACCOUNT}:config-rule/{rule_id}"
    assert rule.tags == {"team": "sec"}
    assert rule.relations == [{"kind": "function", "type": "lambda:function", "arn": function}]
    assert found["managed"].relations == []  # a managed rule's identifier is no function


def test_configuration_recorder() -> None:
    # moto 5.2 lacks the recorder's arn (AWS answers it since the service-linked recorders).
    arn = f"arn:aws:config:{REGION}:{ACCOUNT}:configuration-recorder/default/abcd1234efgh5678"
    role = f"arn:aws:iam::{ACCOUNT}:role/config-recorder"
    with stubbed("config", REGION) as (session, stubber):
        stubber.add_response(
            "describe_configuration_recorders",
            {
                "ConfigurationRecorders": [
                    {
                        "arn": arn,
                        "name": "default",
                        "roleARN": role,
                        "recordingGroup": {
                            "allSupported": False,
                            "includeGlobalResourceTypes": False,
                            "resourceTypes": ["AWS::S3::Bucket", "AWS::EC2::Instance"],
                        },
                        "recordingMode": {"recordingFrequency": "CONTINUOUS"},
                        "recordingScope": "PAID",
                    }
                ]
            },
            {},
        )
        stubber.add_response(
            "list_tags_for_resource",
            {"Tags": [{"Key": "team", "Value": "sec"}]},
            {"ResourceArn": arn},
        )
        recorder = collect_resources(CONFIGURATION_RECORDER, session, REGION)["default"]

    assert recorder.name == "default"
    assert recorder.region == REGION and recorder.account == ACCOUNT
    assert recorder.arn == arn
    assert recorder.tags == {"team": "sec"}
    assert recorder.relations == [{"kind": "role", "type": "iam:role", "arn": role}]
    types = recorder.config["recordingGroup"]["resourceTypes"]
    assert types == ["AWS::EC2::Instance", "AWS::S3::Bucket"]  # unordered, so sorted


def test_conformance_pack() -> None:
    # moto 5.2 lacks DescribeConformancePacks.
    arn = (
        f"arn:aws:config:{REGION}:{ACCOUNT}:conformance-pack/"
        "ops-best-practices/conformance-pack-abcdefghi"
    )
    with stubbed("config", REGION) as (session, stubber):
        stubber.add_response(
            "describe_conformance_packs",
            {
                "ConformancePackDetails": [
                    {
                        "ConformancePackName": "ops-best-practices",
                        "ConformancePackArn": arn,
                        "ConformancePackId": "conformance-pack-abcdefghi",
                        "DeliveryS3Bucket": "config-packs",
                        "ConformancePackInputParameters": [],
                    }
                ]
            },
            {"Limit": 20},
        )
        stubber.add_response(
            "list_tags_for_resource",
            {"Tags": [{"Key": "team", "Value": "sec"}]},
            {"ResourceArn": arn},
        )
        pack = collect_resources(CONFORMANCE_PACK, session, REGION)["ops-best-practices"]

    assert pack.name == "ops-best-practices"
    assert pack.region == REGION and pack.account == ACCOUNT
    assert pack.arn == arn
    assert pack.tags == {"team": "sec"}
    assert pack.relations == [
        {"kind": "delivery-bucket", "type": "s3:bucket", "arn": "arn:aws:s3:::config-packs"}
    ]
