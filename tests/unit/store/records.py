"""Plain Resource records and whole collection runs, for store tests: no AWS involved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from estate.inventory.normalize import Resource, content_hash
from estate.store.database import Database
from estate.store.merge import MergeOutcome, complete_shard
from estate.store.runs import (
    NewShard,
    create_run,
    fail_shard,
    finish_run,
    load_shards,
    save_page,
    save_shards,
    start_shard,
)

ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"
REGION = "eu-west-1"
T0 = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)


class Clock:
    """A fake clock: each run happens an hour after the previous one."""

    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, hours: int = 1) -> dt.datetime:
        self.now += dt.timedelta(hours=hours)
        return self.now


def resource(
    res_id: str,
    *,
    type: str = "ec2:vpc",
    account: str = ACCOUNT,
    region: str = REGION,
    tags: Mapping[str, str] | None = None,
    config: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> Resource:
    service = type.split(":", 1)[0]
    tags = dict(sorted((tags or {}).items()))
    config = dict(config or {"Id": res_id})
    state = {"name": name or res_id, "region": region, "tags": tags, **config}
    return Resource(
        arn=f"arn:aws:{service}:{region}:{account}:{type.split(':', 1)[1]}/{res_id}",
        type=type,
        account=account,
        region=region,
        id=res_id,
        name=name or res_id,
        tags=tags,
        config=config,
        hash=content_hash(state),
    )


def shard(
    type: str = "ec2:vpc",
    *,
    account: str = ACCOUNT,
    region: str = REGION,
    regions: tuple[str, ...] | None = None,
) -> NewShard:
    return NewShard(account, region, type, regions)


def collect(
    db: Database,
    clock: Clock,
    pages_by_shard: Mapping[NewShard, Sequence[Sequence[Resource]]],
    *,
    failed: Collection[NewShard] = (),
    botocore_version: str | None = None,
) -> tuple[int, dict[NewShard, MergeOutcome]]:
    """One run an hour after the last: every shard saves its pages, then completes, unless it
    is in `failed`, when it fails after saving them. `botocore_version`: the one merging
    (default: the installed one)."""
    versioned = {"botocore_version": botocore_version} if botocore_version else {}
    clock.advance()
    run_id = create_run(db, "collect", {}, now=clock)
    planned = list(pages_by_shard)
    save_shards(db, run_id, planned)
    rows = {(s.account, s.region, s.type): s for s in load_shards(db, run_id)}
    outcomes: dict[NewShard, MergeOutcome] = {}
    for new in planned:
        row = rows[(new.account, new.region, new.type)]
        start_shard(db, row.id, now=clock)
        pages = pages_by_shard[new]
        for i, page in enumerate(pages):
            save_page(db, row.id, page, f"token-{i + 1}" if i + 1 < len(pages) else None)
        if new in failed:
            fail_shard(db, row.id, "AccessDenied: not allowed", "denied", now=clock)
        else:
            outcomes[new] = complete_shard(db, row, now=clock, **versioned)
    finish_run(db, run_id, "partial" if failed else "ok", {}, now=clock)
    return run_id, outcomes
