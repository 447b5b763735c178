"""The `estate` program: a function of its arguments that returns an exit status."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from typer.exceptions import TyperException

from estate import __version__
from estate.actions.jobs import StoppedFollowing
from estate.aws.errors import as_estate_error
from estate.cli import collect, inventory, jobs, policy, s3, tag, worker
from estate.errors import EstateError
from estate.logsetup import log_internal_error

app = typer.Typer(
    name="estate",
    help="See and change everything you run on AWS, across every account and region.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

app.command()(collect.collect)
app.command()(inventory.ls)
app.command()(inventory.show)
app.command()(inventory.history)
app.command()(inventory.changes)
app.command()(inventory.runs)
app.command()(jobs.jobs)
app.command()(jobs.resume)
app.command()(tag.tag)
app.command("iam-policy")(policy.iam_policy)
app.add_typer(s3.app, name="s3")
app.command()(worker.worker)


@app.command()
def demo(
    keep: bool = typer.Option(False, help="Keep the emulator running until Ctrl-C."),
) -> None:
    """Start an embedded AWS emulator with a sample organization and run the tour."""
    from estate.demo.tour import run_tour

    raise typer.Exit(run_tour(keep=keep))


@app.command()
def version() -> None:
    """Print estate's version."""
    Console().print(__version__)


def main(argv: Sequence[str] | None = None) -> int:
    """Run estate with `argv` (default: the process's). Bad input exits 2 with one line."""
    err = Console(stderr=True, soft_wrap=True)
    try:
        result = app(
            args=list(argv) if argv is not None else None,
            prog_name="estate",
            standalone_mode=False,
        )
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print("estate: aborted", highlight=False)
        return 130
    except TyperException as exc:  # usage errors: unknown option, bad value, no command
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]
            return 2
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        err.print(f"estate: error: {message}", highlight=False, markup=False)
        return int(getattr(exc, "exit_code", 2))
    except EstateError as exc:
        err.print(f"estate: error: {exc}", highlight=False, markup=False)
        return exc.exit_code
    except StoppedFollowing as exc:
        err.print(f"estate: {exc} (estate jobs)", highlight=False, markup=False)
        return 130
    except KeyboardInterrupt:
        err.print(f"estate: interrupted; {_how_to_continue(argv)}", highlight=False)
        return 130
    except (BotoCoreError, ClientError) as exc:  # a call outside the classified paths
        classified = as_estate_error(exc)
        err.print(f"estate: error: {classified}", highlight=False, markup=False)
        return classified.exit_code
    except Exception as exc:  # a bug: one line here, the traceback in the log file only
        where = log_internal_error(exc)
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())
        err.print(
            f"estate: internal error: {reason} (the traceback is in {where})",
            highlight=False,
            markup=False,
        )
        return 1
    return result if isinstance(result, int) else 0


def _how_to_continue(argv: Sequence[str] | None) -> str:
    """Collections resume with `collect --resume`; jobs (tag, copies, grants) with `resume`."""
    args = list(argv if argv is not None else sys.argv[1:])
    command = next((a for a in args if not a.startswith("-")), "")
    if command == "collect":
        return "continue with: estate collect --resume last"
    if command in ("tag", "s3", "resume"):
        return "continue with: estate resume last"
    return "nothing was left half-done"


def entrypoint() -> None:
    sys.exit(main())
