"""`estate tag` end to end on moto: the plan is exact and changes nothing, --apply tags every
planned resource (read back with plain boto3), the inventory stays true and the job's changes
are recorded under its own run, a resumed job sends only what is not done, bad input is one
line and exit 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

import estate.actions.tag as tag_actions
from estate.aws.sessions import AccountSession
from estate.store.database import Database
from estate.store.jobs import load_items, load_job, mark_items
from tests.support import session_in
from tests.unit.cli.test_cli import MEMBER, run, write_config

OTHER = "222222222222"
AMI = "ami-12c6146b"
TYPES = ["s3:bucket", "ec2:instance", "sns:topic", "iam:role", "sqs:queue", "cloudformation:stack"]


def instances(session: boto3.Session, region: str, n: int, tags: dict[str, str] | None = None):
    spec: dict[str, Any] = {}
    if tags:
        tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
        spec["TagSpecifications"] = [{"ResourceType": "instance", "Tags": tag_list}]
    answer = session.client("ec2", region_name=region).run_instances(
        ImageId=AMI, MinCount=n, MaxCount=n, **spec
    )
    return [i["InstanceId"] for i in answer["Instances"]]


def tags_of(session: boto3.Session, region: str) -> dict[str, dict[str, str]]:
    """Every instance of the region and its tags, read with plain boto3."""
    ec2 = session.client("ec2", region_name=region)
    out: dict[str, dict[str, str]] = {}
    for page in ec2.get_paginator("describe_instances").paginate():
        for reservation in page["Reservations"]:
            for i in reservation["Instances"]:
                out[i["InstanceId"]] = {t["Key"]: t["Value"] for t in i.get("Tags", [])}
    return out


class Sent:
    """Every call estate makes through an AccountSession: (account, operation, params)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def ops(self, name: str) -> list[dict[str, Any]]:
        return [p for _, op, p in self.calls if op == name]

    def ids(self, name: str = "CreateTags") -> list[str]:
        return [i for p in self.ops(name) for i in p["Resources"]]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sent]:
    record = Sent()
    original = AccountSession.call

    def call(self: AccountSession, service: str, region: str, operation: str, **params: Any):
        record.calls.append((self.account_id, operation, params))
        return original(self, service, region, operation, **params)

    monkeypatch.setattr(AccountSession, "call", call)
    yield record


@pytest.fixture
def fleet(aws: None) -> dict[str, Any]:
    member, other = session_in(MEMBER), session_in(OTHER)
    untagged = instances(member, "eu-west-1", 9, {"env": "dev"})
    untagged += instances(member, "us-east-1", 3)
    untagged += instances(other, "eu-west-1", 4)
    tagged = instances(member, "eu-west-1", 2, {"CostCenter": "1234"})
    wrong = instances(member, "eu-west-1", 1, {"CostCenter": "9999"})
    s3 = member.client("s3", region_name="us-east-1")
    s3.create_bucket(
        Bucket="eu-data",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
    )
    s3.put_bucket_tagging(
        Bucket="eu-data",
        Tagging={"TagSet": [{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "ana"}]},
    )
    for name in ("jobs", "mail"):
        member.client("sns", region_name="eu-west-1").create_topic(Name=name)
    member.client("iam", region_name="us-east-1").create_role(
        RoleName="deployer", AssumeRolePolicyDocument="{}"
    )
    member.client("sqs", region_name="eu-west-1").create_queue(QueueName="work")
    member.client("cloudformation", region_name="eu-west-1").create_stack(
        StackName="web", TemplateBody=json.dumps({"Resources": {}})
    )
    return {"untagged": untagged, "tagged": tagged, "wrong": wrong}


def config_for(tmp_path: Path, **values: Any) -> str:
    accounts = [{"id": MEMBER}, {"id": OTHER}]
    return str(write_config(tmp_path, accounts=accounts, types=TYPES, **values))


def collected(tmp_path: Path, capsys: pytest.CaptureFixture[str], **values: Any) -> str:
    cfg = config_for(tmp_path, **values)
    code, out, err = run(capsys, "collect", "-c", cfg)
    assert code == 0, out + err
    return cfg


