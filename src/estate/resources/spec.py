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


# A Detail parameter's path meaning "the item's ARN" (not JMESPath: no field holds it).
ITEM_ARN = "@arn"


@dataclass(frozen=True)
class Detail:
    """A per-item call whose result is stored in the item under `into`.

    `params` maps a request parameter to a JMESPath into the item; `constants` are request
    parameters with fixed values (SQS's AttributeNames=["All"]). An error whose code is in
    `missing` means "nothing there" (e.g. NoSuchTagSet) and stores `default`; one that
    classify() calls not-found means the item vanished meanwhile and is skipped. A `regional`
    detail is called in the item's true region, after that region is known.
    When botocore paginates the operation and `result` is a list, every page is read.
    A parameter mapped to ITEM_ARN gets the item's ARN: the answer's, else the type's
    template (Glue and CodeDeploy answers carry none, yet their tag calls take one).
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


# How a type's tags are written (`estate tag`):
# - "tagging-api": the Resource Groups Tagging API, 20 ARNs per call (the default);
# - "batched": the service's own call with many resources at once (EC2 CreateTags, 1,000 ids);
# - "merged": the service's call replaces the whole set (S3 PutBucketTagging): read, merge, write;
# - "each": the service's own call, one resource per call (IAM TagRole, SQS TagQueue);
# - "none": not taggable by estate (`reason` says why).
TagStyle = Literal["tagging-api", "batched", "merged", "each", "none"]
TAGGING_SERVICE = "resourcegroupstaggingapi"
TAGGING_ACTIONS = ("tag:TagResources", "tag:UntagResources")


@dataclass(frozen=True)
class TagWrite:
    """How estate writes a type's tags; the default (the tagging API by ARN) is right for a plain
    taggable type. `param` is the request parameter naming the resource (a list for "batched"
    and "tagging-api"), filled from `source`: "arn", "id", or "config.KEY" (a field of the
    collected record, e.g. SQS's QueueUrl); when a record lacks that field, `from_arn` builds
    it from the ARN. `tags_as` is the shape of the tags written ({k: v} or [{Key, Value}]);
    `unset_as` that of the keys removed (TagKeys=[k], or EC2's Tags=[{Key}]). "merged" reads
    the set with `read_op` and deletes it with `clear_op` when no tag is left.
    `service_actions` are the service's own IAM actions that tagging needs (AWS requires them
    beside tag:TagResources too); None: derived from the operations the write calls, or for the
    tagging API from the service's model (see resources/tagops.py)."""

    style: TagStyle = "tagging-api"
    set_op: str = "TagResources"
    unset_op: str = "UntagResources"
    batch: int = 20
    param: str = "ResourceARNList"
    source: str = "arn"
    from_arn: Callable[[str], str] | None = None
    tags_param: str = "Tags"
    tags_as: Literal["map", "list"] = "map"
    unset_param: str = "TagKeys"
    unset_as: Literal["keys", "key-list"] = "keys"
    read_op: str | None = None
    clear_op: str | None = None
    service_actions: tuple[str, ...] | None = None
    reason: str | None = None  # style "none": why estate does not tag the type

    @property
    def native(self) -> bool:
        """Whether the type's own service is called (not the tagging API)."""
        return self.style not in ("tagging-api", "none")

    def calls(self, change_sets: bool, change_unsets: bool) -> int:
        """Calls one batch makes (on success, without retries) for a change that sets and/or
        unsets tags; pure."""
        if self.style == "merged":
            return 2
        return int(change_sets) + int(change_unsets)


TAGGING_API = TagWrite()


def not_taggable(reason: str) -> TagWrite:
    """A type estate does not tag, and why."""
    return TagWrite(style="none", set_op="", unset_op="", batch=0, reason=reason)


@dataclass(frozen=True)
class TagRead:
    """Where a type's tags come from, derived from its spec: `where` is "list" (in the list
    answer), "per-item" (a call per item), "batched" (a call per many items), "tagging-api"
    or "none"; `call` the call that reads them, `per_call` the items one call reads."""

    where: Literal["list", "per-item", "batched", "tagging-api", "none"]
    call: str | None = None
    per_call: int = 1

    def describe(self) -> str:
        if self.where == "list":
            return "in the list answer"
        if self.where == "none":
            return "no tags"
        per = f", {self.per_call} per call" if self.per_call > 1 else ""
        return f"{self.where}: {self.call}{per}"


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
    tag_write: TagWrite = TAGGING_API
    # Whether tests collect the type on moto; False where moto lacks the list call (those tests
    # use answers generated from the botocore model).
    emulated: bool = True
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

    def tag_reason(self) -> str | None:
        """Why estate cannot tag this type, or None when it can."""
        if self.tag_write.style == "none":
            return self.tag_write.reason or "the type is not taggable"
        if not self.taggable or self.tags is None:
            return "the type has no tags"
        return None

    @property
    def tag_group(self) -> str:
        """The last part of a tag job's item group (account/region/GROUP): "tagging" for the
        tagging API, else the type's service (ec2, s3, iam, sqs: the names old jobs carry)."""
        return "tagging" if self.tag_write.style == "tagging-api" else self.service

    @property
    def tag_service(self) -> str:
        """The botocore service a tag write calls."""
        return TAGGING_SERVICE if self.tag_write.style == "tagging-api" else self.service

    def tag_iam_actions(self) -> list[str]:
        """The IAM actions tagging this type needs (none when it cannot be tagged): for the
        tagging API tag:TagResources and tag:UntagResources and the service's own tagging
        actions, which AWS requires too. May read botocore's model of the service."""
        if self.tag_reason() is not None:
            return []
        write = self.tag_write
        prefix = self.iam_service or self.service
        actions = list(TAGGING_ACTIONS) if write.style in ("tagging-api", "merged") else []
        if write.service_actions is not None:
            return actions + list(write.service_actions)
        if write.native:
            ops = (write.read_op, write.set_op, write.unset_op, write.clear_op)
            return actions + [f"{prefix}:{op}" for op in ops if op]
        from estate.resources.tagops import own_tag_operations  # reads botocore's models

        own = own_tag_operations(self.service)
        return actions + [f"{prefix}:{op}" for op in own or ()]

    def tag_read(self) -> TagRead:
        """Pure: where the collector reads this type's tags."""
        if self.tags is None:
            return TagRead("none")
        for detail in self.details:
            if detail.into == self.tags.split(".", 1)[0]:
                return TagRead(
                    "per-item", detail.iam_action or f"{self.service}:{detail.operation}"
                )
        return TagRead("list")
