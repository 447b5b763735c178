"""Create what a sample plan describes, with real boto3 clients on the emulator. Does I/O.

Clients act in other accounts through STS AssumeRole, which moto honours for any account id
(the role need not exist).
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from estate.demo.emulator import EMULATOR_CREDENTIALS, EMULATOR_REGION, MANAGEMENT_ACCOUNT
from estate.demo.sample_plan import (
    AMI_ID,
    LAMBDA_ROLE,
    AccountPlan,
    BucketPlan,
    InstancePlan,
    Named,
    RegionPlan,
    Rule,
    SecurityGroupPlan,
    Tags,
)

ACCESS_ROLE = "OrganizationAccountAccessRole"
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 5},
    # A loopback IP cannot take virtual-host bucket names, whatever the user's AWS config says.
    s3={"addressing_style": "path"},
    max_pool_connections=16,
    connect_timeout=5,
    read_timeout=60,
)
_TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
_TRUST_ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}
_STACK_TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})


class EmulatorClients:
    """boto3 clients on the emulator, one per (account, service, region), shared by threads.

    Always the emulator's fake credentials, never the caller's: the base ones act in moto's
    default account, others come from AssumeRole into ACCESS_ROLE.
    """

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        # One session for every account: creating one costs ~0.5 s, a client far less.
        # Any: the stubs type client() per literal service name; ours are plain strings.
        self._session: Any = boto3.Session(region_name=EMULATOR_REGION)
        self._credentials: dict[str, dict[str, str]] = {MANAGEMENT_ACCOUNT: EMULATOR_CREDENTIALS}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, account: str, region: str = EMULATOR_REGION) -> Any:
        """A client acting in `account` (AssumeRole on first use: I/O)."""
        key = (account, service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._session.client(
                    service,
                    region_name=region,
                    endpoint_url=self.endpoint_url,
                    config=CLIENT_CONFIG,
                    **self._credentials_for(account),
                )
            return self._clients[key]

    def _credentials_for(self, account: str) -> dict[str, str]:
        if account not in self._credentials:
            sts = self._session.client(
                "sts", endpoint_url=self.endpoint_url, config=CLIENT_CONFIG, **EMULATOR_CREDENTIALS
            )
            creds = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/{ACCESS_ROLE}",
                RoleSessionName="estate-demo",
            )["Credentials"]
            self._credentials[account] = {
                "aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"],
            }
        return self._credentials[account]


def tag_list(tags: Tags) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags]


def tag_specs(resource_type: str, tags: Tags) -> dict[str, Any]:
    """EC2's TagSpecifications argument, or nothing for an untagged resource."""
    if not tags:
        return {}
    return {"TagSpecifications": [{"ResourceType": resource_type, "Tags": tag_list(tags)}]}


def apply_account_plan(clients: EmulatorClients, plan: AccountPlan) -> None:
    """The account-wide part: IAM roles and users, S3 buckets in every region. Does I/O."""
    iam = clients.client("iam", plan.account)
    for role in plan.roles:
        trust = _TRUST_LAMBDA if role.name == LAMBDA_ROLE else _TRUST_ACCOUNT
        extra = {"Tags": tag_list(role.tags)} if role.tags else {}
        iam.create_role(RoleName=role.name, AssumeRolePolicyDocument=json.dumps(trust), **extra)
    for user in plan.users:
        iam.create_user(UserName=user.name, **({"Tags": tag_list(user.tags)} if user.tags else {}))
    for bucket in plan.buckets:
        create_bucket(clients.client("s3", plan.account, bucket.region), bucket)


def create_bucket(s3: Any, bucket: BucketPlan) -> None:
    """us-east-1 takes no LocationConstraint (AWS rejects 'us-east-1'); elsewhere it must match."""
    if bucket.region == "us-east-1":
        s3.create_bucket(Bucket=bucket.name)
    else:
        s3.create_bucket(
            Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": bucket.region}
        )
    if bucket.tags:
        s3.put_bucket_tagging(Bucket=bucket.name, Tagging={"TagSet": tag_list(bucket.tags)})


def apply_region_plan(clients: EmulatorClients, plan: RegionPlan) -> None:
    """Everything regional in one (account, region). Does I/O. IAM roles must exist first."""

    def client(service: str) -> Any:
        return clients.client(service, plan.account, plan.region)

    subnets, groups = create_network(client("ec2"), plan)
    for instance in plan.instances:
        create_instance(client("ec2"), instance, subnets, groups)
    for volume in plan.volumes:
        client("ec2").create_volume(
            AvailabilityZone=f"{plan.region}a",
            Size=volume.size,
            VolumeType="gp3",
            **tag_specs("volume", volume.tags),
        )
    for queue in plan.queues:
        client("sqs").create_queue(QueueName=queue.name, tags=dict(queue.tags))
    for topic in plan.topics:
        client("sns").create_topic(Name=topic.name, Tags=tag_list(topic.tags))
    for table in plan.tables:
        create_table(client("dynamodb"), table)
    for function in plan.functions:
        create_function(client("lambda"), plan.account, function)
    for db in plan.db_instances:
        create_db_instance(client("rds"), db)
    for group in plan.auto_scaling_groups:
        create_auto_scaling_group(client("ec2"), client("autoscaling"), group, subnets)
    for stack in plan.stacks:
        client("cloudformation").create_stack(
            StackName=stack.name, TemplateBody=_STACK_TEMPLATE, Tags=tag_list(stack.tags)
        )


