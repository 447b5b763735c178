from __future__ import annotations

import copy
import datetime as dt
import decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estate.inventory.diff import diff_states
from estate.inventory.normalize import (
    canonical_json,
    content_hash,
    drop_paths,
    normalize_resource,
    normalize_tags,
    sort_unordered,
    to_json_value,
)
from estate.resources.registry import REGISTRY
from tests.unit.inventory.strategies import (
    ACCOUNT,
    REGION,
    autoscaling_groups,
    json_objects,
    scalar_paths,
    scalars,
    security_groups,
    set_at,
    tag_dicts,
    tag_list,
)

SECURITY_GROUP = REGISTRY["ec2:security-group"]
GROUP = REGISTRY["autoscaling:group"]
VPC = REGISTRY["ec2:vpc"]
SUBNET = REGISTRY["ec2:subnet"]
RULE_LISTS = ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")

PROPERTY = settings(max_examples=100, deadline=None)


def _permuted(data: st.DataObject, items: list[Any]) -> list[Any]:
    return list(data.draw(st.permutations(items)))


@PROPERTY
@given(security_groups, st.data())
def test_security_group_rules_in_any_order_are_the_same_resource(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    shuffled = copy.deepcopy(raw)
    for direction in ("IpPermissions", "IpPermissionsEgress"):
        for rule in shuffled[direction]:
            for name in RULE_LISTS:
                rule[name] = _permuted(data, rule[name])
        shuffled[direction] = _permuted(data, shuffled[direction])
    shuffled["Tags"] = _permuted(data, shuffled["Tags"])

    old = normalize_resource(SECURITY_GROUP, ACCOUNT, REGION, raw)
    new = normalize_resource(SECURITY_GROUP, ACCOUNT, REGION, shuffled)

    assert new.hash == old.hash
    assert diff_states(old.state(), new.state()) == {}
    assert new == old


@PROPERTY
@given(autoscaling_groups, st.data())
def test_autoscaling_lists_and_subnet_string_in_any_order_are_the_same_resource(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    shuffled = copy.deepcopy(raw)
    for path in GROUP.unordered:
        if path == "VPCZoneIdentifier":
            subnets = raw[path].split(",") if raw[path] else []
            shuffled[path] = ",".join(_permuted(data, subnets))
        else:
            shuffled[path] = _permuted(data, shuffled[path])
    shuffled["Tags"] = _permuted(data, shuffled["Tags"])
    # Instances churn: volatile, so never a change.
    shuffled["Instances"] = [{"InstanceId": "i-0abc", "LifecycleState": "Pending"}]

    old = normalize_resource(GROUP, ACCOUNT, REGION, raw)
    new = normalize_resource(GROUP, ACCOUNT, REGION, shuffled)

    assert new.hash == old.hash
    assert diff_states(old.state(), new.state()) == {}
    assert new == old


def test_termination_policies_stay_ordered() -> None:
    raw = {
        "AutoScalingGroupName": "web",
        "AutoScalingGroupARN": "arn:aws:autoscaling:eu-west-1:1:autoScalingGroup:x",
        "TerminationPolicies": ["OldestInstance", "Default"],
    }
    swapped = {**raw, "TerminationPolicies": ["Default", "OldestInstance"]}

    old = normalize_resource(GROUP, ACCOUNT, REGION, raw)
    new = normalize_resource(GROUP, ACCOUNT, REGION, swapped)

    assert new.hash != old.hash
    assert set(diff_states(old.state(), new.state())) == {"TerminationPolicies"}


def _vpc_item(config: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    return {"VpcId": "vpc-1", "Tags": tag_list(tags), **copy.deepcopy(config)}


@PROPERTY
@given(json_objects, tag_dicts, st.data())
def test_a_changed_config_leaf_is_detected(
    config: dict[str, Any], tags: dict[str, str], data: st.DataObject
) -> None:
    leaves = list(scalar_paths(config))
    if not leaves:
        config = {"a": None}
        leaves = [(("a",), "a")]
    where, path = data.draw(st.sampled_from(leaves))
    old_value = config
    for step in where:
        old_value = old_value[step]
    # Different as JSON: 1 and True, or 0.0 and -0.0, are different values to AWS and the hash.
    value = data.draw(scalars.filter(lambda v: canonical_json(v) != canonical_json(old_value)))
    changed = copy.deepcopy(config)
    set_at(changed, where, value)

    old = normalize_resource(VPC, ACCOUNT, REGION, _vpc_item(config, tags))
    new = normalize_resource(VPC, ACCOUNT, REGION, _vpc_item(changed, tags))

    assert new.hash != old.hash
    assert path in diff_states(old.state(), new.state())


@PROPERTY
@given(tag_dicts.filter(bool), st.data())
def test_a_changed_tag_value_is_detected(tags: dict[str, str], data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(sorted(tags)))
    value = data.draw(st.text(max_size=12).filter(lambda v: v != tags[key]))

    old = normalize_resource(VPC, ACCOUNT, REGION, _vpc_item({}, tags))
    new = normalize_resource(VPC, ACCOUNT, REGION, _vpc_item({}, {**tags, key: value}))

    assert new.hash != old.hash
    assert diff_states(old.state(), new.state())[f"tags.{key}"] == {
        "old": tags[key],
        "new": value,
    }


@settings(max_examples=100, deadline=None)
@given(tag_dicts, st.data())
def test_tag_lists_in_any_spelling_and_order_equal_the_dict(
    tags: dict[str, str], data: st.DataObject
) -> None:
    entries = list(tags.items())
    as_list = [{"Key": k, "Value": v} for k, v in _permuted(data, entries)]
    lowercase = [{"key": k, "value": v} for k, v in _permuted(data, entries)]
    tag_key = [{"TagKey": k, "TagValue": v} for k, v in _permuted(data, entries)]

    assert normalize_tags(tags) == tags
    assert normalize_tags(as_list) == tags
    assert normalize_tags(lowercase) == tags
    assert normalize_tags(tag_key) == tags


def test_normalize_tags_edge_cases() -> None:
    assert normalize_tags(None) == {}
    assert normalize_tags([]) == {}
    assert normalize_tags([{"Key": "empty", "Value": None}, {"Value": "no key"}]) == {"empty": ""}
    assert normalize_tags({"n": 3, "none": None}) == {"n": "3", "none": ""}


def test_datetimes_become_iso_strings_in_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    value = {
        "aware": dt.datetime(2024, 6, 1, 14, 30, tzinfo=paris),
        "naive": dt.datetime(2024, 6, 1, 12, 30),
        "date": dt.date(2024, 6, 1),
        "nested": [{"at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)}],
    }

    assert to_json_value(value) == {
        "aware": "2024-06-01T12:30:00+00:00",
        "naive": "2024-06-01T12:30:00+00:00",
        "date": "2024-06-01",
        "nested": [{"at": "2024-01-01T00:00:00+00:00"}],
    }


def test_other_api_values_become_json() -> None:
    assert to_json_value(decimal.Decimal("5")) == 5
    assert isinstance(to_json_value(decimal.Decimal("5")), int)
    assert to_json_value(decimal.Decimal("2.5")) == 2.5
    assert to_json_value(b"\x00\x01") == "AAE="
    assert to_json_value(("a", 1)) == ["a", 1]
    assert to_json_value({1: "x"}) == {"1": "x"}


def test_normalized_launch_time_is_utc() -> None:
    raw = {
        "InstanceId": "i-1",
        "LaunchTime": dt.datetime(2024, 6, 1, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    }

    res = normalize_resource(REGISTRY["ec2:instance"], ACCOUNT, REGION, raw)

    assert res.config["LaunchTime"] == "2024-06-01T12:30:00+00:00"


def test_volatile_fields_are_dropped_and_do_not_change_the_hash() -> None:
    raw = {"SubnetId": "subnet-1", "CidrBlock": "10.0.0.0/24", "AvailableIpAddressCount": 250}

    res = normalize_resource(SUBNET, ACCOUNT, REGION, raw)
    busier = normalize_resource(SUBNET, ACCOUNT, REGION, {**raw, "AvailableIpAddressCount": 3})

    assert "AvailableIpAddressCount" not in res.config
    assert res.config == {"SubnetId": "subnet-1", "CidrBlock": "10.0.0.0/24"}
    assert busier.hash == res.hash


def test_tags_are_removed_from_config() -> None:
    raw = {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "Tags": [{"Key": "env", "Value": "a"}]}

    res = normalize_resource(VPC, ACCOUNT, REGION, raw)

    assert res.tags == {"env": "a"}
    assert "Tags" not in res.config
    assert res.state() == {
        "name": "vpc-1",
        "region": REGION,
        "tags": {"env": "a"},
        "VpcId": "vpc-1",
        "CidrBlock": "10.0.0.0/16",
    }
    assert res.hash == content_hash(res.state())


def test_the_input_item_is_not_modified() -> None:
    raw = {"VpcId": "vpc-1", "Tags": [{"Key": "env", "Value": "a"}], "X": [3, 1]}
    before = copy.deepcopy(raw)

    normalize_resource(VPC, ACCOUNT, REGION, raw)

    assert raw == before


@pytest.mark.parametrize(
    ("tags", "name"),
    [
        ([{"Key": "Name", "Value": "main"}], "main"),
        ([{"Key": "env", "Value": "prod"}], "vpc-1"),
        ([{"Key": "Name", "Value": ""}], "vpc-1"),
        ([], "vpc-1"),
    ],
)
def test_name_falls_back_to_the_name_tag_then_the_id(tags: list[Any], name: str) -> None:
    res = normalize_resource(VPC, ACCOUNT, REGION, {"VpcId": "vpc-1", "Tags": tags})

    assert res.name == name


def test_a_spec_name_wins_over_the_name_tag() -> None:
    raw = {"GroupId": "sg-1", "GroupName": "web", "Tags": [{"Key": "Name", "Value": "other"}]}

    assert normalize_resource(SECURITY_GROUP, ACCOUNT, REGION, raw).name == "web"


def test_arn_from_template_and_partition() -> None:
    raw = {"VpcId": "vpc-1"}

    assert normalize_resource(VPC, ACCOUNT, REGION, raw).arn == (
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-1"
    )
    assert normalize_resource(VPC, ACCOUNT, "cn-north-1", raw).arn.startswith("arn:aws-cn:")
    assert normalize_resource(VPC, ACCOUNT, "us-gov-west-1", raw).arn.startswith("arn:aws-us-gov:")


def test_sort_unordered_sorts_inner_lists_before_the_outer_one() -> None:
    config = {
        "Rules": [
            {"Ranges": ["b", "a"], "Port": 1},
            {"Ranges": ["a", "b"], "Port": 1},
            {"Ranges": ["c"], "Port": 0},
        ],
        "Subnets": "s-2, s-1,s-3",
        "Single": "s-1",
        "Ordered": [2, 1],
    }

    out = sort_unordered(config, ["Rules", "Rules[].Ranges", "Subnets", "Single", "Missing"])

    assert out == {
        "Rules": [
            {"Port": 0, "Ranges": ["c"]},
            {"Port": 1, "Ranges": ["a", "b"]},
            {"Port": 1, "Ranges": ["a", "b"]},
        ],
        "Subnets": "s-1,s-2,s-3",
        "Single": "s-1",
        "Ordered": [2, 1],
    }


def test_drop_paths_top_level_nested_and_through_lists() -> None:
    config = {
        "Keep": 1,
        "Gone": 2,
        "Outer": {"Gone": 3, "Keep": 4},
        "Items": [{"Gone": 5, "Keep": 6}, "scalar"],
    }

    out = drop_paths(config, ["Gone", "Outer.Gone", "Items[].Gone", "Absent.Gone"])

    assert out == {"Keep": 1, "Outer": {"Keep": 4}, "Items": [{"Keep": 6}, "scalar"]}


def test_content_hash_ignores_key_order() -> None:
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": True})
