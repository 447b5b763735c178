"""Sending planned tag changes to AWS, one batch at a time. Does I/O through a caller (an
AccountSession: rate limited, throttling retried, credentials refreshed).

Every `apply_*` takes a batch of items that need the same change, in one (account, region),
and returns one Outcome per item. It raises only what concerns every item alike (access
denied, throttled past the budget, an endpoint that does not answer); what concerns one
resource (gone, too many tags) is that item's error. A failure in a call made for many
resources is narrowed down by halving the batch, so one deleted instance does not fail the
999 others sent with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from botocore.exceptions import ClientError

from estate.actions.tagplan import MAX_TAGS, PlannedItem, TagChange, reserved
from estate.aws.errors import ErrorKind, classify, describe, error_code
from estate.aws.partitions import dns_suffix
from estate.aws.retry import RetryPolicy, backoff_delay
from estate.inventory.normalize import normalize_tags

TAGGING = "resourcegroupstaggingapi"
PARTIAL_ATTEMPTS = 5  # TagResources/UntagResources rounds for ARNs AWS reports as failed
# Errors about one resource of a call made for many: narrowed down to it by halving.
ITEM_CODES = frozenset({"TagLimitExceeded", "InvalidID", "InvalidResourceId", "InvalidTag"})


class Caller(Protocol):
    def call(self, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Outcome:
    item: PlannedItem
    error: str | None = None
    tags: dict[str, str] | None = None  # the resource's whole tag set afterwards, when read


Send = Callable[[Sequence[PlannedItem]], list[Outcome]]


def _about_one_resource(exc: ClientError) -> bool:
    return classify(exc) == ErrorKind.NOT_FOUND or error_code(exc) in ITEM_CODES


def isolating(send: Send, batch: Sequence[PlannedItem]) -> list[Outcome]:
    """`send(batch)`; when AWS refuses the call because of one resource, the halves are sent
    again (each item ends with its own outcome). Other errors about the whole call fail every
    item with that error; access denied, throttling and the like are raised."""
    try:
        return send(batch)
    except ClientError as exc:
        if _about_one_resource(exc) and len(batch) > 1:
            middle = len(batch) // 2
            return isolating(send, batch[:middle]) + isolating(send, batch[middle:])
        if _about_one_resource(exc) or classify(exc) == ErrorKind.FATAL:
            return [Outcome(item, error=describe(exc)) for item in batch]
        raise


def _tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def _same_change(batch: Sequence[PlannedItem]) -> TagChange:
    change = batch[0].change
    if any(item.change != change for item in batch):
        raise ValueError("a batch mixes items that need different changes")
    return change


# --- EC2: many ids per call -----------------------------------------------------------------


def apply_ec2(caller: Caller, region: str, batch: Sequence[PlannedItem]) -> list[Outcome]:
    """CreateTags / DeleteTags with every id of the batch (up to 1,000) in one call each."""
    change = _same_change(batch)

    def send(part: Sequence[PlannedItem]) -> list[Outcome]:
        ids = [item.id for item in part]
        if change.set:
            caller.call("ec2", region, "CreateTags", Resources=ids, Tags=_tag_list(change.set))
        if change.unset:
            # No Value: DeleteTags removes the key whatever its value.
            keys = [{"Key": k} for k in change.unset]
            caller.call("ec2", region, "DeleteTags", Resources=ids, Tags=keys)
        return [Outcome(item) for item in part]

    return isolating(send, batch)


# --- Resource Groups Tagging API: 20 ARNs per call, failures per ARN ------------------------


def _retriable(failure: Mapping[str, Any]) -> bool:
    status = int(failure.get("StatusCode") or 0)
    return status >= 500 or status == 429 or "Throttl" in str(failure.get("ErrorCode", ""))


def _failure_text(operation: str, failure: Mapping[str, Any]) -> str:
    code = failure.get("ErrorCode") or "Error"
    message = str(failure.get("ErrorMessage") or "").strip()
    return f"{operation}: {code}" + (f": {message}" if message else "")


def _tagging_call(
    caller: Caller,
    region: str,
    operation: str,
    arns: Sequence[str],
    params: Mapping[str, Any],
    sleep: Callable[[float], None],
    attempts: int = PARTIAL_ATTEMPTS,
) -> dict[str, str]:
    """One TagResources/UntagResources for `arns`, then again for only the ARNs AWS reported
    as failed with a retriable error (FailedResourcesMap comes with HTTP 200). Returns the ARNs
    that still failed, with why."""
    errors: dict[str, str] = {}
    pending = list(arns)
    policy = RetryPolicy()
    for attempt in range(attempts):
        answer = caller.call(TAGGING, region, operation, ResourceARNList=pending, **params)
        failed: Mapping[str, Any] = answer.get("FailedResourcesMap") or {}
        retry = []
        for arn in pending:
            failure = failed.get(arn)
            if failure is None:
                continue
            if _retriable(failure) and attempt + 1 < attempts:
                retry.append(arn)
            else:
                errors[arn] = _failure_text(operation, failure)
        if not retry:
            break
        sleep(backoff_delay(attempt, policy))
        pending = retry
    return errors


def apply_tagging(
    caller: Caller,
    region: str,
    batch: Sequence[PlannedItem],
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """TagResources / UntagResources (up to 20 ARNs a call), retrying only the failed ARNs."""
    change = _same_change(batch)

    def send(part: Sequence[PlannedItem]) -> list[Outcome]:
        arns = [item.arn for item in part]
        errors: dict[str, str] = {}
        if change.set:
            tags = {"Tags": dict(change.set)}
            errors.update(_tagging_call(caller, region, "TagResources", arns, tags, sleep))
        left = [arn for arn in arns if arn not in errors]
        if change.unset and left:
            keys = {"TagKeys": list(change.unset)}
            errors.update(_tagging_call(caller, region, "UntagResources", left, keys, sleep))
        return [Outcome(item, error=errors.get(item.arn)) for item in part]

    return isolating(send, batch)


# --- S3: the whole tag set is replaced by a PUT, so read it and merge -----------------------


def _bucket_tags(caller: Caller, region: str, bucket: str) -> dict[str, str]:
    try:
        answer = caller.call("s3", region, "GetBucketTagging", Bucket=bucket)
    except ClientError as exc:
        if error_code(exc) == "NoSuchTagSet":
            return {}
        raise
    return normalize_tags(answer.get("TagSet"))


def _merge_bucket(caller: Caller, region: str, item: PlannedItem) -> Outcome:
    current = _bucket_tags(caller, region, item.id)
    merged = item.change.apply(current)
    counted = len([k for k in merged if not reserved(k)])
    if counted > MAX_TAGS and counted > len([k for k in current if not reserved(k)]):
        return Outcome(item, error=f"would have {counted} tags; AWS allows {MAX_TAGS}")
    if merged == current:
        return Outcome(item, tags=merged)
    if any(reserved(k) for k in current):
        # Tags AWS set (aws:cloudformation:…) cannot be written back by a PUT; the tagging
        # API changes only the keys it is given.
        needed = replace(item, change=item.change.needed_by(current))
        (tagged,) = apply_tagging(caller, region, [needed])
        return Outcome(item, error=tagged.error, tags=None if tagged.error else merged)
    if merged:
        caller.call(
            "s3", region, "PutBucketTagging", Bucket=item.id, Tagging={"TagSet": _tag_list(merged)}
        )
    else:
        caller.call("s3", region, "DeleteBucketTagging", Bucket=item.id)
    return Outcome(item, tags=merged)


def apply_s3(caller: Caller, region: str, batch: Sequence[PlannedItem]) -> list[Outcome]:
    """GetBucketTagging, then PutBucketTagging with those tags and the change merged (or
    DeleteBucketTagging when none are left), in the bucket's own region."""
    return isolating(lambda part: [_merge_bucket(caller, region, i) for i in part], batch)


