"""An SDK upgrade through the CLI: `refreshed` is counted apart and shown only when asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update

from estate.store.database import Database
from estate.store.schema import resources
from tests.support import session_in
from tests.unit.cli.test_cli import MEMBER, run, write_config

REGION = "eu-west-1"


def pretend_an_older_botocore_stored(db_path: Path, field: str) -> str:
    """The stored instance as an older botocore gave it: without `field`, under 1.0.0."""
    db = Database(f"sqlite:///{db_path}")
    with db.write() as conn:
        (row,) = conn.execute(resources.select()).all()
        older = {k: v for k, v in row.config.items() if k != field}
        conn.execute(
            update(resources)
            .where(resources.c.arn == row.arn)
            .values(config=older, hash="older", botocore_version="1.0.0")
        )
    db.close()
    return str(row.arn)


def test_an_sdk_upgrade_is_refreshed_not_modified(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_in(MEMBER).client("ec2", region_name=REGION).run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1
    )
    cfg = str(write_config(tmp_path, regions=[REGION], types=["ec2:instance"]))
    assert run(capsys, "collect", "-c", cfg)[0] == 0
    arn = pretend_an_older_botocore_stored(tmp_path / "estate.db", "Architecture")

    code, out, _ = run(capsys, "collect", "-c", cfg)

    assert code == 0
    assert "0 modified, 0 deleted, 1 refreshed" in out
    code, out, _ = run(capsys, "changes", "-f", "json", "-c", cfg)
    assert (code, json.loads(out)) == (0, [])
    _, out, _ = run(capsys, "changes", "--change", "refreshed", "-f", "json", "-c", cfg)
    (change,) = json.loads(out)
    assert (change["change"], change["fields"]) == ("refreshed", ["Architecture"])
    _, out, _ = run(capsys, "history", arn, "-f", "json", "-c", cfg)
    assert [e["change"] for e in json.loads(out)] == ["created"]
    _, out, _ = run(capsys, "history", arn, "--change", "refreshed", "-f", "json", "-c", cfg)
    assert [e["change"] for e in json.loads(out)] == ["refreshed"]
    _, out, _ = run(capsys, "runs", "-f", "json", "-c", cfg)
    assert [(r["modified"], r["refreshed"]) for r in json.loads(out)] == [(0, 1), (0, 0)]
    _, out, _ = run(capsys, "runs", "-c", cfg)
    assert "refreshed" in out.splitlines()[1]


def test_an_unknown_change_kind_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path))
    code, _, err = run(capsys, "changes", "--change", "refresh", "-c", cfg)
    assert code == 2
    assert err.strip() == (
        "estate: error: --change 'refresh': expected one of created, modified, deleted, refreshed"
    )
