"""Running the `estate` program as its own process against the emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from estate.demo.emulator import EMULATOR_CREDENTIALS


def estate_env(tmp_path: Path) -> dict[str, str]:
    """This process's environment without any AWS or ESTATE_ setting, plus the emulator's
    fake credentials and a private state directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ESTATE_"))}
    env.update(
        AWS_ACCESS_KEY_ID=EMULATOR_CREDENTIALS["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=EMULATOR_CREDENTIALS["aws_secret_access_key"],
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        ESTATE_STATE_DIR=str(tmp_path / "state"),
    )
    return env


def run_estate(tmp_path: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "estate", *args, "-c", str(config)],
        capture_output=True,
        text=True,
        env=estate_env(tmp_path),
        timeout=600,
        check=False,
    )
