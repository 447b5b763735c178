"""The config keys of many workers: executor, broker_url, rate_limit_url, heartbeat."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from estate.config import Config, load_config
from estate.errors import ConfigError

PG = "postgresql+psycopg://estate@db/estate"


def load(tmp_path: Path, env: dict[str, str] | None = None, **values: object) -> Config:
    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(values))
    return load_config(path, env=env or {})


def test_celery_with_a_redis_broker_shares_rate_limits_there(tmp_path: Path) -> None:
    config = load(tmp_path, store=PG, executor="celery", broker_url="redis://cache:6379/0")

    assert config.shared_limits_url == "redis://cache:6379/0"
    assert Config().shared_limits_url is None  # local: limits stay in the process
    assert Config(rate_limit_url="redis://r").shared_limits_url == "redis://r"  # asked for


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"executor": "celery", "broker_url": "redis://c"}, "executor: celery needs a PostgreSQL"),
        ({"store": PG, "executor": "celery"}, "broker_url: required with executor: celery"),
        (
            {"broker_url": "amqp://u:pw@mq"},
            "broker_url: must be a redis://, rediss:// or sqs:// URL",
        ),
        (
            {"store": PG, "executor": "celery", "broker_url": "sqs://"},
            "rate_limit_url: required with executor: celery and an sqs:// broker",
        ),
        ({"rate_limit_url": "memcached://m"}, "rate_limit_url: must be a redis://"),
        ({"executor": "threads"}, "executor: "),
        ({"heartbeat": 0}, "heartbeat: "),
    ],
)
def test_errors_name_the_file_and_the_key(
    tmp_path: Path, values: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, **values)

    text = str(info.value)
    assert text.startswith(f"{tmp_path / 'estate.yaml'}: ") and message in text
    assert "\n" not in text and "pw" not in text


def test_environment_overrides(tmp_path: Path) -> None:
    env = {
        "ESTATE_STORE": PG,
        "ESTATE_EXECUTOR": "celery",
        "ESTATE_BROKER_URL": "sqs://",
        "ESTATE_RATE_LIMIT_URL": "redis://r:6379/1",
        "ESTATE_HEARTBEAT": "2.5",
    }
    config = load(tmp_path, env=env)

    assert (config.executor, config.broker_url, config.heartbeat) == ("celery", "sqs://", 2.5)
    assert config.shared_limits_url == "redis://r:6379/1"
