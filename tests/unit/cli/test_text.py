"""Text is text: what comes from AWS or the user is printed literally by every renderer, control
characters escaped; json/jsonl/csv carry it exactly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estate.cli.collect import print_summary
from estate.cli.jobprogress import JobProgress, print_job_summary
from estate.cli.main import main
from estate.cli.progress import CollectProgress
from estate.cli.render import make_console, visible
from estate.engine.run import RunSummary
from estate.engine.shardwork import ShardResult
from estate.inventory.normalize import Resource
from estate.s3copy.progress import CopyProgress
from estate.store.database import Database
from estate.store.jobs import ItemRow, JobRow
from estate.store.merge import complete_shard
from estate.store.runs import (
    NewShard,
    ShardRow,
    create_run,
    finish_run,
    load_shards,
    save_page,
    save_shards,
)

ACCOUNT = "111111111111"
PRINTABLE = ["[", "]", "[/]", "[bold]", "[red]x[/red]", "\\", ":fire:", ":ok:", "=", "/", "a", " "]
PRINTABLE += ["\u200f", "\u202e", "\u2066", "é", "🆗"]  # RTL marks and isolates: printed as is
CONTROL = ["\x1b", "\x1b[31m", "\x07", "\n", "\r", "\t", "\x00", "\x7f", "\x9b", "\x85"]
pieces = st.lists(st.sampled_from(PRINTABLE + CONTROL), min_size=1, max_size=12).map("".join)
long = st.sampled_from(PRINTABLE + CONTROL).map(lambda p: ("v" + p * 256)[:256])
hostile = st.one_of(pieces, long, st.text(max_size=40)).map(lambda s: f"<{s}>")
printable = st.one_of(
    st.lists(st.sampled_from(PRINTABLE), min_size=1, max_size=12).map("".join),
    st.sampled_from(PRINTABLE).map(lambda p: ("v" + p * 256)[:256]),
).map(lambda s: f"<{s}>"[:256])
EXAMPLES = settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def test_visible_escapes_exactly_the_control_characters() -> None:
    assert visible("a\x1b[31mb\nc\td\re\x7f\x9b") == "a\\x1b[31mb\\nc\\td\\re\\x7f\\x9b"
    assert visible("[bold]:fire:\\ \u200fé") == "[bold]:fire:\\ \u200fé"


def write_config(tmp_path: Path) -> Path:
    config = {
        "store": f"sqlite:///{tmp_path}/estate.db",
        "accounts": [{"id": ACCOUNT}],
        "regions": ["us-east-1"],
        "types": ["s3:bucket", "ec2:instance"],
    }
    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def instance(text: str, mount: str) -> Resource:
    return Resource(
        arn=f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0{text}",
        type="ec2:instance",
        account=ACCOUNT,
        region="us-east-1",
        id=f"i-0{text}",
        name=text,
        tags={"mount": mount, text: "v"},
        config={"State": {"Name": "running"}},
        hash=mount,
    )


def collected(db: Database, *records: Resource) -> int:
    """A run through the store's own code: plan a shard, stage a page, merge it."""
    run_id = create_run(db, "collect", {"accounts": {ACCOUNT: None}})
    save_shards(db, run_id, [NewShard(ACCOUNT, "us-east-1", "ec2:instance")])
    shard = load_shards(db, run_id)[0]
    save_page(db, shard.id, list(records), None)
    complete_shard(db, shard)
    finish_run(db, run_id, "ok", {})
    return run_id


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def store(tmp_path: Path) -> tuple[Database, str]:
    cfg = write_config(tmp_path)
    return Database(f"sqlite:///{tmp_path}/estate.db"), str(cfg)


