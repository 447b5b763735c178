"""The fault proxy in front of a moto server, seen by real boto3 clients: what passes through
unchanged, and that every simulated fault reaches botocore as the error AWS would give."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

from estate.aws.errors import ErrorKind, classify, error_code
from estate.demo.emulator import Emulator
from tests.sim.proxy import EC2_LIMITS, FaultProxy, Faults, Limits, rate_excess
from tests.sim.wire import cbor_text_map

DEFAULT_ACCOUNT = "123456789012"
REGION = "us-east-1"
NO_RETRIES = Config(retries={"total_max_attempts": 1}, s3={"addressing_style": "path"})

# Scratch accounts of this module, clear of the sample organization and other tests' ids.
_accounts = (f"4100000{n:05d}" for n in itertools.count(1))


class FakeClock:
    """The proxy's clock, moved by hand: buckets refill and keys age only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def every(limits: Limits) -> dict[str, Limits]:
    return {"read": limits, "write": limits, "tags": limits}


@pytest.fixture(scope="module")
def moto() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def client(
    proxy: FaultProxy,
    service: str,
    credentials: dict[str, str] | None = None,
    region: str = REGION,
    config: Config = NO_RETRIES,
) -> Any:
    """A boto3 client through the proxy; the environment's test credentials by default."""
    creds = credentials or {}
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=proxy.endpoint_url,
        region_name=region,
        config=config,
        aws_access_key_id=creds.get("aws_access_key_id"),
        aws_secret_access_key=creds.get("aws_secret_access_key"),
        aws_session_token=creds.get("aws_session_token"),
    )


def assume(proxy: FaultProxy, account: str) -> dict[str, str]:
    """Client keyword arguments for fresh AssumeRole credentials in `account`, via the proxy."""
    creds = client(proxy, "sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/Sim", RoleSessionName="sim"
    )["Credentials"]
    return {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }


def failure(call: Callable[[], object]) -> BaseException:
    """The exception `call` raises (the test fails when it raises none)."""
    with pytest.raises(Exception) as caught:  # the caller checks which
        call()
    return caught.value


# One cheap read per protocol: (service, call, the throttling code botocore reports).
READS: dict[str, tuple[str, Callable[[Any], object], str]] = {
    "ec2": ("ec2", lambda c: c.describe_vpcs(), "RequestLimitExceeded"),
    "s3": ("s3", lambda c: c.list_buckets(), "SlowDown"),
    "sqs": ("sqs", lambda c: c.list_queues(), "ThrottlingException"),
    "iam": ("iam", lambda c: c.list_users(), "Throttling"),
    "dynamodb": ("dynamodb", lambda c: c.list_tables(), "ThrottlingException"),
    "lambda": ("lambda", lambda c: c.list_functions(), "TooManyRequestsException"),
    "cloudwatch": ("cloudwatch", lambda c: c.list_metrics(), "ThrottlingException"),
}
EXPIRED_CODES = {
    "ec2": "RequestExpired",
    "s3": "ExpiredToken",
    "sqs": "ExpiredTokenException",
    "iam": "ExpiredToken",
    "dynamodb": "ExpiredTokenException",
    "lambda": "ExpiredTokenException",
    "cloudwatch": "ExpiredTokenException",
}


