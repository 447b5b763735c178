"""A moto server and a sample organization per test module (tests/integration's session
fixtures are not visible here), and plain boto3 clients to read back what was built."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from estate.demo.emulator import Emulator
from estate.demo.sample import SampleOrg, build_sample_organization
from tests.unit.demo.readback import ClientsIn


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture(scope="module")
def sample_org(emulator: Emulator) -> SampleOrg:
    emulator.reset()  # moto's state is process-wide: start from nothing
    return build_sample_organization(emulator.endpoint_url)


@pytest.fixture(scope="module")
def clients(emulator: Emulator) -> ClientsIn:
    return ClientsIn(emulator.endpoint_url)
