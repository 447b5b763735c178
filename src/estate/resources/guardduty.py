"""GuardDuty detectors (regional, at most one per account and region). ListDetectors gives
ids only; GetDetector gives the config and tags."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

DETECTOR = ResourceSpec(
    type="guardduty:detector",
    service="guardduty",
    operation="ListDetectors",
    items="DetectorIds",
    item_key="DetectorId",
    id="DetectorId",
    arn_template="arn:{partition}:guardduty:{region}:{account}:detector/{id}",
    params={"MaxResults": 50},
    details=(Detail("GetDetector", {"DetectorId": "DetectorId"}, into="Detector"),),
    tags="Detector.Tags",
    unordered=("Detector.Features", "Detector.Features[].AdditionalConfiguration"),
    relations=(Relation("service-role", "iam:role", "Detector.ServiceRole"),),
)

SPECS = (DETECTOR,)
