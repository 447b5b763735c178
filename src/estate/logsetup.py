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
from estate.userfiles import read_user_file

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


def log_internal_error(exc: BaseException) -> Path:
    """Write `exc` with its traceback to the log file only (never the console), and say where.
    Does I/O. Falls back to <state dir>/estate.log when logging is not set up yet."""
    record = logging.LogRecord(
        "estate", logging.ERROR, __file__, 0, "internal error: %r", (exc,), (type(exc), exc, None)
    )
    record.exc_info = (type(exc), exc, exc.__traceback__)
    files = [h for h in logging.getLogger().handlers if isinstance(h, logging.FileHandler)]
    for handler in files:
        handler.handle(record)
    if files:
        return Path(files[0].baseFilename)
    path = state_dir() / "estate.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(redact(logging.Formatter().format(record)) + "\n")
    except OSError:
        pass  # nowhere to write: the one line on stderr is all there is
    return path


def setup_logging(config_path: str | None = None, verbose: int = 0) -> None:
    """Configure logging; `-v` shows estate's info on stderr, `-vv` its debug."""
    path = config_path or os.environ.get("LOG_CFG")
    if path:
        text = read_user_file(Path(path), "log config")
    else:
        text = resources.files("estate").joinpath("logging.yaml").read_text()
    directory = state_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"state directory {directory}: cannot create ({exc.strerror})") from None
    source = f"log config {path or 'default'}"
    try:
        config: dict[str, Any] = yaml.safe_load(text.replace("{state_dir}", str(directory)))
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: {_yaml_problem(exc)}") from None
    if not isinstance(config, dict):
        raise InputError(f"{source}: expected a logging dictConfig mapping")
    try:
        logging.config.dictConfig(config)
    except (ValueError, TypeError, AttributeError, ImportError, OSError) as exc:
        reason = " ".join(str(exc).split())  # dictConfig nests causes over several lines
        raise InputError(f"{source}: invalid ({reason})") from None
    # Libraries' warnings (celery's about running as root, deprecations) go to the log file:
    # stderr keeps estate's own lines.
    logging.captureWarnings(True)
    if verbose:
        level = logging.INFO if verbose == 1 else logging.DEBUG
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            ):
                handler.setLevel(level)
        logging.getLogger("estate").setLevel(level)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """'line 3, column 7: invalid YAML (could not find expected ':')', from a parser error."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{where}invalid YAML ({problem})"