def create_network(ec2: Any, plan: RegionPlan) -> tuple[list[str], dict[str, str]]:
    """A VPC, its subnets and security groups with their rules; (subnet ids, group ids)."""
    vpc_id = ec2.create_vpc(
        CidrBlock=plan.vpc_cidr, **tag_specs("vpc", (("Name", f"{plan.member}-main"),))
    )["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=cidr,
            AvailabilityZone=f"{plan.region}{'abc'[i % 3]}",
            **tag_specs("subnet", (("Name", f"{plan.member}-{i}"),)),
        )["Subnet"]["SubnetId"]
        for i, cidr in enumerate(plan.subnet_cidrs)
    ]
    groups = {
        sg.name: ec2.create_security_group(
            GroupName=sg.name,
            Description=f"estate demo {sg.name}",
            VpcId=vpc_id,
            **tag_specs("security-group", sg.tags),
        )["GroupId"]
        for sg in plan.security_groups
    }
    # Rules go in once every group exists: web and db refer to each other.
    for sg in plan.security_groups:
        add_rules(ec2, groups, sg)
    return subnets, groups


def add_rules(ec2: Any, groups: dict[str, str], sg: SecurityGroupPlan) -> None:
    group_id = groups[sg.name]
    ec2.authorize_security_group_ingress(
        GroupId=group_id, IpPermissions=ip_permissions(sg.ingress, groups)
    )
    ec2.authorize_security_group_egress(
        GroupId=group_id, IpPermissions=ip_permissions(sg.egress, groups)
    )


def ip_permissions(rules: Iterable[Rule], groups: dict[str, str]) -> list[dict[str, Any]]:
    """Rules as IpPermissions, one per (protocol, port) as AWS itself groups them. Pure."""
    by_port: dict[tuple[str, int], dict[str, list[dict[str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for rule in rules:
        sources = by_port[(rule.protocol, rule.port)]
        if rule.group is not None:
            sources["UserIdGroupPairs"].append({"GroupId": groups[rule.group]})
        elif rule.cidr is not None and ":" in rule.cidr:
            sources["Ipv6Ranges"].append({"CidrIpv6": rule.cidr})
        elif rule.cidr is not None:
            sources["IpRanges"].append({"CidrIp": rule.cidr})
    return [
        {"IpProtocol": protocol, "FromPort": port, "ToPort": port, **sources}
        for (protocol, port), sources in by_port.items()
    ]


def create_instance(
    ec2: Any, instance: InstancePlan, subnets: list[str], groups: dict[str, str]
) -> None:
    ec2.run_instances(
        ImageId=AMI_ID,
        InstanceType=instance.instance_type,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnets[instance.subnet],
        SecurityGroupIds=[groups[instance.group]],
        **tag_specs("instance", instance.tags),
    )


def create_table(dynamodb: Any, table: Named) -> None:
    dynamodb.create_table(
        TableName=table.name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        **({"Tags": tag_list(table.tags)} if table.tags else {}),
    )


@cache
def function_zip() -> bytes:
    """A tiny Python handler, zipped. Pure. moto stores it; running it would need docker."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buf.getvalue()


def create_function(awslambda: Any, account: str, function: Named) -> None:
    awslambda.create_function(
        FunctionName=function.name,
        Runtime="python3.12",
        Role=f"arn:aws:iam::{account}:role/{LAMBDA_ROLE}",
        Handler="index.handler",
        Code={"ZipFile": function_zip()},
        Tags=dict(function.tags),
    )


def create_db_instance(rds: Any, db: Named) -> None:
    rds.create_db_instance(
        DBInstanceIdentifier=db.name,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="demo",
        MasterUserPassword="emulator-only-not-a-secret",  # moto stores it; nothing checks it
        Tags=tag_list(db.tags),
    )


def create_auto_scaling_group(ec2: Any, autoscaling: Any, group: Named, subnets: list[str]) -> None:
    """A launch template and a group over it, scaled to zero so it adds no instances."""
    template = f"{group.name}-template"
    ec2.create_launch_template(
        LaunchTemplateName=template,
        LaunchTemplateData={"ImageId": AMI_ID, "InstanceType": "t3.micro"},
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=group.name,
        LaunchTemplate={"LaunchTemplateName": template, "Version": "$Latest"},
        MinSize=0,
        MaxSize=2,
        DesiredCapacity=0,
        VPCZoneIdentifier=",".join(subnets),
        Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in group.tags],
    )
