"""Fixtures for spec tests: a setup session in a member account and estate's reader session.

Both share one botocore data loader for the whole run: parsing the service models again for
every test's new sessions would cost more than the tests themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest

from estate.aws.sessions import AccountSession, AwsSettings, SessionFactory
from tests.support import session_in
from tests.unit.resources.collecting import ACCOUNT, READER_ROLE


@functools.cache
def _shared_loader() -> Any:
    return botocore.session.get_session().get_component("data_loader")


def _botocore_session() -> botocore.session.Session:
    session = botocore.session.Session()
    session.register_component("data_loader", _shared_loader())
    return session


@pytest.fixture(autouse=True)
def _few_moto_images(monkeypatch: pytest.MonkeyPatch) -> None:
    # moto loads thousands of example AMIs into every (account, region) EC2 backend, a quarter
    # of a second each; these tests launch instances from an image id moto does not check.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


@pytest.fixture
def member(aws: None) -> Iterator[boto3.Session]:
    """Creates the resources under test, inside the member account."""
    # session_in's STS call goes through boto3's default session, which moto resets.
    boto3.setup_default_session(botocore_session=_botocore_session())
    assumed = session_in(ACCOUNT).get_credentials()
    assert assumed is not None
    credentials = assumed.get_frozen_credentials()
    yield boto3.Session(
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key,
        aws_session_token=credentials.token,
        botocore_session=_botocore_session(),
    )
    boto3.DEFAULT_SESSION = None  # no test after this one inherits its credentials


@pytest.fixture
def reader(aws: None) -> AccountSession:
    """What estate collects with: an assumed-role session in the member account."""
    factory = SessionFactory(AwsSettings(), base=_botocore_session())
    return factory.for_account(ACCOUNT, READER_ROLE)
