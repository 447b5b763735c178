"""What the sample organization holds, planned from a seed. Pure: no I/O.

The same seed, member names and regions give the same plan whatever account ids moto hands out:
account ids only appear in bucket names, which must be unique across accounts.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Tags = tuple[tuple[str, str], ...]

MEMBER_NAMES = ("prod", "staging", "dev")
DEFAULT_REGIONS = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2")
AMI_ID = "ami-1e749f67"  # an Ubuntu image moto loads in every region

# Names apply_sample_changes looks for: they exist in every region plan.
WEB_GROUP = "web"
DB_GROUP = "db"
PROD_INSTANCE = "web-0"
DEV_INSTANCE = "app-1"
LAMBDA_ROLE = "estate-demo-lambda"

_QUEUE_WORDS = ("orders", "billing", "emails", "events", "jobs", "audit")
_TOPIC_WORDS = ("alerts", "deployments", "signups", "invoices")
_TABLE_WORDS = ("sessions", "carts", "profiles", "leases")
_TEAMS = ("data", "platform", "payments", "growth")
# Optional ingress rules for the web group: (protocol, port, CIDR).
_EXTRA_INGRESS = (
    ("tcp", 80, "0.0.0.0/0"),
    ("tcp", 443, "::/0"),
    ("tcp", 22, "10.0.0.0/8"),
    ("tcp", 8080, "10.1.0.0/16"),
    ("udp", 53, "10.0.0.0/16"),
)


# The types the sample organization holds: what the tour collects. Every type estate knows
# (`estate types`) would multiply the tour's calls by ten for types the sample has none of.
SAMPLE_TYPES = (
    "s3:bucket",
    "ec2:instance",
    "ec2:vpc",
    "ec2:subnet",
    "ec2:security-group",
    "ec2:volume",
    "iam:role",
    "iam:user",
    "lambda:function",
    "sqs:queue",
    "sns:topic",
    "dynamodb:table",
    "rds:db-instance",
    "autoscaling:group",
    "cloudformation:stack",
)


@dataclass(frozen=True)
class Rule:
    """One security group permission: from/to a CIDR (v4 or v6) or another group of the plan."""

    protocol: str
    port: int
    cidr: str | None = None
    group: str | None = None  # a group name in the same region plan


@dataclass(frozen=True)
class SecurityGroupPlan:
    name: str
    ingress: tuple[Rule, ...]
    egress: tuple[Rule, ...]
    tags: Tags = ()


@dataclass(frozen=True)
class InstancePlan:
    key: str  # unique in its region; the Name tag when the instance has tags
    instance_type: str
    group: str
    subnet: int  # index into RegionPlan.subnet_cidrs
    tags: Tags = ()


@dataclass(frozen=True)
class Named:
    """A resource described by its name and tags alone (queue, topic, table, ...)."""

    name: str
    tags: Tags = ()


@dataclass(frozen=True)
class VolumePlan:
    size: int
    tags: Tags = ()


@dataclass(frozen=True)
class RegionPlan:
    account: str
    member: str
    region: str
    vpc_cidr: str
    subnet_cidrs: tuple[str, ...]
    security_groups: tuple[SecurityGroupPlan, ...]
    instances: tuple[InstancePlan, ...]
    volumes: tuple[VolumePlan, ...]
    queues: tuple[Named, ...]
    topics: tuple[Named, ...]
    tables: tuple[Named, ...]
    functions: tuple[Named, ...]
    db_instances: tuple[Named, ...]
    auto_scaling_groups: tuple[Named, ...]  # each with its own launch template
    stacks: tuple[Named, ...]  # each stack makes one SNS topic


@dataclass(frozen=True)
class BucketPlan:
    name: str
    region: str
    tags: Tags = ()


@dataclass(frozen=True)
class AccountPlan:
    account: str
    member: str
    buckets: tuple[BucketPlan, ...]
    roles: tuple[Named, ...]
    users: tuple[Named, ...]
    regions: tuple[RegionPlan, ...]


def plan_sample(
    members: Mapping[str, str], regions: Sequence[str], seed: int
) -> tuple[AccountPlan, ...]:
    """One plan per member account; `members` maps member name to account id."""
    return tuple(
        plan_account(account, member, regions, seed) for member, account in members.items()
    )


def plan_account(account: str, member: str, regions: Sequence[str], seed: int) -> AccountPlan:
    rng = random.Random(f"{seed}/{member}")
    return AccountPlan(
        account=account,
        member=member,
        buckets=plan_buckets(account, member, regions, rng),
        roles=(
            Named(LAMBDA_ROLE, (("purpose", "lambda"),)),
            Named("ReadOnlyAuditor", (("team", rng.choice(_TEAMS)),)),
            Named("deploy", (("env", member), ("managed-by", "estate-demo"))),
            Named("legacy-admin"),
        ),
        users=(
            Named("alice", (("team", rng.choice(_TEAMS)),)),
            Named("bob"),
            Named("ci-bot", (("env", member),)),
        ),
        regions=tuple(plan_region(account, member, region, seed) for region in regions),
    )


def plan_buckets(
    account: str, member: str, regions: Sequence[str], rng: random.Random
) -> tuple[BucketPlan, ...]:
    """Two or three buckets per region; every other one is tagged, so both kinds exist."""
    buckets: list[BucketPlan] = []
    for region in regions:
        for i in range(rng.randint(2, 3)):
            tags: Tags = ()
            if len(buckets) % 2 == 0:
                tags = (("env", member), ("team", rng.choice(_TEAMS)))
            buckets.append(BucketPlan(f"estate-demo-{account}-{region}-{i}", region, tags))
    return tuple(buckets)


def plan_region(account: str, member: str, region: str, seed: int) -> RegionPlan:
    rng = random.Random(f"{seed}/{member}/{region}")
    octet = rng.randrange(100, 200)
    env = (("env", member),)
    return RegionPlan(
        account=account,
        member=member,
        region=region,
        vpc_cidr=f"10.{octet}.0.0/16",
        subnet_cidrs=(f"10.{octet}.1.0/24", f"10.{octet}.2.0/24"),
        security_groups=plan_security_groups(rng),
        instances=plan_instances(rng),
        volumes=tuple(
            VolumePlan(rng.choice((8, 20, 50, 100)), env if i % 2 == 0 else ())
            for i in range(rng.randint(1, 3))
        ),
        queues=tuple(
            Named(name, env if i % 2 == 0 else ())
            for i, name in enumerate(rng.sample(_QUEUE_WORDS, rng.randint(2, 3)))
        ),
        topics=tuple(Named(name, env) for name in rng.sample(_TOPIC_WORDS, rng.randint(1, 2))),
        tables=tuple(
            Named(name, env if i == 0 else ())
            for i, name in enumerate(rng.sample(_TABLE_WORDS, rng.randint(1, 2)))
        ),
        functions=(Named("resize-images", env),),
        db_instances=(Named("orders-db", env),),
        auto_scaling_groups=(Named("web-asg", env),),
        stacks=(Named("notifications", env),),
    )


def plan_security_groups(rng: random.Random) -> tuple[SecurityGroupPlan, ...]:
    """web (public), db (only from web) and sometimes a bastion, each with a few rules."""
    web = SecurityGroupPlan(
        WEB_GROUP,
        ingress=(
            Rule("tcp", 443, "0.0.0.0/0"),
            *(Rule(p, port, cidr) for p, port, cidr in rng.sample(_EXTRA_INGRESS, 2)),
        ),
        egress=(Rule("tcp", 443, "0.0.0.0/0"), Rule("tcp", 5432, group=DB_GROUP)),
        tags=(("tier", "web"),),
    )
    db = SecurityGroupPlan(
        DB_GROUP,
        ingress=(Rule("tcp", 5432, group=WEB_GROUP), Rule("tcp", 5432, "10.0.0.0/8")),
        egress=(Rule("tcp", 443, "0.0.0.0/0"), Rule("udp", 53, "10.0.0.2/32")),
    )
    groups = [web, db]
    if rng.random() < 0.5:
        groups.append(
            SecurityGroupPlan(
                "bastion",
                ingress=(Rule("tcp", 22, "203.0.113.0/24"), Rule("tcp", 22, "2001:db8::/32")),
                egress=(Rule("tcp", 22, "10.0.0.0/8"),),
            )
        )
    return tuple(groups)


def plan_instances(rng: random.Random) -> tuple[InstancePlan, ...]:
    """A prod web server, a dev app server, an untagged one, and sometimes a few more."""
    instances = [
        InstancePlan(
            PROD_INSTANCE,
            "t3.small",
            WEB_GROUP,
            0,
            (("Name", PROD_INSTANCE), ("env", "prod"), ("team", rng.choice(_TEAMS))),
        ),
        InstancePlan(
            DEV_INSTANCE, "t3.micro", DB_GROUP, 1, (("Name", DEV_INSTANCE), ("env", "dev"))
        ),
        InstancePlan("untagged-2", "t3.nano", WEB_GROUP, 0),
    ]
    for i in range(3, 3 + rng.randint(0, 2)):
        kind = rng.choice(("worker", "batch", ""))
        key = f"{kind or 'untagged'}-{i}"
        tags: Tags = (("Name", key), ("env", rng.choice(("prod", "dev")))) if kind else ()
        instances.append(
            InstancePlan(key, rng.choice(("t3.micro", "m5.large")), WEB_GROUP, 1, tags)
        )
    return tuple(instances)


def count_planned(plans: Iterable[AccountPlan]) -> dict[str, int]:
    """Resources per type the plans make exist, by Resource Explorer type name.

    Counts what AWS (and moto) create alongside: a root volume per instance, a default security
    group per new VPC, the stack's topic, the member's access role. Leaves out the default VPC,
    subnets and security group moto makes in every (account, region) that sees an EC2 call.
    """
    counts: Counter[str] = Counter()
    for plan in plans:
        counts["s3:bucket"] += len(plan.buckets)
        # + the OrganizationAccountAccessRole that CreateAccount makes in every new member
        counts["iam:role"] += len(plan.roles) + 1
        counts["iam:user"] += len(plan.users)
        for r in plan.regions:
            counts.update(count_region(r))
    return dict(sorted(counts.items()))


def count_region(r: RegionPlan) -> dict[str, int]:
    return {
        "ec2:vpc": 1,
        "ec2:subnet": len(r.subnet_cidrs),
        "ec2:security-group": len(r.security_groups) + 1,
        "ec2:instance": len(r.instances),
        "ec2:volume": len(r.volumes) + len(r.instances),
        "ec2:launch-template": len(r.auto_scaling_groups),
        "sqs:queue": len(r.queues),
        "sns:topic": len(r.topics) + len(r.stacks),
        "dynamodb:table": len(r.tables),
        "lambda:function": len(r.functions),
        "rds:db-instance": len(r.db_instances),
        "autoscaling:group": len(r.auto_scaling_groups),
        "cloudformation:stack": len(r.stacks),
    }


def find_region(plans: Iterable[AccountPlan], account: str, region: str) -> RegionPlan:
    """The plan of one (account, region); KeyError naming both when there is none."""
    for plan in plans:
        for r in plan.regions:
            if r.account == account and r.region == region:
                return r
    raise KeyError(f"no sample plan for account {account} in {region}")
