"""Where buckets are and who owns them: the source's region, the destination checked or
created in the right region. Every function here does I/O through an AccountSession."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from estate.aws.errors import ErrorKind, classify, describe, error_code
from estate.aws.partitions import home_region
from estate.aws.sessions import AccountSession
from estate.errors import AwsError, InputError
from estate.resources.s3 import region_from_location

log = logging.getLogger(__name__)


def _global_region(session: AccountSession) -> str:
    """Where calls that do not know a bucket's region go: S3's home region in the account's
    partition (us-east-1; cn-north-1 in aws-cn)."""
    return home_region(session.partition, "s3")


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _region_header(answer: Any) -> str | None:
    headers = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    return answer.get("BucketRegion") or headers.get("x-amz-bucket-region")


def bucket_region(session: AccountSession, bucket: str, what: str = "bucket") -> str | None:
    """The bucket's region (HeadBucket's x-amz-bucket-region, else GetBucketLocation with its
    legacy answers: null → us-east-1, EU → eu-west-1), or None when there is no such bucket."""
    try:
        found = _region_header(
            session.call("s3", _global_region(session), "HeadBucket", Bucket=bucket)
        )
    except ClientError as exc:
        if _status(exc) == 404 or error_code(exc) == "NoSuchBucket":
            return None
        # a 403 or 301 still names the region; else ask GetBucketLocation, which the grant allows
        found = _region_header(exc.response)
        if not found and classify(exc) not in (ErrorKind.DENIED, ErrorKind.FATAL):
            raise
    if found:
        return region_from_location(found)
    try:
        answer = session.call("s3", _global_region(session), "GetBucketLocation", Bucket=bucket)
    except ClientError as exc:
        if error_code(exc) == "NoSuchBucket":
            return None
        raise AwsError(
            f"cannot find the region of {what} {bucket} as account {session.account_id}: "
            f"{describe(exc)}",
            kind=classify(exc),
        ) from exc
    return region_from_location(answer.get("LocationConstraint"))


def source_region(session: AccountSession, bucket: str) -> str:
    """The source bucket's region; InputError when it does not exist."""
    region = bucket_region(session, bucket, "source bucket")
    if region is None:
        raise InputError(f"source bucket {bucket} does not exist")
    return region


@dataclass(frozen=True)
class Destination:
    bucket: str
    region: str
    exists: bool


def _owned_by_caller(session: AccountSession, bucket: str) -> bool | None:
    """Whether the session's account owns `bucket` (ListBuckets), None when it may not ask."""
    try:
        answer = session.call("s3", _global_region(session), "ListBuckets", Prefix=bucket)
    except ClientError as exc:
        if classify(exc) == ErrorKind.DENIED:
            return None
        raise
    return any(b.get("Name") == bucket for b in answer.get("Buckets", []))


def _other_owner(bucket: str, account: str) -> InputError:
    return InputError(
        f"destination bucket {bucket} already exists and is not owned by account {account}"
    )


def inspect_destination(
    session: AccountSession, bucket: str, wanted_region: str | None, default_region: str = ""
) -> Destination:
    """The destination as it is: its region when it exists (and belongs to the session's
    account), else where it would be created (`wanted_region`, else `default_region`).
    InputError when another account owns it or it is in another region than asked for."""
    account = session.account_id
    try:
        answer = session.call(
            "s3", _global_region(session), "HeadBucket", Bucket=bucket, ExpectedBucketOwner=account
        )
    except ClientError as exc:
        if _status(exc) == 404:
            return Destination(bucket, wanted_region or default_region, exists=False)
        if _status(exc) == 403:  # ExpectedBucketOwner does not match, or no access at all
            raise _other_owner(bucket, account) from exc
        raise
    if _owned_by_caller(session, bucket) is False:
        raise _other_owner(bucket, account)
    region = region_from_location(_region_header(answer)) if _region_header(answer) else None
    region = region or bucket_region(session, bucket, "destination bucket") or default_region
    if not region:
        raise InputError(f"cannot tell the region of destination bucket {bucket}")
    if wanted_region and wanted_region != region:
        raise InputError(
            f"destination bucket {bucket} exists in {region}, not in {wanted_region} "
            f"(--dest-region)"
        )
    return Destination(bucket, region, exists=True)


def create_destination(session: AccountSession, dest: Destination) -> None:
    """Create the bucket in its region: a client of that region, the matching
    LocationConstraint, none in us-east-1. An existing bucket of the caller is reused."""
    params: dict[str, Any] = {"Bucket": dest.bucket}
    if dest.region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": dest.region}
    try:
        session.call("s3", dest.region, "CreateBucket", **params)
    except ClientError as exc:
        code = error_code(exc)
        if code == "BucketAlreadyOwnedByYou":
            return
        if code == "BucketAlreadyExists":
            raise _other_owner(dest.bucket, session.account_id) from exc
        if code in ("InvalidBucketName", "InvalidLocationConstraint"):
            raise InputError(f"cannot create bucket {dest.bucket}: {describe(exc)}") from exc
        raise
    log.info("created bucket %s in %s (account %s)", dest.bucket, dest.region, session.account_id)


def ensure_destination(
    session: AccountSession, bucket: str, region: str, create: bool
) -> Destination:
    """The destination bucket, made when it is missing and `create` allows; InputError when
    it is missing otherwise."""
    dest = inspect_destination(session, bucket, region, region)
    if dest.exists:
        return dest
    if not create:
        raise InputError(
            f"destination bucket {bucket} does not exist (add --create-bucket to create it "
            f"in {dest.region})"
        )
    create_destination(session, dest)
    return Destination(bucket, dest.region, exists=True)
