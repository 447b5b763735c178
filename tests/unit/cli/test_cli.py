"""The CLI as a function of its arguments: exit codes, output formats, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from estate.cli.main import main
from tests.support import session_in

MEMBER = "111111111111"


def write_config(tmp_path: Path, **values: Any) -> Path:
    config = {
        "store": f"sqlite:///{tmp_path}/estate.db",
        "accounts": [{"id": MEMBER, "name": "prod"}],
        "regions": ["us-east-1", "eu-west-1"],
        "types": ["s3:bucket", "ec2:instance"],
        **values,
    }
    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def estate(aws: None) -> None:
    session = session_in(MEMBER)
    s3 = session.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="legacy-bucket")  # us-east-1: no LocationConstraint
    s3.put_bucket_tagging(
        Bucket="legacy-bucket", Tagging={"TagSet": [{"Key": "env", "Value": "prod"}]}
    )
    session.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    session.client("ec2", region_name="eu-west-1").run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "env", "Value": "prod"}]}],
    )
    session.client("ec2", region_name="us-east-1").run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1
    )


def test_collect_then_query_every_way(
    estate: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path))
    code, out, err = run(capsys, "collect", "-c", cfg)
    assert code == 0, err
    assert "run 1: ok" in out and "4 resources" in out

    code, out, _ = run(
        capsys,
        "ls",
        "ec2:instance",
        "--account",
        MEMBER,
        "--tag",
        "env=prod",
        "--format",
        "json",
        "-c",
        cfg,
    )
    assert code == 0
    (instance,) = json.loads(out)
    assert set(instance) == {
        "arn", "type", "account", "region", "id", "name", "tags", "config",
        "first_seen", "last_seen", "deleted", "incomplete",
    }  # fmt: skip
    assert instance["type"] == "ec2:instance" and instance["region"] == "eu-west-1"
    assert instance["incomplete"] == []
    assert instance["tags"] == {"env": "prod"} and instance["deleted"] is False

    code, out, _ = run(capsys, "ls", "--missing-tag", "env", "-f", "jsonl", "-c", cfg)
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(r["type"], r["region"]) for r in lines] == [
        ("ec2:instance", "us-east-1"),
        ("s3:bucket", "eu-west-1"),
    ]
    assert lines[1]["id"] == "eu-bucket"

    code, out, _ = run(capsys, "ls", "s3:bucket", "-f", "csv", "-c", cfg)
    rows = out.splitlines()
    assert rows[0] == "type,account,region,id,name,tags,last_seen"
    assert any(r.startswith(f"s3:bucket,{MEMBER},us-east-1,legacy-bucket") for r in rows)

    code, out, _ = run(capsys, "show", "arn:aws:s3:::legacy-bucket", "-f", "json", "-c", cfg)
    (bucket,) = json.loads(out)
    assert bucket["region"] == "us-east-1" and bucket["tags"] == {"env": "prod"}

    code, out, _ = run(capsys, "show", "arn:aws:s3:::legacy-bucket", "-c", cfg)
    assert code == 0 and "env=prod" in out and "us-east-1" in out

    code, out, _ = run(capsys, "changes", "-f", "json", "-c", cfg)
    assert {c["change"] for c in json.loads(out)} == {"created"} and len(json.loads(out)) == 4

    code, out, _ = run(capsys, "runs", "-f", "json", "-c", cfg)
    (record,) = json.loads(out)
    assert record["status"] == "ok" and record["resources"] == 4 and record["api_calls"] > 0


def test_history_shows_field_level_diffs(
    estate: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path))
    assert run(capsys, "collect", "-c", cfg)[0] == 0
    session_in(MEMBER).client("s3", region_name="us-east-1").put_bucket_tagging(
        Bucket="legacy-bucket", Tagging={"TagSet": [{"Key": "env", "Value": "staging"}]}
    )
    assert run(capsys, "collect", "-c", cfg)[0] == 0
    code, out, _ = run(capsys, "history", "arn:aws:s3:::legacy-bucket", "-f", "json", "-c", cfg)
    events = json.loads(out)
    assert [e["change"] for e in events] == ["created", "modified"]
    assert events[1]["diff"] == {"tags.env": {"old": "prod", "new": "staging"}}
    code, out, _ = run(capsys, "history", "arn:aws:s3:::legacy-bucket", "-c", cfg)
    assert code == 0 and 'tags.env: "prod" → "staging"' in out
    _, out, _ = run(capsys, "changes", "--run", "1", "-f", "json", "-c", cfg)
    assert len(json.loads(out)) == 4
    _, out, _ = run(capsys, "changes", "--since", "2000-01-01", "-f", "json", "-c", cfg)
    assert len(json.loads(out)) == 5


def test_iam_policy_lists_exactly_the_read_actions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path, organization=True))
    code, out, _ = run(capsys, "iam-policy", "-c", cfg)
    assert code == 0
    policy = json.loads(out)
    actions = policy["Statement"][0]["Action"]
    assert actions == sorted(actions)
    assert {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketTagging"} <= set(actions)
    assert "ec2:DescribeInstances" in actions and "organizations:ListAccounts" in actions
    assert not any(a.split(":")[1].startswith(("Put", "Create", "Delete", "Tag")) for a in actions)


def one_line_error(capsys: pytest.CaptureFixture[str], *args: str, exit_code: int = 2) -> str:
    code, out, err = run(capsys, *args)
    assert code == exit_code, (out, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_bad_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "estate.yaml"
    path.write_text("regions: [us-east-1\n")
    line = one_line_error(capsys, "collect", "-c", str(path))
    assert str(path) in line and "invalid YAML" in line


def test_unknown_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, regionz=["us-east-1"])
    line = one_line_error(capsys, "collect", "-c", str(path))
    assert line.endswith(f"{path}: regionz: unknown key")


def test_unknown_type_in_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, types=["ec2:instance", "ec2:unicorn"])
    line = one_line_error(capsys, "collect", "-c", str(path))
    assert f"{path}: types: unknown resource type 'ec2:unicorn'" in line


def test_unknown_type_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path)
    line = one_line_error(capsys, "ls", "ec2:unicorn", "-c", str(path))
    assert "unknown resource type 'ec2:unicorn'" in line


def test_bad_account_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, accounts=[{"id": "12345"}])
    line = one_line_error(capsys, "collect", "-c", str(path))
    assert f"{path}: accounts[0].id: must be a 12-digit AWS account id, got '12345'" in line


def test_bad_region(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, regions=["us-east-1", "mars-north-1x"])
    line = one_line_error(capsys, "collect", "-c", str(path))
    assert "regions" in line and "mars-north-1x" in line


def test_unreachable_endpoint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, endpoint_url="http://127.0.0.1:9")
    line = one_line_error(capsys, "collect", "-c", str(path))
    assert "cannot reach endpoint_url http://127.0.0.1:9" in line


def test_bad_store_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, store="mysql://nowhere/db")
    line = one_line_error(capsys, "collect", "-c", str(path))
    assert f"{path}: store: unsupported database 'mysql'" in line


def test_store_in_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, store=f"sqlite:///{tmp_path}/no/such/dir/estate.db")
    line = one_line_error(capsys, "ls", "-c", str(path))
    assert "does not exist" in line and "no/such/dir" in line


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(capsys, "collect", "-c", str(tmp_path / "nope.yaml"))
    assert "nope.yaml: no such config file" in line


def test_bad_arn_and_bad_tag_and_bad_since(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path))
    assert "not an ARN: 'my-bucket'" in one_line_error(capsys, "show", "my-bucket", "-c", cfg)
    assert "--tag '=x'" in one_line_error(capsys, "ls", "--tag", "=x", "-c", cfg)
    assert "--since 'yesterday'" in one_line_error(
        capsys, "changes", "--since", "yesterday", "-c", cfg
    )
    assert "no runs yet" in one_line_error(capsys, "changes", "-c", cfg)
    assert "unknown arn" not in one_line_error(
        capsys, "show", "arn:aws:s3:::nothing-here", "-c", cfg
    )


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(capsys, "ls", "--colour", "red")
    assert "No such option" in line


def test_environment_overrides_the_file(
    estate: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = str(write_config(tmp_path))
    monkeypatch.setenv("ESTATE_REGIONS", "eu-west-1")
    monkeypatch.setenv("ESTATE_STORE", f"sqlite:///{tmp_path}/other.db")
    assert run(capsys, "collect", "-c", cfg)[0] == 0
    assert (tmp_path / "other.db").exists()
    _, out, _ = run(capsys, "ls", "-f", "json", "-c", cfg)
    assert {r["region"] for r in json.loads(out)} == {"eu-west-1"}
    monkeypatch.setenv("ESTATE_CONCURRENCY", "lots")
    line = one_line_error(capsys, "ls", "-c", cfg)
    assert "ESTATE_CONCURRENCY" in line and "concurrency" in line


def test_credentials_never_reach_the_log(
    estate: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("ESTATE_STATE_DIR", str(state))
    cfg = str(write_config(tmp_path))
    assert run(capsys, "collect", "-vv", "-c", cfg)[0] == 0
    creds = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{MEMBER}:role/EstateReader", RoleSessionName="probe"
    )["Credentials"]
    log = (state / "estate.log").read_text()
    assert "run 1: ok" in log and "shard " in log  # -vv: debug lines were written
    assert "testing" not in log  # the base secret key
    assert creds["SecretAccessKey"][:12] not in log
