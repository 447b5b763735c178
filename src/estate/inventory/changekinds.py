"""The kinds of change the history records: names only, so the CLI's options need no store."""

from __future__ import annotations

MODIFIED = "modified"
REFRESHED = "refreshed"  # only fields a newer botocore added: hidden from changes by default
# The kinds shown unless others are asked for: `refreshed` is kept in the store but is no
# change of the resource.
SHOWN_CHANGES = ("created", MODIFIED, "deleted")
ALL_CHANGES = (*SHOWN_CHANGES, REFRESHED)
