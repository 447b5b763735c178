"""`estate s3 grant | verify` and the errors of every s3 command: one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from estate.cli.main import main
from estate.s3copy.policy import grant_sids
from tests.unit.s3copy.conftest import (
    DST_ACCOUNT,
    DST_ROLE,
    OTHER_ACCOUNT,
    SRC_ACCOUNT,
    SRC_ROLE,
    make_bucket,
    s3_in,
)

KEEP = {
    "Sid": "DenyInsecure",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::src-bucket", "arn:aws:s3:::src-bucket/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no estate.yaml here
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def policy_of(bucket: str = "src-bucket") -> dict:
    return json.loads(s3_in(SRC_ACCOUNT, "eu-west-1").get_bucket_policy(Bucket=bucket)["Policy"])


def test_grant_merges_shows_the_diff_and_revoke_restores_the_policy(
    aws: None, cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s3 = make_bucket(SRC_ACCOUNT, "src-bucket", "eu-west-1")
    before = {"Version": "2012-10-17", "Statement": [KEEP]}
    s3.put_bucket_policy(Bucket="src-bucket", Policy=json.dumps(before))
    grant = [
        "s3",
        "grant",
        "s3://src-bucket",
        "--to-account",
        DST_ACCOUNT,
        "--source-role",
        SRC_ROLE,
    ]

    code, out, _ = run(capsys, *grant)
    assert code == 0
    assert '+      "Sid": "EstateCopyRead222222222222",' in out
    assert "Run again with --apply" in out
    assert policy_of() == before  # a plan changes nothing

    code, out, err = run(capsys, *grant, "--apply")
    assert code == 0, out + err
    granted = policy_of()
    assert granted["Statement"][0] == KEEP
    assert {s["Sid"] for s in granted["Statement"][1:]} == set(grant_sids(DST_ACCOUNT))
    assert "--revoke --apply" in out

    code, out, _ = run(capsys, *grant, "--apply")
    assert code == 0 and "already granted" in out
    assert policy_of() == granted

    # someone adds a statement after the grant: the revoke keeps it
    later = {
        "Sid": "Later",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::src-bucket/x",
    }
    s3.put_bucket_policy(
        Bucket="src-bucket",
        Policy=json.dumps({**granted, "Statement": [*granted["Statement"], later]}),
    )
    code, out, err = run(capsys, *grant, "--revoke", "--apply")
    assert code == 0, out + err
    assert policy_of()["Statement"] == [KEEP, later]

    code, out, _ = run(capsys, "jobs", "--format", "json")
    kinds = [j["kind"] for j in json.loads(out)]
    assert kinds == ["s3grant", "s3grant"]


def test_a_grant_on_a_bucket_without_policy_is_revoked_to_no_policy(
    aws: None, cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s3 = make_bucket(SRC_ACCOUNT, "src-bucket", "eu-west-1")
    grant = [
        "s3",
        "grant",
        "s3://src-bucket/logs",
        "--to-account",
        DST_ACCOUNT,
        "--source-role",
        SRC_ROLE,
        "--apply",
    ]
    assert run(capsys, *grant)[0] == 0
    (_, reading) = policy_of()["Statement"]
    assert reading["Resource"] == "arn:aws:s3:::src-bucket/logs/*"
    assert run(capsys, *grant, "--revoke")[0] == 0
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket="src-bucket")


def test_verify_reports_each_difference_and_exits_1(
    aws: None, cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = make_bucket(SRC_ACCOUNT, "src-bucket", "eu-west-1")
    dst = make_bucket(DST_ACCOUNT, "dst-bucket", "eu-central-1")
    for key in ("same", "tags", "meta", "gone", "content"):
        src.put_object(
            Bucket="src-bucket",
            Key=key,
            Body=b"abc",
            ContentType="text/plain",
            Metadata={"m": "1"},
            Tagging="k=v",
        )
    for key, extra in {
        "same": {},
        "tags": {"Tagging": "k=other"},
        "meta": {"Metadata": {"m": "2"}},
    }.items():
        args = {"ContentType": "text/plain", "Metadata": {"m": "1"}, "Tagging": "k=v", **extra}
        dst.put_object(Bucket="dst-bucket", Key=key, Body=b"abc", **args)
    dst.put_object(
        Bucket="dst-bucket",
        Key="content",
        Body=b"xyz",
        ContentType="text/plain",
        Metadata={"m": "1"},
        Tagging="k=v",
    )
    dst.put_object(Bucket="dst-bucket", Key="only-here", Body=b"1")
    verify = [
        "s3",
        "verify",
        "s3://src-bucket",
        "s3://dst-bucket",
        "--source-role",
        SRC_ROLE,
        "--dest-role",
        DST_ROLE,
    ]
    code, out, err = run(capsys, *verify, "--format", "json")
    assert code == 1
    found = {(d["key"], d["field"]) for d in json.loads(out)}
    assert found == {
        ("content", "content"),
        ("gone", "missing"),
        ("meta", "Metadata"),
        ("tags", "tags"),
    }
    assert "1 identical, 1 missing, 3 different; 1 only at the destination" in err

    for key in ("tags", "meta", "content"):
        dst.copy_object(
            Bucket="dst-bucket",
            Key=key,
            CopySource={"Bucket": "src-bucket", "Key": key},
            MetadataDirective="COPY",
            TaggingDirective="REPLACE",
            Tagging="k=v",
        )
    dst.copy_object(
        Bucket="dst-bucket",
        Key="gone",
        CopySource={"Bucket": "src-bucket", "Key": "gone"},
        TaggingDirective="REPLACE",
        Tagging="k=v",
    )
    code, out, _ = run(capsys, *verify)
    assert code == 0, out
    assert "5 identical" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["copy", "src-bucket", "s3://dst-bucket"], "source: not an S3 URL: 'src-bucket'"),
        (["copy", "s3://src-bucket", "s3:/dst"], "destination: not an S3 URL"),
        (["copy", "s3://src-bucket", "s3://Dst_Bucket"], "invalid bucket name 'Dst_Bucket'"),
        (["copy", "s3://src-bucket", "s3://dst..bucket"], "two dots"),
        (
            ["copy", "s3://no-such-source", "s3://dst-bucket", "--create-bucket"],
            "source bucket no-such-source does not exist",
        ),
        (
            ["copy", "s3://src-bucket", "s3://someone-elses", "--create-bucket"],
            "someone-elses already exists and is not owned by account",
        ),
        (["copy", "s3://src-bucket", "s3://not-there-yet"], "add --create-bucket"),
        (
            [
                "copy",
                "s3://src-bucket",
                "s3://dst-bucket",
                "--source-role",
                "arn:aws:iam::1:role/x",
            ],
            "not an IAM role ARN",
        ),
        (
            ["copy", "s3://src-bucket", "s3://dst-bucket", "--multipart-threshold", "lots"],
            "--multipart-threshold: not a size",
        ),
        (
            ["copy", "s3://src-bucket", "s3://dst-bucket", "--dest-region", "mars-1"],
            "not an AWS region name",
        ),
        (
            ["copy", "s3://src-bucket", "s3://dst-bucket", "--storage-class", "COLD"],
            "--storage-class: 'COLD' is not one of",
        ),
        (
            ["copy", "s3://src-bucket", "s3://dst-bucket", "--tags", "maybe"],
            "--tags: 'maybe' is not one of auto, read, copy",
        ),
        (["copy", "s3://src-bucket/a", "s3://src-bucket/a/b", "--create-bucket"], "overlap"),
        (["grant", "s3://src-bucket", "--to-account", "22"], "not a 12-digit AWS account id"),
        (
            ["grant", "s3://no-such-source", "--to-account", DST_ACCOUNT],
            "source bucket no-such-source does not exist",
        ),
        (
            ["verify", "s3://src-bucket", "s3://not-there-yet"],
            "destination bucket not-there-yet does not exist",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    aws: None, cwd: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    make_bucket(SRC_ACCOUNT, "src-bucket", "eu-west-1")
    make_bucket(OTHER_ACCOUNT, "someone-elses", "eu-west-1")
    code, out, err = run(capsys, "s3", *args)
    assert code == 2, out + err
    assert err.startswith("estate: error: ") and err.count("\n") == 1, err
    assert message in err
    assert "Traceback" not in err


def test_s3_commands_honour_the_config_and_the_environment(
    aws: None, cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESTATE_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    code, _, err = run(capsys, "s3", "copy", "s3://src-bucket", "s3://dst-bucket")
    assert code == 1 and "cannot reach endpoint_url http://127.0.0.1:9" in err
    monkeypatch.delenv("ESTATE_ENDPOINT_URL")
    (cwd / "estate.yaml").write_text(f"store: sqlite:///{cwd}/elsewhere.db\n")
    make_bucket(SRC_ACCOUNT, "src-bucket", "eu-west-1").put_object(
        Bucket="src-bucket", Key="k", Body=b"1"
    )
    code, out, err = run(
        capsys,
        "s3",
        "copy",
        "s3://src-bucket",
        "s3://dst-bucket",
        "--source-role",
        SRC_ROLE,
        "--dest-role",
        DST_ROLE,
        "--create-bucket",
        "--apply",
        "--concurrency",
        "2",
    )
    assert code == 0, out + err
    assert (cwd / "elsewhere.db").exists() and not (cwd / "estate.db").exists()


@pytest.mark.parametrize("command", ["copy", "grant", "verify"])
def test_help_renders(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, err = run(capsys, "s3", command, "--help")
    assert code == 0, err
    assert "s3://SRC/PREFIX" in out


def test_an_interrupted_grant_is_finished_by_estate_resume(
    aws: None, cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from estate.aws.sessions import AwsSettings, SessionFactory
    from estate.s3copy.grant import create_grant_job, plan_grant
    from estate.s3copy.urls import parse_s3_url
    from estate.store.database import Database

    s3 = make_bucket(SRC_ACCOUNT, "src-bucket", "eu-west-1")
    s3.put_bucket_policy(
        Bucket="src-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [KEEP]})
    )
    db = Database(f"sqlite:///{cwd}/estate.db")
    session = SessionFactory(AwsSettings()).for_account(SRC_ACCOUNT, SRC_ROLE)
    plan = plan_grant(session, db, parse_s3_url("s3://src-bucket"), DST_ACCOUNT, SRC_ROLE, False)
    job_id = create_grant_job(db, plan)  # planned; the process died before applying it
    code, out, err = run(capsys, "resume", str(job_id))
    assert code == 0, out + err
    assert f"job {job_id}: ok" in out
    statements = policy_of()["Statement"]
    assert statements[0] == KEEP and len(statements) == 3


def test_a_copy_planned_against_an_emulator_is_not_resumed_against_aws(
    aws: None, cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from estate.s3copy.copier import create_copy_job
    from estate.s3copy.route import CopySpec, End
    from estate.s3copy.urls import S3Url
    from estate.store.database import Database

    spec = CopySpec(
        End(S3Url("src-bucket"), SRC_ACCOUNT, "eu-west-1", SRC_ROLE),
        End(S3Url("dst-bucket"), DST_ACCOUNT, "eu-west-1", DST_ROLE),
        endpoint_url="http://127.0.0.1:9",
    )
    job_id = create_copy_job(Database(f"sqlite:///{cwd}/estate.db"), spec)
    code, _, err = run(capsys, "resume", str(job_id))
    assert code == 2
    assert f"job {job_id} copies through http://127.0.0.1:9: resume it with the same" in err
