"""The naive way: one boto3 client at a time, accounts and regions in a loop, boto3's default
retries, no rate limiting. Uses estate's type specs only to know which calls to make.

A listing that fails (boto3 gave up retrying a throttled call) is run again from its first
page, as the script's author would rerun it: the loop must collect the same estate as estate
does, or its time is not comparable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from estate.resources.collect import get_pages
from estate.resources.registry import REGISTRY

RERUNS = 10


@dataclass
class NaiveResult:
    resources: int = 0
    calls: int = 0
    failures: int = 0  # listings that failed and were run again
    gave_up: int = 0  # listings that failed RERUNS times


class PlainCaller:
    """What a hand-written script does: a client per call site, default config."""

    def __init__(self, session: boto3.Session, endpoint_url: str, result: NaiveResult) -> None:
        self.account_id = ""
        self._session = session
        self._endpoint = endpoint_url
        self._result = result
        self._clients: dict[tuple[str, str], Any] = {}

    def call(self, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]:
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self._session.client(
                service, region_name=region, endpoint_url=self._endpoint,
                config=Config(s3={"addressing_style": "path"}),
            )  # fmt: skip
        self._result.calls += 1
        return getattr(self._clients[key], botocore.xform_name(operation))(**params)


def collect_naively(endpoint_url: str, accounts: list[str], regions: list[str]) -> NaiveResult:
    result = NaiveResult()
    sts = boto3.client(
        "sts", endpoint_url=endpoint_url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    for account in accounts:
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/EstateReader", RoleSessionName="naive"
        )["Credentials"]
        session = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        caller = PlainCaller(session, endpoint_url, result)
        for spec in REGISTRY.values():
            for region in ["global"] if spec.is_global else regions:
                for _ in range(RERUNS):
                    try:
                        pages = get_pages(spec, caller, region, regions=frozenset(regions))
                        found = sum(len(page.items) for page in pages)
                    except (ClientError, BotoCoreError):
                        result.failures += 1
                        continue
                    result.resources += found
                    break
                else:
                    result.gave_up += 1
    return result
