"""EC2's limit at its edge: CreateTags takes at most 1,000 resource ids, so 1,001 instances
are tagged in exactly two calls, of 1,000 ids and of 1. The runner's own path (plan, batch
limit, batch stream, sender) on a real boto3 client whose exact calls botocore's Stubber
checks (launching 1,001 instances in moto takes half a minute)."""

from __future__ import annotations

from botocore.stub import Stubber

from estate.actions.tagapply import apply_batched
from estate.actions.tagplan import APIS, TagChange, batch_key, batch_limit, batch_stream, plan_tags
from estate.aws.sessions import AwsSettings, SessionFactory
from estate.resources.registry import get_spec

ACCOUNT = "123456789012"
REGION = "eu-west-1"
TAGS = [{"Key": "team", "Value": "core"}]


def instance(n: int) -> dict[str, object]:
    res_id = f"i-{n:017x}"
    return {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{res_id}",
        "type": "ec2:instance",
        "account": ACCOUNT,
        "region": REGION,
        "id": res_id,
        "name": res_id,
        "tags": {},
        "config": {},
    }


def test_1001_instances_are_tagged_in_a_call_of_1000_ids_and_one_of_1(aws: None) -> None:
    records = [instance(n) for n in range(1001)]
    ids = sorted(str(r["id"]) for r in records)
    plan = plan_tags(records, TagChange({"team": "core"}), get_spec)
    session = SessionFactory(AwsSettings()).for_account(ACCOUNT, None)
    limit = batch_limit(APIS["ec2"], None)

    with Stubber(session.client("ec2", REGION)) as ec2:
        ec2.add_response("create_tags", {}, {"Resources": ids[:1000], "Tags": TAGS})
        ec2.add_response("create_tags", {}, {"Resources": ids[1000:], "Tags": TAGS})
        for batch in batch_stream(plan.to_change, batch_key, limit):
            assert [o.error for o in apply_batched(session, REGION, batch)] == [None] * len(batch)
        ec2.assert_no_pending_responses()

    assert plan.calls == 2
