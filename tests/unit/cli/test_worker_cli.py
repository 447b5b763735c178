"""`estate worker` refuses a config that is not set up for workers, in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from estate.cli.main import main
from tests.unit.cli.test_cli import run, write_config


def test_a_worker_needs_executor_celery(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)

    code, _, err = run(capsys, "worker", "-c", str(config))

    assert code == 2
    assert err.strip() == (
        f"estate: error: {config}: executor: estate worker needs executor: celery (and broker_url)"
    )


def test_worker_is_a_command() -> None:
    assert main(["worker", "--help"]) == 0
