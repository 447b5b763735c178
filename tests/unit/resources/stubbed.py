"""A real AccountSession whose client for one (service, region) answers through botocore's
Stubber: literal AWS answers, in order, each request checked against what the test expects."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import botocore.session
from botocore.stub import Stubber

from estate.aws.sessions import AccountSession, AwsSettings
from estate.aws.stats import CallStats
from tests.unit.resources.collecting import ACCOUNT


@contextmanager
def stubbed(
    service: str, region: str, account: str = ACCOUNT
) -> Iterator[tuple[AccountSession, Stubber]]:
    """The session and the Stubber of its (service, region) client; every stubbed answer must
    have been asked for when the block ends."""
    base = botocore.session.Session()
    base.set_credentials("testing", "testing")
    session = AccountSession(account, base, AwsSettings(), CallStats())
    with Stubber(session.client(service, region)) as stubber:
        yield session, stubber
        stubber.assert_no_pending_responses()
