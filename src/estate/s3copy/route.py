"""A copy's two ends: the plain data a job stores (CopySpec), and the live sessions made from
it (Route). Sessions come from separate assumed roles, either of which may be omitted (the
base credentials then act); both refresh themselves for runs of many hours."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from estate.aws.errors import ErrorKind, classify, describe
from estate.aws.sessions import AccountSession, SessionFactory, parse_role_arn
from estate.errors import InputError
from estate.s3copy.plan import CopyOptions, Overrides
from estate.s3copy.regions import Destination, inspect_destination, source_region
from estate.s3copy.urls import S3Url


@dataclass(frozen=True)
class End:
    """One side of a copy: where, in which account, through which role."""

    url: S3Url
    account: str
    region: str
    role_arn: str | None = None

    @property
    def bucket(self) -> str:
        return self.url.bucket

    @property
    def prefix(self) -> str:
        return self.url.prefix

    def record(self) -> dict[str, Any]:
        return {
            "bucket": self.url.bucket,
            "prefix": self.url.prefix,
            "account": self.account,
            "region": self.region,
            "role_arn": self.role_arn,
        }

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> End:
        return cls(
            S3Url(data["bucket"], data.get("prefix", "")),
            data["account"],
            data["region"],
            data.get("role_arn"),
        )


@dataclass(frozen=True)
class CopySpec:
    """Everything a copy job needs to run again after a crash: stored in the job."""

    source: End
    destination: End
    create_bucket: bool = False
    options: CopyOptions = field(default_factory=CopyOptions)
    concurrency: int = 64
    endpoint_url: str | None = None  # where the job was planned: an emulator, or AWS (None)

    @property
    def same_account(self) -> bool:
        return self.source.account == self.destination.account

    @property
    def title(self) -> str:
        return f"s3 copy {self.source.url} → {self.destination.url}"

    def record(self) -> dict[str, Any]:
        return {
            "source": self.source.record(),
            "destination": self.destination.record(),
            "create_bucket": self.create_bucket,
            "multipart_threshold": self.options.multipart_threshold,
            "part_size": self.options.part_size,
            "overrides": asdict(self.options.overrides),
            "tags": self.options.tags,
            "concurrency": self.concurrency,
            "endpoint_url": self.endpoint_url,
        }

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> CopySpec:
        return cls(
            source=End.from_record(data["source"]),
            destination=End.from_record(data["destination"]),
            create_bucket=bool(data.get("create_bucket")),
            options=CopyOptions(
                multipart_threshold=int(data["multipart_threshold"]),
                part_size=int(data["part_size"]),
                overrides=Overrides(**data.get("overrides", {})),
                tags=data.get("tags", "read"),
            ),
            concurrency=int(data.get("concurrency", 64)),
            endpoint_url=data.get("endpoint_url"),
        )


def account_of(factory: SessionFactory, role_arn: str | None) -> str:
    """The account a role acts in, or the base credentials' account. Does I/O without a role."""
    return parse_role_arn(role_arn) if role_arn else factory.caller_account()


def session_for(factory: SessionFactory, account: str, role_arn: str | None) -> AccountSession:
    return factory.for_account(account, role_arn)


@dataclass
class Route:
    """A CopySpec with live sessions: the source side lists and reads tags and headers, the
    destination side makes every copy (it reads the source, as S3 requires)."""

    spec: CopySpec
    src: AccountSession
    dst: AccountSession

    @classmethod
    def open(cls, factory: SessionFactory, spec: CopySpec) -> Route:
        return cls(
            spec,
            session_for(factory, spec.source.account, spec.source.role_arn),
            session_for(factory, spec.destination.account, spec.destination.role_arn),
        )

    def src_call(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.src.call("s3", self.spec.source.region, operation, **params)

    def dst_call(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.dst.call("s3", self.spec.destination.region, operation, **params)


def resolve_spec(
    factory: SessionFactory,
    source: S3Url,
    destination: S3Url,
    *,
    source_role: str | None = None,
    dest_role: str | None = None,
    dest_region: str | None = None,
    create_bucket: bool = False,
    options: CopyOptions | None = None,
    concurrency: int = 64,
) -> tuple[CopySpec, Destination]:
    """The copy as it will run: accounts, the source's region, the destination as it is (or
    where it will be created). Does I/O, changes nothing. InputError for a missing source, a
    destination owned by another account or in another region than asked for."""
    if source.bucket == destination.bucket and _overlap(source.prefix, destination.prefix):
        raise InputError(f"{source} and {destination} overlap: copy to another bucket or prefix")

    def source_side() -> tuple[str, str]:
        account = account_of(factory, source_role)
        return account, source_region(session_for(factory, account, source_role), source.bucket)

    def destination_side() -> tuple[str, Destination]:
        account = account_of(factory, dest_role)
        session = session_for(factory, account, dest_role)
        return account, inspect_destination(session, destination.bucket, dest_region)

    with ThreadPoolExecutor(2) as pool:  # two independent round trips or three: at once
        src_side, dst_side = pool.submit(source_side), pool.submit(destination_side)
        src_account, region = src_side.result()
        dst_account, dest = dst_side.result()
    if not dest.exists:
        dest = Destination(dest.bucket, dest_region or region, exists=False)
        if not create_bucket:
            raise InputError(
                f"destination bucket {destination.bucket} does not exist (add --create-bucket "
                f"to create it in {dest.region})"
            )
    spec = CopySpec(
        source=End(source, src_account, region, source_role),
        destination=End(destination, dst_account, dest.region, dest_role),
        create_bucket=create_bucket,
        options=options or CopyOptions(),
        concurrency=concurrency,
        endpoint_url=factory.settings.endpoint_url,
    )
    return spec, dest


def _overlap(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def check_read_access(route: Route) -> None:
    """Whether the destination's principal may list and read the source, as every copy needs
    (S3 makes the copy as the destination reading the source). InputError pointing to
    `estate s3 grant` when it may not. Does I/O; nothing to check with a single session."""
    if route.src is route.dst:
        return
    spec = route.spec
    src, dst = spec.source, spec.destination
    try:
        params: dict[str, Any] = {"Bucket": src.bucket, "MaxKeys": 1}
        if src.prefix:
            params["Prefix"] = src.prefix
        page = route.dst.call("s3", src.region, "ListObjectsV2", **params)
        for entry in page.get("Contents", [])[:1]:
            route.dst.call("s3", src.region, "HeadObject", Bucket=src.bucket, Key=entry["Key"])
    except ClientError as exc:
        if classify(exc) != ErrorKind.DENIED:
            raise
        raise InputError(
            f"account {dst.account} cannot read s3://{src.bucket} ({describe(exc)}); "
            f"S3 copies are made by the destination reading the source: allow it with "
            f"estate s3 grant {src.url} --to-account {dst.account}"
            + (f" --source-role {src.role_arn}" if src.role_arn else "")
        ) from exc
