"""Bad values are refused before any work, with the reason; account ids are the text written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from estate.aws.regions import known_regions, unknown_regions
from estate.cli.main import main
from estate.config import load_config
from estate.errors import ConfigError


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "estate.yaml"
    path.write_text(f"store: sqlite:///{tmp_path}/estate.db\n{text}")
    return path


def one_line(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


def test_an_unknown_region_is_refused_at_once_naming_the_closest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_file(tmp_path, "regions: [us-east-1, us-east-9]\n")
    started = time.monotonic()
    line = one_line(capsys, "collect", "-c", str(path))

    assert time.monotonic() - started < 3  # no shard was run, no endpoint asked
    assert f"{path}: regions: 'us-east-9' is not a region this botocore knows" in line
    assert "closest: us-east-2, us-east-1" in line
    assert "allow_regions: [us-east-9]" in line
    assert not (tmp_path / "estate.db").exists()


def test_a_region_newer_than_botocore_can_be_allowed(tmp_path: Path) -> None:
    path = config_file(tmp_path, "regions: [xx-new-1]\nallow_regions: [xx-new-1]\n")
    assert load_config(path, env={}).regions == ["xx-new-1"]
    bare = config_file(tmp_path, "regions: [xx-new-1]\n")
    env = {"ESTATE_ALLOW_REGIONS": "xx-new-1,yy-new-2"}
    assert load_config(bare, env=env).allow_regions == ["xx-new-1", "yy-new-2"]


def test_botocore_knows_every_partition() -> None:
    assert {"us-east-1", "cn-north-1", "us-gov-west-1"} <= known_regions()


@given(st.sampled_from(sorted(known_regions())))
def test_every_known_region_passes(region: str) -> None:
    assert unknown_regions([region]) == []


@given(st.from_regex(r"[a-z]{2}-[a-z]{4,8}-[5-9]", fullmatch=True))
def test_an_unknown_region_gives_one_message_naming_it(region: str) -> None:
    known = {"us-east-1", "eu-west-1"}
    assert len(unknown_regions([region], known=known)) == 1
    assert unknown_regions([region], allowed=[region], known=known) == []


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["ls", "--limit", "-1"], "Invalid value for '--limit'"),
        (["runs", "--limit", "0"], "Invalid value for '--limit'"),
        (["jobs", "--limit", "0"], "Invalid value for '--limit'"),
        (["ls", "--account", "12"], "'12' is not an AWS account id (12 digits)"),
        (["tag", "--account", "12", "--set", "a=b"], "'12' is not an AWS account id"),
        (["collect", "--accounts", "12"], "--accounts '12': not an AWS account id"),
        (["ls", "--missing-tag", ""], "'--missing-tag': a tag key cannot be empty"),
        (["tag", "--missing-tag", " ", "--set", "a=b"], "a tag key cannot be empty"),
        (["ls", "--region", "us-east-9"], "--region: 'us-east-9' is not a region"),
        (["collect", "--regions", "eu-wst-1"], "closest: eu-west-1"),
    ],
)
def test_bad_option_values_exit_2_with_the_reason(
    args: list[str], reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_file(tmp_path, "regions: [us-east-1]\n")
    line = one_line(capsys, *args, "-c", str(path))
    assert line.startswith("estate: error: ") and reason in line


@pytest.mark.parametrize("word", ["maybe", "2", "ture"])
def test_a_boolean_override_that_is_neither_is_refused(tmp_path: Path, word: str) -> None:
    with pytest.raises(ConfigError, match=f"ESTATE_ORGANIZATION='{word}': expected true or false"):
        load_config(config_file(tmp_path, ""), env={"ESTATE_ORGANIZATION": word})


@pytest.mark.parametrize(("word", "value"), [("yes", True), ("off", False), ("0", False)])
def test_a_boolean_override_is_read(tmp_path: Path, word: str, value: bool) -> None:
    env = {"ESTATE_ORGANIZATION": word}
    assert load_config(config_file(tmp_path, ""), env=env).organization is value


def test_bare_and_unquoted_account_ids_mean_their_text(tmp_path: Path) -> None:
    # 012345670123 is an octal number to YAML 1.1, 012345678901 (an 8 and a 9) a string.
    path = config_file(
        tmp_path,
        "accounts: [123456789012, 012345670123, {id: 012345678901, name: x}]\n"
        "exclude_accounts: [000000000001]\n",
    )
    config = load_config(path, env={})
    assert [a.id for a in config.accounts] == ["123456789012", "012345670123", "012345678901"]
    assert config.accounts[2].name == "x"
    assert config.exclude_accounts == ["000000000001"]


def test_a_short_account_id_is_still_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"accounts\[0\]\.id: must be a 12-digit AWS account id"):
        load_config(config_file(tmp_path, "accounts: [12345]\n"), env={})


@pytest.mark.parametrize(
    ("variable", "key"),
    [("ESTATE_RATE_SCALE", "rate_scale"), ("ESTATE_HEARTBEAT", "heartbeat")],
)
@pytest.mark.parametrize("word", ["nan", "inf"])
def test_a_number_that_is_not_finite_is_named_so(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    key: str,
    word: str,
) -> None:
    monkeypatch.setenv(variable, word)
    line = one_line(capsys, "ls", "-c", str(config_file(tmp_path, "")))
    assert f"{key}: Input should be a finite number" in line  # not "should be ≤ 100"
