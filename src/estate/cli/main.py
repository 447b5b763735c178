"""The `estate` program: a function of its arguments that returns an exit status."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer
from rich.console import Console
from typer.exceptions import TyperException

from estate import __version__
from estate.cli import collect, helptext, inventory, jobs, policy, s3, tag, typelist, worker
from estate.cli.render import stderr as render_stderr
from estate.cli.render import stdout as render_stdout
from estate.cli.streams import guard_standard_streams
from estate.commands import command_line
from estate.errors import EstateError, Interrupted
from estate.interrupts import ignored_while_exiting, restored
from estate.logsetup import log_internal_error

helptext.install()

app = typer.Typer(
    name="estate",
    help="See and change everything you run on AWS, across every account and region.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        render_stdout().print(__version__)
        raise typer.Exit(0)


@app.callback()
def _estate(
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        callback=_print_version,
        help="Print estate's version and exit.",
    ),
) -> None:
    """See and change everything you run on AWS, across every account and region."""


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
app.command("types")(typelist.types)
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
    """Print estate's version (also: estate --version)."""
    render_stdout().print(__version__)


def main(argv: Sequence[str] | None = None) -> int:
    """Run estate with `argv` (default: the process's, as the program). Bad input exits 2
    with one line. Called with `argv`, it leaves the SIGINT handler as it found it."""
    if argv is None:
        return _main(argv)
    with restored():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    err = render_stderr()
    try:
        result = app(
            args=list(argv) if argv is not None else None,
            prog_name="estate",
            standalone_mode=False,
        )
    except typer.Exit as exc:
        return exc.exit_code
    except Interrupted as exc:
        err.print(_interrupted_line(exc), highlight=False, markup=False)
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
    except KeyboardInterrupt:  # outside the command, before or after its work
        err.print("estate: interrupted: nothing was left half-done", highlight=False)
        return 130
    except Exception as exc:
        return _uncaught(err, exc)
    if result == 130:  # Typer's answer to a Ctrl-C that no work turned into Interrupted
        err.print("estate: interrupted: nothing was left half-done", highlight=False)
    return result if isinstance(result, int) else 0


def _from_botocore(exc: Exception) -> bool:
    """Whether botocore raised it: without botocore imported, nothing could have."""
    loaded = sys.modules.get("botocore.exceptions")
    return loaded is not None and isinstance(exc, loaded.BotoCoreError | loaded.ClientError)


def _uncaught(err: Console, exc: Exception) -> int:
    """The exit status of an exception no command turned into an EstateError, as one line:
    an AWS error outside the classified paths as such, anything else as a bug (the traceback
    goes to the log file only)."""
    if _from_botocore(exc):
        from estate.aws.errors import as_estate_error

        classified = as_estate_error(exc)
        err.print(f"estate: error: {classified}", highlight=False, markup=False)
        return classified.exit_code
    where = log_internal_error(exc)
    reason = " ".join(f"{type(exc).__name__}: {exc}".split())
    err.print(
        f"estate: internal error: {reason} (the traceback is in {where})",
        highlight=False,
        markup=False,
    )
    return 1


def _interrupted_line(exc: Interrupted) -> str:
    """`estate: interrupted: what is saved; continue with: the exact command`."""
    line = f"estate: {exc}"
    if exc.resume:
        line += f"; continue with: {command_line(exc.resume)}"
    return line


def entrypoint() -> None:
    guard_standard_streams()
    code = main()
    ignored_while_exiting()
    sys.exit(code)
