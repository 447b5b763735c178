"""`estate jobs` and `estate resume` on the job journal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from estate.store.database import Database
from estate.store.jobs import NewItem, create_job, load_items, mark_items
from tests.support import estate_program
from tests.unit.cli.test_cli import run, write_config


def test_jobs_lists_progress_per_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    db = Database(f"sqlite:///{tmp_path}/estate.db")
    items = [NewItem(key=f"k{i}", grp="g", payload={}) for i in range(4)]
    job_id = create_job(db, "tag", "set CostCenter=1 on 4 ec2:instance", {}, items)
    a, b, *_ = load_items(db, job_id)
    mark_items(db, [a.id], "done")
    mark_items(db, [b.id], "failed", error="denied")

    code, out, _ = run(capsys, "jobs", "-c", str(config), "--format", "json")
    assert code == 0
    (record,) = json.loads(out)
    assert (record["job"], record["kind"], record["status"]) == (job_id, "tag", "planned")
    assert (record["done"], record["failed"], record["pending"], record["total"]) == (1, 1, 2, 4)

    code, out, _ = run(capsys, "jobs", "-c", str(config))
    assert code == 0 and "CostCenter" in out


def test_resume_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    code, _, err = run(capsys, "resume", "last", "-c", str(config))
    assert (code, err.strip()) == (2, "estate: error: no jobs yet")
    code, _, err = run(capsys, "resume", "seven", "-c", str(config))
    assert code == 2 and "not a job id: 'seven'" in err and len(err.strip().splitlines()) == 1
    db = Database(f"sqlite:///{tmp_path}/estate.db")
    create_job(db, "mystery", "?", {})
    code, _, err = run(capsys, "resume", "last", "-c", str(config))
    assert code == 2 and "job kind 'mystery' cannot be resumed" in err


def test_an_interrupted_command_names_what_is_saved_and_the_exact_command() -> None:
    from estate.cli.main import _interrupted_line
    from estate.commands import use_config
    from estate.errors import Interrupted

    stopped = Interrupted("run 7 saved 12 of 48 shards", ("collect", "--resume", "7"))
    use_config(None)
    assert _interrupted_line(stopped) == (
        "estate: interrupted: run 7 saved 12 of 48 shards; "
        f"continue with: {estate_program()} collect --resume 7"
    )
    use_config(Path("my estate.yaml"))
    assert _interrupted_line(stopped).endswith(
        f"{estate_program()} collect --resume 7 -c 'my estate.yaml'"
    )
    use_config(None)
    assert _interrupted_line(Interrupted("worker w finished 3 shards")) == (
        "estate: interrupted: worker w finished 3 shards"
    )
