"""The `estate` program: a function of its arguments that returns an exit status."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click
import typer
from rich.console import Console

from estate import __version__
from estate.cli import collect, inventory, policy
from estate.errors import EstateError

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
app.command("iam-policy")(policy.iam_policy)


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
    err = Console(stderr=True)
    try:
        result = app(
            args=list(argv) if argv is not None else None, prog_name="estate", standalone_mode=False
        )
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()
        return 2
    except click.ClickException as exc:
        err.print(f"estate: error: {exc.format_message()}", highlight=False, markup=False)
        return exc.exit_code
    except click.exceptions.Abort:
        err.print("estate: aborted", highlight=False)
        return 130
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except EstateError as exc:
        err.print(f"estate: error: {exc}", highlight=False, markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("estate: interrupted; resume with --resume last", highlight=False)
        return 130
    return result if isinstance(result, int) else 0


def entrypoint() -> None:
    sys.exit(main())
