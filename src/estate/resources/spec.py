"""The spec of a resource type: plain, frozen metadata that the generic collector reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import jmespath

# A regional shard runs in its region; a global one (S3 buckets, IAM) once per account,
# from its partition's home region for the service (aws.partitions.home_region: us-east-1,
# cn-north-1, us-gov-west-1, ...), with the resource's true region (if any) found per item.
GLOBAL_REGION = "global"


@dataclass(frozen=True)
class Detail:
    """A per-item call whose result is stored in the item under `into`.

    `params` maps a request parameter to a JMESPath into the item; `constants` are request
    parameters with fixed values (SQS's AttributeNames=["All"]). An error whose code is in
    `missing` means "nothing there" (e.g. NoSuchTagSet) and stores `default`; one that
    classify() calls not-found means the item vanished meanwhile and is skipped. A `regional`
    detail is called in the item's true region, after that region is known.
    When botocore paginates the operation and `result` is a list, every page is read.
    """

    operation: str
    params: Mapping[str, str]
    into: str
    result: str | None = None  # JMESPath into the response; None = the whole response
    missing: tuple[str, ...] = ()
    default: Any = None
    regional: bool = False
    iam_action: str | None = None  # when the IAM action is not "<service>:<operation>"
    constants: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Relation:
    """A typed edge from one field of an item to another resource: `path` (JMESPath into the
    item as collected) gives the target's id or ARN, or a list of them; `target` is the
    target's type (`ec2:subnet`), `kind` the edge's name as users query it (`subnet`). An id
    is made an ARN with the target spec's template, in the item's account and region."""

    kind: str
    target: str
    path: str


@dataclass(frozen=True)
class Parent:
    """A child type is listed per item of its `type` (ELBv2 listeners per load balancer):
    `params` maps a request parameter of the child's list call to a JMESPath into the parent
    item; `carry` copies parent fields into each child item (a cluster's name into its
    services) under the given keys."""

    type: str
    params: Mapping[str, str]
    carry: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceSpec:
    """How to enumerate, identify and normalize one resource type.

    Paths (`items`, `id`, `name`, `tags`, `arn`, `owner`) are JMESPath expressions into one
    item. The ARN is taken from the answer at `arn` where the answer has one; `arn_template`
    (over partition, region, account, id) builds it otherwise, and for items of older answer
    shapes that lack the field. `owner` is the account the answer says owns the item (a subnet
    shared through RAM is listed by every participant with its owner's `OwnerId`); without it,
    or when an item does not say, the collecting account owns it.
    `unordered` names lists (dotted paths, `[]` to descend into a list) that AWS returns in no
    stable order; a comma-separated string there is treated as a list too. `volatile` names
    fields dropped before hashing because they change without the resource changing;
    `unstable` names top-level fields kept in the record but left out of its hash and diffs:
    they move without the resource changing, yet users read them (S3 CreationDate).
    """

    type: str
    service: str
    operation: str
    items: str
    id: str
    arn: str | None = None  # JMESPath to the ARN in the answer
    arn_template: str | None = None
    owner: str | None = None  # JMESPath to the owning account in the answer
    name: str | None = None  # None: the tag "Name", else the id
    tags: str | None = "Tags"
    scope: Literal["regional", "global"] = "regional"
    params: Mapping[str, Any] = field(default_factory=dict)
    item_key: str | None = None  # scalar items (queue URLs, table names) become {item_key: value}
    details: tuple[Detail, ...] = ()
    region_of: Callable[[Mapping[str, Any]], str] | None = None  # a global type's true region
    # Pure: the items inside one element found at `items`, carrying the element's own fields
    # (an instance keeps its reservation's OwnerId, RequesterId and ReservationId).
    spread: Callable[[Mapping[str, Any]], Iterable[Any]] | None = None
    # Pure: fields no JMESPath can compute (a queue's name is the end of its URL), merged into
    # the listed item before its details are fetched.
    derive: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    unordered: tuple[str, ...] = ()
    volatile: tuple[str, ...] = ()
    unstable: tuple[str, ...] = ()
    list_iam_action: str | None = None  # when the IAM action is not "<service>:<operation>"
    # IAM's prefix for the service where it is not botocore's name (elbv2: elasticloadbalancing,
    # stepfunctions: states, opensearch: es); the default prefix of every action of the type.
    iam_service: str | None = None
    taggable: bool = True
    relations: tuple[Relation, ...] = ()
    parent: Parent | None = None  # a child type: listed per parent item
    # A paged list call botocore has no paginator model for (WAFv2's NextMarker): the same
    # keys as botocore's (input_token, output_token, optional more_results and limit_key).
    paginator: Mapping[str, Any] | None = None
    # Why one call lists everything, for a list call that takes no page token at all.
    single_call: str | None = None

    def page_config(self) -> dict[str, Any] | None:
        """How the list call pages: the spec's own model, else botocore's, else not at all."""
        from estate.resources.paging import paginator_config

        if self.paginator is not None:
            return dict(self.paginator)
        return paginator_config(self.service, self.operation)

    @property
    def is_global(self) -> bool:
        return self.scope == "global"

    def items_in(self, response: Mapping[str, Any]) -> list[Any]:
        """Pure: the raw items of one list answer."""
        found = jmespath.search(self.items, response) or []
        if self.spread is None:
            return list(found)
        return [item for element in found for item in self.spread(element)]

    @property
    def kind(self) -> str:
        return self.type.split(":", 1)[1]

    def iam_actions(self) -> list[str]:
        """The read-only IAM actions that collecting this type needs."""
        prefix = self.iam_service or self.service
        actions = [self.list_iam_action or f"{prefix}:{self.operation}"]
        actions += [d.iam_action or f"{prefix}:{d.operation}" for d in self.details]
        return actions
