"""Tables (SQLAlchemy Core). Migrations in migrations/versions must produce exactly these."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

Json = JSON().with_variant(JSONB(), "postgresql")
Id = BigInteger().with_variant(Integer(), "sqlite")  # sqlite autoincrements INTEGER only

runs = Table(
    "runs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),  # running | ok | partial | failed
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("scope", Json, nullable=False),  # accounts, regions, types asked for
    Column("figures", Json, nullable=False),
    Column("resumes", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("resumed_at", DateTime(timezone=True)),  # when the latest resume began
)

shards = Table(
    "shards",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", Id, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("account", String(12), nullable=False),
    Column("region", String(32), nullable=False),  # "global" for global types
    Column("type", String(64), nullable=False),
    Column("regions", Json),  # a global type with true regions keeps only these
    Column("status", String(16), nullable=False),  # pending | running | ok | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("page_token", Text),
    Column("pages", Integer, nullable=False, default=0),
    Column("items", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("error_kind", String(16)),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    # The process that claimed the shard (a worker id); `attempts` is the claim's number, and
    # every write of a shard's progress names it, so a process whose claim was taken over
    # (it seemed dead) can no longer write.
    Column("owner", String(128)),
    Column("enqueued_at", DateTime(timezone=True)),  # when a message for it was last sent
    # Resources merged incomplete (a per-item call refused): {"resources": n, "calls":
    # {"AccessDenied on s3:GetBucketTagging": n}}; None when every one was complete.
    Column("incomplete", Json),
    # Listed items that became no record, counted page by page with the page's token (so a
    # resumed shard counts each page once): no id or ARN in the answer, and items another
    # account owns (shared through RAM), left to their owner's shard.
    Column("unusable", Integer, nullable=False, default=0, server_default="0"),
    Column("foreign", Integer, nullable=False, default=0, server_default="0"),
    UniqueConstraint("run_id", "account", "region", "type", name="uq_shards_key"),
)

resources = Table(
    "resources",
    metadata,
    Column("arn", String(2048), primary_key=True),
    Column("type", String(64), nullable=False),
    Column("account", String(12), nullable=False),
    Column("region", String(32), nullable=False),  # the true region
    Column("shard_region", String(32), nullable=False),  # the shard that owns it
    Column("res_id", String(1024), nullable=False),
    Column("name", String(1024), nullable=False),
    Column("tags", Json, nullable=False),
    Column("config", Json, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("last_run", Id, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("deleted_at", DateTime(timezone=True)),
    # The per-item calls refused at its last collection ([{"call", "code", "fields"}]): those
    # fields are as last known. None when it was collected in full.
    Column("incomplete", Json),
    # The botocore version whose answer gave this state: a later difference made only of
    # added fields under another version is an SDK upgrade (`refreshed`), not a change.
    # None for rows stored before the column (revision 0006): an unknown, different version.
    Column("botocore_version", String(32)),
    Index("ix_resources_owner", "account", "shard_region", "type"),
    Index("ix_resources_type", "type", "account", "region"),
)

# The typed edges of each resource's current state (an instance to its subnet, a listener to
# its load balancer), as its spec derives them from its fields: replaced with the resource at
# every merge, so they follow its history, and indexed by target, so "what uses this?" is
# one lookup. A target need not be in the inventory (another account's, a type not collected).
relations = Table(
    "relations",
    metadata,
    Column("arn", String(2048), primary_key=True),
    Column("kind", String(64), primary_key=True),
    Column("target", String(2048), primary_key=True),
    Column("target_type", String(64), nullable=False),
    Index("ix_relations_target", "target"),
)

# Processes that run shards (`estate worker`, or a local `estate collect`): a shard running
# under a worker whose heartbeat stopped is handed to another.
workers = Table(
    "workers",
    metadata,
    Column("id", String(128), primary_key=True),  # host:pid:random
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("concurrency", Integer, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("beat_at", DateTime(timezone=True), nullable=False),
)

# What each process asked of AWS for a run (API calls, throttles, ...): totals per process,
# written by that process only, so many workers never update one row; a run's figure is the sum.
run_calls = Table(
    "run_calls",
    metadata,
    Column("run_id", Id, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("worker", String(128), primary_key=True),
    Column("calls", Json, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Pages a shard has collected but not yet merged: a shard's results reach `resources`
# only when it completes, so a failed or partial shard changes nothing it owns.
staged = Table(
    "staged",
    metadata,
    Column("shard_id", Id, ForeignKey("shards.id", ondelete="CASCADE"), primary_key=True),
    Column("arn", String(2048), primary_key=True),
    Column("record", Json, nullable=False),
)

changes = Table(
    "changes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", Id, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    # created | modified | deleted | refreshed (only fields a newer botocore added)
    Column("change", String(16), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("type", String(64), nullable=False),
    Column("account", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("fields", Json, nullable=False),
    Column("diff", Json, nullable=False),
    Index("ix_changes_run", "run_id"),
    Index("ix_changes_arn", "arn", "id"),
    Index("ix_changes_at", "at"),
)

# A job (a bulk tag change, an S3 copy) is planned into items before anything changes; each
# item's status is its journal entry, so a killed job resumes without re-sending what is done.
jobs = Table(
    "jobs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),  # tag | s3copy | s3grant
    Column("status", String(16), nullable=False),  # planned | running | ok | partial | failed
    Column("title", Text, nullable=False),  # one line for `estate jobs`
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("spec", Json, nullable=False),  # what was asked: plain data a worker can act on
    Column("state", Json, nullable=False),  # job-level checkpoints, e.g. a listing's page token
    Column("figures", Json, nullable=False),
    Column("resumes", Integer, nullable=False, default=0),
    Column("error", Text),
)

job_items = Table(
    "job_items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("job_id", Id, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(2048), nullable=False),  # an ARN, an object key
    Column("grp", String(256), nullable=False),  # items sent together: account/region/service
    Column("payload", Json, nullable=False),  # the desired change
    Column("progress", Json),  # partial work, e.g. a multipart upload id and its parts
    Column("status", String(16), nullable=False),  # pending | running | done | skipped | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("updated_at", DateTime(timezone=True)),
    UniqueConstraint("job_id", "key", name="uq_job_items_key"),
    Index("ix_job_items_todo", "job_id", "status", "grp"),
)

# A job run by `estate worker` processes: one message per group of items, claimed by one
# worker at a time (owner, attempts as the fencing token), sent again when its worker dies.
job_groups = Table(
    "job_groups",
    metadata,
    Column("job_id", Id, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("grp", String(256), primary_key=True),
    Column("status", String(16), nullable=False),  # pending | running | done
    Column("owner", String(128)),  # the worker running it
    Column("attempts", Integer, nullable=False, default=0),
    Column("enqueued_at", DateTime(timezone=True)),  # when its message was sent
    Index("ix_job_groups_todo", "job_id", "status"),
)

# Each worker's figures for a job (calls, bytes), written by that worker only; the job's
# figures are their sum.
job_calls = Table(
    "job_calls",
    metadata,
    Column("job_id", Id, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("worker", String(128), primary_key=True),
    Column("figures", Json, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
