"""Items a collection skipped, in the collect summary and in `estate runs`, when there are any."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from estate.cli.collect import describe_skipped, print_summary
from estate.cli.render import make_console
from estate.engine.run import RunSummary
from estate.store.database import Database
from estate.store.runs import create_run, finish_run
from tests.unit.cli.test_cli import run, write_config

FIGURES = {
    "seconds": 1.0, "shards_total": 2, "shards_ok": 2, "shards_failed": 0, "resources": 7,
    "created": 7, "modified": 0, "deleted": 0, "refreshed": 0, "api_calls": 9, "throttles": 0,
    "retries": 0, "incomplete": 0, "incomplete_calls": {}, "unusable": 0, "foreign": 0,
}  # fmt: skip


def summary_of(**figures: int) -> str:
    out = io.StringIO()
    print_summary(
        make_console(file=out, width=300), RunSummary(4, "ok", {**FIGURES, **figures}, [])
    )
    return out.getvalue()


def test_the_summary_says_what_was_skipped_only_when_something_was() -> None:
    assert "skipped" not in summary_of() and "shared" not in summary_of()
    printed = summary_of(unusable=2, foreign=5)
    assert (
        "  2 items skipped: no id or ARN; 5 shared by other accounts (recorded under their owners)"
        in printed.splitlines()
    )
    assert describe_skipped(1, 0) == "1 item skipped: no id or ARN"


def test_runs_shows_skipped_and_shared_columns_when_a_run_has_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path))
    db = Database(f"sqlite:///{tmp_path}/estate.db")
    finish_run(db, create_run(db, "collect", {}), "ok", dict(FIGURES))
    _, out, _ = run(capsys, "runs", "-c", cfg)
    assert "skipped" not in out and "shared" not in out

    finish_run(db, create_run(db, "collect", {}), "ok", {**FIGURES, "unusable": 2, "foreign": 5})
    db.close()
    code, out, _ = run(capsys, "runs", "-c", cfg)

    header = out.splitlines()[1]
    assert code == 0 and "skipped" in header and "shared" in header
    _, out, _ = run(capsys, "runs", "-f", "csv", "-c", cfg)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["run"], r["unusable"], r["foreign"]) for r in rows] == [
        ("2", "2", "5"),
        ("1", "0", "0"),
    ]
