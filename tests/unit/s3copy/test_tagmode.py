"""The tag decision, without I/O: what a check concludes, what a job says, who checks."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from estate.s3copy.tagmode import (
    TagChooser,
    TagDecision,
    describe,
    describe_plan,
    judge,
    refused,
)

tag_sets = st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=4)


@given(tag_sets, tag_sets)
def test_s3_is_found_to_copy_tags_exactly_when_the_copy_has_the_source_s(
    source: dict[str, str], copied: dict[str, str]
) -> None:
    decision = judge("k", source, copied)
    assert (decision.mode == "copy") == (source == copied)
    assert decision.found == ("same" if source == copied else "different")
    assert decision.key == "k"


def test_a_copy_missing_one_tag_or_with_another_value_means_reading_them() -> None:
    source = {"env": "prod", "team": "a"}
    assert judge("k", source, {"env": "prod"}).mode == "read"
    assert judge("k", source, {"env": "prod", "team": "b"}).mode == "read"
    assert judge("k", source, {}).mode == "read"
    assert judge("k", source, {"team": "a", "env": "prod"}).mode == "copy"


@pytest.mark.parametrize(
    "decision",
    [
        TagDecision("copy", "a/b c", "same"),
        TagDecision("read", "k", "different"),
        refused("k", "CopyObject", "AccessDenied"),
    ],
)
def test_a_decision_survives_the_job_state_as_plain_data(decision: TagDecision) -> None:
    assert TagDecision.from_record(decision.record()) == decision


@pytest.mark.parametrize(
    "record",
    [None, "copy", {}, {"mode": "copy"}, {"mode": "maybe", "found": "same"}, {"found": "same"}],
)
def test_what_is_not_a_decision_reads_as_none(record: object) -> None:
    assert TagDecision.from_record(record) is None


def test_summaries_say_which_way_tags_went_and_why() -> None:
    same, other = judge("data/a", {"k": "v"}, {"k": "v"}), judge("data/b", {"k": "v"}, {})
    assert describe("auto", False, same) == "copied by S3 (checked on key data/a)"
    assert describe("auto", False, other) == "read per object (S3 did not copy them on key data/b)"
    assert describe("auto", False, refused("x", "CopyObject", "AccessDenied")) == (
        "read per object (S3 refused CopyObject AccessDenied on key x)"
    )
    assert describe("auto", False, None).startswith("read per object (no tagged object")
    assert describe("read", False, same) == "read per object (--tags read)"
    assert describe("copy", False, None) == "copied by S3 (--tags copy, not checked)"
    assert describe("auto", True, None) == "copied by S3 (same account)"
    assert describe_plan("auto", False).startswith("read per object until the first tagged")
    assert describe_plan("auto", True) == "copied by S3 (same account)"
    assert describe_plan("read", False) == "read per object (--tags read)"


def test_an_undecided_auto_chooser_reads_tags_and_lets_one_caller_check() -> None:
    saved: list[TagDecision] = []
    chooser = TagChooser("auto", False, on_decided=saved.append)
    assert chooser.undecided() and not chooser.s3_copies()
    assert chooser.claim()
    assert not chooser.claim()  # one check at a time
    decision = judge("k", {"a": "1"}, {"a": "1"})
    chooser.settle(decision)
    assert saved == [decision] and chooser.decision == decision
    assert chooser.s3_copies() and not chooser.undecided()
    assert not chooser.claim()  # decided: nobody checks again
    assert chooser.describe() == "copied by S3 (checked on key k)"


def test_a_check_that_found_nothing_lets_the_next_caller_check() -> None:
    chooser = TagChooser("auto", False)
    assert chooser.claim()
    chooser.release()
    assert chooser.undecided() and chooser.claim()
    chooser.settle(judge("k", {"a": "1"}, {}))
    assert not chooser.s3_copies() and not chooser.undecided()


def test_a_decision_to_read_keeps_reading() -> None:
    chooser = TagChooser("auto", False, decided=judge("k", {"a": "1"}, {}))
    assert not chooser.s3_copies() and not chooser.claim()


@pytest.mark.parametrize(
    ("requested", "same_account", "s3_copies"),
    [("read", False, False), ("copy", False, True), ("auto", True, True), ("read", True, True)],
)
def test_explicit_modes_and_same_account_copies_never_check(
    requested: str, same_account: bool, s3_copies: bool
) -> None:
    chooser = TagChooser(requested, same_account, decided=judge("k", {"a": "1"}, {"a": "1"}))
    assert chooser.s3_copies() is s3_copies
    assert not chooser.undecided() and not chooser.claim()


def test_a_saved_decision_is_adopted_only_while_undecided() -> None:
    chooser = TagChooser("auto", False)
    chooser.adopt(None)
    assert chooser.undecided()
    first, second = judge("a", {"k": "v"}, {"k": "v"}), judge("b", {"k": "v"}, {})
    chooser.adopt(first)
    chooser.adopt(second)
    assert chooser.decision == first and chooser.s3_copies()
    explicit = TagChooser("read", False)
    explicit.adopt(first)
    assert explicit.decision is None and not explicit.s3_copies()


def test_of_many_threads_claiming_at_once_exactly_one_checks() -> None:
    chooser = TagChooser("auto", False)
    start = threading.Barrier(8)

    def claim(_: int) -> bool:
        start.wait()
        return chooser.claim()

    with ThreadPoolExecutor(8) as pool:
        claims = list(pool.map(claim, range(8)))
    assert claims.count(True) == 1


def test_a_decision_whose_saving_fails_still_ends_the_check() -> None:
    def fail(decision: TagDecision) -> None:
        raise OSError("store gone")

    chooser = TagChooser("auto", False, on_decided=fail)
    assert chooser.claim()
    with pytest.raises(OSError):
        chooser.settle(judge("k", {"a": "1"}, {"a": "1"}))
    assert chooser.s3_copies()  # used by this run all the same
    assert not chooser._probing.locked()
