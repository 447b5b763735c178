"""Sessions: one base session, and per account a session whose assumed-role credentials refresh
themselves. All of this does I/O (STS) lazily, on the first call that needs credentials."""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.config import Config as BotoConfig
from botocore.credentials import AssumeRoleCredentialFetcher, DeferredRefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from estate.aws.errors import ErrorKind, as_estate_error, classify, describe
from estate.aws.partitions import (
    DEFAULT_PARTITION,
    home_region,
    partition_of_arn,
    partition_of_region,
)
from estate.aws.retry import RetryPolicy, backoff_delay
from estate.aws.stats import CallStats
from estate.aws.timestamps import read_timestamps_quickly
from estate.engine.ratelimit import BucketKey, Limiter, category_of
from estate.errors import AwsError, InputError

log = logging.getLogger(__name__)

ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
DEFAULT_SESSION_NAME = "estate"


def parse_role_arn(role_arn: str) -> str:
    """The account id of a role ARN; InputError naming the ARN when it is not one."""
    m = ROLE_ARN_RE.match(role_arn or "")
    if not m:
        raise InputError(
            f"not an IAM role ARN: {role_arn!r} "
            "(expected arn:aws:iam::<12-digit account>:role/NAME)"
        )
    return m.group(1)


class AssumedRoleCredentials(DeferredRefreshableCredentials):
    """Refreshable credentials over AssumeRole that can also be refreshed on demand.

    botocore refreshes before expiry by itself; `force_refresh` covers the case it does not
    (an ExpiredToken answer). `generation` lets many threads that saw the same expired token
    cause one AssumeRole, not one each.
    """

    def __init__(
        self, fetcher: AssumeRoleCredentialFetcher, cache: dict[str, Any], stats: CallStats
    ) -> None:
        super().__init__(refresh_using=fetcher.fetch_credentials, method="assume-role")
        self._fetch_cache = cache
        self._stats = stats
        self.generation = 0

    def _protected_refresh(self, is_mandatory: bool) -> None:
        super()._protected_refresh(is_mandatory)  # type: ignore[misc]
        self.generation += 1
        self._stats.add(assume_roles=1)

    def force_refresh(self, seen_generation: int) -> None:
        """Refresh now unless another thread already did since `seen_generation`."""
        with self._refresh_lock:  # type: ignore[attr-defined]
            if self.generation != seen_generation:
                return
            self._fetch_cache.clear()
            self._protected_refresh(is_mandatory=True)


@dataclass(frozen=True)
class AwsSettings:
    """What every client is made with. Plain data, so workers can rebuild it."""

    endpoint_url: str | None = None
    profile: str | None = None
    external_id: str | None = None
    session_name: str = DEFAULT_SESSION_NAME
    # The base credentials' partition when no region is configured to tell (their first
    # call, STS GetCallerIdentity, must go to that partition's STS).
    partition: str | None = None
    duration_seconds: int = 3600
    max_pool_connections: int = 32
    connect_timeout: int = 10
    read_timeout: int = 60


