"""Two emulated accounts for copies: a source (111…) and a destination (222…)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from moto.s3.models import S3Backend
from rich.console import Console

from estate.actions.jobs import JobContext
from estate.aws.sessions import AwsSettings, SessionFactory
from estate.aws.stats import CallStats
from estate.config import Config
from estate.store.database import Database
from tests.sim.moto_process import copy_tags_across_accounts
from tests.support import session_in

SRC_ACCOUNT = "111111111111"
DST_ACCOUNT = "222222222222"
OTHER_ACCOUNT = "333333333333"
SRC_ROLE = f"arn:aws:iam::{SRC_ACCOUNT}:role/Migrate"
DST_ROLE = f"arn:aws:iam::{DST_ACCOUNT}:role/Migrate"
MiB = 1024 * 1024


def s3_in(account: str, region: str) -> Any:
    return session_in(account).client("s3", region_name=region)


def make_bucket(account: str, bucket: str, region: str) -> Any:
    s3 = s3_in(account, region)
    config = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    s3.create_bucket(Bucket=bucket, **config)
    return s3


@pytest.fixture
def factory(aws: None) -> SessionFactory:
    return SessionFactory(AwsSettings(max_pool_connections=32), CallStats())


@pytest.fixture
def ctx(factory: SessionFactory, tmp_path: Path) -> JobContext:
    config = Config(store=f"sqlite:///{tmp_path}/estate.db")
    return JobContext(
        config=config,
        db=Database(config.store),
        factory=factory,
        out=Console(file=io.StringIO()),
        err=Console(file=io.StringIO()),
    )


@pytest.fixture
def s3_copies_tags(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """moto as the simulated AWS patches it (tests/sim/moto_process.py): a cross-account
    CopyObject carries the source's tags, as S3's does. Undone after the test."""
    monkeypatch.setattr(S3Backend, "copy_object", S3Backend.copy_object)
    copy_tags_across_accounts()
