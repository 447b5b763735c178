"""Integration fixtures: one moto server on loopback and one sample organization per session.

moto keeps its state in module globals, shared by every server in the process and by
`mock_aws`, whose start resets it. pytest runs tests/integration before tests/unit, so the
session's organization is intact while integration tests run; keep it that way (no mock_aws here).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from estate.demo.emulator import Emulator
from estate.demo.sample import SampleOrg, build_sample_organization

# Management accounts of throwaway organizations, next to the shared one (123456789012).
_scratch_accounts = (f"2100000{n:05d}" for n in itertools.count(1))


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """A started moto server on a free loopback port; stopped at the end of the session."""
    with Emulator() as emu:
        yield emu


@pytest.fixture(scope="session")
def sample_org(emulator: Emulator) -> SampleOrg:
    """The sample organization (management account 123456789012), built once. Read it only:
    a test that changes resources uses `fresh_sample_org`."""
    emulator.reset()  # whatever earlier tests left in moto's globals
    return build_sample_organization(emulator.endpoint_url)


@pytest.fixture
def fresh_sample_org(emulator: Emulator, sample_org: SampleOrg) -> SampleOrg:
    """A new sample organization of one's own, under another management account, to change.

    Organization discovery with the default credentials sees `sample_org`, not this one: name
    its accounts explicitly. Depends on `sample_org` so that its reset comes first.
    """
    return build_sample_organization(
        emulator.endpoint_url, management_account=next(_scratch_accounts)
    )
