"""`estate iam-policy`: the read-only policy the configured types need."""

from __future__ import annotations

from typing import Annotated

import typer

from estate.cli.options import ConfigOpt, LogConfigOpt, VerboseOpt, prepare
from estate.cli.render import render_json
from estate.cli.render import stdout as render_stdout


def iam_policy(
    types: Annotated[str | None, typer.Option(help="These types instead of the config's.")] = None,
    tag: Annotated[
        bool, typer.Option("--tag", help="Also what `estate tag` needs for these types.")
    ] = False,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """Print the least-privilege IAM policy (JSON) for the configured resource types."""
    from estate.inventory.policy import plan_read_policy
    from estate.resources.registry import get_spec, get_specs

    cfg = prepare(config, verbose, log_config)
    names = [t.strip() for t in types.split(",") if t.strip()] if types else cfg.types
    for name in names or []:
        get_spec(name)
    render_json(render_stdout(), plan_read_policy(get_specs(names), cfg.organization, tagging=tag))
