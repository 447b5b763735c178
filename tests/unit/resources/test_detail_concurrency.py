"""A page's per-item detail calls overlap, so latency does not set the pace."""

from __future__ import annotations

import threading
from typing import Any

from estate.aws.sessions import AwsSettings, SessionFactory
from estate.resources.collect import get_pages
from estate.resources.registry import REGISTRY
from tests.support import session_in

MEMBER = "111111111111"


def test_detail_calls_of_a_page_run_concurrently_and_keep_their_order(aws: None) -> None:
    sqs = session_in(MEMBER).client("sqs", region_name="eu-west-1")
    names = [f"q-{i}" for i in range(6)]
    for name in names:
        sqs.create_queue(QueueName=name)
    session = SessionFactory(AwsSettings()).for_account(
        MEMBER, f"arn:aws:iam::{MEMBER}:role/EstateReader"
    )
    barrier = threading.Barrier(2, timeout=10)
    serial: list[bool] = []

    def meet(**_: Any) -> None:
        # Two GetQueueAttributes calls must be in flight at once to get past this.
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            serial.append(True)
            barrier.reset()

    session.client("sqs", "eu-west-1").meta.events.register(
        "before-call.sqs.GetQueueAttributes", meet
    )
    pages = list(get_pages(REGISTRY["sqs:queue"], session, "eu-west-1", detail_workers=4))
    assert not serial
    assert [item.data["QueueName"] for page in pages for item in page.items] == sorted(names)
