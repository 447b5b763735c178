"""estate.yaml: pydantic models, loading, ESTATE_* overrides, one-line errors naming the key."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from estate.aws.partitions import partition_names, partition_of_arn
from estate.aws.regions import unknown_regions
from estate.errors import ConfigError
from estate.userfiles import read_user_file

DEFAULT_CONFIG = Path("estate.yaml")
DEFAULT_STORE = "sqlite:///estate.db"
ACCOUNT_ID_RE = re.compile(r"^\d{12}$")
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
ROLE_NAME_RE = re.compile(r"^[\w+=,.@/-]{1,64}$")
SUPPORTED_STORES = ("sqlite", "postgresql")

# Environment overrides, for containers where the file is baked into the image.
ENV_OVERRIDES: dict[str, str] = {
    "ESTATE_STORE": "store",
    "ESTATE_ENDPOINT_URL": "endpoint_url",
    "ESTATE_ROLE_NAME": "role_name",
    "ESTATE_EXTERNAL_ID": "external_id",
    "ESTATE_PARTITION": "partition",
    "ESTATE_ORGANIZATION": "organization",
    "ESTATE_ACCOUNTS": "accounts",
    "ESTATE_REGIONS": "regions",
    "ESTATE_ALLOW_REGIONS": "allow_regions",
    "ESTATE_TYPES": "types",
    "ESTATE_CONCURRENCY": "concurrency",
    "ESTATE_THROTTLE_BUDGET": "throttle_budget",
    "ESTATE_RATE_SCALE": "rate_scale",
    "ESTATE_PROFILE": "profile",
    "ESTATE_EXECUTOR": "executor",
    "ESTATE_BROKER_URL": "broker_url",
    "ESTATE_RATE_LIMIT_URL": "rate_limit_url",
    "ESTATE_HEARTBEAT": "heartbeat",
}
BROKER_SCHEMES = ("redis", "rediss", "sqs")
REDIS_SCHEMES = ("redis", "rediss")


def _check_partition(value: str | None) -> str | None:
    if value is not None and value not in partition_names():
        raise ValueError(f"not an AWS partition: {value!r} (one of {', '.join(partition_names())})")
    return value


class AccountConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str | None = None
    role_arn: str | None = None
    partition: str | None = None  # aws-cn, aws-us-gov, ...: where the account lives

    _partition = field_validator("partition")(_check_partition)

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> str:
        text = str(value)
        if not ACCOUNT_ID_RE.match(text):
            raise ValueError(f"must be a 12-digit AWS account id, got {value!r}")
        return text

    @field_validator("role_arn")
    @classmethod
    def _role_arn(cls, value: str | None) -> str | None:
        if value is not None:
            from estate.aws.sessions import parse_role_arn

            try:
                parse_role_arn(value)
            except Exception as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _role_in_account(self) -> AccountConfig:
        if self.role_arn and f"::{self.id}:" not in self.role_arn:
            raise ValueError(f"role_arn {self.role_arn} is not in account {self.id}")
        if self.role_arn and self.partition and partition_of_arn(self.role_arn) != self.partition:
            raise ValueError(f"role_arn {self.role_arn} is not in partition {self.partition}")
        return self


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    store: str = DEFAULT_STORE
    endpoint_url: str | None = None
    profile: str | None = None
    role_name: str = "EstateReader"
    # The partition of accounts that do not name one (default: that of the base credentials).
    partition: str | None = None
    external_id: str | None = None
    organization: bool = False
    accounts: list[AccountConfig] = Field(default_factory=list)
    exclude_accounts: list[str] = Field(default_factory=list)
    # Regions newer than the installed botocore's endpoint data, taken as real all the same
    # (declared before regions: its validator reads them).
    allow_regions: list[str] = Field(default_factory=list)
    regions: list[str] | Literal["all"] = "all"
    types: list[str] | None = None
    concurrency: Annotated[int, Field(ge=1, le=1024)] = 16
    concurrency_per_account: Annotated[int, Field(ge=1, le=1024)] | None = None
    throttle_budget: Annotated[float, Field(ge=0, le=86400, allow_inf_nan=False)] = 900.0
    # Multiplies the built-in API rate limits: below 1 when other tools share the accounts'
    # limits (or a simulated AWS has lower ones), above 1 where AWS raised them for you.
    rate_scale: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)] = 1.0
    session_duration: Annotated[int, Field(ge=900, le=43200)] = 3600
    # Many workers: `celery` sends each shard to `estate worker` processes through the broker;
    # they share the PostgreSQL store and, in Redis, the API rate limits.
    executor: Literal["local", "celery"] = "local"
    broker_url: Annotated[str | None, Field(validate_default=True)] = None
    broker_options: dict[str, Any] = Field(default_factory=dict)  # kombu transport options
    rate_limit_url: Annotated[str | None, Field(validate_default=True)] = None
    # seconds between worker beats
    heartbeat: Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)] = 10.0

    @field_validator("store")
    @classmethod
    def _store(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"not a database URL: {value!r}") from None
        if url.get_backend_name() not in SUPPORTED_STORES:
            raise ValueError(
                f"unsupported database {url.get_backend_name()!r} in {value!r} "
                f"(supported: {', '.join(SUPPORTED_STORES)})"
            )
        return value

    @field_validator("executor")
    @classmethod
    def _executor(cls, value: str, info: ValidationInfo) -> str:
        store = info.data.get("store")
        if value == "celery" and store and make_url(store).get_backend_name() != "postgresql":
            raise ValueError(
                "celery needs a PostgreSQL store (store: postgresql+psycopg://...): "
                "workers on several machines share it"
            )
        return value

    @field_validator("broker_url")
    @classmethod
    def _broker(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            if info.data.get("executor") == "celery":
                raise ValueError("required with executor: celery (redis://HOST:6379/0 or sqs://)")
            return value
        if _scheme(value) not in BROKER_SCHEMES:
            raise ValueError(f"must be a redis://, rediss:// or sqs:// URL, got {_shown(value)!r}")
        return value

    @field_validator("rate_limit_url")
    @classmethod
    def _rate_limits(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            broker = info.data.get("broker_url")
            if info.data.get("executor") == "celery" and broker and _scheme(broker) == "sqs":
                raise ValueError(
                    "required with executor: celery and an sqs:// broker: a redis:// URL "
                    "where workers share the API rate limits"
                )
            return value
        if _scheme(value) not in REDIS_SCHEMES:
            raise ValueError(f"must be a redis:// or rediss:// URL, got {_shown(value)!r}")
        return value

    @field_validator("endpoint_url")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value

    _partition = field_validator("partition")(_check_partition)

    @field_validator("role_name")
    @classmethod
    def _role_name(cls, value: str) -> str:
        if not ROLE_NAME_RE.match(value):
            raise ValueError(f"not a valid IAM role name: {value!r}")
        return value

    @field_validator("exclude_accounts")
    @classmethod
    def _excluded(cls, value: list[str]) -> list[str]:
        for item in value:
            if not ACCOUNT_ID_RE.match(str(item)):
                raise ValueError(f"must be 12-digit AWS account ids, got {item!r}")
        return [str(v) for v in value]

    @field_validator("regions", mode="before")
    @classmethod
    def _regions(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            value = "all" if value.strip() == "all" else [r.strip() for r in value.split(",")]
        if isinstance(value, list):
            for region in value:
                if not isinstance(region, str) or not REGION_RE.match(region):
                    raise ValueError(f"not an AWS region name: {region!r}")
            if not value:
                raise ValueError("must name at least one region, or be 'all'")
            problems = unknown_regions(value, info.data.get("allow_regions") or ())
            if problems:
                raise ValueError("; ".join(problems))
        return value

    @field_validator("allow_regions", mode="before")
    @classmethod
    def _allowed_regions(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [r.strip() for r in value.split(",") if r.strip()]
        for region in value if isinstance(value, list) else []:
            if not isinstance(region, str) or not REGION_RE.match(region):
                raise ValueError(f"not an AWS region name: {region!r}")
        return value

    @field_validator("accounts", mode="before")
    @classmethod
    def _bare_ids(cls, value: Any) -> Any:
        """`accounts: [123456789012]` is shorthand for `[{id: "123456789012"}]`."""
        if isinstance(value, list):
            return [{"id": v} if isinstance(v, str | int) else v for v in value]
        return value

    @field_validator("accounts", mode="after")
    @classmethod
    def _listed_once(cls, value: list[AccountConfig]) -> list[AccountConfig]:
        """An id listed twice: which name and role_arn it would get is a guess, so ask."""
        first: dict[str, int] = {}
        for index, account in enumerate(value):
            if account.id in first:
                raise ValueError(
                    f"{account.id} is listed twice (accounts[{first[account.id]}] and "
                    f"accounts[{index}]): keep one"
                )
            first[account.id] = index
        return value

    @field_validator("types", mode="before")
    @classmethod
    def _types(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [t.strip() for t in value.split(",") if t.strip()]
        if value is not None:
            from estate.resources.registry import REGISTRY

            if not value:  # as with regions: [] — an empty list collecting everything surprises
                raise ValueError("must name at least one type, or be left out for every type")

            for name in value:
                if name not in REGISTRY:
                    raise ValueError(
                        f"unknown resource type {name!r} (known: {', '.join(sorted(REGISTRY))})"
                    )
        return value

    @property
    def shared_limits_url(self) -> str | None:
        """Where API rate limits are shared across processes: rate_limit_url, else a Redis
        broker's URL with executor: celery; None keeps them in this process."""
        if self.rate_limit_url:
            return self.rate_limit_url
        if self.executor == "celery" and self.broker_url and _scheme(self.broker_url) != "sqs":
            return self.broker_url
        return None

    @property
    def per_account(self) -> int:
        """Shards of one account in flight at once: by default half the global cap."""
        return self.concurrency_per_account or max(1, self.concurrency // 2)

    def role_arn_for(self, account: AccountConfig | str, partition: str = "aws") -> str:
        """The role estate assumes in an account: its own role_arn, else role_name there, in
        the account's partition, else the config's, else `partition` (the caller's)."""
        if isinstance(account, AccountConfig):
            if account.role_arn:
                return account.role_arn
            partition = account.partition or self.partition or partition
            account = account.id
        else:
            partition = self.partition or partition
        return f"arn:{partition}:iam::{account}:role/{self.role_name}"


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def _shown(url: str) -> str:
    """A URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def _env_values(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for var, key in ENV_OVERRIDES.items():
        if var not in env or env[var] == "":
            continue
        raw = env[var]
        if key == "accounts":
            values[key] = [{"id": a.strip()} for a in raw.split(",") if a.strip()]
        elif key == "organization":
            values[key] = _env_bool(var, raw)
        else:
            values[key] = raw
    return values


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _env_bool(var: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise ConfigError(
            f"{var}={raw!r}: expected true or false ({'/'.join(TRUE_WORDS)} or "
            f"{'/'.join(FALSE_WORDS)})"
        )
    return word in TRUE_WORDS


def _location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "literal[", "list[")):
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _message(err: Mapping[str, Any]) -> str:
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if err["type"] == "extra_forbidden":
        return "unknown key"
    if err["type"] == "missing":
        return "required"
    return msg


def format_validation_error(source: str, exc: ValidationError) -> str:
    """One line: 'estate.yaml: accounts[0].id: must be ...' (several errors joined by '; ')."""
    parts = []
    seen: set[str] = set()
    for err in exc.errors():
        loc = _location(err["loc"])
        if loc in seen:  # a union reports each arm; the first message says enough
            continue
        seen.add(loc)
        parts.append(f"{loc}: {_message(err)}")
    return f"{source}: " + "; ".join(parts)


class ConfigLoader(yaml.SafeLoader):
    """YAML 1.1 reads an unquoted 012345670123 as an octal number and 012345678901 as text:
    here twelve plain digits are always the text written, an account id."""


ConfigLoader.yaml_implicit_resolvers = {
    first: list(resolvers) for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _digit in "0123456789":  # first in line: the int resolver must not see them
    ConfigLoader.yaml_implicit_resolvers.setdefault(_digit, []).insert(
        0, ("tag:yaml.org,2002:str", re.compile(r"^\d{12}$"))
    )


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate estate.yaml (or `path`), then apply ESTATE_* overrides. Reads a file.

    A missing default file is fine (ESTATE_* or defaults); a missing explicit file is an error.
    """
    env = os.environ if env is None else env
    explicit = path is not None
    path = path or DEFAULT_CONFIG
    data: Any = {}
    if path.exists():
        try:
            text = read_user_file(path, "", ConfigError)
            data = yaml.load(text, Loader=ConfigLoader) or {}  # a SafeLoader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ConfigError(f"{path}: {where}invalid YAML ({problem})") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping of settings, got {type(data).__name__}")
    elif explicit:
        raise ConfigError(f"{path}: no such config file")
    overrides = _env_values(env)
    try:
        return Config.model_validate({**data, **overrides})
    except ValidationError as exc:
        source = str(path)
        if overrides:
            bad = {_location(e["loc"]).split(".")[0].split("[")[0] for e in exc.errors()}
            env_keys = [v for v, k in ENV_OVERRIDES.items() if k in bad and k in overrides]
            if env_keys:
                source = f"{path} (with {', '.join(env_keys)})"
        raise ConfigError(format_validation_error(source, exc)) from None