class AccountSession:
    """A session acting in one account, with one client per (region, service), shared by threads.

    Every call goes through `call`: it takes a token from the shared rate limiter, retries
    throttling (within the policy's budget) and transient failures with jittered backoff,
    and refreshes expired credentials. botocore itself makes one attempt per call, so every
    throttled answer reaches the limiter and slows every thread that shares the bucket.
    """

    def __init__(
        self,
        account_id: str,
        botocore_session: botocore.session.Session,
        settings: AwsSettings,
        stats: CallStats,
        credentials: AssumedRoleCredentials | None = None,
        limiter: Limiter | None = None,
        policy: RetryPolicy | None = None,
        partition: str | Callable[[], str] = DEFAULT_PARTITION,
    ) -> None:
        self.account_id = account_id
        self._partition = partition
        self._session = botocore_session
        self._settings = settings
        self._stats = stats
        self._credentials = credentials
        self._limiter = limiter
        self._policy = policy or RetryPolicy()
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        s3_cfg: Any = {"addressing_style": "path"} if settings.endpoint_url else {}
        self._client_config = BotoConfig(
            retries={"mode": "standard", "total_max_attempts": 1},
            max_pool_connections=settings.max_pool_connections,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            s3=s3_cfg,
        )

    @property
    def partition(self) -> str:
        """The account's partition (aws, aws-cn, aws-us-gov): where its global calls go and
        what its ARNs start with. For the base credentials, asked of STS once."""
        if callable(self._partition):
            self._partition = self._partition()
        return self._partition

    @property
    def boto3_session(self) -> boto3.Session:
        """A boto3 Session over the same (refreshing) credentials, for code that wants one."""
        return boto3.Session(botocore_session=self._session)

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._session.create_client(
                    service,
                    region_name=region,
                    endpoint_url=self._settings.endpoint_url,
                    config=self._client_config,
                )
                self._clients[key] = client
        return client

    def call(self, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]:
        """Call an API operation (its AWS name, e.g. 'DescribeInstances'). Does I/O."""
        method = getattr(self.client(service, region), botocore.xform_name(operation))
        key = BucketKey(self.account_id, region, service, category_of(service, operation))
        policy, limiter = self._policy, self._limiter
        started = self._settings_clock()
        attempt = 0
        refreshed_for: int | None = None
        while True:
            if limiter is not None:
                limiter.acquire(key)
            seen = self._credentials.generation if self._credentials else 0
            self._stats.add(api_calls=1)  # botocore makes exactly one attempt per call here
            try:
                result: dict[str, Any] = method(**params)
            except (ClientError, BotoCoreError) as exc:
                kind = classify(exc)
                if kind == ErrorKind.EXPIRED and self._credentials and refreshed_for != seen:
                    # Once per credential generation: a second ExpiredToken straight after a
                    # refresh (no other answer between) means something else is wrong.
                    log.info("credentials expired for account %s; refreshing", self.account_id)
                    self._stats.add(expired_refreshes=1)
                    self._credentials.force_refresh(seen)
                    refreshed_for = self._credentials.generation
                    continue
                # Any other answer means the refreshed credentials were accepted: a later
                # expiry (a long throttled wait outlived them) deserves a refresh of its own.
                refreshed_for = None
                if kind == ErrorKind.THROTTLED:
                    self._stats.add(throttles=1)
                    if limiter is not None:
                        limiter.on_throttle(key)
                    if self._settings_clock() - started >= policy.throttle_budget:
                        raise
                elif kind != ErrorKind.TRANSIENT or attempt + 1 >= policy.transient_attempts:
                    raise
                self._stats.add(retries=1)
                self._sleep(backoff_delay(attempt, policy))
                attempt += 1
                continue
            if limiter is not None:
                limiter.on_success(key)
            return result

    def _settings_clock(self) -> float:
        return self._limiter.clock() if self._limiter else time.monotonic()

    def _sleep(self, seconds: float) -> None:
        (self._limiter.sleep if self._limiter else time.sleep)(seconds)


