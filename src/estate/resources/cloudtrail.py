"""cloudtrail: resource types to come (issue 12)."""

from __future__ import annotations

from estate.resources.spec import ResourceSpec

SPECS: tuple[ResourceSpec, ...] = ()
