"""A reader that goes away (`estate ls | head -1`) and a stream that cannot encode a
character (PYTHONIOENCODING=ascii) end nothing half-way: no traceback, the command's own exit
status, and the work goes on to its end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from estate.cli import streams
from estate.cli.main import main
from estate.store.database import Database
from estate.store.runs import load_runs
from tests.unit.cli.test_text import collected, instance, write_config


def estate_process(
    *args: str, cwd: Path, stdout: int | None = None, stderr: int | None = None, **env: str
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "estate", *args],
        cwd=cwd,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=stderr if stderr is not None else subprocess.PIPE,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


def closed_pipe() -> int:
    """The write end of a pipe whose reader has already gone: every write is EPIPE."""
    read, write = os.pipe()
    os.close(read)
    return write


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    config = write_config(tmp_path)
    db = Database(f"sqlite:///{tmp_path}/estate.db")
    collected(db, *(instance(f"{n:03d}", "[/dev/sda1]") for n in range(40)))
    return config


@pytest.mark.parametrize(
    "args",
    [["--help"], ["ls", "--format", "jsonl"], ["ls"], ["iam-policy"]],
    ids=["help", "jsonl", "table", "iam-policy"],
)
def test_a_reader_that_is_gone_ends_the_output_quietly(
    args: list[str], inventory: Path, tmp_path: Path
) -> None:
    config = [] if args == ["--help"] else ["-c", str(inventory)]
    write = closed_pipe()
    try:
        done = estate_process(*args, *config, cwd=tmp_path, stdout=write)
    finally:
        os.close(write)
    summary = "40 resources\n" if args == ["ls"] else ""  # the table's count, on stderr
    assert (done.returncode, done.stderr.decode()) == (0, summary)


def test_a_closed_stderr_does_not_fail_the_command(inventory: Path, tmp_path: Path) -> None:
    write = closed_pipe()
    try:
        done = estate_process("ls", "-c", str(inventory), cwd=tmp_path, stderr=write)
    finally:
        os.close(write)
    assert done.returncode == 0
    assert len(done.stdout.decode().splitlines()) == 40 + 4  # the rows, the header, the rules


def test_a_character_the_output_cannot_encode_is_shown_escaped(
    inventory: Path, tmp_path: Path
) -> None:
    db = Database(f"sqlite:///{tmp_path}/estate.db")
    collected(db, instance("rtl\u202emark", "é"))
    done = estate_process(
        "show",
        "arn:aws:ec2:us-east-1:111111111111:instance/i-0rtl\u202emark",
        "-c",
        str(inventory),
        cwd=tmp_path,
        PYTHONIOENCODING="ascii",
    )
    assert (done.returncode, done.stderr.decode()) == (0, "")
    assert "name        rtl\\u202emark" in done.stdout.decode("ascii")
    assert "mount=\\xe9" in done.stdout.decode("ascii")


class GoneReader:
    """A pipe whose reader left: every write and flush raises EPIPE."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def isatty(self) -> bool:
        return False


@pytest.mark.usefixtures("aws")
def test_a_collection_whose_progress_reader_left_still_completes_every_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`estate collect 2>&1 | head -1`: the progress lines are printed by the shards' threads;
    the reader going away must not fail them (it failed 7 of 15 shards and left the run
    'running')."""
    config = write_config(tmp_path)
    monkeypatch.setattr(sys, "stdout", GoneReader())
    monkeypatch.setattr(sys, "stderr", GoneReader())
    streams.guard_standard_streams()

    code = main(["collect", "-c", str(config)])
    (run,) = load_runs(Database(f"sqlite:///{tmp_path}/estate.db"))
    assert (code, run["status"], run["shards_failed"]) == (0, "ok", 0)
