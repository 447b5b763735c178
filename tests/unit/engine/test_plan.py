from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from estate.engine.plan import PlannedShard, Target, merge_targets, plan_shards
from estate.resources.registry import REGISTRY
from estate.resources.spec import GLOBAL_REGION

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]

account_ids = st.text(alphabet="0123456789", min_size=12, max_size=12)
regions_by_account = st.dictionaries(
    account_ids, st.lists(st.sampled_from(REGIONS), max_size=8), max_size=4
)
spec_subsets = st.lists(st.sampled_from(sorted(REGISTRY)), unique=True).map(
    lambda names: [REGISTRY[n] for n in names]
)


@settings(max_examples=100, deadline=None)
@given(regions_by_account, spec_subsets)
def test_shards_cover_every_account_region_and_type_once(
    regions: dict[str, list[str]], specs: list
) -> None:
    planned = plan_shards(regions, specs)

    expected: set[tuple[str, str, str]] = set()
    for account, account_regions in regions.items():
        for spec in specs:
            if spec.is_global:
                expected.add((account, GLOBAL_REGION, spec.type))
            else:
                expected |= {(account, region, spec.type) for region in account_regions}
    counts = Counter((s.account, s.region, s.type) for s in planned)
    assert set(counts) == expected
    assert all(n == 1 for n in counts.values())
    assert len(set(planned)) == len(planned)

    for shard in planned:
        spec = REGISTRY[shard.type]
        if spec.is_global and spec.region_of is not None:
            assert shard.regions == tuple(sorted(set(regions[shard.account])))
        else:
            assert shard.regions is None


def test_s3_carries_the_accounts_sorted_unique_regions() -> None:
    planned = plan_shards(
        {"111111111111": ["eu-west-1", "us-east-1", "eu-west-1"]},
        [REGISTRY["s3:bucket"], REGISTRY["iam:role"], REGISTRY["ec2:vpc"]],
    )

    assert sorted(planned) == [
        PlannedShard("111111111111", "eu-west-1", "ec2:vpc"),
        PlannedShard("111111111111", "global", "iam:role"),
        PlannedShard("111111111111", "global", "s3:bucket", ("eu-west-1", "us-east-1")),
        PlannedShard("111111111111", "us-east-1", "ec2:vpc"),
    ]
    assert planned[0].key.count("/") == 2


def _target(account: str, name: str | None = None, role: str | None = None) -> Target:
    return Target(account, name, role)


def test_merge_targets_explicit_wins_over_discovered() -> None:
    explicit = [_target("222222222222", "prod", "arn:aws:iam::222222222222:role/Custom")]
    discovered = [
        _target("222222222222", "from-org", "arn:aws:iam::222222222222:role/OrgRead"),
        _target("111111111111", "dev", "arn:aws:iam::111111111111:role/OrgRead"),
    ]

    merged = merge_targets(explicit, discovered)

    assert merged == [discovered[1], explicit[0]]  # sorted by account id


def test_merge_targets_removes_excluded_accounts() -> None:
    explicit = [_target("333333333333")]
    discovered = [_target("111111111111"), _target("222222222222")]

    merged = merge_targets(explicit, discovered, excluded=["222222222222", "333333333333"])

    assert [t.account_id for t in merged] == ["111111111111"]


def test_merge_targets_only_filters() -> None:
    explicit = [_target("333333333333")]
    discovered = [_target("111111111111"), _target("222222222222")]

    merged = merge_targets(
        explicit, discovered, excluded=["222222222222"], only=["222222222222", "333333333333"]
    )

    assert [t.account_id for t in merged] == ["333333333333"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(account_ids, max_size=5),
    st.lists(account_ids, max_size=5),
    st.lists(account_ids, max_size=3),
    st.lists(account_ids, max_size=3),
)
def test_merge_targets_membership(
    explicit_ids: list[str], discovered_ids: list[str], excluded: list[str], only: list[str]
) -> None:
    explicit = [_target(a, "explicit") for a in explicit_ids]
    discovered = [_target(a, "discovered") for a in discovered_ids]

    merged = merge_targets(explicit, discovered, excluded=excluded, only=only)

    ids = (set(explicit_ids) | set(discovered_ids)) - set(excluded)
    if only:
        ids &= set(only)
    assert [t.account_id for t in merged] == sorted(ids)
    for t in merged:
        assert t.name == ("explicit" if t.account_id in explicit_ids else "discovered")


def test_schedule_starts_heavy_shards_first_and_interleaves_accounts() -> None:
    from estate.engine.plan import schedule

    shards = [("a", "ec2", 1), ("a", "sqs", 3), ("a", "vpc", 1), ("b", "ec2", 1), ("b", "sqs", 3)]
    ordered = schedule(shards, account=lambda s: s[0], weight=lambda s: s[2])
    assert ordered == [("a", "sqs", 3), ("b", "sqs", 3), ("a", "ec2", 1), ("b", "ec2", 1),
                       ("a", "vpc", 1)]  # fmt: skip
    assert sorted(ordered) == sorted(shards)
