"""`estate s3 grant`: let the destination account list and read the source bucket, by merging
two named statements into its bucket policy, and take them out again with --revoke.

A grant that changes the policy is a job (kind s3grant) holding the policy as it was before,
so `--revoke` puts back exactly what the grant replaced, and nothing else changes: statements
added by anyone since are kept. Does I/O (S3 bucket policy calls, the store).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from estate.actions.jobs import JobContext, KindBase, Report, run_job
from estate.aws.errors import error_code
from estate.aws.partitions import partition_of_region
from estate.aws.sessions import AccountSession
from estate.engine.executor import LocalExecutor
from estate.s3copy.policy import (
    Policy,
    grant_sids,
    grant_statements,
    merge_statements,
    parse_policy,
    remove_statements,
    same_policy,
    statements_of,
)
from estate.s3copy.regions import source_region
from estate.s3copy.urls import S3Url
from estate.store import jobs as store_jobs
from estate.store.database import Database
from estate.store.jobs import JobRow, NewItem

log = logging.getLogger(__name__)

KIND = "s3grant"


@dataclass(frozen=True)
class GrantPlan:
    """A policy change: the bucket's policy now and after."""

    url: S3Url
    to_account: str
    owner_account: str
    region: str
    role_arn: str | None
    action: str  # "grant" | "revoke"
    before: Policy | None
    after: Policy | None
    restore: list[dict[str, Any]]  # revoke: our statements as they were before the grant
    granted_by_job: int | None = None  # revoke: the grant job it undoes

    @property
    def changes(self) -> bool:
        return not same_policy(self.before, self.after)

    @property
    def sids(self) -> tuple[str, str]:
        return grant_sids(self.to_account, self.url.prefix)

    def record(self) -> dict[str, Any]:
        return {
            "bucket": self.url.bucket,
            "prefix": self.url.prefix,
            "to_account": self.to_account,
            "owner_account": self.owner_account,
            "region": self.region,
            "role_arn": self.role_arn,
            "action": self.action,
            "previous": json.dumps(self.before) if self.before else None,
            "policy": json.dumps(self.after) if self.after else None,
            "restore": self.restore,
            "granted_by_job": self.granted_by_job,
        }


def get_policy(session: AccountSession, region: str, bucket: str) -> Policy | None:
    """The bucket's policy, None when it has none."""
    try:
        answer = session.call("s3", region, "GetBucketPolicy", Bucket=bucket)
    except ClientError as exc:
        if error_code(exc) == "NoSuchBucketPolicy":
            return None
        raise
    return parse_policy(answer.get("Policy"))


def put_policy(session: AccountSession, region: str, bucket: str, policy: Policy | None) -> None:
    if policy is None:
        session.call("s3", region, "DeleteBucketPolicy", Bucket=bucket)
    else:
        session.call("s3", region, "PutBucketPolicy", Bucket=bucket, Policy=json.dumps(policy))


def last_grant(db: Database, url: S3Url, to_account: str) -> JobRow | None:
    """The newest applied grant of this bucket (and prefix) to this account."""
    for job in store_jobs.load_jobs(db, limit=1000, kind=KIND):
        spec = job.spec
        if (
            job.status == "ok"
            and spec.get("action") == "grant"
            and spec.get("bucket") == url.bucket
            and spec.get("prefix", "") == url.prefix
            and spec.get("to_account") == to_account
        ):
            return job
    return None


def restore_for(grant_job: JobRow | None, sids: tuple[str, ...]) -> list[dict[str, Any]]:
    """Our statements as the policy had them before `grant_job` (usually none)."""
    if grant_job is None:
        return []
    before = parse_policy(grant_job.spec.get("previous"))
    return [s for s in statements_of(before) if s.get("Sid") in sids]


def desired(
    plan_action: str,
    current: Policy | None,
    ours: list[dict[str, Any]],
    sids: tuple[str, ...],
    restore: list[dict[str, Any]],
) -> Policy | None:
    if plan_action == "grant":
        return merge_statements(current, ours)
    return remove_statements(current, sids, restore)


def plan_grant(
    session: AccountSession,
    db: Database,
    url: S3Url,
    to_account: str,
    role_arn: str | None,
    revoke: bool,
) -> GrantPlan:
    """What granting (or revoking) would do to the bucket's policy. Reads, changes nothing."""
    region = source_region(session, url.bucket)
    current = get_policy(session, region, url.bucket)
    sids = grant_sids(to_account, url.prefix)
    ours = grant_statements(url.bucket, to_account, url.prefix, partition_of_region(region))
    job = last_grant(db, url, to_account) if revoke else None
    restore = restore_for(job, sids)
    after = desired("revoke" if revoke else "grant", current, ours, sids, restore)
    return GrantPlan(
        url=url,
        to_account=to_account,
        owner_account=session.account_id,
        region=region,
        role_arn=role_arn,
        action="revoke" if revoke else "grant",
        before=current,
        after=after,
        restore=restore,
        granted_by_job=job.id if job else None,
    )


def create_grant_job(db: Database, plan: GrantPlan) -> int:
    title = (
        f"s3 {plan.action} read of {plan.url} "
        f"{'to' if plan.action == 'grant' else 'from'} {plan.to_account}"
    )
    item = NewItem(f"policy:{plan.url.bucket}", f"{plan.owner_account}/policy", {})
    return store_jobs.create_job(db, KIND, title, plan.record(), [item])


class GrantKind(KindBase):
    """Put the planned policy. On a resume the change is made again against the policy as it
    is then (merging is idempotent), so a crash never leaves a half-applied grant."""

    name = KIND

    def __init__(self, session: AccountSession) -> None:
        self.session = session

    def run_group(self, ctx: JobContext, job: JobRow, grp: str, report: Report) -> None:
        spec = job.spec
        items = store_jobs.load_items(ctx.db, job.id, grp=grp, status=("pending", "running"))
        url = S3Url(spec["bucket"], spec.get("prefix", ""))
        sids = grant_sids(spec["to_account"], url.prefix)
        current = get_policy(self.session, spec["region"], url.bucket)
        ours = grant_statements(
            url.bucket, spec["to_account"], url.prefix, partition_of_region(spec["region"])
        )
        after = desired(spec["action"], current, ours, sids, spec.get("restore", []))
        if not same_policy(current, after):
            put_policy(self.session, spec["region"], url.bucket, after)
        store_jobs.mark_items(ctx.db, [i.id for i in items], "done")
        report("policy", {"bucket": url.bucket, "changed": not same_policy(current, after)})

    def figures(self, ctx: JobContext, job: JobRow) -> dict[str, Any]:
        counts = store_jobs.item_counts(ctx.db, job.id)
        return {"policies_changed": counts.get("done", 0)}


def run_grant(ctx: JobContext, job: JobRow) -> JobRow:
    spec = job.spec
    session = ctx.factory.for_account(spec["owner_account"], spec.get("role_arn"))
    return run_job(ctx, job, GrantKind(session), executor=LocalExecutor(1), distributable=False)


def resume_job(ctx: JobContext, job: JobRow) -> int:
    """`estate resume` for a grant or revoke: make the policy change."""
    finished = run_grant(ctx, job)
    ctx.out.print(
        f"job {finished.id}: {finished.status} — {finished.title}"
        + (f": {finished.error}" if finished.error else ""),
        highlight=False,
    )
    return 0 if finished.status == "ok" else 1