@pytest.mark.integration
def test_requests_pass_through_unchanged(moto: Emulator) -> None:
    account = next(_accounts)
    bucket, queue = f"sim-{uuid.uuid4().hex[:12]}", f"sim-{uuid.uuid4().hex[:12]}"
    with FaultProxy(moto.endpoint_url) as proxy:
        creds = assume(proxy, account)
        s3 = client(proxy, "s3", creds)
        s3.create_bucket(Bucket=bucket)
        assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
        body = bytes(range(256)) * 8192  # 2 MiB: botocore sends Expect: 100-continue
        s3.put_object(Bucket=bucket, Key="k", Body=body)
        assert s3.head_object(Bucket=bucket, Key="k")["ContentLength"] == len(body)
        assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == body

        sqs = client(proxy, "sqs", creds)
        url = sqs.create_queue(QueueName=queue)["QueueUrl"]
        assert url.startswith(moto.endpoint_url)  # the proxy sends the upstream's Host
        assert f"/{account}/{queue}" in url
        assert url in sqs.list_queues()["QueueUrls"]

        through = client(proxy, "ec2").describe_vpcs()["Vpcs"]
        direct = boto3.client("ec2", endpoint_url=moto.endpoint_url, region_name=REGION)
        assert through == direct.describe_vpcs()["Vpcs"]

        stats = proxy.stats
        assert proxy.account_of(creds["aws_access_key_id"]) == account
        assert (account, REGION, "s3", "write") in stats.per_key
        assert (account, REGION, "sqs", "read") in stats.per_key
        assert (DEFAULT_ACCOUNT, REGION, "ec2", "read") in stats.per_key
        assert stats.requests == 1 + 5 + 2 + 1  # AssumeRole counts too
        assert (stats.throttled, stats.errors, stats.resets, stats.expired) == (0, 0, 0, 0)


@pytest.mark.integration
@pytest.mark.parametrize("name", sorted(READS))
def test_the_request_past_the_burst_is_throttled(
    moto: Emulator, clock: FakeClock, name: str
) -> None:
    service, read, code = READS[name]
    with FaultProxy(moto.endpoint_url, Faults(limits=every(Limits(5, 1))), clock=clock) as proxy:
        api = client(proxy, service)
        for _ in range(5):
            read(api)
        exc = failure(lambda: read(api))
        assert isinstance(exc, ClientError)
        assert error_code(exc) == code
        assert classify(exc) == ErrorKind.THROTTLED

        clock.advance(1.0)  # one token back
        read(api)
        assert isinstance(failure(lambda: read(api)), ClientError)

        stats = proxy.stats
        assert stats.throttled == 2
        assert stats.requests == 6
        (key,) = stats.per_key
        assert key[:3] == (
            DEFAULT_ACCOUNT,
            REGION,
            service if name != "cloudwatch" else "monitoring",
        )
        assert stats.throttled_per_key == {key: 2}
        assert stats.rate_violations() == {}
        assert stats.max_rate_violation()[key] == pytest.approx(0.0)  # the bucket used to the full


@pytest.mark.integration
def test_buckets_are_per_account_region_and_category(moto: Emulator, clock: FakeClock) -> None:
    limits = {"read": Limits(3, 1), "write": Limits(1, 1), "tags": Limits(2, 1)}
    with FaultProxy(moto.endpoint_url, Faults(limits=limits), clock=clock) as proxy:
        for account in (next(_accounts), next(_accounts)):
            for region in (REGION, "eu-west-1"):
                ec2 = client(proxy, "ec2", assume(proxy, account), region)
                for _ in range(3):
                    ec2.describe_vpcs()
                assert error_code(failure(ec2.describe_vpcs)) == "RequestLimitExceeded"
                # tag calls and other writes have buckets of their own
                group = ec2.create_security_group(GroupName=uuid.uuid4().hex, Description="d")
                exc = failure(partial(ec2.create_key_pair, KeyName="k"))
                assert error_code(exc) == "RequestLimitExceeded"
                tag = {"Resources": [group["GroupId"]], "Tags": [{"Key": "k", "Value": ""}]}
                ec2.create_tags(**tag)
                ec2.delete_tags(**tag)
                exc = failure(partial(ec2.create_tags, **tag))
                assert error_code(exc) == "RequestLimitExceeded"

        refused = proxy.stats.throttled_per_key
        assert len(refused) == 2 * 2 * 3  # accounts x regions x categories
        assert set(refused.values()) == {1}
        assert {key[3] for key in refused} == {"read", "write", "tags"}
        assert proxy.stats.rate_violations() == {}


