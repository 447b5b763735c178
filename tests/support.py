"""Helpers for tests that set up resources in other accounts."""

from __future__ import annotations

import boto3

MANAGEMENT_ACCOUNT = "123456789012"  # moto's default account


def session_in(account_id: str) -> boto3.Session:
    """A boto3 session acting in another account, via STS AssumeRole (moto honours the id)."""
    creds = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/TestSetup", RoleSessionName="test-setup"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def estate_program() -> str:
    """How estate names itself in the commands it prints from this test process: `estate`
    when PATH finds this install, else its absolute path."""
    import shutil
    import sys

    from estate.commands import estate_command

    return estate_command(shutil.which("estate"), sys.executable)