class SessionFactory:
    """Base session from the standard chain, and per account a self-refreshing session.

    The management (caller) account is used directly when it has no explicit role.
    """

    def __init__(
        self,
        settings: AwsSettings,
        stats: CallStats | None = None,
        base: botocore.session.Session | None = None,
        limiter: Limiter | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.stats = stats or CallStats()
        self.limiter = limiter
        self.policy = policy
        try:
            self._base = base or botocore.session.Session(profile=settings.profile)
            self._base.get_scoped_config()  # raises ProfileNotFound now, not mid-run
        except ProfileNotFound as exc:
            raise InputError(f"AWS profile not found: {settings.profile!r}") from exc
        read_timestamps_quickly(self._base)
        # Sessions share one loader so the service models are parsed once, not per account.
        self._loader = self._base.get_component("data_loader")
        self._accounts: dict[str, AccountSession] = {}
        self._lock = threading.Lock()
        self._caller: str | None = None
        self._caller_arn: str | None = None

    def caller_account(self) -> str:
        """The account id of the base credentials (STS GetCallerIdentity). Does I/O."""
        self._identify()
        assert self._caller is not None
        return self._caller

    def caller_partition(self) -> str:
        """The partition of the base credentials, from their caller identity ARN
        (`arn:aws-us-gov:…`). Does I/O (once)."""
        self._identify()
        return partition_of_arn(self._caller_arn) if self._caller_arn else DEFAULT_PARTITION

    def _identify(self) -> None:
        if self._caller is None:
            sts: Any = self._base.create_client(
                "sts",
                region_name=self._default_region(),
                endpoint_url=self.settings.endpoint_url,
                # Fail fast on a wrong endpoint: this is the first call every command makes.
                config=BotoConfig(retries={"mode": "standard", "total_max_attempts": 2}),
            )
            try:
                identity = sts.get_caller_identity()
            except ClientError as exc:
                raise AwsError(f"cannot identify the base credentials: {describe(exc)}") from None
            except BotoCoreError as exc:
                raise as_estate_error(exc, endpoint_url=self.settings.endpoint_url) from None
            self._caller_arn = identity.get("Arn")
            self._caller = identity["Account"]

    def _default_region(self) -> str:
        configured: str | None = self._base.get_config_variable("region")
        return configured or home_region(self.settings.partition or DEFAULT_PARTITION, "sts")

    def _sts_region(self, partition: str) -> str:
        """Where AssumeRole into a role of `partition` is sent: the configured region when it
        is in that partition, else the partition's (an aws-cn role is assumed in aws-cn)."""
        region = self._default_region()
        return region if partition_of_region(region) == partition else home_region(partition, "sts")

    def base_session(self) -> AccountSession:
        return self.for_account(self.caller_account(), role_arn=None)

    def for_account(self, account_id: str, role_arn: str | None) -> AccountSession:
        """The session for an account: assumed role when role_arn is given, else the base one."""
        with self._lock:
            existing = self._accounts.get(account_id)
            if existing is not None:
                return existing
            if role_arn is None:
                session = AccountSession(
                    account_id,
                    self._base,
                    self.settings,
                    self.stats,
                    limiter=self.limiter,
                    policy=self.policy,
                    partition=self.caller_partition,
                )
            else:
                session = self._assumed(account_id, role_arn)
            self._accounts[account_id] = session
            return session

    def open_accounts(self) -> list[str]:
        with self._lock:
            return sorted(self._accounts)

    def release(self, account_id: str) -> None:
        """Forget an account's session and clients (about 14 MB each): a run over hundreds
        of accounts keeps only those it is working in."""
        with self._lock:
            self._accounts.pop(account_id, None)

    def _assumed(self, account_id: str, role_arn: str) -> AccountSession:
        if parse_role_arn(role_arn) != account_id:
            raise InputError(f"role {role_arn} is not in account {account_id}")
        partition = partition_of_arn(role_arn)
        extra: dict[str, Any] = {
            "RoleSessionName": self.settings.session_name,
            "DurationSeconds": self.settings.duration_seconds,
        }
        if self.settings.external_id:
            extra["ExternalId"] = self.settings.external_id
        client_creator: Callable[..., Any] = functools.partial(
            _create_sts_client,
            self._base,
            region_name=self._sts_region(partition),
            endpoint_url=self.settings.endpoint_url,
            # A few quick attempts: an STS that does not answer is reported, not waited out.
            config=BotoConfig(
                retries={"mode": "standard", "total_max_attempts": 2},
                connect_timeout=self.settings.connect_timeout,
            ),
        )
        cache: dict[str, Any] = {}
        fetcher = _RoleFetcher(
            endpoint_url=self.settings.endpoint_url,
            client_creator=client_creator,
            source_credentials=self._base.get_credentials(),
            role_arn=role_arn,
            extra_args=extra,
            cache=cache,
        )
        creds = AssumedRoleCredentials(fetcher, cache, self.stats)
        session = botocore.session.Session()
        session.register_component("data_loader", self._loader)
        read_timestamps_quickly(session)
        # botocore has no public setter for refreshable credentials; aws-assume-role-lib and
        # botocore's own assume-role provider chain end up in the same attribute.
        session._credentials = creds  # type: ignore[attr-defined]
        return AccountSession(
            account_id,
            session,
            self.settings,
            self.stats,
            creds,
            self.limiter,
            self.policy,
            partition=partition,
        )


def _create_sts_client(base: botocore.session.Session, service: str, **kwargs: Any) -> Any:
    kwargs.setdefault("region_name", None)
    return base.create_client(service, **kwargs)


class _RoleFetcher(AssumeRoleCredentialFetcher):
    """AssumeRole whose unreachable endpoint names the role: botocore raises it from inside
    whatever call first needed credentials, which would retry it as its own, at length."""

    def __init__(self, *, endpoint_url: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.endpoint_url = endpoint_url
        self.role_arn: str = kwargs["role_arn"]

    def fetch_credentials(self) -> dict[str, Any]:
        try:
            return super().fetch_credentials()  # type: ignore[no-any-return]
        except BotoCoreError as exc:  # a refusal (ClientError) stays one, for the classifier
            raise as_estate_error(
                exc, endpoint_url=self.endpoint_url, doing=f"assuming role {self.role_arn}"
            ) from None
