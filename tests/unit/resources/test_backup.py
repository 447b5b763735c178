from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.backup import BACKUP_PLAN, BACKUP_VAULT
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def backup(member: boto3.Session) -> Any:
    client = member.client("backup", region_name=REGION)
    client.create_backup_vault(
        BackupVaultName="main", EncryptionKeyArn=KEY, BackupVaultTags={"team": "ops"}
    )
    return client


def test_backup_vault(backup: Any, reader: AccountSession) -> None:
    vault = collect_resources(BACKUP_VAULT, reader, REGION)["main"]

    assert vault.name == "main"
    assert vault.region == REGION and vault.account == ACCOUNT
    assert vault.arn == f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:main"
    assert vault.tags == {"team": "ops"}
    assert {"kind": "kms-key", "type": "kms:key", "arn": KEY} in vault.relations


def test_recovery_points_do_not_change_a_vaults_hash(backup: Any, reader: AccountSession) -> None:
    (raw,) = [item for page in collect_pages(BACKUP_VAULT, reader, REGION) for item in page.items]
    fuller = copy.deepcopy(raw.data)
    fuller["NumberOfRecoveryPoints"] = 42

    original = normalize_resource(BACKUP_VAULT, ACCOUNT, REGION, raw.data)

    assert normalize_resource(BACKUP_VAULT, ACCOUNT, REGION, fuller).hash == original.hash
    assert "NumberOfRecoveryPoints" not in original.config


def test_backup_plan(backup: Any, reader: AccountSession) -> None:
    plan_id = backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [
                {
                    "RuleName": "nightly",
                    "TargetBackupVaultName": "main",
                    "ScheduleExpression": "cron(0 5 ? * * *)",
                }
            ],
        },
        BackupPlanTags={"team": "ops"},
    )["BackupPlanId"]

    plan = collect_resources(BACKUP_PLAN, reader, REGION)[plan_id]

    assert plan.name == "daily"
    assert plan.region == REGION and plan.account == ACCOUNT
    assert plan.arn == f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-plan:{plan_id}"
    assert plan.tags == {"team": "ops"}
    assert plan.config["BackupPlan"]["Rules"][0]["RuleName"] == "nightly"
    assert plan.relations == [
        {
            "kind": "backup-vault",
            "type": "backup:backup-vault",
            "arn": f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:main",
        }
    ]
