"""`python -m estate` — the same program as the `estate` command."""

from estate.cli.main import entrypoint

entrypoint()