def fresh(db: Database) -> None:
    with db.write() as conn:
        for table in ("changes", "resources", "staged", "shards", "runs"):
            conn.exec_driver_sql(f"DELETE FROM {table}")


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(hostile, min_size=1, max_size=10, unique=True))
def test_ls_show_history_changes_print_values_literally(
    store: tuple[Database, str], capsys: pytest.CaptureFixture[str], texts: list[str]
) -> None:
    """Many values per example: each run of the CLI costs a store and a config."""
    db, cfg = store
    fresh(db)
    collected(db, *(instance(t, "[/dev/sda1]") for t in texts))
    collected(db, *(instance(t, f"[{t}]") for t in texts))

    code, out, err = run(capsys, "ls", "-c", cfg)
    assert code == 0, err
    for text in texts:
        row = next(line for line in out.splitlines() if f"i-0{visible(text)} " in line)
        assert f"mount=[{visible(text)}], {visible(text)}=v" in row

    code, out, err = run(capsys, "ls", "-f", "json", "-c", cfg)
    assert {r["name"]: r["tags"] for r in json.loads(out)} == {
        t: {"mount": f"[{t}]", t: "v"} for t in texts
    }
    code, out, _ = run(capsys, "ls", "-f", "jsonl", "-c", cfg)
    names = [json.loads(line)["name"] for line in out.rstrip("\n").split("\n")]
    assert sorted(names) == sorted(texts)
    code, out, _ = run(capsys, "ls", "-f", "csv", "-c", cfg)
    rows = list(csv.reader(io.StringIO(out, newline="")))[1:]
    assert sorted((r[4], r[5]) for r in rows) == sorted((t, f"mount=[{t}], {t}=v") for t in texts)

    code, out, err = run(capsys, "changes", "--run", "2", "-c", cfg)
    assert code == 0, err
    for text in texts:
        assert visible(f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0{text}") in out

    typed = [t for t in texts if "\n" not in t and "\r" not in t][:1]  # a shell passes neither
    for text in typed:
        arn = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0{text}"
        code, out, err = run(capsys, "show", arn, "-c", cfg)
        assert code == 0, err
        assert f"arn         {visible(arn)}\n" in out
        assert f"tags        mount=[{visible(text)}], {visible(text)}=v\n" in out

        code, out, err = run(capsys, "history", arn, "-c", cfg)
        assert code == 0, err
        new = visible(json.dumps(f"[{text}]", ensure_ascii=False))[:40]
        assert f'    tags.mount: "[/dev/sda1]" → {new}' in out
        assert "created" in out and "modified" in out


def test_a_tag_with_brackets_in_ls_show_and_history(
    store: tuple[Database, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, cfg = store
    collected(db, instance("abc", "[/dev/sda1]"))
    arn = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0abc"
    assert "mount=[/dev/sda1]" in run(capsys, "ls", "-c", cfg)[1]
    assert "tags        mount=[/dev/sda1], abc=v" in run(capsys, "show", arn, "-c", cfg)[1]
    code, out, err = run(capsys, "history", arn, "-c", cfg)
    assert code == 0 and "created" in out, err


def test_show_prints_an_arn_with_an_emoji_code_as_it_is(
    store: tuple[Database, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, cfg = store
    run_id = create_run(db, "collect", {"accounts": {ACCOUNT: None}})
    save_shards(db, run_id, [NewShard(ACCOUNT, "us-east-1", "s3:bucket")])
    shard = load_shards(db, run_id)[0]
    bucket = Resource("arn:aws:s3:::ok", "s3:bucket", ACCOUNT, "us-east-1", "ok", "ok", {}, {}, "h")
    save_page(db, shard.id, [bucket], None)
    complete_shard(db, shard)
    code, out, err = run(capsys, "show", "arn:aws:s3:::ok", "-c", cfg)
    assert code == 0, err
    assert out.startswith("arn         arn:aws:s3:::ok\n") and "🆗" not in out


def test_a_piped_table_keeps_long_values_whole_on_one_line(
    store: tuple[Database, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, cfg = store
    value, name = "x" * 255 + "]", "n" * 2000
    collected(db, instance(name, value))
    out = run(capsys, "ls", "-c", cfg)[1]
    row = next(line for line in out.splitlines() if value in line)
    assert name in row and f"i-0{name}" in row


@EXAMPLES
@given(value=printable)
def test_a_tag_plan_shows_the_value_it_will_write(
    store: tuple[Database, str], capsys: pytest.CaptureFixture[str], value: str
) -> None:
    db, cfg = store
    fresh(db)
    collected(db, instance("abc", "m"))
    code, out, err = run(capsys, "tag", "ec2:instance", "--set", f"note={value}", "-c", cfg)
    assert code == 0, err
    assert out.startswith(f"plan: note={value}\n")
    code, out, err = run(capsys, "tag", "--set", f"note={value}", "-f", "json", "-c", cfg)
    assert json.loads(out)[0]["set"] == {"note": value}


def test_a_plan_with_an_emoji_code_shows_the_code(
    store: tuple[Database, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, cfg = store
    collected(db, instance("abc", "m"))
    out = run(capsys, "tag", "--set", "mood=:fire:", "-c", cfg)[1]
    assert "plan: mood=:fire:" in out and "🔥" not in out


@EXAMPLES
@given(text=hostile)
def test_error_lines_are_one_line_and_literal(
    store: tuple[Database, str], capsys: pytest.CaptureFixture[str], text: str
) -> None:
    _, cfg = store
    arn = f"arn:aws:s3:::{text}"
    code, out, err = run(capsys, "show", arn, "-c", cfg)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("estate: error: ")
    if "\n" not in text and "\r" not in text:
        assert (
            err == f"estate: error: {visible(arn)}: not in the inventory (run `estate collect`?)\n"
        )


def shard_row(key: str) -> ShardRow:
    return ShardRow(1, 1, ACCOUNT, "us-east-1", key, None, "failed", 1, None, 0, 0)


def job_row() -> JobRow:
    return JobRow(7, "tag", "partial", "t", {}, {}, {"seconds": 1.0}, 0, None, counts={"failed": 1})


@EXAMPLES
@given(text=hostile, terminal=st.booleans())
def test_progress_lines_and_summaries_print_values_literally(text: str, terminal: bool) -> None:
    expected = visible(f"{text}: {text}")
    out = io.StringIO()
    console = make_console(file=out, force_terminal=terminal, width=100)
    with CollectProgress(console) as progress:
        progress.listener("phase", {"shards": 2, "discovery": False})
        progress.listener("shard", ShardResult(shard_row(text), ok=False, error=text))
        progress.listener("shard", ShardResult(shard_row("t"), ok=False, error=f"{text}: {text}"))
        progress.listener("note", text)
    summary = RunSummary(
        run_id=3, status="partial", figures=_figures(), failures=[(f"k/{text}", text)]
    )
    print_summary(console, summary)
    with JobProgress(console, job_row()) as jobs:
        jobs.listener("groups", {"groups": 1, "counts": {"pending": 1}})
        jobs.listener("group_failed", {"grp": text, "error": text})
        jobs.listener("note", text)
    failure = ItemRow(1, 7, text, "g", {}, None, "failed", 1, text)
    print_job_summary(console, job_row(), [failure])
    with CopyProgress(console, every=0) as copy:
        copy.listener("totals", {"objects": 1, "bytes": 1})
        copy.listener("object", {"status": "failed", "key": text, "error": text})
    printed = out.getvalue()
    assert printed.count(expected) >= 5  # shard, run summary, group, job summary, object
    if not terminal:
        assert f"/{visible(text)} FAILED: {visible(text)}" in printed
    assert f"note: {visible(text)}" in printed and f"job 7: {visible(text)}" in printed
    if not terminal:
        assert "\x1b" not in printed and "\x07" not in printed


def _figures() -> dict[str, float]:
    names = ["seconds", "shards_total", "shards_ok", "shards_failed", "resources", "created"]
    names += ["modified", "deleted", "api_calls", "throttles", "retries"]
    return dict.fromkeys(names, 1)
