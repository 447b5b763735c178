"""Merging a read grant into a bucket policy: other statements untouched, idempotent,
reversible."""

from __future__ import annotations

import json

from estate.s3copy.policy import (
    grant_sids,
    grant_statements,
    merge_statements,
    parse_policy,
    policy_diff,
    remove_statements,
    same_policy,
    statements_of,
)

KEEP = {
    "Sid": "DenyInsecure",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::src", "arn:aws:s3:::src/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
NO_SID = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::src/public/*",
}
EXISTING = {"Version": "2012-10-17", "Id": "p1", "Statement": [KEEP, NO_SID]}
OURS = grant_statements("src", "222222222222")


def test_the_grant_lets_the_account_list_the_bucket_and_read_its_objects() -> None:
    listing, reading = OURS
    assert listing["Principal"] == reading["Principal"] == {"AWS": "arn:aws:iam::222222222222:root"}
    assert "s3:ListBucket" in listing["Action"] and listing["Resource"] == "arn:aws:s3:::src"
    assert {"s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion"} <= set(reading["Action"])
    assert reading["Resource"] == "arn:aws:s3:::src/*"


def test_a_prefix_grant_is_scoped_and_named_apart() -> None:
    listing, reading = grant_statements("src", "222222222222", "logs/", "aws-cn")
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["logs/*"]}}
    assert reading["Resource"] == "arn:aws-cn:s3:::src/logs/*"
    assert grant_sids("222222222222", "logs/") != grant_sids("222222222222")
    assert all(sid.isalnum() for sid in grant_sids("222222222222", "logs/"))


def test_merging_keeps_every_existing_statement_in_place() -> None:
    merged = merge_statements(EXISTING, OURS)
    assert merged is not None
    assert merged["Statement"][:2] == [KEEP, NO_SID]
    assert merged["Statement"][2:] == OURS
    assert merged["Id"] == "p1" and merged["Version"] == "2012-10-17"
    assert EXISTING["Statement"] == [KEEP, NO_SID]  # the input is not changed


def test_merging_is_idempotent_and_replaces_only_our_own_statements() -> None:
    once = merge_statements(EXISTING, OURS)
    assert same_policy(merge_statements(once, OURS), once)
    stale = [dict(OURS[0], Action=["s3:ListBucket"]), OURS[1]]
    edited = merge_statements(EXISTING, stale)
    fixed = merge_statements(edited, OURS)
    assert same_policy(fixed, once)


def test_a_single_statement_policy_and_no_policy() -> None:
    single = {"Version": "2012-10-17", "Statement": KEEP}
    merged = merge_statements(single, OURS)
    assert merged is not None and merged["Statement"] == [KEEP, *OURS]
    fresh = merge_statements(None, OURS)
    assert fresh == {"Version": "2012-10-17", "Statement": OURS}


def test_revoking_removes_our_statements_and_restores_what_they_replaced() -> None:
    sids = grant_sids("222222222222")
    granted = merge_statements(EXISTING, OURS)
    assert same_policy(remove_statements(granted, sids), EXISTING)
    assert remove_statements(merge_statements(None, OURS), sids) is None  # no policy at all
    earlier = dict(OURS[1], Action=["s3:GetObject"])  # the Sid existed before the grant
    before = merge_statements(EXISTING, [earlier])
    after = merge_statements(before, OURS)
    restored = remove_statements(after, sids, restore=[earlier])
    assert same_policy(restored, before)


def test_revoking_keeps_statements_added_after_the_grant() -> None:
    granted = merge_statements(EXISTING, OURS)
    assert granted is not None
    later = {
        "Sid": "Later",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::src/x",
    }
    granted["Statement"].append(later)
    revoked = remove_statements(granted, grant_sids("222222222222"))
    assert statements_of(revoked) == [KEEP, NO_SID, later]


def test_the_diff_shows_only_what_changes() -> None:
    lines = policy_diff(EXISTING, merge_statements(EXISTING, OURS))
    added = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in lines if line.startswith("-") and not line.startswith("---")]
    assert any("EstateCopyRead222222222222" in line for line in added)
    assert removed == []
    assert parse_policy(json.dumps(EXISTING)) == EXISTING and parse_policy(None) is None
