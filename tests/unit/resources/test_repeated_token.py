"""An API that hands back a page token it already used: the listing is incomplete, so the
shard fails (resumable, from its checkpoint) naming the operation and the token, and deletes
nothing it did not reach. Real boto3 clients, answers set with botocore's Stubber: the exact
tokens are the contract here, and moto never repeats one by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber
from sqlalchemy import select

from estate.aws.sessions import AccountSession, AwsSettings, SessionFactory
from estate.engine.shardwork import ShardWork
from estate.resources.collect import get_pages
from estate.resources.dynamodb import TABLE
from estate.resources.ec2 import INSTANCE
from estate.resources.paging import RepeatedPageToken
from estate.store.database import Database
from estate.store.runs import NewShard, claim_shard, create_run, load_shards, save_shards
from estate.store.schema import changes, resources
from tests.unit.resources.collecting import ACCOUNT, READER_ROLE
from tests.unit.resources.conftest import _botocore_session

REGION = "eu-west-1"


def reservation(*ids: str) -> dict[str, Any]:
    return {"ReservationId": f"r-{ids[0]}", "Instances": [{"InstanceId": i} for i in ids]}


def page(*ids: str, token: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"Reservations": [reservation(i) for i in ids]}
    if token is not None:
        answer["NextToken"] = token
    return answer


def asked(token: str | None = None) -> dict[str, Any]:
    """The parameters estate sends for the page after `token`."""
    return {**INSTANCE.params, **({"NextToken": token} if token else {})}


@pytest.fixture
def factory(aws: None) -> SessionFactory:
    return SessionFactory(AwsSettings(), base=_botocore_session())


@pytest.fixture
def session(factory: SessionFactory) -> AccountSession:
    return factory.for_account(ACCOUNT, READER_ROLE)


@pytest.fixture
def ec2(session: AccountSession) -> Iterator[Stubber]:
    with Stubber(session.client("ec2", REGION)) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def test_a_repeated_token_fails_the_listing_naming_operation_and_token(
    session: AccountSession, ec2: Stubber
) -> None:
    ec2.add_response("describe_instances", page("i-1", token="t1"), asked())
    ec2.add_response("describe_instances", page("i-2", token="t2"), asked("t1"))
    ec2.add_response("describe_instances", page("i-3", token="t1"), asked("t2"))

    pages = get_pages(INSTANCE, session, REGION)
    first, second = next(pages), next(pages)
    with pytest.raises(RepeatedPageToken) as info:
        next(pages)

    assert [first.next_token, second.next_token] == ["t1", "t2"]
    assert "DescribeInstances" in str(info.value) and "'t1'" in str(info.value)
    assert f"ec2:instance {REGION}" in str(info.value)


def test_a_token_equal_to_the_one_resumed_from_is_a_repeat(
    session: AccountSession, ec2: Stubber
) -> None:
    ec2.add_response("describe_instances", page("i-2", token="t1"), asked("t1"))

    with pytest.raises(RepeatedPageToken, match="'t1'"):
        list(get_pages(INSTANCE, session, REGION, start_token="t1"))


def test_a_detail_that_repeats_its_token_is_not_taken_as_whole(session: AccountSession) -> None:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
    tags = [{"Key": "team", "Value": "core"}]
    with Stubber(session.client("dynamodb", REGION)) as dynamodb:
        dynamodb.add_response("list_tables", {"TableNames": ["orders"]}, {})
        dynamodb.add_response(
            "describe_table", {"Table": {"TableName": "orders", "TableArn": arn}}, None
        )
        dynamodb.add_response("list_tags_of_resource", {"Tags": tags, "NextToken": "k1"}, None)
        dynamodb.add_response("list_tags_of_resource", {"Tags": tags, "NextToken": "k1"}, None)

        with pytest.raises(RepeatedPageToken, match=r"ListTagsOfResource.*'k1'"):
            list(get_pages(TABLE, session, REGION, detail_workers=1))


def _collect_once(db: Database, factory: SessionFactory) -> tuple[int, Any]:
    """One run of one ec2:instance shard through the engine's shard work: (run id, shard)."""
    run_id = create_run(db, "collect", {})
    save_shards(db, run_id, [NewShard(ACCOUNT, REGION, "ec2:instance")])
    claimed = claim_shard(db, load_shards(db, run_id)[0].id, "test")
    assert claimed is not None
    scope = {"accounts": {ACCOUNT: READER_ROLE}, "types": ["ec2:instance"]}
    ShardWork(db, factory, scope).execute(claimed)
    return run_id, load_shards(db, run_id)[0]


def test_a_shard_cut_short_by_a_repeated_token_deletes_nothing(
    tmp_path: Path, factory: SessionFactory, ec2: Stubber
) -> None:
    db = Database(f"sqlite:///{tmp_path}/e.db")
    ec2.add_response("describe_instances", page("i-1", "i-2", "i-3"), asked())
    _, complete = _collect_once(db, factory)
    assert complete.status == "ok"
    # The next run: page one, then the same token again before i-3 was reached.
    ec2.add_response("describe_instances", page("i-1", token="t1"), asked())
    ec2.add_response("describe_instances", page("i-2", token="t1"), asked("t1"))

    run_id, shard = _collect_once(db, factory)

    with db.read() as conn:
        deleted = conn.execute(select(resources.c.res_id).where(resources.c.deleted)).all()
        run_changes = conn.execute(select(changes.c.change).where(changes.c.run_id == run_id))
        assert list(run_changes) == []
    assert deleted == []
    assert shard.status == "failed"
    assert shard.error is not None
    assert "DescribeInstances" in shard.error and "'t1'" in shard.error
    assert "nothing deleted" in shard.error
    assert shard.page_token == "t1"  # its checkpoint: a resume asks for that page again
    db.close()
