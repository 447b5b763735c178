"""Logging from a YAML dictConfig shipped in the package, replaceable with LOG_CFG."""

from __future__ import annotations

import logging
import logging.config
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from estate.errors import InputError

# Anything that looks like a secret is masked before it reaches a handler, whatever logs it.
_SECRETS = re.compile(
    r"(?i)((?:aws_)?secret_?access_?key|SecretAccessKey|session_?token|SessionToken|"
    r"X-Amz-Security-Token|Authorization)(['\"]?\s*[:=]\s*['\"]?)([^'\"\s,}&]+)"
)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRETS.sub(r"\1\2***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def redact(text: str) -> str:
    return _SECRETS.sub(r"\1\2***", text)


def state_dir(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    base = env.get("ESTATE_STATE_DIR") or os.path.join(
        env.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "estate"
    )
    return Path(base)


def setup_logging(config_path: str | None = None, verbose: int = 0) -> None:
    """Configure logging; `-v` shows estate's info on stderr, `-vv` its debug."""
    path = config_path or os.environ.get("LOG_CFG")
    if path:
        try:
            text = Path(path).read_text()
        except OSError as exc:
            raise InputError(f"log config {path}: cannot read ({exc.strerror})") from None
    else:
        text = resources.files("estate").joinpath("logging.yaml").read_text()
    directory = state_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"state directory {directory}: cannot create ({exc.strerror})") from None
    try:
        config: dict[str, Any] = yaml.safe_load(text.replace("{state_dir}", str(directory)))
        logging.config.dictConfig(config)
    except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
        raise InputError(f"log config {path or 'default'}: invalid ({exc})") from None
    if verbose:
        level = logging.INFO if verbose == 1 else logging.DEBUG
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            ):
                handler.setLevel(level)
        logging.getLogger("estate").setLevel(level)
