"""One shard's work on real answer shapes: what a listing may record, and what it may delete."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from botocore.stub import Stubber
from sqlalchemy import select

from estate.aws.sessions import AccountSession
from estate.engine.shardwork import ShardResult, ShardWork
from estate.store import runs as store_runs
from estate.store.database import Database
from estate.store.figures import run_figures
from estate.store.schema import resources
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"
OWNER = "222222222222"  # shares its VPC's subnet with PARTICIPANT through RAM
PARTICIPANT = "111111111111"
SHARED = "subnet-0shared"
# Tags on a shared subnet are per account: the participant sees its own, not the owner's.
THEIRS = "participant-team"


class Sessions:
    """The session factory's one method ShardWork calls, over stubbed sessions."""

    def __init__(self, sessions: Mapping[str, AccountSession]) -> None:
        self.sessions = sessions

    def for_account(self, account_id: str, role_arn: str | None) -> AccountSession:
        return self.sessions[account_id]


def _subnet(subnet_id: str, owner: str, team: str = "network") -> dict[str, Any]:
    return {
        "Tags": [{"Key": "team", "Value": team}],
        "SubnetId": subnet_id,
        "SubnetArn": f"arn:aws:ec2:{REGION}:{owner}:subnet/{subnet_id}",
        "OwnerId": owner,
        "VpcId": "vpc-0aa11bb22cc33dd44",
        "CidrBlock": "10.8.1.0/24",
        "State": "available",
    }


def _answer(stubber: Stubber, *subnets: dict[str, Any]) -> None:
    stubber.add_response("describe_subnets", {"Subnets": list(subnets)}, {"MaxResults": 1000})


def _run(db: Database, work: ShardWork, *accounts: str) -> dict[str, ShardResult]:
    """A run of the ec2:subnet shards of `accounts`, one after another."""
    run_id = store_runs.create_run(db, "collect", {})
    store_runs.save_shards(
        db, run_id, [store_runs.NewShard(a, REGION, "ec2:subnet") for a in accounts]
    )
    results = {}
    for shard in store_runs.load_shards(db, run_id):
        claimed = store_runs.claim_shard(db, shard.id, "test")
        assert claimed is not None
        results[shard.account] = work.execute(claimed)
    return results


def _subnets(db: Database) -> dict[str, tuple[str, str, bool]]:
    with db.read() as conn:
        rows = conn.execute(select(resources).where(resources.c.type == "ec2:subnet")).all()
    return {row.res_id: (row.account, row.arn, row.deleted) for row in rows}


def _team(db: Database, subnet_id: str) -> str:
    with db.read() as conn:
        tags = conn.execute(select(resources.c.tags).where(resources.c.res_id == subnet_id))
        return str(tags.scalar_one()["team"])


def test_a_shared_subnet_is_recorded_once_under_its_owner(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/estate.db")
    scope = {"accounts": {OWNER: None, PARTICIPANT: None}, "types": ["ec2:subnet"]}
    with (
        stubbed("ec2", REGION, OWNER) as (owner, by_owner),
        stubbed("ec2", REGION, PARTICIPANT) as (participant, by_participant),
    ):
        work = ShardWork(db, Sessions({OWNER: owner, PARTICIPANT: participant}), scope)
        _answer(by_owner, _subnet(SHARED, OWNER))
        nameless = {k: v for k, v in _subnet("subnet-0x", PARTICIPANT).items() if k != "SubnetId"}
        _answer(
            by_participant,
            _subnet("subnet-0own", PARTICIPANT),
            _subnet(SHARED, OWNER, THEIRS),
            nameless,
        )

        first = _run(db, work, OWNER, PARTICIPANT)

        assert all(result.ok for result in first.values())
        assert (first[PARTICIPANT].foreign, first[PARTICIPANT].unusable) == (1, 1)
        with db.read() as conn:  # stored with the shard: the run's figures have them
            figures = run_figures(conn, first[PARTICIPANT].shard.run_id)
        assert (figures["foreign"], figures["unusable"]) == (1, 1)
        assert _subnets(db) == {
            SHARED: (OWNER, f"arn:aws:ec2:{REGION}:{OWNER}:subnet/{SHARED}", False),
            "subnet-0own": (
                PARTICIPANT,
                f"arn:aws:ec2:{REGION}:{PARTICIPANT}:subnet/subnet-0own",
                False,
            ),
        }

        assert _team(db, SHARED) == "network"  # the owner's view, not the participant's

        # The participant no longer lists its own subnet: only what it owns is gone.
        _answer(by_participant, _subnet(SHARED, OWNER, THEIRS))
        _run(db, work, PARTICIPANT)

        assert _subnets(db)[SHARED][2] is False
        assert _subnets(db)["subnet-0own"][2] is True

        # The owner's own listing decides its subnet's end, whatever participants list.
        _answer(by_owner)
        _run(db, work, OWNER)

        assert _subnets(db)[SHARED][2] is True
