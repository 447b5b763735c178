"""Sending tag changes: the exact calls each API gets, partial failures retried for only the
failed resources, one bad resource narrowed down, S3 tags merged (never replaced)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from estate.actions.tagapply import (
    apply_batched,
    apply_each,
    apply_merged,
    apply_tagging,
    tag_target,
)
from estate.actions.tagplan import PlannedItem, TagChange
from estate.aws.sessions import AwsSettings, SessionFactory

A = "111111111111"
REGION = "eu-west-1"


def error(code: str, op: str = "Call", status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        op,
    )


class Fake:
    """A caller that records calls and answers with `answer(operation, params)`."""

    def __init__(self, answer: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None):
        self.calls: list[tuple[str, str, str, dict[str, Any]]] = []
        self.answer = answer or (lambda op, params: {})

    def call(self, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]:
        self.calls.append((service, region, operation, params))
        return self.answer(operation, params)

    def ops(self) -> list[str]:
        return [c[2] for c in self.calls]


def item(n: int, change: TagChange, type_: str = "ec2:instance", **extra: Any) -> PlannedItem:
    arn = f"arn:aws:ec2:{REGION}:{A}:instance/i-{n:04d}"
    if type_ == "sns:topic":
        arn = f"arn:aws:sns:{REGION}:{A}:topic-{n}"
    return PlannedItem(
        arn=arn,
        type=type_,
        account=A,
        region=REGION,
        id=extra.pop("id", f"i-{n:04d}"),
        api="ec2",
        change=change,
        **extra,
    )


CHANGE = TagChange({"CostCenter": "1234"}, ("Temp",))


def test_ec2_sends_every_id_of_a_batch_in_one_create_and_one_delete() -> None:
    fake = Fake()
    batch = [item(i, CHANGE) for i in range(1000)]
    outcomes = apply_batched(fake, REGION, batch)
    assert [o.error for o in outcomes] == [None] * 1000
    assert fake.ops() == ["CreateTags", "DeleteTags"]
    (_, region, _, create), (_, _, _, delete) = fake.calls
    assert region == REGION and len(create["Resources"]) == 1000
    assert create["Tags"] == [{"Key": "CostCenter", "Value": "1234"}]
    assert delete["Tags"] == [{"Key": "Temp"}]  # no Value: whatever the value is


def test_ec2_narrows_a_missing_instance_down_to_its_item() -> None:
    def answer(op: str, params: dict[str, Any]) -> dict[str, Any]:
        if "i-0005" in params["Resources"]:
            raise error("InvalidInstanceID.NotFound", op)
        return {}

    fake = Fake(answer)
    outcomes = apply_batched(fake, REGION, [item(i, TagChange({"k": "v"})) for i in range(16)])
    failed = {o.item.id: o.error for o in outcomes if o.error}
    assert failed == {
        "i-0005": "CreateTags: InvalidInstanceID.NotFound: InvalidInstanceID.NotFound"
    }
    assert len(outcomes) == 16
    assert len(fake.calls) <= 2 * 4 + 1  # halving: a few calls, not one per instance


def test_ec2_raises_what_concerns_every_item() -> None:
    def denied(op: str, params: dict[str, Any]) -> dict[str, Any]:
        raise error("UnauthorizedOperation", op, 403)

    with pytest.raises(ClientError):
        apply_batched(Fake(denied), REGION, [item(i, CHANGE) for i in range(3)])


def test_a_fatal_error_of_the_whole_call_fails_the_batch_without_splitting() -> None:
    def bad(op: str, params: dict[str, Any]) -> dict[str, Any]:
        raise error("InvalidParameterValue", op)

    fake = Fake(bad)
    outcomes = apply_batched(fake, REGION, [item(i, CHANGE) for i in range(8)])
    assert all("InvalidParameterValue" in (o.error or "") for o in outcomes)
    assert len(fake.calls) == 1


def _tagging_answers(plan: list[dict[str, dict[str, Any]]]) -> Callable[..., dict[str, Any]]:
    """Answer the n-th call with FailedResourcesMap plan[n] (for the ARNs it was sent)."""
    calls = iter(plan)

    def answer(op: str, params: dict[str, Any]) -> dict[str, Any]:
        failed = next(calls, {})
        return {"FailedResourcesMap": {a: f for a, f in failed.items()}}

    return answer


def test_tagging_api_retries_only_the_arns_that_failed() -> None:
    batch = [item(i, TagChange({"k": "v"}), "sns:topic") for i in range(20)]
    flaky = {"StatusCode": 500, "ErrorCode": "InternalServiceException", "ErrorMessage": "x"}
    fake = Fake(
        _tagging_answers([{batch[3].arn: flaky, batch[7].arn: flaky}, {batch[7].arn: flaky}])
    )
    sleeps: list[float] = []
    outcomes = apply_tagging(fake, REGION, batch, sleep=sleeps.append)
    assert [o.error for o in outcomes] == [None] * 20
    sent = [c[3]["ResourceARNList"] for c in fake.calls]
    assert sent == [[i.arn for i in batch], [batch[3].arn, batch[7].arn], [batch[7].arn]]
    assert all(c[:3] == ("resourcegroupstaggingapi", REGION, "TagResources") for c in fake.calls)
    assert fake.calls[0][3]["Tags"] == {"k": "v"} and len(sleeps) == 2


def test_tagging_api_gives_up_on_an_arn_refused_for_good_or_too_often() -> None:
    batch = [item(i, TagChange({"k": "v"}, ("old",)), "sns:topic") for i in range(3)]
    refused = {"StatusCode": 400, "ErrorCode": "InvalidParameterException", "ErrorMessage": "no"}
    flaky = {"StatusCode": 500, "ErrorCode": "InternalServiceException"}
    fake = Fake(
        _tagging_answers(
            [{batch[0].arn: refused, batch[1].arn: flaky}] + [{batch[1].arn: flaky}] * 4
        )
    )
    outcomes = apply_tagging(fake, REGION, batch, sleep=lambda s: None)
    errors = [o.error for o in outcomes]
    assert errors[0] == "TagResources: InvalidParameterException: no"
    assert errors[1] == "TagResources: InternalServiceException"
    assert errors[2] is None
    assert fake.ops() == ["TagResources"] * 5 + ["UntagResources"]
    assert fake.calls[-1][3] == {"ResourceARNList": [batch[2].arn], "TagKeys": ["old"]}


def test_iam_and_sqs_use_their_own_calls() -> None:
    fake = Fake()
    role = item(1, CHANGE, "iam:role", id="deployer")
    assert apply_each(fake, "us-east-1", [role])[0].error is None
    tags = [{"Key": "CostCenter", "Value": "1234"}]
    assert fake.calls == [
        ("iam", "us-east-1", "TagRole", {"RoleName": "deployer", "Tags": tags}),
        ("iam", "us-east-1", "UntagRole", {"RoleName": "deployer", "TagKeys": ["Temp"]}),
    ]
    fake = Fake()
    queue = PlannedItem(
        f"arn:aws:sqs:{REGION}:{A}:jobs", "sqs:queue", A, REGION, "jobs", "sqs", CHANGE
    )
    assert tag_target(queue) == f"https://sqs.{REGION}.amazonaws.com/{A}/jobs"
    apply_each(fake, REGION, [queue])
    assert fake.ops() == ["TagQueue", "UntagQueue"]
    assert fake.calls[0][3]["Tags"] == {"CostCenter": "1234"}


# --- S3, against moto ----------------------------------------------------------------------


def bucket_item(name: str, change: TagChange, region: str) -> PlannedItem:
    return PlannedItem(f"arn:aws:s3:::{name}", "s3:bucket", A, region, name, "s3", change)


def _session() -> Any:
    factory = SessionFactory(AwsSettings())
    return factory.for_account(factory.caller_account(), None)


def test_s3_tags_are_merged_with_the_buckets_own_in_its_region(aws: None) -> None:
    s3 = boto3.client("s3", region_name="eu-central-1")
    s3.create_bucket(
        Bucket="data-eu", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    # added after any inventory: a plan cannot know it, the merge must keep it
    s3.put_bucket_tagging(
        Bucket="data-eu",
        Tagging={"TagSet": [{"Key": "owner", "Value": "ana"}, {"Key": "Temp", "Value": "1"}]},
    )
    session = _session()
    calls: list[tuple[str, str]] = []

    class Recording:
        def call(self, service: str, region: str, operation: str, **params: Any) -> Any:
            calls.append((region, operation))
            return session.call(service, region, operation, **params)

    (outcome,) = apply_merged(
        Recording(), "eu-central-1", [bucket_item("data-eu", CHANGE, "eu-central-1")]
    )
    expected = {"CostCenter": "1234", "owner": "ana"}
    assert outcome.error is None and outcome.tags == expected
    got = s3.get_bucket_tagging(Bucket="data-eu")["TagSet"]
    assert {t["Key"]: t["Value"] for t in got} == expected
    assert calls == [("eu-central-1", "GetBucketTagging"), ("eu-central-1", "PutBucketTagging")]

    # removing the last tags deletes the tag set; a bucket without tags is no error
    last = TagChange({}, ("CostCenter", "owner"))
    (outcome,) = apply_merged(
        session, "eu-central-1", [bucket_item("data-eu", last, "eu-central-1")]
    )
    assert outcome.tags == {}
    with pytest.raises(ClientError, match="NoSuchTagSet"):
        s3.get_bucket_tagging(Bucket="data-eu")
    (outcome,) = apply_merged(
        session, "eu-central-1", [bucket_item("data-eu", CHANGE, "eu-central-1")]
    )
    assert outcome.tags == {"CostCenter": "1234"}


def test_s3_reports_a_missing_bucket_as_that_items_error(aws: None) -> None:
    (outcome,) = apply_merged(
        _session(), "us-east-1", [bucket_item("gone-bucket", CHANGE, "us-east-1")]
    )
    assert outcome.error is not None and "NoSuchBucket" in outcome.error


def test_s3_buckets_with_aws_tags_are_tagged_through_the_tagging_api() -> None:
    current = {"TagSet": [{"Key": "aws:cloudformation:stack-name", "Value": "web"}]}
    fake = Fake(lambda op, params: current if op == "GetBucketTagging" else {})
    (outcome,) = apply_merged(fake, "us-east-1", [bucket_item("cfn-bucket", CHANGE, "us-east-1")])
    assert outcome.error is None
    assert fake.ops() == ["GetBucketTagging", "TagResources"]  # Temp is not there to remove


def test_the_tagging_api_tags_every_type_estate_sends_it_in_moto(aws: None) -> None:
    """lambda, sns, dynamodb, rds and autoscaling go through TagResources/UntagResources."""
    region = "eu-west-1"
    iam = boto3.client("iam")
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    fn = boto3.client("lambda", region_name=region).create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="x.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
    )["FunctionArn"]
    topic = boto3.client("sns", region_name=region).create_topic(Name="t")["TopicArn"]
    table = boto3.client("dynamodb", region_name=region).create_table(
        TableName="tb",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["TableArn"]
    db = boto3.client("rds", region_name=region).create_db_instance(
        DBInstanceIdentifier="db", DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="u", MasterUserPassword="password1", AllocatedStorage=20,
    )["DBInstance"]["DBInstanceArn"]  # fmt: skip
    asg = boto3.client("autoscaling", region_name=region)
    asg.create_launch_configuration(
        LaunchConfigurationName="lc", ImageId="ami-12c6146b", InstanceType="t3.micro"
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName="web", LaunchConfigurationName="lc", MinSize=0, MaxSize=1,
        AvailabilityZones=[f"{region}a"],
    )  # fmt: skip
    group = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    arns = {"lambda:function": fn, "sns:topic": topic, "dynamodb:table": table,
            "rds:db-instance": db, "autoscaling:group": group}  # fmt: skip
    session = _session()

    def items(change: TagChange) -> list[PlannedItem]:
        account = session.account_id
        return [
            PlannedItem(arn, t, account, region, arn, "tagging", change) for t, arn in arns.items()
        ]

    outcomes = apply_tagging(session, region, items(TagChange({"CostCenter": "1234", "x": "1"})))
    assert {o.item.type: o.error for o in outcomes} == dict.fromkeys(arns)
    outcomes = apply_tagging(session, region, items(TagChange({}, ("x",))))
    assert {o.item.type: o.error for o in outcomes} == dict.fromkeys(arns)
    tagging = boto3.client("resourcegroupstaggingapi", region_name=region)
    found = {
        r["ResourceARN"]: {t["Key"]: t["Value"] for t in r["Tags"]}
        for r in tagging.get_resources()["ResourceTagMappingList"]
    }
    expected = {"CostCenter": "1234"}
    assert boto3.client("lambda", region_name=region).list_tags(Resource=fn)["Tags"] == expected
    assert found[topic] == found[table] == found[db] == expected
    tags = asg.describe_tags()["Tags"]
    assert [(t["Key"], t["Value"]) for t in tags] == [("CostCenter", "1234")]
