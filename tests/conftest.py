"""Shared fixtures: every test runs with fake credentials and no AWS config of the machine."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto import mock_aws

from tests import services


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No real credentials, profile or endpoint can leak into a test."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "MOTO_ACCOUNT_ID",
        "LOG_CFG",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("ESTATE_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("ESTATE_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    empty = tmp_path_factory.mktemp("awsconfig")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))


@pytest.fixture
def aws() -> Iterator[None]:
    """An in-process moto for the duration of one test."""
    with mock_aws():
        yield


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A flushed database on the test Redis server (skip, or fail in CI, when there is none)."""
    with services.fresh_redis_db(services.redis_url()) as url:
        yield url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new empty database on the test PostgreSQL server, dropped afterwards."""
    with services.fresh_pg_database(services.pg_url()) as url:
        yield url
