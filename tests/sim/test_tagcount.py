"""Counting the ids of EC2 tag calls that reached the emulator (a FaultProxy on_forward hook)."""

from __future__ import annotations

from email.message import Message
from urllib.parse import urlencode

from tests.sim.tagcount import TagCounter
from tests.sim.wire import read_call

AUTH = "AWS4-HMAC-SHA256 Credential=AKIA/20240101/eu-west-1/ec2/aws4_request, Signed=x"


def ec2_call(action: str, ids: list[str]):
    headers = Message()
    headers["Authorization"] = AUTH
    headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    form = {"Action": action, "Version": "2016-11-15", "Tag.1.Key": "k", "Tag.1.Value": "v"}
    form |= {f"ResourceId.{n}": i for n, i in enumerate(ids, 1)}
    return read_call("POST", "/", headers, urlencode(form).encode())


def test_counts_each_id_of_each_answered_tag_call() -> None:
    counter = TagCounter()
    counter(ec2_call("CreateTags", ["i-1", "i-2"]), 200)
    counter(ec2_call("CreateTags", ["i-2"]), 200)
    counter(ec2_call("CreateTags", ["i-3"]), 503)  # refused: it changed nothing
    counter(ec2_call("DeleteTags", ["i-1"]), 200)
    counter(ec2_call("DescribeTags", []), 200)
    assert counter.ids() == {"i-1": 1, "i-2": 2}
    assert (counter.calls(), counter.calls("DeleteTags")) == (2, 1)
    assert counter.ids("DeleteTags") == {"i-1": 1}
