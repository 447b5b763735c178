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
from estate.aws.retry import RetryPolicy, backoff_delay
from estate.inventory.normalize import normalize_tags
from estate.resources.registry import get_spec
from estate.resources.spec import TAGGING_SERVICE, TagWrite

TAGGING = TAGGING_SERVICE
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


# --- what names a resource in its tag calls -------------------------------------------------


def tag_target(item: PlannedItem, write: TagWrite | None = None) -> str:
    """The value the type's tag write names the item by: its ARN, its id, or a config value
    planned with it (an SQS queue's URL), else built from its ARN as the write says."""
    write = write or _write(item)
    if write.source == "arn":
        return item.arn
    if write.source == "id":
        return item.id
    if item.url:
        return item.url
    if write.from_arn is None:
        raise ValueError(f"{item.arn}: no {write.source} planned and no way to build it")
    return write.from_arn(item.arn)


def _write(item: PlannedItem) -> TagWrite:
    return get_spec(item.type).tag_write


def _tags(write: TagWrite, tags: Mapping[str, str]) -> Any:
    return _tag_list(tags) if write.tags_as == "list" else dict(tags)


def _keys(write: TagWrite, keys: Sequence[str]) -> list[Any]:
    # No Value: EC2's DeleteTags then removes the key whatever its value.
    return [{"Key": k} for k in keys] if write.unset_as == "key-list" else list(keys)


def _same_write(batch: Sequence[PlannedItem]) -> TagWrite:
    write = _write(batch[0])
    if any(_write(item) != write for item in batch):
        raise ValueError("a batch mixes items whose tags are written differently")
    return write


# --- native, many resources per call (EC2 CreateTags: 1,000 ids) ----------------------------


def apply_batched(caller: Caller, region: str, batch: Sequence[PlannedItem]) -> list[Outcome]:
    """The type's own set/unset calls (EC2 CreateTags / DeleteTags) with every resource of the
    batch in one call each."""
    change = _same_change(batch)
    write = _same_write(batch)
    service = get_spec(batch[0].type).service

    def send(part: Sequence[PlannedItem]) -> list[Outcome]:
        targets = {write.param: [tag_target(item, write) for item in part]}
        if change.set:
            tags = {write.tags_param: _tags(write, change.set)}
            caller.call(service, region, write.set_op, **targets, **tags)
        if change.unset:
            keys = {write.unset_param: _keys(write, change.unset)}
            caller.call(service, region, write.unset_op, **targets, **keys)
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


# --- native, the whole set replaced by one call (S3): read it and merge -----------------------


# What S3 answers for a bucket without tags.
NO_TAG_SET = "NoSuchTagSet"


def _current_tags(caller: Caller, region: str, item: PlannedItem) -> dict[str, str]:
    spec = get_spec(item.type)
    write = spec.tag_write
    try:
        answer = caller.call(
            spec.service, region, str(write.read_op), **{write.param: tag_target(item, write)}
        )
    except ClientError as exc:
        if error_code(exc) == NO_TAG_SET:
            return {}
        raise
    return normalize_tags(answer.get("TagSet"))


def _merge_one(caller: Caller, region: str, item: PlannedItem) -> Outcome:
    spec = get_spec(item.type)
    write = spec.tag_write
    target = {write.param: tag_target(item, write)}
    current = _current_tags(caller, region, item)
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
    if merged or write.clear_op is None:
        tagging = {"Tagging": {"TagSet": _tag_list(merged)}}  # S3's shape of a whole set
        caller.call(spec.service, region, write.set_op, **target, **tagging)
    else:
        caller.call(spec.service, region, write.clear_op, **target)
    return Outcome(item, tags=merged)


def apply_merged(caller: Caller, region: str, batch: Sequence[PlannedItem]) -> list[Outcome]:
    """For a write that replaces the whole set (S3): read the set (GetBucketTagging), then
    write it with the change merged (PutBucketTagging), or clear it (DeleteBucketTagging) when
    none is left, in the resource's own region."""
    return isolating(lambda part: [_merge_one(caller, region, i) for i in part], batch)


# --- native, one resource per call (IAM TagRole, SQS TagQueue) -----------------------------


def apply_each(caller: Caller, region: str, batch: Sequence[PlannedItem]) -> list[Outcome]:
    """Each item's own set/unset calls, one resource per call (TagRole/UntagRole,
    TagUser/UntagUser, TagQueue/UntagQueue, as its type's spec says)."""

    def send(part: Sequence[PlannedItem]) -> list[Outcome]:
        for item in part:
            spec = get_spec(item.type)
            write = spec.tag_write
            target = {write.param: tag_target(item, write)}
            if item.change.set:
                tags = {write.tags_param: _tags(write, item.change.set)}
                caller.call(spec.service, region, write.set_op, **target, **tags)
            if item.change.unset:
                keys = {write.unset_param: _keys(write, item.change.unset)}
                caller.call(spec.service, region, write.unset_op, **target, **keys)
        return [Outcome(item) for item in part]

    return isolating(send, batch)


Sender = Callable[[Caller, str, Sequence[PlannedItem]], list[Outcome]]

# One sender per style of write (resources/spec.py TagStyle).
SENDERS: dict[str, Sender] = {
    "batched": apply_batched,
    "tagging-api": apply_tagging,
    "merged": apply_merged,
    "each": apply_each,
}


def sender_for(batch: Sequence[PlannedItem]) -> Sender:
    """The sender a batch's items are written with, as their type's spec says."""
    return SENDERS[_write(batch[0]).style]
