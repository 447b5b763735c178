"""What nobody classified still ends in one line: a broken LOG_CFG names file, line and column;
a bug prints one line and leaves its traceback in the log file only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from estate.cli.main import main
from estate.store import queries


def test_a_log_config_with_broken_yaml_names_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "log.yaml"
    broken.write_text("version: 1\nhandlers: [a\n  b: c\n")
    monkeypatch.setenv("LOG_CFG", str(broken))

    code = main(["collect", "-c", str(tmp_path / "none.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        f"estate: error: log config {broken}: line 3, column 4: invalid YAML "
        "(expected ',' or ']', but got ':')\n"
    )


def test_a_bug_is_one_line_and_its_traceback_is_in_the_log_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(queries, "load_resources", broken)
    monkeypatch.chdir(tmp_path)

    code = main(["ls"])
    err = capsys.readouterr().err
    log = Path(os.environ["ESTATE_STATE_DIR"]) / "estate.log"
    assert code == 1
    assert err == (
        "estate: internal error: ZeroDivisionError: division by zero second line "
        f"(the traceback is in {log})\n"
    )
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "in broken" in text
