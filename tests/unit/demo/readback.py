"""Plain boto3 clients that read back what the sample build made, in any account."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from estate.demo.emulator import EMULATOR_CREDENTIALS, MANAGEMENT_ACCOUNT

_CONFIG = Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1})


class ClientsIn:
    """boto3 clients acting in any account of the emulator, through STS AssumeRole."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        self._sessions = {MANAGEMENT_ACCOUNT: boto3.Session(**EMULATOR_CREDENTIALS)}
        self._clients: dict[tuple[str, str, str], Any] = {}

    def __call__(self, account: str, service: str, region: str = "us-east-1") -> Any:
        key = (account, service, region)
        if key not in self._clients:
            self._clients[key] = self._session(account).client(
                service, region_name=region, endpoint_url=self.endpoint_url, config=_CONFIG
            )
        return self._clients[key]

    def _session(self, account: str) -> boto3.Session:
        if account not in self._sessions:
            creds = self(MANAGEMENT_ACCOUNT, "sts").assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/Reader", RoleSessionName="test-reader"
            )["Credentials"]
            self._sessions[account] = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            )
        return self._sessions[account]