# --- IAM and SQS: one resource per call -----------------------------------------------------


def apply_iam(caller: Caller, region: str, batch: Sequence[PlannedItem]) -> list[Outcome]:
    """TagRole/UntagRole or TagUser/UntagUser."""

    def send(part: Sequence[PlannedItem]) -> list[Outcome]:
        for item in part:
            kind = {"iam:role": "Role", "iam:user": "User"}[item.type]
            name = {f"{kind}Name": item.id}
            if item.change.set:
                caller.call("iam", region, f"Tag{kind}", **name, Tags=_tag_list(item.change.set))
            if item.change.unset:
                caller.call("iam", region, f"Untag{kind}", **name, TagKeys=list(item.change.unset))
        return [Outcome(item) for item in part]

    return isolating(send, batch)


def queue_url(item: PlannedItem) -> str:
    """The queue's URL as listed; else built from its ARN (arn:PARTITION:sqs:REGION:ACCOUNT:NAME),
    on its partition's domain (amazonaws.com.cn in aws-cn)."""
    if item.url:
        return item.url
    _, partition, _, region, account, name = item.arn.split(":", 5)
    return f"https://sqs.{region}.{dns_suffix(partition)}/{account}/{name}"


def apply_sqs(caller: Caller, region: str, batch: Sequence[PlannedItem]) -> list[Outcome]:
    """TagQueue / UntagQueue."""

    def send(part: Sequence[PlannedItem]) -> list[Outcome]:
        for item in part:
            url = queue_url(item)
            if item.change.set:
                caller.call("sqs", region, "TagQueue", QueueUrl=url, Tags=dict(item.change.set))
            if item.change.unset:
                caller.call(
                    "sqs", region, "UntagQueue", QueueUrl=url, TagKeys=list(item.change.unset)
                )
        return [Outcome(item) for item in part]

    return isolating(send, batch)


SENDERS: dict[str, Callable[[Caller, str, Sequence[PlannedItem]], list[Outcome]]] = {
    "ec2": apply_ec2,
    "tagging": apply_tagging,
    "s3": apply_s3,
    "iam": apply_iam,
    "sqs": apply_sqs,
}
