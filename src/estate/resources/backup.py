"""AWS Backup vaults and plans (regional). Tags take a ListTags call per item; a plan's rules
take a GetBackupPlan call (ListBackupPlans gives its name and versions only)."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec


def _tags(arn_path: str) -> Detail:
    return Detail("ListTags", {"ResourceArn": arn_path}, into="Tags", result="Tags")


BACKUP_VAULT = ResourceSpec(
    type="backup:backup-vault",
    service="backup",
    operation="ListBackupVaults",
    items="BackupVaultList",
    id="BackupVaultName",
    name="BackupVaultName",
    arn="BackupVaultArn",
    arn_template="arn:{partition}:backup:{region}:{account}:backup-vault:{id}",
    params={"MaxResults": 1000},
    details=(_tags("BackupVaultArn"),),
    # Grows with every backup job and shrinks with every expiry.
    volatile=("NumberOfRecoveryPoints",),
    relations=(Relation("kms-key", "kms:key", "EncryptionKeyArn"),),
)

_PLAN = "BackupPlan"
_RULES = "BackupPlan.Rules[]"

BACKUP_PLAN = ResourceSpec(
    type="backup:backup-plan",
    service="backup",
    operation="ListBackupPlans",
    items="BackupPlansList",
    id="BackupPlanId",
    name="BackupPlanName",
    arn="BackupPlanArn",
    arn_template="arn:{partition}:backup:{region}:{account}:backup-plan:{id}",
    params={"MaxResults": 1000},
    details=(
        Detail("GetBackupPlan", {"BackupPlanId": "BackupPlanId"}, into="BackupPlan", result=_PLAN),
        _tags("BackupPlanArn"),
    ),
    # Moves with every scheduled run, the plan unchanged.
    volatile=("LastExecutionDate",),
    relations=(
        Relation("backup-vault", "backup:backup-vault", f"{_RULES}.TargetBackupVaultName"),
        Relation(
            "copy-vault", "backup:backup-vault", f"{_RULES}.CopyActions[].DestinationBackupVaultArn"
        ),
    ),
)

SPECS = (BACKUP_VAULT, BACKUP_PLAN)