def test_the_plan_is_exact_and_changes_nothing(
    fleet: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], sent: Sent
) -> None:
    cfg = collected(tmp_path, capsys)
    sent.calls.clear()
    args = ["tag", "--set", "CostCenter=1234", "ec2:instance", "--missing-tag", "CostCenter"]
    code, out, err = run(capsys, *args, "-f", "json", "-c", cfg)
    assert code == 0, err
    planned = json.loads(out)
    assert sorted(p["id"] for p in planned) == sorted(fleet["untagged"])
    assert {p["action"] for p in planned} == {"change"}
    assert all(p["set"] == {"CostCenter": "1234"} and p["unset"] == [] for p in planned)
    assert "add --apply to tag 16 resources" in err
    assert sent.calls == []  # a plan from the inventory asks AWS nothing

    code, out, _ = run(capsys, *args, "--account", MEMBER, "-c", cfg)
    assert code == 0
    assert "12 resources to change in 1 account(s) and 2 group(s)" in out and "CreateTags" in out

    # every instance: the ones already as desired are kept as unchanged, the wrong value changes
    code, out, _ = run(
        capsys, "tag", "--set", "CostCenter=1234", "ec2:instance", "-f", "json", "-c", cfg
    )
    actions = {p["id"]: p["action"] for p in json.loads(out)}
    assert {i for i, a in actions.items() if a == "unchanged"} == set(fleet["tagged"])
    assert actions[fleet["wrong"][0]] == "change"
    assert all(not t.get("CostCenter") for t in tags_of(session_in(OTHER), "eu-west-1").values())


def test_apply_tags_every_planned_resource_and_keeps_the_inventory_true(
    fleet: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], sent: Sent
) -> None:
    cfg = collected(tmp_path, capsys)
    sent.calls.clear()
    code, out, err = run(
        capsys, "tag", "--set", "CostCenter=1234", "--missing-tag", "CostCenter",
        "--batch-size", "4", "--apply", "-c", cfg,
    )  # fmt: skip
    assert code == 0, out + err
    assert "job 1: ok" in out and "estate changes --run 2" in out

    # AWS: every instance that lacked the tag has it, nothing else was touched
    for account, region in ((MEMBER, "eu-west-1"), (MEMBER, "us-east-1"), (OTHER, "eu-west-1")):
        for instance_id, tags in tags_of(session_in(account), region).items():
            expected = "9999" if instance_id in fleet["wrong"] else "1234"
            assert tags["CostCenter"] == expected, instance_id
    assert sorted(sent.ids()) == sorted(fleet["untagged"])  # each once, none of the others
    # 9+3+4 instances in 3 account-regions, 4 per call
    assert len(sent.ops("CreateTags")) == 3 + 1 + 1
    member = session_in(MEMBER)
    bucket = member.client("s3").get_bucket_tagging(Bucket="eu-data")["TagSet"]
    assert {t["Key"]: t["Value"] for t in bucket} == {
        "env": "prod", "owner": "ana", "CostCenter": "1234"
    }  # fmt: skip
    topics = member.client("sns", region_name="eu-west-1").list_topics()["Topics"]
    for topic in topics:
        got = member.client("sns", region_name="eu-west-1").list_tags_for_resource(
            ResourceArn=topic["TopicArn"]
        )["Tags"]
        assert got == [{"Key": "CostCenter", "Value": "1234"}]
    role = member.client("iam").list_role_tags(RoleName="deployer")["Tags"]
    assert role == [{"Key": "CostCenter", "Value": "1234"}]
    url = member.client("sqs", region_name="eu-west-1").get_queue_url(QueueName="work")["QueueUrl"]
    queue = member.client("sqs", region_name="eu-west-1").list_queue_tags(QueueUrl=url)["Tags"]
    assert queue == {"CostCenter": "1234"}
    assert "left out: 1 cloudformation:stack" in out

    # the inventory already knows, and the job's changes are attributed to its run
    code, out, _ = run(capsys, "ls", "--missing-tag", "CostCenter", "-f", "json", "-c", cfg)
    assert [r["type"] for r in json.loads(out)] == ["cloudformation:stack"]
    _, out, _ = run(capsys, "changes", "--run", "2", "-f", "json", "-c", cfg)
    changes = json.loads(out)
    assert len(changes) == 16 + 1 + 2 + 1 + 1
    assert {c["change"] for c in changes} == {"modified"} and {c["run"] for c in changes} == {2}
    s3_change = next(c for c in changes if c["type"] == "s3:bucket")
    assert s3_change["diff"] == {"tags.CostCenter": {"old": None, "new": "1234", "added": True}}
    _, out, _ = run(capsys, "runs", "-f", "json", "-c", cfg)
    tag_run = json.loads(out)[0]
    assert (tag_run["kind"], tag_run["scope"]["job"], tag_run["modified"]) == ("tag", 1, 21)
    _, out, _ = run(capsys, "changes", "-f", "json", "-c", cfg)
    assert {c["run"] for c in json.loads(out)} == {1}  # still the last collection's

    # a collection finds exactly what the job wrote: no false changes
    code, out, _ = run(capsys, "collect", "-c", cfg)
    assert code == 0 and "0 created, 0 modified, 0 deleted" in out

    # and the same command again has nothing to do
    again = ("tag", "--set", "CostCenter=1234", "--missing-tag", "CostCenter", "--apply")
    code, out, err = run(capsys, *again, "-c", cfg)
    assert code == 0 and "nothing to change" in err
    _, out, _ = run(capsys, "jobs", "-f", "json", "-c", cfg)
    (job,) = json.loads(out)
    assert (job["status"], job["done"], job["calls"]["CreateTags"]) == ("ok", 21, 5)


