from __future__ import annotations

import copy
from typing import Any

import boto3

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.guardduty import DETECTOR
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"
ROLE = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/"
    "AWSServiceRoleForAmazonGuardDuty"
)


def test_detector(member: boto3.Session, reader: AccountSession) -> None:
    detector_id = member.client("guardduty", region_name=REGION).create_detector(
        Enable=True, FindingPublishingFrequency="ONE_HOUR", Tags={"team": "sec"}
    )["DetectorId"]

    detector = collect_resources(DETECTOR, reader, REGION)[detector_id]

    assert detector.arn == f"arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/{detector_id}"
    assert detector.name == detector_id
    assert detector.region == REGION
    assert detector.account == ACCOUNT
    assert detector.tags == {"team": "sec"}
    assert detector.config["Detector"]["FindingPublishingFrequency"] == "ONE_HOUR"
    assert detector.relations == [{"kind": "service-role", "type": "iam:role", "arn": ROLE}]


def test_features_in_any_order_hash_the_same() -> None:
    item: dict[str, Any] = {
        "DetectorId": "12abc34d567e8fa901bc2d34e56789f0",
        "Detector": {
            "Status": "ENABLED",
            "ServiceRole": ROLE,
            "Tags": {},
            "Features": [
                {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
                {
                    "Name": "RUNTIME_MONITORING",
                    "Status": "ENABLED",
                    "AdditionalConfiguration": [
                        {"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"},
                        {"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "DISABLED"},
                    ],
                },
            ],
        },
    }
    reordered = copy.deepcopy(item)
    features = reordered["Detector"]["Features"]
    features.reverse()
    features[0]["AdditionalConfiguration"].reverse()

    assert (
        normalize_resource(DETECTOR, ACCOUNT, REGION, reordered).hash
        == normalize_resource(DETECTOR, ACCOUNT, REGION, item).hash
    )
