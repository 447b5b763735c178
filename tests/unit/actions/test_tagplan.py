"""The pure core of `estate tag`: parsing and checking a change, and the plan it makes."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estate.actions.tagplan import (
    APIS,
    MAX_TAGS,
    PlannedItem,
    TagChange,
    batch_key,
    batch_stream,
    check_taggable,
    parse_tag_change,
    plan_tags,
    untaggable_reason,
)
from estate.errors import InputError
from estate.resources.registry import REGISTRY, get_spec

A, B = "111111111111", "222222222222"


def record(
    type_: str = "ec2:instance",
    n: int = 0,
    tags: dict[str, str] | None = None,
    account: str = A,
    region: str = "eu-west-1",
    **config: Any,
) -> dict[str, Any]:
    res_id = f"i-{n:08x}"
    arn = f"arn:aws:ec2:{region}:{account}:instance/{res_id}"
    if type_ == "s3:bucket":
        res_id, arn = f"bucket-{n}", f"arn:aws:s3:::bucket-{n}"
    elif type_ == "iam:role":
        res_id, arn, region = f"role-{n}", f"arn:aws:iam::{account}:role/role-{n}", "global"
    elif type_ == "sns:topic":
        res_id, arn = f"topic-{n}", f"arn:aws:sns:{region}:{account}:topic-{n}"
    elif type_ == "cloudformation:stack":
        res_id, arn = f"stack-{n}", f"arn:aws:cloudformation:{region}:{account}:stack/s/{n}"
    return {
        "arn": arn,
        "type": type_,
        "account": account,
        "region": region,
        "id": res_id,
        "name": res_id,
        "tags": tags or {},
        "config": config,
    }


# --- parsing -------------------------------------------------------------------------------


def test_a_change_parses_sorted_and_deduplicated() -> None:
    change = parse_tag_change(["b=2", "a=1", "a=1", "empty="], ["z", "y", "z"])
    assert change.set == {"a": "1", "b": "2", "empty": ""}
    assert change.unset == ("y", "z")
    assert parse_tag_change(["k=v=w"], []).set == {"k": "v=w"}  # the first '=' splits
    assert parse_tag_change([f"{'k' * 128}={'v' * 256}"], []).set  # the limits themselves


@pytest.mark.parametrize(
    ("sets", "unsets", "message"),
    [
        ([], [], "nothing to change"),
        (["CostCenter"], [], "expected KEY=VALUE"),
        (["=1"], [], "the tag key is empty"),
        (["aws:owner=me"], [], "reserved for AWS"),
        (["AWS:Owner=me"], [], "reserved for AWS"),
        ([f"{'k' * 129}=v"], [], "tag key of 129 characters (AWS allows 128)"),
        ([f"k={'v' * 257}"], [], "tag value of 257 characters (AWS allows 256)"),
        (["k=a\nb"], [], "control characters"),
        (["k=1", "k=2"], [], "given twice with different values"),
        (["k=1"], ["k"], "also given to --set"),
        ([], ["aws:cloudformation:stack-name"], "reserved for AWS"),
        ([], ["k=v"], "expected a tag KEY"),
        ([f"k{i}=v" for i in range(MAX_TAGS + 1)], [], "AWS allows 50 per resource"),
    ],
)
def test_bad_changes_are_refused_with_what_is_wrong(
    sets: list[str], unsets: list[str], message: str
) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_tag_change(sets, unsets)


# --- which types can be tagged, and how ---------------------------------------------------


def test_every_registered_type_is_taggable_or_says_why_not() -> None:
    for spec in REGISTRY.values():
        reason = untaggable_reason(spec)
        if reason is None:
            assert check_taggable(spec).name in APIS
        else:
            with pytest.raises(InputError, match=f"{spec.type} cannot be tagged by estate"):
                check_taggable(spec)
    assert untaggable_reason(get_spec("cloudformation:stack"))
    assert check_taggable(get_spec("ec2:volume")).name == "ec2"
    assert check_taggable(get_spec("lambda:function")).name == "tagging"
    assert check_taggable(get_spec("s3:bucket")).reads_first


# --- the plan -------------------------------------------------------------------------------


def test_the_plan_changes_only_what_differs_and_keeps_the_rest_as_unchanged() -> None:
    change = TagChange({"CostCenter": "1234", "env": "prod"}, ("Temp",))
    resources = [
        record(n=1),  # needs both tags
        record(n=2, tags={"CostCenter": "1234", "env": "prod"}),  # already as desired
        record(n=3, tags={"CostCenter": "9", "env": "prod", "Temp": "x"}),
        record(n=4, tags={"CostCenter": "1234", "env": "prod", "Temp": ""}),
    ]
    plan = plan_tags(resources, change, get_spec)
    by_id = {i.id: i.change for i in plan.items}
    assert by_id["i-00000001"] == TagChange({"CostCenter": "1234", "env": "prod"}, ())
    assert by_id["i-00000002"].empty
    assert by_id["i-00000003"] == TagChange({"CostCenter": "1234"}, ("Temp",))
    assert by_id["i-00000004"] == TagChange({}, ("Temp",))
    assert [i.id for i in plan.unchanged] == ["i-00000002"]
    # three different changes: three batches; two of them set tags and one unsets too
    assert plan.calls == 4


def test_items_are_grouped_per_account_region_and_api() -> None:
    change = TagChange({"k": "v"})
    resources = [
        record(n=1),
        record(n=2, account=B),
        record(n=3, region="us-east-1"),
        record("s3:bucket", n=4, region="eu-central-1"),
        record("iam:role", n=5),
        record("sns:topic", n=6),
    ]
    plan = plan_tags(resources, change, get_spec)
    assert [g.grp for g in plan.groups()] == [
        f"{A}/eu-central-1/s3",
        f"{A}/eu-west-1/ec2",
        f"{A}/eu-west-1/tagging",
        f"{A}/global/iam",
        f"{A}/us-east-1/ec2",
        f"{B}/eu-west-1/ec2",
    ]
    assert {g.grp: g.calls for g in plan.groups()}[f"{A}/eu-central-1/s3"] == 2  # read + write
    assert plan.accounts == [A, B]


def test_batches_respect_each_apis_limit_and_the_chosen_size() -> None:
    change = TagChange({"k": "v"})
    instances = [record(n=i) for i in range(2500)]
    topics = [record("sns:topic", n=i) for i in range(45)]
    plan = plan_tags(instances + topics, change, get_spec)
    calls = {g.api: g.calls for g in plan.groups()}
    assert calls == {"ec2": 3, "tagging": 3}  # 1000 ids per CreateTags, 20 ARNs per TagResources
    small = plan_tags(instances, change, get_spec, batch_size=100)
    assert small.calls == 25
    assert plan_tags(topics, change, get_spec, batch_size=5000).calls == 3  # never above 20


def test_untaggable_types_are_left_out_and_counted() -> None:
    plan = plan_tags(
        [record(n=1), record("cloudformation:stack", n=2)], TagChange({"k": "v"}), get_spec
    )
    assert [i.type for i in plan.items] == ["ec2:instance"]
    assert plan.excluded == {"cloudformation:stack": 1}


def test_a_resource_that_would_pass_fifty_tags_is_reported() -> None:
    full = {f"t{i}": "x" for i in range(49)} | {"aws:cloudformation:stack-id": "s"}
    plan = plan_tags(
        [record(n=1, tags=full), record(n=2, tags={"t": "x"})],
        TagChange({"a": "1", "b": "2"}),
        get_spec,
    )
    arn = record(n=1)["arn"]
    assert plan.over_limit == ((arn, 51),)  # the aws: tag does not count
    fits = plan_tags([record(n=1, tags=full)], TagChange({"a": "1"}), get_spec)
    assert fits.over_limit == ()


def test_an_item_survives_the_store_as_plain_data() -> None:
    (item,) = plan_tags(
        [record("sqs:queue", n=1, QueueUrl="https://q/1")],
        TagChange({"k": "v"}, ("old",)),
        get_spec,
    ).items
    again = PlannedItem.from_payload(item.arn, item.grp, item.payload())
    assert again.change == TagChange({"k": "v"}, ()) and again.url == "https://q/1"
    assert again == item


# --- properties -----------------------------------------------------------------------------

keys = st.sampled_from(["a", "b", "c", "Name", "env", "CostCenter"])
values = st.sampled_from(["", "1", "2", "prod"])
tag_sets = st.dictionaries(keys, values, max_size=4)


@st.composite
def changes(draw: st.DrawFn) -> TagChange:
    wanted = draw(tag_sets)
    removed = draw(st.lists(keys.filter(lambda k: k not in wanted), unique=True, max_size=3))
    return TagChange(wanted, tuple(sorted(removed)))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(tag_sets, max_size=12), changes(), st.integers(1, 7), st.randoms())
def test_the_plan_makes_every_resource_as_desired_and_nothing_else(
    tag_lists: list[dict[str, str]], change: TagChange, size: int, rnd: Any
) -> None:
    resources = [record(n=i, tags=tags) for i, tags in enumerate(tag_lists)]
    plan = plan_tags(resources, change, get_spec, batch_size=size)
    by_arn = {i.arn: i for i in plan.items}
    assert len(by_arn) == len(resources)
    for rec in resources:
        item = by_arn[rec["arn"]]
        # the item's own change brings the resource where the whole change would
        assert item.change.apply(rec["tags"]) == change.apply(rec["tags"])
        assert item.unchanged == (change.apply(rec["tags"]) == dict(sorted(rec["tags"].items())))
    # the order the resources came in does not matter
    shuffled = list(resources)
    rnd.shuffle(shuffled)
    assert plan_tags(shuffled, change, get_spec, batch_size=size) == plan


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers()), max_size=40), st.integers(1, 9))
def test_batch_stream_sends_each_item_once_in_batches_of_one_key(
    items: list[tuple[int, int]], limit: int
) -> None:
    indexed = list(enumerate(items))
    batches = list(batch_stream(indexed, lambda p: p[1][0], limit))
    assert sorted(p for b in batches for p in b) == indexed
    for batch in batches:
        assert 1 <= len(batch) <= limit
        assert len({p[1][0] for p in batch}) == 1
    per_key = Counter(k for k, _ in items)
    assert len(batches) == sum(-(-n // limit) for n in per_key.values())


def test_batch_key_is_the_change() -> None:
    one, two = plan_tags(
        [record(n=1), record(n=2, tags={"a": "1"})], TagChange({"a": "1", "b": "2"}), get_spec
    ).items
    assert batch_key(one) != batch_key(two)