def test_unset_and_live_reread_what_changed_since_the_collection(
    fleet: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = collected(tmp_path, capsys)
    member = session_in(MEMBER)
    # after the collection: one instance loses env=dev, a new one gets it
    ec2 = member.client("ec2", region_name="eu-west-1")
    ec2.delete_tags(Resources=[fleet["untagged"][0]], Tags=[{"Key": "env"}])
    (late,) = instances(member, "eu-west-1", 1, {"env": "dev"})
    args = ["tag", "--unset", "env", "--tag", "env=dev", "--region", "eu-west-1", "-f", "json"]
    _, out, _ = run(capsys, *args, "-c", cfg)
    stale = {p["id"] for p in json.loads(out)}
    assert fleet["untagged"][0] in stale and late not in stale
    code, out, err = run(capsys, *args, "--live", "-c", cfg)
    assert code == 0, err
    live = {p["id"] for p in json.loads(out)}
    assert live == set(fleet["untagged"][1:9]) | {late}

    code, out, err = run(capsys, *args[:-2], "--live", "--apply", "--yes", "-c", cfg)
    assert code == 0, out + err
    assert all("env" not in t for t in tags_of(member, "eu-west-1").values())


def test_a_failed_item_exits_1_and_resume_retries_only_what_failed(
    fleet: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], sent: Sent
) -> None:
    cfg = collected(tmp_path, capsys)
    sns = session_in(MEMBER).client("sns", region_name="eu-west-1")
    arn = next(
        t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":mail")
    )
    sns.delete_topic(TopicArn=arn)
    code, out, err = run(capsys, "tag", "sns:topic", "--set", "team=a", "--apply", "-c", cfg)
    assert code == 1, out + err
    assert "job 1: partial" in out and f"failed {arn}" in out and "estate resume 1" in out
    db = Database(f"sqlite:///{tmp_path}/estate.db")
    (failed,) = load_items(db, 1, status="failed")
    assert failed.key == arn and "NotFound" in (failed.error or "")

    sns.create_topic(Name="mail")
    sent.calls.clear()
    code, out, err = run(capsys, "resume", "1", "-c", cfg)
    assert code == 0, out + err
    assert [p["ResourceARNList"] for p in sent.ops("TagResources")] == [[arn]]
    job = load_job(db, 1)
    assert (job.status, job.resumes, job.counts) == ("ok", 1, {"done": 2})


