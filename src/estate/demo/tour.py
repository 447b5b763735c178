"""`estate demo`: the tour. An emulator, a sample organization, two collections and the
commands a user would type, run for real. Does I/O (a loopback server, files in `workdir`)."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml
from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from estate.cli.render import stdout as render_stdout
from estate.cli.render import styled
from estate.commands import estate_command
from estate.demo.emulator import EMULATOR_CREDENTIALS, EMULATOR_REGION, Emulator
from estate.demo.sample import ExpectedChange, apply_sample_changes, build_sample_organization
from estate.demo.sample_plan import SAMPLE_TYPES
from estate.store import queries
from estate.store.database import Database
from estate.store.runs import load_run

DEFAULT_WORKDIR = Path("estate-demo")

# The demo must never reach a real account, whatever the caller's shell holds.
_SCRUBBED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ENDPOINT_URL",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


@contextlib.contextmanager
def emulator_environment(workdir: Path) -> Iterator[None]:
    """Fake credentials and no AWS config files for the duration; the caller's are restored."""
    saved = dict(os.environ)
    try:
        for name in _SCRUBBED:
            os.environ.pop(name, None)
        for name in list(os.environ):
            if name.startswith("ESTATE_") and name != "ESTATE_STATE_DIR":
                os.environ.pop(name)
        os.environ["AWS_ACCESS_KEY_ID"] = EMULATOR_CREDENTIALS["aws_access_key_id"]
        os.environ["AWS_SECRET_ACCESS_KEY"] = EMULATOR_CREDENTIALS["aws_secret_access_key"]
        os.environ["AWS_DEFAULT_REGION"] = EMULATOR_REGION
        os.environ["AWS_CONFIG_FILE"] = str(workdir / "aws-config-none")
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(workdir / "aws-credentials-none")
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def write_config(workdir: Path, endpoint_url: str, regions: Sequence[str]) -> Path:
    config = {
        "store": f"sqlite:///{(workdir / 'estate.db').resolve()}",
        "endpoint_url": endpoint_url,
        "organization": True,
        "role_name": "OrganizationAccountAccessRole",
        "regions": list(regions),
        "types": list(SAMPLE_TYPES),
        "concurrency": 8,
    }
    path = workdir / "estate.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def run_tour(
    keep: bool = False, workdir: Path = DEFAULT_WORKDIR, console: Console | None = None
) -> int:
    """Run the tour; 0 when every step did what it should."""
    from estate.cli.main import main  # the tour runs the real commands

    console = console or render_stdout()
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in workdir.glob("estate.db*"):
        stale.unlink()

    estate = estate_command(shutil.which("estate"), sys.executable)

    def step(title: str, *argv: str) -> int:
        console.print(Rule(Text(title, style="bold"), align="left"))
        if argv:
            console.print(Text(f"$ {estate} {shlex.join(argv)}", style="dim"))
            return main([*argv, "-c", str(config)])
        return 0

    with emulator_environment(workdir), Emulator() as emulator:
        console.print(Rule(Text("estate demo", style="bold"), align="left"))
        console.print(
            f"AWS emulator (moto) on {emulator.endpoint_url}; nothing leaves this machine."
        )
        started = time.monotonic()
        org = build_sample_organization(emulator.endpoint_url)
        console.print(
            f"Sample organization: management {org.management_account}, members "
            + ", ".join(f"{n} {a}" for n, a in org.members.items())
            + f"; {org.total} resources in {len(org.regions)} regions "
            f"({time.monotonic() - started:.0f} s).",
            highlight=False,
        )
        config = write_config(workdir, emulator.endpoint_url, org.regions)
        console.print(f"Config written to {config}.", highlight=False)

        codes = [step("1. Collect every account, region and type", "collect")]
        prod = org.members[org.member_names[0]]
        codes.append(
            step(
                "2. Instances tagged env=prod in the prod account",
                "ls",
                "ec2:instance",
                "--account",
                prod,
                "--tag",
                "env=prod",
            )
        )
        codes.append(step("3. Buckets, each in its true region", "ls", "s3:bucket"))
        codes.append(
            step(
                "4. What nobody tagged with an owner",
                "ls",
                "--missing-tag",
                "owner",
                "--limit",
                "10",
            )
        )

        console.print(Rule(Text("5. Meanwhile, in the prod account…", style="bold"), align="left"))
        expected = apply_sample_changes(org, emulator.endpoint_url)
        for change in expected:
            console.print(f"  {change.kind:9} {change.type:20} {change.id}", highlight=False)
        codes.append(step("6. Collect again", "collect"))
        codes.append(step("7. What changed", "changes"))
        modified = next((c for c in expected if c.type == "ec2:security-group"), expected[0])
        codes.append(step("8. One resource's history", "history", modified.arn))
        codes.append(step("9. Runs", "runs"))

        ok = _check(console, config, expected) and not any(codes)
        console.print(Rule(Text("Try it yourself", style="bold"), align="left"))
        for line in next_steps(workdir, modified.arn, estate, keep).splitlines():
            console.print(line)  # one print per line: a newline inside a value is escaped
        if keep:
            console.print(f"Emulator still on {emulator.endpoint_url}; Ctrl-C to stop.")
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    return 0 if ok else 1