@pytest.mark.integration
def test_limit_scale_multiplies_burst_and_rate(moto: Emulator, clock: FakeClock) -> None:
    faults = Faults(limits=every(Limits(10, 2)), limit_scale=0.2)  # burst 2, 0.4 per second
    with FaultProxy(moto.endpoint_url, faults, clock=clock) as proxy:
        s3 = client(proxy, "s3")
        s3.list_buckets()
        s3.list_buckets()
        assert error_code(failure(s3.list_buckets)) == "SlowDown"
        clock.advance(2.5)  # one token
        s3.list_buckets()
        assert error_code(failure(s3.list_buckets)) == "SlowDown"


@pytest.mark.integration
def test_assumed_keys_expire_after_the_ttl(moto: Emulator, clock: FakeClock) -> None:
    account = next(_accounts)
    with FaultProxy(moto.endpoint_url, Faults(credential_ttl=900), clock=clock) as proxy:
        old = assume(proxy, account)
        clients = {name: client(proxy, READS[name][0], old) for name in READS}
        for name, api in clients.items():
            READS[name][1](api)

        clock.advance(899)
        READS["ec2"][1](clients["ec2"])
        clock.advance(1)
        for name, api in clients.items():
            exc = failure(partial(READS[name][1], api))
            assert error_code(exc) == EXPIRED_CODES[name], name
            assert classify(exc) == ErrorKind.EXPIRED, name

        for name in READS:  # new keys work, and the base key never expires
            READS[name][1](client(proxy, READS[name][0], assume(proxy, account)))
            READS[name][1](client(proxy, READS[name][0]))
        assert proxy.stats.expired == len(READS)


@pytest.mark.integration
def test_sts_is_never_throttled_failed_or_expired(moto: Emulator, clock: FakeClock) -> None:
    faults = Faults(limits=every(Limits(0, 0)), error_rate=0.5, reset_rate=0.5, credential_ttl=0)
    with FaultProxy(moto.endpoint_url, faults, clock=clock) as proxy:
        account, other = next(_accounts), next(_accounts)
        creds = assume(proxy, account)
        sts = client(proxy, "sts", creds)
        for _ in range(5):
            assert sts.get_caller_identity()["Account"] == account
        chained = sts.assume_role(
            RoleArn=f"arn:aws:iam::{other}:role/Sim", RoleSessionName="chained"
        )
        assert proxy.account_of(chained["Credentials"]["AccessKeyId"]) == other
        assert error_code(failure(client(proxy, "iam", creds).list_users)) == "ExpiredToken"
        assert error_code(failure(client(proxy, "iam").list_users)) == "Throttling"


@pytest.mark.integration
@pytest.mark.parametrize("name", ["ec2", "s3", "sqs", "iam", "lambda", "cloudwatch"])
def test_error_rate_one_answers_500(moto: Emulator, name: str) -> None:
    service, read, _ = READS[name]
    with FaultProxy(moto.endpoint_url, Faults(error_rate=1.0)) as proxy:
        exc = failure(lambda: read(client(proxy, service)))
        assert isinstance(exc, ClientError)
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert error_code(exc) in {"InternalError", "InternalFailure"}
        assert classify(exc) == ErrorKind.TRANSIENT
        assert (proxy.stats.errors, proxy.stats.requests) == (1, 0)


@pytest.mark.integration
def test_reset_rate_one_closes_the_connection(moto: Emulator) -> None:
    with FaultProxy(moto.endpoint_url, Faults(reset_rate=1.0)) as proxy:
        ec2 = client(proxy, "ec2")
        for _ in range(3):
            exc = failure(ec2.describe_vpcs)
            assert isinstance(exc, ConnectionClosedError)
            assert classify(exc) == ErrorKind.TRANSIENT
        assert proxy.stats.resets == 3

        proxy.set_faults(Faults())  # while running: the same client recovers
        assert ec2.describe_vpcs()["Vpcs"]


