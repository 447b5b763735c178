"""A child type (ELBv2 listeners) is listed per parent (load balancer) with one composite
checkpoint per page: resuming from any page's token sends exactly the calls not yet answered,
and a parent deleted between the two listings is skipped. Stubber answers: the exact calls
and tokens are the contract here."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from estate.errors import InputError
from estate.resources.collect import Page, get_pages
from estate.resources.cursor import (
    START,
    ChildCursor,
    decode_cursor,
    encode_cursor,
    resume_position,
)
from estate.resources.elbv2 import LISTENER
from estate.resources.paging import RepeatedPageToken
from tests.unit.resources.collecting import ACCOUNT
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"
# A listener's tags take a DescribeTags call each: not the subject here.
SPEC = dataclasses.replace(LISTENER, details=())
PAGE = {"PageSize": 400}


def lb_arn(name: str) -> str:
    return f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/{name}/0f1e2d3c"


def listener_arn(lb: str, port: int) -> str:
    return f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/{lb}/0f1e2d3c/{port}"


# (request, answer) of every call of a full listing, in order: two pages of load balancers
# (a, b | c); a has two pages of listeners, b one, c two.
LB_PAGES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {**PAGE},
        {
            "LoadBalancers": [
                {"LoadBalancerName": "a", "LoadBalancerArn": lb_arn("a")},
                {"LoadBalancerName": "b", "LoadBalancerArn": lb_arn("b")},
            ],
            "NextMarker": "lb-2",
        },
    ),
    ({**PAGE, "Marker": "lb-2"}, {"LoadBalancers": [{"LoadBalancerArn": lb_arn("c")}]}),
]


def listeners(lb: str, *ports: int, marker: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "Listeners": [
            {"ListenerArn": listener_arn(lb, p), "LoadBalancerArn": lb_arn(lb), "Port": p}
            for p in ports
        ]
    }
    if marker:
        answer["NextMarker"] = marker
    return answer


def asked(lb: str, marker: str | None = None) -> dict[str, Any]:
    return {**PAGE, "LoadBalancerArn": lb_arn(lb), **({"Marker": marker} if marker else {})}


CHILD_PAGES = {  # per load balancer: (request, answer) of each of its listener pages
    "a": [(asked("a"), listeners("a", 80, marker="a-2")), (asked("a", "a-2"), listeners("a", 443))],
    "b": [(asked("b"), listeners("b", 8080))],
    "c": [(asked("c"), listeners("c", 1, marker="c-2")), (asked("c", "c-2"), listeners("c", 2))],
}
# The calls of a whole listing, as (operation, request, answer).
CALLS = [
    ("describe_load_balancers", *LB_PAGES[0]),
    *(("describe_listeners", *call) for call in CHILD_PAGES["a"]),
    *(("describe_listeners", *call) for call in CHILD_PAGES["b"]),
    ("describe_load_balancers", *LB_PAGES[1]),
    *(("describe_listeners", *call) for call in CHILD_PAGES["c"]),
]
PORTS = [[80], [443], [8080], [1], [2]]  # the listeners of each child page, in order
# Which calls a resume from each checkpoint must make again: the parent page it is on, and
# its child page; a checkpoint at a parent page's first parent starts with that page.
RESUMED_CALLS = {1: [0, 2, 3, 4, 5, 6], 2: [0, 3, 4, 5, 6], 3: [4, 5, 6], 4: [4, 6]}


def run(start: str | None, calls: list[int]) -> list[Page]:
    """The pages a listing from `start` yields, the stubs answering exactly `calls`."""
    with stubbed("elbv2", REGION) as (session, stubber):
        for index in calls:
            operation, request, answer = CALLS[index]
            stubber.add_response(operation, answer, request)
        return list(get_pages(SPEC, session, REGION, start_token=start))


def ports_of(pages: list[Page]) -> list[list[int]]:
    return [[item.data["Port"] for item in page.items] for page in pages]


def test_a_full_listing_pages_through_parents_and_each_parents_children() -> None:
    pages = run(None, list(range(len(CALLS))))

    assert ports_of(pages) == PORTS
    assert pages[-1].next_token is None
    assert all(page.next_token is not None for page in pages[:-1])
    assert pages[0].items[0].data["LoadBalancerArn"] == lb_arn("a")


@pytest.mark.parametrize("checkpoint", [1, 2, 3, 4])
def test_a_resume_from_any_checkpoint_sends_only_the_calls_not_answered(checkpoint: int) -> None:
    full = run(None, list(range(len(CALLS))))
    token = full[checkpoint - 1].next_token

    resumed = run(token, RESUMED_CALLS[checkpoint])

    assert ports_of(resumed) == PORTS[checkpoint:]  # none lost, none twice
    assert resumed[-1].next_token is None


def test_a_parent_deleted_between_the_listings_is_skipped() -> None:
    with stubbed("elbv2", REGION) as (session, stubber):
        stubber.add_response("describe_load_balancers", LB_PAGES[1][1], LB_PAGES[1][0])
        stubber.add_client_error(
            "describe_listeners",
            "LoadBalancerNotFound",
            "One or more load balancers not found",
            400,
            expected_params=asked("c"),
        )
        pages = list(
            get_pages(SPEC, session, REGION, start_token=encode_cursor(ChildCursor("lb-2")))
        )

    assert [page.items for page in pages] == [[]]
    assert pages[0].next_token is None  # the listing ended, the shard is complete


def test_a_repeated_child_token_fails_naming_the_parent() -> None:
    with stubbed("elbv2", REGION) as (session, stubber):
        stubber.add_response("describe_load_balancers", LB_PAGES[1][1], LB_PAGES[1][0])
        stubber.add_response("describe_listeners", listeners("c", 1, marker="c-2"), asked("c"))
        stubber.add_response(
            "describe_listeners", listeners("c", 2, marker="c-2"), asked("c", "c-2")
        )
        pages = get_pages(SPEC, session, REGION, start_token=encode_cursor(ChildCursor("lb-2")))
        next(pages)
        with pytest.raises(RepeatedPageToken, match=r"DescribeListeners.*'c-2'") as info:
            next(pages)

    assert lb_arn("c") in str(info.value)


def test_a_repeated_parent_token_fails_too() -> None:
    with stubbed("elbv2", REGION) as (session, stubber):
        again = {**LB_PAGES[1][1], "NextMarker": "lb-2"}
        stubber.add_response("describe_load_balancers", again, LB_PAGES[1][0])

        with pytest.raises(RepeatedPageToken, match=r"DescribeLoadBalancers.*'lb-2'"):
            list(get_pages(SPEC, session, REGION, start_token=encode_cursor(ChildCursor("lb-2"))))


def test_a_cursor_survives_its_encoding() -> None:
    cursor = ChildCursor('["n", "A", null]', 3, {"HostedZoneId": "/hostedzone/Z1"}, "tok")

    assert decode_cursor(encode_cursor(cursor)) == cursor
    assert decode_cursor(None) == START


@pytest.mark.parametrize("token", ["plain-token", "[1, 2]", '{"index": 1}'])
def test_a_token_that_is_no_cursor_is_refused(token: str) -> None:
    with pytest.raises(InputError, match="checkpoint"):
        decode_cursor(token)


def test_a_resumed_parent_is_found_where_the_page_moved_it() -> None:
    cursor = ChildCursor(None, 1, {"p": "b"}, "t")

    assert resume_position(cursor, [{"p": "a"}, {"p": "b"}]) == 1
    assert resume_position(cursor, [{"p": "new"}, {"p": "a"}, {"p": "b"}]) == 2
    # gone: the parent now at its place followed it and must not be skipped
    assert resume_position(cursor, [{"p": "a"}, {"p": "c"}]) == 1
    assert resume_position(cursor, [{"p": "a"}]) == 1
