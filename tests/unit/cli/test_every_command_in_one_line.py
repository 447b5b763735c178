"""Every command, facing an unreachable endpoint or a store it cannot write, ends with one line
on stderr and a non-zero exit, never a traceback; a command that needs neither still works.

The store is made read-only with chattr +i (tests run as root: chmod would stop nothing).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
import yaml
from moto import mock_aws

from estate.actions import tag as tag_actions
from estate.cli.main import app, main
from tests.support import session_in

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
MEMBER = "111111111111"
OTHER = "222222222222"
ROLE = f"arn:aws:iam::{MEMBER}:role/Copier"
ROLES = ["--source-role", ROLE, "--dest-role", ROLE]
EXEMPT = {"demo", "version", "worker"}  # worker: tests/integration/test_worker_refusals.py


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Built once (moto is slow to start): an inventory of one account with an instance and
    two equal buckets, and a tag job left pending (its runner stubbed out) for `resume last`."""
    path = tmp_path_factory.mktemp("template")
    config = {
        "store": f"sqlite:///{path}/estate.db",
        "accounts": [{"id": MEMBER}],
        "regions": ["us-east-1"],
        "types": ["ec2:instance", "s3:bucket"],
    }
    (path / "estate.yaml").write_text(yaml.safe_dump(config))
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for name, value in CREDENTIALS.items():
            patch.setenv(name, value)
        patch.setenv("ESTATE_STATE_DIR", str(path / "state"))
        patch.chdir(path)
        session = session_in(MEMBER)
        session.client("ec2", region_name="us-east-1").run_instances(
            ImageId="ami-12c6146b", MinCount=1, MaxCount=1
        )
        s3 = session.client("s3", region_name="us-east-1")
        for bucket in ("src-bucket", "dst-bucket"):  # equal sides: verify has nothing to say
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="k", Body=b"1")
        assert main(["collect"]) == 0
        patch.setattr(tag_actions, "resume_job", lambda _ctx, _job: 0)
        assert main(["tag", "ec2:instance", "--set", "team=blue", "--apply", "--yes"]) == 0
        patch.undo()
        yield path


@pytest.fixture
def estate(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the template's store and config for one test, in its working directory."""
    for part in template.glob("estate.db*"):  # with the WAL: it may hold the last writes
        shutil.copy(part, tmp_path / part.name)
    config = yaml.safe_load((template / "estate.yaml").read_text())
    config["store"] = f"sqlite:///{tmp_path}/estate.db"
    (tmp_path / "estate.yaml").write_text(yaml.safe_dump(config))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def arn_of_instance(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["ls", "ec2:instance", "--format", "jsonl"]) == 0
    return str(yaml.safe_load(capsys.readouterr().out.splitlines()[0])["arn"])


# command → (arguments, needs AWS, writes the store)
COMMANDS: dict[str, tuple[list[str], bool, bool]] = {
    "collect": ([], True, True),
    "ls": ([], False, False),
    "show": (["{arn}"], False, False),
    "history": (["{arn}"], False, False),
    "changes": ([], False, False),
    "runs": ([], False, False),
    "jobs": ([], False, False),
    "resume": (["last", "--yes"], True, True),
    "tag": (["ec2:instance", "--set", "team=red", "--apply", "--yes"], True, True),
    "iam-policy": ([], False, False),
    "types": ([], False, False),
    "s3 copy": (["s3://src-bucket", "s3://dst-bucket", *ROLES, "--apply", "--yes"], True, True),
    "s3 grant": (["s3://src-bucket", "--to-account", OTHER, "--apply", "--yes"], True, True),
    "s3 verify": (["s3://src-bucket", "s3://dst-bucket", *ROLES], True, False),
}


def every_command() -> set[str]:
    """What `estate --help` lists, s3's subcommands by their full name."""
    root = typer.main.get_command(app)
    names = set()
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):  # a group
            names |= {f"{name} {sub}" for sub in command.commands}
        else:
            names.add(name)
    return names


def test_the_walk_covers_every_command() -> None:
    assert every_command() - EXEMPT == set(COMMANDS)


def run_command(capsys: pytest.CaptureFixture[str], name: str, arn: str) -> tuple[int, str]:
    args, _, _ = COMMANDS[name]
    code = main([*name.split(), *(a.format(arn=arn) for a in args)])
    return code, capsys.readouterr().err


def assert_one_line(code: int, err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1, (code, err)
    assert lines[0].startswith("estate: error: "), lines[0]
    return lines[0]


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port bound but never listening: every connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_an_unreachable_endpoint(
    name: str,
    estate: Path,
    closed_port: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arn = arn_of_instance(capsys)
    endpoint = f"http://127.0.0.1:{closed_port}"
    monkeypatch.setenv("ESTATE_ENDPOINT_URL", endpoint)
    code, err = run_command(capsys, name, arn)  # moto lets requests to loopback go past

    if COMMANDS[name][1]:
        line = assert_one_line(code, err)
        assert f"cannot reach endpoint_url {endpoint}" in line
        assert code == 2  # the config names an endpoint where nothing answers: bad input
    else:
        assert code == 0 and "Traceback" not in err, err


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_store_that_cannot_be_written(
    name: str, estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = arn_of_instance(capsys)
    with immutable(estate / "estate.db"):
        code, err = run_command(capsys, name, arn)

    if COMMANDS[name][2]:
        line = assert_one_line(code, err)
        assert line == (
            f"estate: error: store sqlite:///{estate}/estate.db: cannot be written "
            "(attempt to write a readonly database)"
        )
        assert code == 1
    else:
        assert "Traceback" not in err, err
        assert code == 0, err
