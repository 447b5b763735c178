"""Pure: the typed edges a record's own fields give (an instance → its subnet, VPC, security
groups), as ARNs. Ids become ARNs through the target type's template, in the item's account
and region, so an edge names the same resource as that resource's own record."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import jmespath

from estate.aws.partitions import partition_of_region
from estate.resources.spec import ResourceSpec


@dataclass(frozen=True, order=True)
class Edge:
    kind: str  # as users query it: "subnet", "security-group", "role"
    type: str  # the target's type
    arn: str  # the target's ARN

    def plain(self) -> dict[str, str]:
        return {"kind": self.kind, "type": self.type, "arn": self.arn}


TemplateOf = Callable[[str], "str | None"]


def _values(found: Any) -> Iterator[str]:
    if isinstance(found, list):
        for value in found:
            yield from _values(value)
    elif isinstance(found, str) and not found.startswith("arn:") and "," in found:
        # A list AWS writes as one string (an Auto Scaling group's VPCZoneIdentifier).
        yield from (part.strip() for part in found.split(",") if part.strip())
    elif found not in (None, ""):
        yield str(found)


def edges(
    spec: ResourceSpec,
    data: Any,
    account: str,
    region: str,
    template_of: TemplateOf,
    partition: str | None = None,
) -> list[Edge]:
    """The edges of one item (as collected: raw fields, details merged), sorted, each once.
    A value that is not an ARN and whose target type has no template is left out: an edge
    must name a record, not guess one."""
    part = partition or partition_of_region(region)
    found: set[Edge] = set()
    for relation in spec.relations:
        for value in _values(jmespath.search(relation.path, data)):
            if value.startswith("arn:"):
                found.add(Edge(relation.kind, relation.target, value))
                continue
            template = template_of(relation.target)
            if template is None:
                continue
            arn = template.format(partition=part, region=region, account=account, id=value)
            found.add(Edge(relation.kind, relation.target, arn))
    return sorted(found)
