"""Bucket policy statements that let another account read a bucket, merged into a policy
without touching any other statement. Pure: policies in, policies out."""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

VERSION = "2012-10-17"
SID_PREFIX = "EstateCopy"
LIST_ACTIONS = ["s3:ListBucket", "s3:GetBucketLocation"]
READ_ACTIONS = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectTagging",
    "s3:GetObjectVersionTagging",
]

Policy = dict[str, Any]


def grant_sids(account: str, prefix: str = "") -> tuple[str, str]:
    """The Sids of the two statements granting `account`: named so estate finds its own
    statements again (and only those). A grant on a prefix gets Sids of its own."""
    scope = hashlib.sha1(prefix.encode()).hexdigest()[:8] if prefix else ""
    return f"{SID_PREFIX}List{account}{scope}", f"{SID_PREFIX}Read{account}{scope}"


def grant_statements(
    bucket: str, account: str, prefix: str = "", partition: str = "aws"
) -> list[dict[str, Any]]:
    """List the bucket (under the prefix) and read its objects (under the prefix): what
    `estate s3 copy` needs the destination account to be allowed."""
    list_sid, read_sid = grant_sids(account, prefix)
    principal = {"AWS": f"arn:{partition}:iam::{account}:root"}
    listing: dict[str, Any] = {
        "Sid": list_sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": LIST_ACTIONS,
        "Resource": f"arn:{partition}:s3:::{bucket}",
    }
    if prefix:
        listing["Condition"] = {"StringLike": {"s3:prefix": [f"{prefix}*"]}}
    reading = {
        "Sid": read_sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": READ_ACTIONS,
        "Resource": f"arn:{partition}:s3:::{bucket}/{prefix}*",
    }
    return [listing, reading]


def parse_policy(text: str | None) -> Policy | None:
    """A bucket policy document (GetBucketPolicy's string), or None for no policy."""
    if not text:
        return None
    policy = json.loads(text)
    if not isinstance(policy, dict):
        raise ValueError("a bucket policy must be a JSON object")
    return policy


def statements_of(policy: Policy | None) -> list[dict[str, Any]]:
    if not policy:
        return []
    found = policy.get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def _with_statements(policy: Policy | None, statements: list[dict[str, Any]]) -> Policy | None:
    if not statements:  # a policy needs a statement: none left means no policy
        return None
    out: Policy = copy.deepcopy(policy) if policy else {"Version": VERSION}
    out["Statement"] = statements
    return out


def merge_statements(policy: Policy | None, ours: Sequence[Mapping[str, Any]]) -> Policy | None:
    """The policy with `ours` in it: a statement of ours already there (same Sid) is replaced
    in place, the others appended; every other statement stays as it was, in order."""
    by_sid = {s["Sid"]: dict(s) for s in ours}
    merged = []
    for statement in statements_of(policy):
        sid = statement.get("Sid")
        merged.append(by_sid.pop(sid) if sid in by_sid else copy.deepcopy(statement))
    merged.extend(by_sid.values())
    return _with_statements(policy, merged)


def remove_statements(
    policy: Policy | None, sids: Sequence[str], restore: Sequence[Mapping[str, Any]] = ()
) -> Policy | None:
    """The policy without the statements named `sids`, except those in `restore` (what those
    Sids were before a grant replaced them), which are put back. None when nothing is left."""
    restored = {s["Sid"]: dict(s) for s in restore if s.get("Sid") in sids}
    kept = []
    for statement in statements_of(policy):
        sid = statement.get("Sid")
        if sid in sids:
            if sid in restored:
                kept.append(restored.pop(sid))
            continue
        kept.append(copy.deepcopy(statement))
    kept.extend(restored.values())
    return _with_statements(policy, kept)


def render_policy(policy: Policy | None) -> str:
    return json.dumps(policy, indent=2, ensure_ascii=False) if policy else ""


def policy_diff(before: Policy | None, after: Policy | None, name: str = "policy") -> list[str]:
    """A unified diff of the two policies, pretty-printed, one line per entry."""
    return list(
        difflib.unified_diff(
            render_policy(before).splitlines(),
            render_policy(after).splitlines(),
            fromfile=f"{name} (now)",
            tofile=f"{name} (after)",
            lineterm="",
        )
    )


def same_policy(a: Policy | None, b: Policy | None) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
