from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.sagemaker import ENDPOINT, MODEL, NOTEBOOK_INSTANCE
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
SUBNET = "subnet-0a1b2c3d4e5f60718"
SG = "sg-0a1b2c3d4e5f60718"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}"
# moto keeps the name's case in the ARN; AWS lower-cases it.
SAGEMAKER = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"


@pytest.fixture
def sagemaker(member: boto3.Session) -> Any:
    # moto's SageMaker checks no network ids, and an EC2 backend costs seconds to start.
    client = member.client("sagemaker", region_name=REGION)
    client.create_model(
        ModelName="churn",
        ExecutionRoleArn=ROLE,
        PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/churn:1"},
        VpcConfig={"Subnets": [SUBNET], "SecurityGroupIds": [SG]},
        Tags=[{"Key": "team", "Value": "ml"}],
    )
    return client


def test_notebook_instance(sagemaker: Any, reader: AccountSession) -> None:
    sagemaker.create_notebook_instance(
        NotebookInstanceName="lab",
        InstanceType="ml.t3.medium",
        RoleArn=ROLE,
        SubnetId=SUBNET,
        SecurityGroupIds=[SG],
        KmsKeyId=KEY,
        Tags=[{"Key": "team", "Value": "ml"}],
    )

    lab = collect_resources(NOTEBOOK_INSTANCE, reader, REGION)["lab"]

    assert lab.name == "lab"
    assert lab.region == REGION and lab.account == ACCOUNT
    assert lab.arn == f"{SAGEMAKER}:notebook-instance/lab"
    assert lab.tags == {"team": "ml"}
    assert lab.relations == [
        {"kind": "kms-key", "type": "kms:key", "arn": KEY},
        {"kind": "role", "type": "iam:role", "arn": ROLE},
        {
            "kind": "security-group",
            "type": "ec2:security-group",
            "arn": f"{EC2}:security-group/{SG}",
        },
        {"kind": "subnet", "type": "ec2:subnet", "arn": f"{EC2}:subnet/{SUBNET}"},
    ]


def test_model(sagemaker: Any, reader: AccountSession) -> None:
    churn = collect_resources(MODEL, reader, REGION)["churn"]

    assert churn.name == "churn"
    assert churn.region == REGION and churn.account == ACCOUNT
    assert churn.arn == f"{SAGEMAKER}:model/churn"
    assert churn.tags == {"team": "ml"}
    assert {"kind": "execution-role", "type": "iam:role", "arn": ROLE} in churn.relations
    assert len(churn.relations) == 3


@pytest.fixture
def endpoint(sagemaker: Any) -> None:
    sagemaker.create_endpoint_config(
        EndpointConfigName="churn-v1",
        ProductionVariants=[
            {
                "VariantName": "main",
                "ModelName": "churn",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
            }
        ],
        KmsKeyId=KEY,
    )
    sagemaker.create_endpoint(
        EndpointName="churn",
        EndpointConfigName="churn-v1",
        Tags=[{"Key": "team", "Value": "ml"}],
    )


def test_endpoint(endpoint: None, reader: AccountSession) -> None:
    churn = collect_resources(ENDPOINT, reader, REGION)["churn"]

    assert churn.name == "churn"
    assert churn.region == REGION and churn.account == ACCOUNT
    assert churn.arn == f"{SAGEMAKER}:endpoint/churn"
    assert churn.tags == {"team": "ml"}
    assert churn.config["EndpointConfig"]["ProductionVariants"][0]["ModelName"] == "churn"
    assert churn.relations == [{"kind": "kms-key", "type": "kms:key", "arn": KEY}]


def test_scaling_does_not_change_an_endpoints_hash(endpoint: None, reader: AccountSession) -> None:
    (raw,) = [item for page in collect_pages(ENDPOINT, reader, REGION) for item in page.items]
    scaled = copy.deepcopy(raw.data)
    scaled["Endpoint"]["ProductionVariants"][0]["CurrentInstanceCount"] = 4

    assert (
        normalize_resource(ENDPOINT, ACCOUNT, REGION, scaled).hash
        == normalize_resource(ENDPOINT, ACCOUNT, REGION, raw.data).hash
    )
