"""Files a newcomer points estate at that are not what it expects end in one line, exit 2:
a FIFO (which would wait forever for a writer), bytes that are not UTF-8, `types: []`."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from estate.cli.main import main


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A FIFO whose writer comes only once someone opens it for reading: if estate opened it,
    it would read an empty file (and the test fail) instead of waiting forever."""
    path = tmp_path / "estate.yaml"
    os.mkfifo(path)
    writer = threading.Thread(target=lambda: open(path, "w").close(), daemon=True)
    writer.start()
    yield path
    os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))  # lets the writer's open return
    writer.join(timeout=5)


def ls_reading(
    option: str, path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    """`estate ls` given `path` as its config or as LOG_CFG: its exit code, and how the error
    line names that file."""
    monkeypatch.chdir(tmp_path)
    if option == "config":
        return main(["ls", "-c", str(path)]), ""
    monkeypatch.setenv("LOG_CFG", str(path))
    return main(["ls", "-c", str(tmp_path / "absent.yaml")]), "log config "


@pytest.mark.parametrize("option", ["config", "log config"])
def test_a_fifo_named_as_a_file_is_refused_at_once(
    option: str,
    fifo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, prefix = ls_reading(option, fifo, tmp_path, monkeypatch)
    assert (code, capsys.readouterr().err) == (
        2,
        f"estate: error: {prefix}{fifo}: is a named pipe (FIFO), not a file\n",
    )


@pytest.mark.parametrize("option", ["config", "log config"])
def test_a_file_that_is_not_utf8_names_the_byte_and_line(
    option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    latin1 = tmp_path / "estate.yaml"
    latin1.write_bytes(
        "store: sqlite:///estate.db\nrole_name: Lecteur\n# équipe\n".encode("latin-1")
    )
    code, prefix = ls_reading(option, latin1, tmp_path, monkeypatch)
    assert (code, capsys.readouterr().err) == (
        2,
        f"estate: error: {prefix}{latin1}: not UTF-8 text (byte 0xe9 on line 3)\n",
    )


def test_an_empty_types_list_is_refused_like_an_empty_regions_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "estate.yaml"
    config.write_text("types: []\n")
    monkeypatch.chdir(tmp_path)

    code = main(["collect", "-c", str(config)])
    assert (code, capsys.readouterr().err) == (
        2,
        f"estate: error: {config}: types: must name at least one type, "
        "or be left out for every type\n",
    )


def test_a_store_naming_a_directory_is_bad_input_naming_a_file_to_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "estate.yaml"
    config.write_text(f"store: sqlite:///{tmp_path}\n")
    monkeypatch.chdir(tmp_path)

    code = main(["ls", "-c", str(config)])
    assert (code, capsys.readouterr().err) == (
        2,
        f"estate: error: store sqlite:///{tmp_path}: {tmp_path} is a directory; name a file "
        f"in it, e.g. sqlite:///{tmp_path}/estate.db\n",
    )


def test_an_account_listed_twice_is_refused_naming_both_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "estate.yaml"
    config.write_text(
        "accounts:\n"
        "  - {id: '111111111111', name: prod}\n"
        "  - 222222222222\n"
        "  - {id: '111111111111', role_arn: 'arn:aws:iam::111111111111:role/Other'}\n"
    )
    monkeypatch.chdir(tmp_path)

    code = main(["iam-policy", "-c", str(config)])  # reads the config, calls nobody
    assert (code, capsys.readouterr().err) == (
        2,
        f"estate: error: {config}: accounts: 111111111111 is listed twice "
        "(accounts[0] and accounts[2]): keep one\n",
    )