def _check(console: Console, config: Path, expected: list[ExpectedChange]) -> bool:
    """Did the second collection report every change the tour made, and nothing else?"""
    from estate.config import load_config

    db = Database(load_config(config).store)
    run_id = load_run(db, "last")["run"]
    found = {(c["change"], c["arn"]) for c in queries.load_changes(db, run_id=run_id)}
    wanted = {(c.kind, c.arn) for c in expected}
    missing, extra = wanted - found, found - wanted
    if not missing and not extra:
        console.print(
            styled(
                ("✓", "green"),
                f" The second run reported exactly the {len(wanted)} changes made, "
                "and no false ones.",
            )
        )
        return True
    for kind, arn in sorted(missing):
        console.print(styled(("✗ missed", "red"), f" {kind} {arn}"))
    for kind, arn in sorted(extra):
        console.print(styled(("✗ unexpected", "red"), f" {kind} {arn}"))
    return False


def emulator_exports() -> str:
    """The shell line that gives estate the emulator's credentials (moto takes any; these are
    the demo's own) and region, as the tour runs with them."""
    return (
        f"export AWS_ACCESS_KEY_ID={EMULATOR_CREDENTIALS['aws_access_key_id']}"
        f" AWS_SECRET_ACCESS_KEY={EMULATOR_CREDENTIALS['aws_secret_access_key']}"
        f" AWS_DEFAULT_REGION={EMULATOR_REGION}"
    )


def next_steps(workdir: Path, arn: str, estate: str, keep: bool) -> str:
    """The lines a newcomer copies after the tour. Pure.

    The inventory commands read the store only; `collect` talks to the emulator, so it is
    offered only while `--keep` runs it, with the credentials it needs. estate.yaml already
    names the emulator's endpoint and the store's absolute path; credentials stay out of it,
    as they stay out of any real estate.yaml.
    """
    quoted_arn = shlex.quote(arn)
    lines = [f"  cd {shlex.quote(str(workdir))}"]
    if keep:
        head = "While the emulator runs, from another terminal:"
        lines += [f"  {emulator_exports()}", f"  {estate} collect"]
    else:
        head = (
            f"The inventory stays in {workdir}/ (the emulator stops now; `{estate} demo --keep`"
            " keeps it running, so that `collect` works there too):"
        )
    lines += [
        f"  {estate} ls ec2:instance --tag env=prod --format json",
        f"  {estate} ls s3:bucket --format csv",
        f"  {estate} show {quoted_arn}",
        f"  {estate} history {quoted_arn}",
        f"  {estate} changes --format json",
        f"  {estate} runs",
        f"  {estate} iam-policy",
    ]
    return "\n".join([head, *lines])
