"""One error tree. Messages name the thing that is wrong (file and key, account, ARN, bucket)."""

from __future__ import annotations


class EstateError(Exception):
    """Base of every error estate raises on purpose. `exit_code` is what the CLI exits with."""

    exit_code = 1


class InputError(EstateError):
    """The user gave us something we cannot use: a bad flag value, an unknown type, a bad ARN."""

    exit_code = 2


class ConfigError(InputError):
    """estate.yaml (or an ESTATE_* override) is invalid. The message names file and key."""


class StoreError(EstateError):
    """The inventory database cannot be opened or is not at the expected schema."""

    exit_code = 2


class StoreUnavailable(StoreError):
    """The world refuses the store: read-only or immutable file, full disk, a role without
    write rights, a lock held past the timeout, a server that does not answer."""

    exit_code = 1


class AwsError(EstateError):
    """An AWS call failed in a way that is not retried. `kind` is the classification."""

    def __init__(self, message: str, *, kind: str = "fatal", code: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code


class EndpointError(AwsError):
    """An endpoint (AWS, an emulator, a VPC endpoint, a proxy) cannot be reached. Exit 1, the
    world's failure, unless `configured`: then it is the config's `endpoint_url` where nothing
    answers, bad input (exit 2, as it always was)."""

    def __init__(self, message: str, *, configured: bool = False) -> None:
        super().__init__(message, kind="transient")
        self.exit_code = 2 if configured else 1


class InternalError(EstateError):
    """A bug: an exception nobody classified. The CLI prints one line, the log has the rest."""


class Interrupted(EstateError):
    """Ctrl-C ended the work after it saved what it had. `saved` says what the store holds
    now; `resume` is the command (without `estate`) that goes on from there, if any."""

    exit_code = 130

    def __init__(self, saved: str, resume: tuple[str, ...] = ()) -> None:
        super().__init__(f"interrupted: {saved}")
        self.saved = saved
        self.resume = resume