@pytest.mark.integration
def test_random_faults_come_in_their_proportions(moto: Emulator) -> None:
    faults = Faults(throttle_rate=0.2, error_rate=0.2, reset_rate=0.2, seed=7)
    with FaultProxy(moto.endpoint_url, faults) as proxy:
        s3 = client(proxy, "s3")
        kinds = []
        for _ in range(100):
            try:
                s3.list_buckets()
                kinds.append("ok")
            except (ClientError, ConnectionClosedError) as exc:
                kinds.append(str(classify(exc)))
        stats = proxy.stats
        assert kinds.count("throttled") == stats.throttled
        assert kinds.count("transient") == stats.errors + stats.resets
        assert kinds.count("ok") == stats.requests
        for count in (stats.throttled, stats.errors, stats.resets, stats.requests):
            assert 8 <= count <= 60  # 20 / 20 / 20 / 40 expected


@pytest.mark.integration
def test_latency_delays_without_serializing(moto: Emulator) -> None:
    with FaultProxy(moto.endpoint_url, Faults(latency=0.05)) as proxy:
        s3 = client(proxy, "s3", config=Config(max_pool_connections=24))
        s3.list_buckets()
        started = time.monotonic()
        s3.list_buckets()
        assert time.monotonic() - started >= 0.05

        started = time.monotonic()
        with ThreadPoolExecutor(24) as pool:
            list(pool.map(lambda _: s3.list_buckets(), range(24)))
        assert time.monotonic() - started < 24 * 0.05 * 0.75  # serialized would take 1.2 s


@pytest.mark.integration
def test_fifty_concurrent_connections(moto: Emulator) -> None:
    with FaultProxy(moto.endpoint_url) as proxy:
        sts = client(proxy, "sts", config=Config(max_pool_connections=50))
        barrier = threading.Barrier(50)

        def work(_: int) -> str:
            barrier.wait(timeout=10)
            return str(sts.get_caller_identity()["Account"] + sts.get_caller_identity()["Account"])

        with ThreadPoolExecutor(50) as pool:
            answers = list(pool.map(work, range(50)))
        assert answers == [DEFAULT_ACCOUNT * 2] * 50
        assert proxy.stats.requests == 100
        assert proxy.stats.upstream_failures == 0


@pytest.mark.integration
def test_rate_check_finds_requests_no_bucket_would_admit(moto: Emulator, clock: FakeClock) -> None:
    with FaultProxy(moto.endpoint_url, clock=clock) as proxy:  # no limits: all admitted
        ec2 = client(proxy, "ec2")
        for _ in range(6):
            ec2.describe_vpcs()
        key = (DEFAULT_ACCOUNT, REGION, "ec2", "read")
        assert proxy.stats.max_rate_violation() == {}  # nothing to check against
        assert proxy.stats.rate_violations({"read": Limits(5, 1)}) == {key: pytest.approx(1.0)}
        assert proxy.stats.rate_violations(EC2_LIMITS, limit_scale=0.06) == {}  # burst 6


def test_rate_excess_is_the_worst_window() -> None:
    limits = Limits(2, 1)
    assert rate_excess([], limits) == -2
    assert rate_excess([0.0, 0.0], limits) == 0
    assert rate_excess([0.0, 0.0, 0.0], limits) == 1
    assert rate_excess([0.0, 0.0, 1.0, 2.0, 3.0], limits) == 0  # steady at the refill rate
    assert rate_excess([0.0, 10.0, 10.0, 10.5, 11.0], limits) == pytest.approx(1.0)
    assert rate_excess([3.0, 0.0, 0.0], limits) <= 0  # order does not matter


def test_cbor_error_body_is_what_botocore_reads() -> None:
    from botocore.parsers import RpcV2CBORParser

    body = cbor_text_map({"__type": "ThrottlingException", "message": "x" * 30})
    parsed = RpcV2CBORParser().parse(
        {"status_code": 400, "headers": {}, "body": body, "context": {}},
        None,  # type: ignore[arg-type]
    )
    assert parsed["Error"] == {"Code": "ThrottlingException", "Message": "x" * 30}