def test_resume_never_sends_what_a_killed_job_recorded_done(
    fleet: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], sent: Sent,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    cfg = collected(tmp_path, capsys)
    # plan and store the job, as --apply does, but stop before anything is sent
    args = ("tag", "ec2:instance", "--set", "CostCenter=1234", "--missing-tag", "CostCenter")
    with monkeypatch.context() as patched:
        patched.setattr(tag_actions, "resume_job", lambda ctx, job: 0)
        assert run(capsys, *args, "--apply", "-c", cfg)[0] == 0
    db = Database(f"sqlite:///{tmp_path}/estate.db")
    items = load_items(db, 1)
    assert len(items) == 16
    # what a killed process left: some recorded done (never sent here, so AWS does not have
    # the tag on them: sending them again would show), one in flight
    recorded, in_flight = items[:5], items[5]
    mark_items(db, [i.id for i in recorded], "done")
    mark_items(db, [in_flight.id], "running")
    sent.calls.clear()
    code, out, err = run(capsys, "resume", "last", "-c", cfg)
    assert code == 0, out + err
    done_ids = {i.payload["id"] for i in recorded}
    assert sorted(sent.ids()) == sorted({i.payload["id"] for i in items} - done_ids)
    assert in_flight.payload["id"] in sent.ids()
    member = tags_of(session_in(MEMBER), "eu-west-1") | tags_of(session_in(MEMBER), "us-east-1")
    everything = member | tags_of(session_in(OTHER), "eu-west-1")
    assert {i for i in done_ids if "CostCenter" in everything[i]} == set()
    code, _, err = run(capsys, "resume", "last", "-c", cfg)
    assert code == 2 and "already complete" in err


def one_line(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = run(capsys, *args)
    assert code == 2, (out, err)
    assert out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("estate: error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "CostCenter"], "--set 'CostCenter': expected KEY=VALUE"),
        (["--set", "aws:owner=me"], "reserved for AWS"),
        (["--unset", "aws:cloudformation:stack-name"], "reserved for AWS"),
        (["--set", f"{'k' * 129}=v"], "tag key of 129 characters (AWS allows 128)"),
        (["--set", f"k={'v' * 257}"], "tag value of 257 characters (AWS allows 256)"),
        (["--set", "k=1", "--unset", "k"], "also given to --set"),
        ([], "nothing to change"),
        (["ec2:unicorn", "--set", "k=v"], "unknown resource type 'ec2:unicorn'"),
        (["cloudformation:stack", "--set", "k=v"], "cloudformation:stack cannot be tagged"),
        (["--set", "k=v", "--tag", "=x"], "--tag '=x'"),
        (["--set", "k=v", "--batch-size", "0"], "--batch-size"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = one_line(capsys, "tag", *args, "-c", str(write_config(tmp_path)))
    assert message in line


def test_aws_tag_limit_and_max_resources_refuse_the_plan(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], sent: Sent
) -> None:
    member = session_in(MEMBER)
    instances(member, "eu-west-1", 1, {f"t{i}": "x" for i in range(49)})
    instances(member, "eu-west-1", 3)
    cfg = collected(tmp_path, capsys)
    sent.calls.clear()
    line = one_line(capsys, "tag", "--set", "a=1", "--set", "b=2", "--apply", "-c", cfg)
    assert "would have 51 tags; AWS allows 50 per resource" in line
    line = one_line(capsys, "tag", "--set", "a=1", "--max-resources", "3", "--apply", "-c", cfg)
    assert "the plan changes 4 resources, more than --max-resources 3" in line
    assert sent.calls == [] and load_job_count(tmp_path) == 0
    code, _, _ = run(capsys, "tag", "--set", "a=1", "--max-resources", "4", "-c", cfg)
    assert code == 0


def load_job_count(tmp_path: Path) -> int:
    db = Database(f"sqlite:///{tmp_path}/estate.db")
    with db.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM jobs").scalar_one())
