"""`estate s3 copy | grant | verify`: move a bucket to another account and region.

These commands take bucket URLs, not the accounts of estate.yaml: the config file may be
absent. They still honour its (or ESTATE_*'s) endpoint_url, profile, store and rate_scale;
copy jobs go to the same store as every job (default ./estate.db), so `estate jobs` and
`estate resume` find them.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from estate.cli.options import (
    ConfigOpt,
    Format,
    FormatOpt,
    LogConfigOpt,
    ProfileOpt,
    VerboseOpt,
    check_regions,
    open_store,
    prepare,
)
from estate.cli.render import render, styled
from estate.cli.render import stderr as render_stderr
from estate.cli.render import stdout as render_stdout
from estate.errors import InputError

if TYPE_CHECKING:
    from estate.aws.sessions import SessionFactory
    from estate.config import Config

app = typer.Typer(
    help="Copy a bucket to another account and region, server-side and resumable; grant the "
    "read access it needs; verify the result.",
    no_args_is_help=True,
)

STORAGE_CLASSES = (
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR",
)  # fmt: skip
ACLS = ("bucket-owner-full-control",)

SourceRoleOpt = Annotated[
    str | None,
    typer.Option("--source-role", help="Role ARN to assume in the source account."),
]
DestRoleOpt = Annotated[
    str | None,
    typer.Option("--dest-role", help="Role ARN to assume in the destination account."),
]
ConcurrencyOpt = Annotated[
    int, typer.Option("--concurrency", min=1, max=1024, help="Objects (and parts) in flight.")
]


def s3_factory(config: Config, profile: str | None, concurrency: int) -> SessionFactory:
    """Sessions with a connection pool big enough for `concurrency` objects and parts."""
    from estate.aws.retry import RetryPolicy
    from estate.aws.sessions import AwsSettings, SessionFactory
    from estate.aws.stats import CallStats
    from estate.engine.ratelimit import RateLimiter

    settings = AwsSettings(
        endpoint_url=config.endpoint_url,
        profile=profile or config.profile,
        external_id=config.external_id,
        partition=config.partition,
        duration_seconds=config.session_duration,
        max_pool_connections=2 * concurrency + 8,
    )
    return SessionFactory(
        settings,
        CallStats(),
        limiter=RateLimiter(scale=config.rate_scale),
        policy=RetryPolicy(throttle_budget=config.throttle_budget),
    )


def _role(value: str | None) -> str | None:
    from estate.aws.sessions import parse_role_arn

    if value is not None:
        parse_role_arn(value)
    return value


def _size(value: str, option: str) -> int:
    from estate.s3copy.plan import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from None


def _choice(value: str | None, allowed: tuple[str, ...], option: str) -> str | None:
    if value is not None and value not in allowed:
        raise InputError(f"{option}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _confirm(question: str, yes: bool) -> None:
    """Ask on a terminal unless --yes; scripts (no terminal) are not asked."""
    if yes or not sys.stdin.isatty():
        return
    if not typer.confirm(question, default=False):
        raise typer.Abort()


@app.command()
def copy(
    src: Annotated[
        str,
        typer.Argument(metavar="s3://SRC/PREFIX", help="What to copy (the prefix is optional)."),
    ],
    dst: Annotated[
        str, typer.Argument(metavar="s3://DST/PREFIX", help="Where to (the prefix is optional).")
    ],
    source_role: SourceRoleOpt = None,
    dest_role: DestRoleOpt = None,
    dest_region: Annotated[
        str | None,
        typer.Option(help="The destination bucket's region (default: the source's)."),
    ] = None,
    create_bucket: Annotated[
        bool, typer.Option("--create-bucket", help="Create the destination if missing.")
    ] = False,
    apply: Annotated[bool, typer.Option("--apply", help="Copy (else only show the plan).")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    multipart_threshold: Annotated[
        str, typer.Option(help="Objects above this size are copied in parts, e.g. 64MiB.")
    ] = "1GiB",
    part_size: Annotated[str, typer.Option(help="Part size of a multipart copy.")] = "512MiB",
    storage_class: Annotated[
        str | None, typer.Option(help="Storage class of the copies (default: the source's).")
    ] = None,
    sse_kms_key_id: Annotated[
        str | None, typer.Option(help="Encrypt the copies with this KMS key (SSE-KMS).")
    ] = None,
    acl: Annotated[
        str | None, typer.Option(help="Canned ACL of the copies: bucket-owner-full-control.")
    ] = None,
    tags: Annotated[
        str,
        typer.Option(
            help="How object tags reach a copy in another account. auto: read them per object "
            "until one tagged object, copied with S3 copying its tags, shows that S3 does (then "
            "one request per object; else they stay read, and that object is tagged the read "
            "way). read: read each object's tags with the source's credentials and set them on "
            "the copy (works everywhere; one more request per object). copy: S3 copies them "
            "(the destination needs s3:GetObjectTagging on the source, which estate s3 grant "
            "gives), unchecked."
        ),
    ] = "auto",
    concurrency: ConcurrencyOpt = 64,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """Copy a bucket (or the folder PREFIX in it) server-side, across accounts and regions.

    Without --apply, prints the plan: objects and bytes, what is already at the destination,
    what will be copied in parts. With --apply, runs it as a job: `estate resume JOB`
    continues it after a crash; objects already copied are not copied again.
    """
    from estate.actions.jobs import JobContext
    from estate.s3copy.copier import create_copy_job, run_copy
    from estate.s3copy.listing import Survey, lister, plan_pages
    from estate.s3copy.plan import TAG_MODES, CopyOptions, Overrides, uses_multipart
    from estate.s3copy.progress import print_copy_summary, print_plan
    from estate.s3copy.route import Route, check_read_access, resolve_spec
    from estate.s3copy.tagmode import describe_plan
    from estate.s3copy.urls import parse_s3_url
    from estate.store.jobs import load_job

    cfg = prepare(config, verbose, log_config)
    source = parse_s3_url(src, what="source", legacy_ok=True)
    destination = parse_s3_url(dst, what="destination")
    if dest_region is not None:
        check_regions([dest_region], cfg, "--dest-region")
    options = CopyOptions(
        multipart_threshold=_size(multipart_threshold, "--multipart-threshold"),
        part_size=_size(part_size, "--part-size"),
        overrides=Overrides(
            storage_class=_choice(storage_class, STORAGE_CLASSES, "--storage-class"),
            sse_kms_key_id=sse_kms_key_id,
            acl=_choice(acl, ACLS, "--acl"),
        ),
        tags=_choice(tags, TAG_MODES, "--tags") or "auto",
    )
    factory = s3_factory(cfg, profile, concurrency)
    spec, dest = resolve_spec(
        factory,
        source,
        destination,
        source_role=_role(source_role),
        dest_role=_role(dest_role),
        dest_region=dest_region,
        create_bucket=create_bucket,
        options=options,
        concurrency=concurrency,
    )
    route = Route.open(factory, spec)
    out = render_stdout()
    s, d = spec.source, spec.destination
    where = "" if dest.exists else " — will be created"
    out.print(
        f"copy {s.url} ({s.region}, account {s.account}) → {d.url} ({d.region}, account "
        f"{d.account}{where})",
        highlight=False,
    )
    check_read_access(route)
    if not apply:
        survey = Survey()
        dst_list = (
            lister(route.dst, d.region, d.bucket, d.prefix)
            if dest.exists
            else (lambda after, token: ([], None))
        )
        threshold = options.multipart_threshold
        for page in plan_pages(
            lister(route.src, s.region, s.bucket, s.prefix), dst_list, s.prefix, d.prefix
        ):
            survey.add(page, lambda o: uses_multipart(o.size, o.etag, threshold))
        print_plan(out, survey, describe_plan(options.tags, spec.same_account))
        return
    _confirm(f"Copy {s.url} to {d.url}?", yes)
    db = open_store(cfg)
    job_id = create_copy_job(db, spec, destination_ready=dest.exists)
    ctx = JobContext(cfg, db, factory, out, render_stderr(), {"yes": yes})
    finished = run_copy(ctx, load_job(db, job_id))
    print_copy_summary(out, db, finished)
    raise typer.Exit(0 if finished.status == "ok" else 1)


ACCOUNT_RE = re.compile(r"^\d{12}$")


@app.command()
def grant(
    src: Annotated[
        str, typer.Argument(metavar="s3://SRC/PREFIX", help="The bucket (or folder) to let read.")
    ],
    to_account: Annotated[
        str, typer.Option("--to-account", help="The account that copies (12 digits).")
    ],
    source_role: SourceRoleOpt = None,
    apply: Annotated[bool, typer.Option("--apply", help="Change the policy.")] = False,
    revoke: Annotated[
        bool, typer.Option("--revoke", help="Take the grant out again (restores what it replaced).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """Let another account list and read a bucket, for `estate s3 copy`: two statements
    merged into the bucket policy (never replacing it). Shows the change; --apply makes it."""
    from estate.actions.jobs import JobContext
    from estate.s3copy.grant import create_grant_job, plan_grant, run_grant
    from estate.s3copy.policy import policy_diff
    from estate.s3copy.route import account_of
    from estate.s3copy.urls import parse_s3_url
    from estate.store.jobs import load_job

    cfg = prepare(config, verbose, log_config)
    url = parse_s3_url(src, what="bucket", legacy_ok=True)
    if not ACCOUNT_RE.match(to_account):
        raise InputError(f"--to-account: not a 12-digit AWS account id: {to_account!r}")
    factory = s3_factory(cfg, profile, 4)
    owner = account_of(factory, _role(source_role))
    session = factory.for_account(owner, source_role)
    db = open_store(cfg)
    plan = plan_grant(session, db, url, to_account, source_role, revoke)
    out = render_stdout()
    verb = "revoke read access of" if revoke else "grant read access to"
    out.print(
        f"{verb} account {to_account} {'from' if revoke else 'on'} {url} "
        f"(bucket policy of {url.bucket}, {plan.region}, account {owner})",
        highlight=False,
    )
    if not plan.changes:
        out.print(
            "  nothing to do: " + ("no such grant in the policy" if revoke else "already granted"),
            highlight=False,
        )
        return
    for line in policy_diff(plan.before, plan.after, f"s3://{url.bucket} policy"):
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else None
        out.print(line, style=style, highlight=False, markup=False)
    if revoke and plan.granted_by_job is None:
        out.print(
            "  (no recorded grant: removing the statements estate names as its own)",
            highlight=False,
        )
    if not apply:
        out.print("Run again with --apply to change the policy.", highlight=False)
        return
    _confirm(f"Change the policy of {url.bucket}?", yes)
    job_id = create_grant_job(db, plan)
    ctx = JobContext(cfg, db, factory, out, render_stderr(), {"yes": yes})
    finished = run_grant(ctx, load_job(db, job_id))
    if finished.status != "ok":
        out.print(f"job {finished.id}: {finished.status}: {finished.error or ''}", highlight=False)
        raise typer.Exit(1)
    if revoke:
        out.print(f"job {finished.id}: grant revoked.", highlight=False)
    else:
        out.print(
            f"job {finished.id}: granted. Undo with: estate s3 grant {url} --to-account "
            f"{to_account} --revoke --apply"
            + (f" --source-role {source_role}" if source_role else ""),
            highlight=False,
        )


DIFF_COLUMNS = ("key", "field", "source", "destination")


@app.command()
def verify(
    src: Annotated[
        str,
        typer.Argument(metavar="s3://SRC/PREFIX", help="The original (the prefix is optional)."),
    ],
    dst: Annotated[
        str, typer.Argument(metavar="s3://DST/PREFIX", help="The copy (the prefix is optional).")
    ],
    source_role: SourceRoleOpt = None,
    dest_role: DestRoleOpt = None,
    storage_class: Annotated[
        str | None,
        typer.Option(help="The storage class the copies should have (default: the source's)."),
    ] = None,
    concurrency: ConcurrencyOpt = 32,
    fmt: FormatOpt = Format.table,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """Compare both sides object by object: size, content (ETag or checksum), content
    headers, metadata, tags, storage class. Exit 1 on any difference."""
    from estate.s3copy.regions import bucket_region, source_region
    from estate.s3copy.route import CopySpec, End, Route, account_of
    from estate.s3copy.urls import parse_s3_url
    from estate.s3copy.verify import verify as verify_copy

    cfg = prepare(config, verbose, log_config)
    source = parse_s3_url(src, what="source", legacy_ok=True)
    destination = parse_s3_url(dst, what="destination", legacy_ok=True)
    _choice(storage_class, STORAGE_CLASSES, "--storage-class")
    factory = s3_factory(cfg, profile, concurrency)
    src_account = account_of(factory, _role(source_role))
    dst_account = account_of(factory, _role(dest_role))
    src_region = source_region(factory.for_account(src_account, source_role), source.bucket)
    dst_session = factory.for_account(dst_account, dest_role)
    dst_region = bucket_region(dst_session, destination.bucket, "destination bucket")
    if dst_region is None:
        raise InputError(f"destination bucket {destination.bucket} does not exist")
    spec = CopySpec(
        End(source, src_account, src_region, source_role),
        End(destination, dst_account, dst_region, dest_role),
    )
    result = verify_copy(Route.open(factory, spec), concurrency, storage_class)
    records = [d.record() for d in result.differences]
    if records or fmt != Format.table:
        render(render_stdout(), records, fmt, DIFF_COLUMNS)
    err = render_stderr() if fmt != Format.table else render_stdout()
    colour = "green" if result.ok else "red"
    err.print(
        styled(
            ("identical" if result.ok else "different", colour),
            f": {result.objects:,} source "
            f"objects compared — {result.identical:,} identical, {result.missing:,} missing, "
            f"{result.differing:,} different"
            + (f"; {result.extra:,} only at the destination" if result.extra else ""),
        )
    )
    raise typer.Exit(0 if result.ok else 1)
