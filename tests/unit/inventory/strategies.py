"""Hypothesis strategies for raw API items and JSON values, shared by the inventory tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

ACCOUNT = "111122223333"
REGION = "eu-west-1"

# Lowercase keys: never an AWS field name the specs look at (VpcId, Tags, ...), never one of
# the state's own keys (name, region, tags), and no '.', which diff paths use as separator.
keys = st.text(alphabet="abcdefgh", min_size=1, max_size=4)

scalars = st.one_of(
    # Values Python calls equal though JSON (and so the hash) tells them apart.
    st.sampled_from([0, 1, 0.0, -0.0, 1.0, True, False]),
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)

json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)

json_objects = st.dictionaries(keys, json_values, max_size=5)

tag_dicts = st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=12), max_size=5)


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def scalar_paths(node: Any, path: tuple[Any, ...] = (), shown: str = "") -> Iterator[Any]:
    """(where, diff path) of every scalar in `node`: `where` indexes into it, the diff path
    stops at the first list, because diff_states compares lists as a whole."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from scalar_paths(value, (*path, key), f"{shown}.{key}" if shown else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            for where, _ in scalar_paths(value, (*path, i), shown):
                yield where, shown
    else:
        yield path, shown


def set_at(node: Any, where: tuple[Any, ...], value: Any) -> None:
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = value


# Security groups: rules with every inner list the spec declares unordered.
_cidrs = st.builds("10.{}.{}.0/24".format, st.integers(0, 255), st.integers(0, 255))
_ip_ranges = st.fixed_dictionaries(
    {"CidrIp": _cidrs}, optional={"Description": st.text(max_size=5)}
)
_ipv6_ranges = st.fixed_dictionaries(
    {"CidrIpv6": st.builds("2001:db8:{:x}::/64".format, st.integers(0, 0xFFFF))}
)
_prefix_lists = st.fixed_dictionaries(
    {"PrefixListId": st.builds("pl-{:08x}".format, st.integers(0, 2**32 - 1))}
)
_group_pairs = st.fixed_dictionaries(
    {
        "GroupId": st.builds("sg-{:08x}".format, st.integers(0, 2**32 - 1)),
        "UserId": st.just(ACCOUNT),
    }
)
_rules = st.fixed_dictionaries(
    {
        "IpProtocol": st.sampled_from(["tcp", "udp", "icmp", "-1"]),
        "FromPort": st.integers(0, 65535),
        "ToPort": st.integers(0, 65535),
        "IpRanges": st.lists(_ip_ranges, max_size=3),
        "Ipv6Ranges": st.lists(_ipv6_ranges, max_size=3),
        "PrefixListIds": st.lists(_prefix_lists, max_size=3),
        "UserIdGroupPairs": st.lists(_group_pairs, max_size=3),
    }
)
security_groups = st.fixed_dictionaries(
    {
        "GroupId": st.just("sg-0123456789abcdef0"),
        "GroupName": st.just("web"),
        "Description": st.text(max_size=10),
        "VpcId": st.just("vpc-1"),
        "OwnerId": st.just(ACCOUNT),
        "IpPermissions": st.lists(_rules, max_size=3),
        "IpPermissionsEgress": st.lists(_rules, max_size=2),
        "Tags": tag_dicts.map(tag_list),
    }
)

# Auto Scaling groups: list fields, and VPCZoneIdentifier, a comma-separated list of subnets.
_subnets = st.lists(
    st.builds("subnet-{:08x}".format, st.integers(0, 2**32 - 1)), unique=True, max_size=5
)
_names = st.text(alphabet="abcdefghij-", min_size=1, max_size=8)
autoscaling_groups = st.fixed_dictionaries(
    {
        "AutoScalingGroupName": st.just("web"),
        "AutoScalingGroupARN": st.just(
            f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:1:autoScalingGroupName/web"
        ),
        "MinSize": st.integers(0, 10),
        "MaxSize": st.integers(0, 10),
        "AvailabilityZones": st.lists(
            st.sampled_from([f"{REGION}{z}" for z in "abc"]), unique=True
        ),
        "VPCZoneIdentifier": _subnets.map(",".join),
        "LoadBalancerNames": st.lists(_names, max_size=3),
        "TargetGroupARNs": st.lists(_names.map("arn:aws:elasticloadbalancing:tg/{}".format)),
        "TrafficSources": st.lists(
            st.fixed_dictionaries({"Identifier": _names, "Type": st.just("elbv2")}), max_size=3
        ),
        "SuspendedProcesses": st.lists(
            st.fixed_dictionaries(
                {
                    "ProcessName": st.sampled_from(["Launch", "Terminate", "AZRebalance"]),
                    "SuspensionReason": st.text(max_size=5),
                }
            ),
            max_size=3,
        ),
        "EnabledMetrics": st.lists(
            st.fixed_dictionaries(
                {
                    "Metric": st.sampled_from(["GroupMinSize", "GroupMaxSize"]),
                    "Granularity": st.just("1Minute"),
                }
            ),
            max_size=2,
        ),
        "TerminationPolicies": st.lists(
            st.sampled_from(["OldestInstance", "NewestInstance", "Default"]), unique=True
        ),
        "Tags": tag_dicts.map(tag_list),
    }
)
