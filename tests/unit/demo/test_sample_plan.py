"""The sample plan is pure: these tests start no server."""

from __future__ import annotations

from dataclasses import replace

from estate.demo.sample_create import ip_permissions
from estate.demo.sample_plan import (
    DB_GROUP,
    DEFAULT_REGIONS,
    DEV_INSTANCE,
    PROD_INSTANCE,
    WEB_GROUP,
    Rule,
    count_planned,
    find_region,
    plan_sample,
)

MEMBERS = {"prod": "111111111111", "staging": "222222222222", "dev": "333333333333"}


def test_same_seed_same_plan_and_another_seed_another() -> None:
    assert plan_sample(MEMBERS, DEFAULT_REGIONS, 7) == plan_sample(MEMBERS, DEFAULT_REGIONS, 7)
    assert plan_sample(MEMBERS, DEFAULT_REGIONS, 7) != plan_sample(MEMBERS, DEFAULT_REGIONS, 8)


def test_account_ids_only_change_account_fields_and_bucket_names() -> None:
    other = dict(zip(MEMBERS, ("444444444444", "555555555555", "666666666666"), strict=True))
    for a, b in zip(
        plan_sample(MEMBERS, DEFAULT_REGIONS, 7),
        plan_sample(other, DEFAULT_REGIONS, 7),
        strict=True,
    ):
        assert [x.tags for x in a.buckets] == [x.tags for x in b.buckets]
        assert [x.name.replace(a.account, "ID") for x in a.buckets] == [
            x.name.replace(b.account, "ID") for x in b.buckets
        ]
        assert a.regions == tuple(replace(r, account=a.account) for r in b.regions)


def test_bucket_names_are_unique_and_name_their_account_and_region() -> None:
    plans = plan_sample(MEMBERS, DEFAULT_REGIONS, 7)
    names = [b.name for p in plans for b in p.buckets]
    assert len(names) == len(set(names))
    for p in plans:
        for b in p.buckets:
            assert b.name.startswith(f"estate-demo-{p.account}-{b.region}-")
            assert len(b.name) <= 63


def test_every_account_has_tagged_and_untagged_buckets_roles_and_users() -> None:
    for seed in range(20):
        for p in plan_sample(MEMBERS, DEFAULT_REGIONS, seed):
            for items in (p.buckets, p.roles, p.users):
                assert {bool(x.tags) for x in items} == {True, False}
            assert {b.region for b in p.buckets} == set(DEFAULT_REGIONS)


def test_every_region_has_what_apply_sample_changes_looks_for() -> None:
    for seed in range(20):
        for p in plan_sample(MEMBERS, DEFAULT_REGIONS, seed):
            for r in p.regions:
                tags = {i.key: dict(i.tags) for i in r.instances}
                assert tags[PROD_INSTANCE]["env"] == "prod"
                assert tags[DEV_INSTANCE]["env"] == "dev"
                assert {} in tags.values()  # an instance without any tag
                assert {WEB_GROUP, DB_GROUP} <= {g.name for g in r.security_groups}
                assert len(r.queues) >= 2  # one is deleted, others stay
                assert len({i.key for i in r.instances}) == len(r.instances)


def test_security_groups_have_several_ingress_and_egress_rules() -> None:
    r = plan_sample(MEMBERS, DEFAULT_REGIONS, 7)[0].regions[0]
    for group in r.security_groups:
        assert len(group.ingress) >= 2
        assert len(group.egress) >= 1
    web = next(g for g in r.security_groups if g.name == WEB_GROUP)
    assert len(web.ingress) >= 3


def test_counts_make_a_few_hundred_resources() -> None:
    counts = count_planned(plan_sample(MEMBERS, DEFAULT_REGIONS, 7))
    assert 200 <= sum(counts.values()) <= 600
    assert counts["ec2:vpc"] == 3 * 4
    assert counts["ec2:volume"] > counts["ec2:instance"]  # a root volume each, and more
    assert counts["iam:role"] == 3 * (4 + 1)  # + OrganizationAccountAccessRole


def test_find_region() -> None:
    plans = plan_sample(MEMBERS, DEFAULT_REGIONS, 7)
    assert find_region(plans, "222222222222", "eu-west-1").member == "staging"


def test_ip_permissions_group_rules_by_protocol_and_port() -> None:
    rules = (
        Rule("tcp", 443, "0.0.0.0/0"),
        Rule("tcp", 443, "::/0"),
        Rule("tcp", 5432, group="db"),
        Rule("udp", 53, "10.0.0.0/16"),
    )
    assert ip_permissions(rules, {"db": "sg-1"}) == [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
        },
        {
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "UserIdGroupPairs": [{"GroupId": "sg-1"}],
        },
        {
            "IpProtocol": "udp",
            "FromPort": 53,
            "ToPort": 53,
            "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
        },
    ]
