"""Conventions: --version, help without Python types, empty results said, logs above the bar."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from estate import __version__
from estate.cli.main import app, main
from estate.cli.progress import CollectProgress
from estate.cli.render import make_console
from estate.store.database import Database
from estate.store.runs import create_run, finish_run


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_as_an_option_and_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"{__version__}\n", "")
    assert run(capsys, "version") == (0, f"{__version__}\n", "")


def commands() -> list[list[str]]:
    names = [[c.name or c.callback.__name__] for c in app.registered_commands]  # type: ignore[union-attr]
    return [*names, ["s3", "copy"], ["s3", "grant"], ["s3", "verify"]]


@pytest.mark.parametrize("command", commands(), ids=" ".join)
def test_help_has_no_python_type_placeholders(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert not re.search(r"<(bool|int|str|path|list\[\w+\]|float)>", out), out
    if "--format" in out:
        assert "table|json|jsonl|csv" in out
    if "--verbose" in out:
        assert "-vv" in out and "[default: 0]" not in out


@pytest.fixture
def cfg(tmp_path: Path) -> str:
    config = {"store": f"sqlite:///{tmp_path}/estate.db", "accounts": [{"id": "111111111111"}]}
    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(config))
    return str(path)


def test_empty_results_say_so_naming_the_filters(
    cfg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "runs", "-c", cfg) == (0, "", "no runs yet: estate collect starts one\n")
    code, out, err = run(capsys, "jobs", "-c", cfg)
    assert (code, out) == (0, "") and err.startswith("no jobs yet")
    code, out, err = run(capsys, "ls", "ec2:instance", "--tag", "env=prod", "-c", cfg)
    assert (code, out, err) == (0, "", "no resources match: type ec2:instance, tag env=prod\n")
    code, out, err = run(capsys, "ls", "--missing-tag", "owner", "-f", "json", "-c", cfg)
    assert (out, err) == ("[]\n", "no resources match: missing tag owner\n")
    db = Database(f"sqlite:///{tmp_path}/estate.db")
    finish_run(db, create_run(db, "collect", {"accounts": {}}), "ok", {})
    code, out, err = run(capsys, "changes", "--change", "deleted", "-c", cfg)
    assert (code, out, err) == (0, "", "no changes match: run 1, change deleted\n")


def test_log_lines_print_above_a_live_bar_through_its_console() -> None:
    screen, stream = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    try:
        with CollectProgress(make_console(file=screen, force_terminal=True, width=100)) as p:
            p.listener("phase", {"shards": 2, "discovery": False})
            logging.getLogger("estate.test").error("throttled [eu-west-1]")
            assert handler not in root.handlers
        assert handler in root.handlers
    finally:
        root.removeHandler(handler)
    assert stream.getvalue() == ""
    assert "throttled [eu-west-1]" in screen.getvalue()


@pytest.mark.parametrize("group", [[], ["s3"]], ids=["estate", "estate s3"])
def test_every_command_summary_in_a_list_of_commands_is_one_line(
    group: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A docstring's own line breaks used to cut `estate s3 --help`'s summaries mid-sentence."""
    monkeypatch.setenv("COLUMNS", "400")  # wide enough that Rich never has to wrap a summary
    main([*group, "--help"])
    listing = capsys.readouterr().out.split("Commands")[1]
    lines = [line for line in listing.splitlines() if line.startswith("│")]
    continued = [line for line in lines if line.startswith("│  ")]  # no command name: wrapped
    assert lines and continued == []
    rows = [line.strip("│ ") for line in lines]
    assert any("two statements merged into the bucket policy" in row for row in rows) or not group
    assert any("`s3 copy` and `resume` (executor: celery)" in row for row in rows) or group


def test_every_command_that_reads_a_config_takes_v_and_log_config() -> None:
    """`estate ls -v` was "No such option: -v" while `estate collect -v` logged more."""
    import typer.main

    def leaves(command: Any, path: str) -> list[tuple[str, Any]]:
        if hasattr(command, "commands"):  # a group (Typer's own, not a click.Group)
            return [
                leaf
                for name, sub in command.commands.items()
                for leaf in leaves(sub, f"{path} {name}")
            ]
        return [(path, command)]

    lacking = [
        path
        for path, command in leaves(typer.main.get_command(app), "estate")
        if any("--config" in p.opts for p in command.params)
        and not {"-v", "--log-config"} <= {o for p in command.params for o in p.opts}
    ]
    assert lacking == []
