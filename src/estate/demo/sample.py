"""The sample organization behind `estate demo` and the integration tests.

`build_sample_organization` makes an AWS Organization with three member accounts on an emulator
and fills them with a few hundred resources; `apply_sample_changes` then changes a known handful
and says what a re-inventory should report. Both do I/O, with real boto3 clients only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import ClientError

from estate.demo.emulator import MANAGEMENT_ACCOUNT
from estate.demo.sample_create import (
    EmulatorClients,
    apply_account_plan,
    apply_region_plan,
    create_bucket,
)
from estate.demo.sample_plan import (
    DEFAULT_REGIONS,
    DEV_INSTANCE,
    MEMBER_NAMES,
    PROD_INSTANCE,
    WEB_GROUP,
    BucketPlan,
    count_planned,
    plan_region,
    plan_sample,
)
from estate.errors import EstateError

log = logging.getLogger(__name__)

ChangeKind = Literal["created", "modified", "deleted"]


@dataclass(frozen=True)
class SampleOrg:
    """What build_sample_organization made. Member lists follow `member_names` order."""

    management_account: str
    member_accounts: tuple[str, ...]
    member_names: tuple[str, ...]
    regions: tuple[str, ...]
    seed: int
    # Resources per type (see sample_plan.count_planned for what is and is not counted).
    summary: Mapping[str, int] = field(hash=False)
    build_seconds: float = field(default=0.0, compare=False)

    @property
    def members(self) -> dict[str, str]:
        """Member name -> account id."""
        return dict(zip(self.member_names, self.member_accounts, strict=True))

    @property
    def total(self) -> int:
        return sum(self.summary.values())


@dataclass(frozen=True)
class ExpectedChange:
    """One change a re-inventory after apply_sample_changes should report.

    `fields` are top-level fields of the resource's state (name, region, tags and the API
    item's keys) the change must touch; others may change too.
    """

    kind: ChangeKind
    type: str
    account: str
    region: str
    id: str
    arn: str
    fields: tuple[str, ...] = ()


def build_sample_organization(
    endpoint_url: str,
    regions: Sequence[str] = DEFAULT_REGIONS,
    seed: int = 7,
    *,
    management_account: str = MANAGEMENT_ACCOUNT,
    workers: int = 2,
) -> SampleOrg:
    """Create the organization and its resources on the emulator at `endpoint_url`. Does I/O.

    `workers` threads fill accounts and regions; an in-process emulator shares the GIL with
    them, so more than two rarely helps.

    Expects the management account to be in no organization yet: on a reused emulator, call
    Emulator.reset() first, or pass another `management_account` (any 12 digits) to build an
    independent organization next to the first.
    """
    started = time.monotonic()
    clients = EmulatorClients(endpoint_url)
    members = create_organization(clients, management_account, MEMBER_NAMES)
    plans = plan_sample(members, regions, seed)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="estate-demo") as pool:
        # IAM first: the Lambda functions need their role.
        run_all(pool, {(p.account, "global"): (apply_account_plan, clients, p) for p in plans})
        run_all(
            pool,
            {
                (r.account, r.region): (apply_region_plan, clients, r)
                for p in plans
                for r in p.regions
            },
        )
    org = SampleOrg(
        management_account=management_account,
        member_accounts=tuple(members.values()),
        member_names=tuple(members),
        regions=tuple(regions),
        seed=seed,
        summary=count_planned(plans),
        build_seconds=round(time.monotonic() - started, 2),
    )
    log.info(
        "sample organization: %d resources in %d accounts x %d regions in %.1f s",
        org.total,
        len(org.member_accounts),
        len(org.regions),
        org.build_seconds,
    )
    return org


def create_organization(
    clients: EmulatorClients, management_account: str, names: Iterable[str]
) -> dict[str, str]:
    """An organization with one member account per name; name -> account id. Does I/O."""
    org = clients.client("organizations", management_account)
    try:
        org.create_organization(FeatureSet="ALL")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "AlreadyInOrganizationException":
            raise
        raise EstateError(
            f"sample organization: account {management_account} is already in an organization; "
            "reset the emulator or pass another management_account"
        ) from exc
    members = {}
    for name in names:
        request = org.create_account(
            AccountName=name, Email=f"{name}@{management_account}.example.com"
        )["CreateAccountStatus"]
        # moto completes at once; AWS would need polling, which the demo does not pretend to do.
        status = org.describe_create_account_status(CreateAccountRequestId=request["Id"])
        status = status["CreateAccountStatus"]
        if status["State"] != "SUCCEEDED":
            raise EstateError(f"sample organization: creating account {name!r}: {status}")
        members[name] = status["AccountId"]
    return members


Task = tuple[Callable[..., None], Any, Any]


def run_all(pool: ThreadPoolExecutor, tasks: Mapping[tuple[str, str], Task]) -> None:
    """Run every task; EstateError naming the (account, region) of the first failure."""
    futures: dict[tuple[str, str], Future[None]] = {
        where: pool.submit(fn, *args) for where, (fn, *args) in tasks.items()
    }
    for (account, region), future in futures.items():
        try:
            future.result()
        except Exception as exc:
            raise EstateError(f"sample organization: account {account}, {region}: {exc}") from exc


def apply_sample_changes(org: SampleOrg, endpoint_url: str) -> list[ExpectedChange]:
    """Change a known handful of resources in the first member account. Does I/O.

    Creates a bucket, retags one instance, adds an ingress rule, terminates one instance and
    deletes a queue. moto (like AWS for a while) keeps a terminated instance, so that is a
    modified instance; its root volume, though, goes with it.
    """
    clients = EmulatorClients(endpoint_url)
    account, member = org.member_accounts[0], org.member_names[0]
    region = org.regions[0]
    plan = plan_region(account, member, region, org.seed)
    ec2 = clients.client("ec2", account, region)
    return [
        add_bucket(clients, account, org.regions[1 % len(org.regions)]),
        retag_instance(ec2, account, region, DEV_INSTANCE),
        open_port(ec2, account, region, WEB_GROUP),
        *terminate_instance(ec2, account, region, PROD_INSTANCE),
        delete_queue(clients.client("sqs", account, region), account, region, plan.queues[0].name),
    ]


def add_bucket(clients: EmulatorClients, account: str, region: str) -> ExpectedChange:
    name = f"estate-demo-{account}-{region}-new"
    create_bucket(clients.client("s3", account, region), BucketPlan(name, region))
    return ExpectedChange("created", "s3:bucket", account, region, name, f"arn:aws:s3:::{name}")


def retag_instance(ec2: Any, account: str, region: str, key: str) -> ExpectedChange:
    instance = find_instance(ec2, key)
    ec2.create_tags(Resources=[instance["InstanceId"]], Tags=[{"Key": "env", "Value": "staging"}])
    return _instance_change(account, region, instance["InstanceId"], ("tags",))


def open_port(ec2: Any, account: str, region: str, group_name: str) -> ExpectedChange:
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [group_name]}])[
        "SecurityGroups"
    ]
    if len(groups) != 1:
        raise EstateError(f"sample: {len(groups)} groups named {group_name!r} in {region}")
    group_id = groups[0]["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8443,
                "ToPort": 8443,
                "IpRanges": [{"CidrIp": "198.51.100.0/24", "Description": "partner"}],
            }
        ],
    )
    arn = f"arn:aws:ec2:{region}:{account}:security-group/{group_id}"
    return ExpectedChange(
        "modified", "ec2:security-group", account, region, group_id, arn, ("IpPermissions",)
    )


def terminate_instance(ec2: Any, account: str, region: str, key: str) -> list[ExpectedChange]:
    """The instance turns terminated (modified); volumes deleted on termination go."""
    instance = find_instance(ec2, key)
    instance_id = instance["InstanceId"]
    volumes = [
        m["Ebs"]["VolumeId"]
        for m in instance.get("BlockDeviceMappings", [])
        if m.get("Ebs", {}).get("DeleteOnTermination")
    ]
    ec2.terminate_instances(InstanceIds=[instance_id])
    return [
        _instance_change(account, region, instance_id, ("State",)),
        *(
            ExpectedChange(
                "deleted",
                "ec2:volume",
                account,
                region,
                v,
                f"arn:aws:ec2:{region}:{account}:volume/{v}",
            )
            for v in volumes
        ),
    ]


def delete_queue(sqs: Any, account: str, region: str, name: str) -> ExpectedChange:
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"])
    arn = f"arn:aws:sqs:{region}:{account}:{name}"
    return ExpectedChange("deleted", "sqs:queue", account, region, name, arn)


def find_instance(ec2: Any, name: str) -> dict[str, Any]:
    """The one live instance tagged Name=`name`. Does I/O."""
    reservations = ec2.describe_instances(
        Filters=[
            {"Name": "tag:Name", "Values": [name]},
            {"Name": "instance-state-name", "Values": ["pending", "running"]},
        ]
    )["Reservations"]
    instances = [i for r in reservations for i in r["Instances"]]
    if len(instances) != 1:
        ids = [i["InstanceId"] for i in instances]
        raise EstateError(f"sample: expected one live instance named {name!r}, found {ids}")
    return dict(instances[0])


def _instance_change(
    account: str, region: str, instance_id: str, fields: tuple[str, ...]
) -> ExpectedChange:
    arn = f"arn:aws:ec2:{region}:{account}:instance/{instance_id}"
    return ExpectedChange("modified", "ec2:instance", account, region, instance_id, arn, fields)
