"""What the tour prints for a newcomer to go on with: estate named by a path that works, and,
with --keep, the lines that make `estate collect` work in estate-demo against the emulator.
The printed lines are run as printed, in a shell-like environment holding nothing else."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import boto3

from estate.demo.emulator import Emulator
from estate.demo.tour import estate_command, next_steps, write_config

ARN = "arn:aws:ec2:us-east-1:111111111111:instance/i-1"


def test_estate_on_path_is_named_estate(tmp_path: Path) -> None:
    (tmp_path / "estate").touch()
    python = str(tmp_path / "python")

    assert estate_command(str(tmp_path / "estate"), python) == "estate"


def test_estate_off_path_is_named_by_its_absolute_path(tmp_path: Path) -> None:
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "estate").touch()

    named = estate_command(None, str(venv_bin / "python"))
    other = estate_command("/usr/local/bin/estate", str(venv_bin / "python"))

    assert named == other == str(venv_bin / "estate")
    assert Path(named).is_absolute()


def test_without_an_estate_script_python_runs_the_module(tmp_path: Path) -> None:
    assert estate_command(None, str(tmp_path / "python")) == f"{tmp_path / 'python'} -m estate"


def test_without_keep_the_hints_say_how_to_keep_the_emulator() -> None:
    text = next_steps(Path("estate-demo"), ARN, "estate", keep=False)

    assert "estate demo --keep" in text
    assert "collect" not in text.replace("`collect`", "")
    assert "  cd estate-demo" in text.splitlines()


def _run_as_printed(lines: list[str], workdir: Path) -> list[subprocess.CompletedProcess[str]]:
    """Run `cd`, `export` and estate lines as a shell would, in an environment with no AWS
    settings but those the lines give."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(workdir),
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "AWS_CONFIG_FILE": str(workdir / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(workdir / "no-aws-credentials"),
    }
    cwd, done = workdir.parent, []
    for line in lines:
        words = shlex.split(line)
        if words[0] == "cd":
            cwd = cwd / words[1]
        elif words[0] == "export":
            env.update(word.split("=", 1) for word in words[1:])
        else:
            done.append(subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True))
    return done


def _one_prod_instance(endpoint_url: str) -> None:
    """The smallest estate the printed lines can list: an organization with only its management
    account, and one instance tagged env=prod (the full sample takes half a minute to build)."""
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    session.client("organizations", endpoint_url=endpoint_url).create_organization(FeatureSet="ALL")
    ec2 = session.client("ec2", endpoint_url=endpoint_url)
    ec2.run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "env", "Value": "prod"}]}],
    )


def test_with_keep_the_printed_lines_collect_and_list_from_estate_demo(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.reset()  # moto's state is process-wide: start from nothing
    _one_prod_instance(emulator.endpoint_url)
    workdir = tmp_path / "estate-demo"
    workdir.mkdir()
    config = write_config(workdir, emulator.endpoint_url, ["us-east-1"])
    config.write_text(config.read_text() + "types: [ec2:instance]\n")
    estate = estate_command(None, sys.executable)
    text = next_steps(Path("estate-demo"), ARN, estate, keep=True)
    wanted = ("cd ", "export ", f"{estate} collect", f"{estate} ls ec2:instance")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip().startswith(wanted)]

    collect, listing = _run_as_printed(lines, workdir)

    assert collect.returncode == 0, collect.stderr
    assert listing.returncode == 0, listing.stderr
    instances = json.loads(listing.stdout)
    assert instances and all(r["tags"]["env"] == "prod" for r in instances)
