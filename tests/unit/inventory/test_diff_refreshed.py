"""Which differences an SDK upgrade explains (refreshed) and which are changes (modified)."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings

from estate.inventory.diff import MODIFIED, REFRESHED, classify_change, diff_states
from tests.unit.inventory.strategies import json_objects

OLD_SDK, NEW_SDK = "1.42.0", "1.43.9"
INSTANCE = {
    "InstanceId": "i-1",
    "State": {"Name": "running"},
    "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeId": "vol-1"}}],
}


def kind(old: dict[str, Any], new: dict[str, Any], old_sdk: str | None, new_sdk: str) -> str:
    return classify_change(diff_states(old, new), old_sdk, new_sdk)


def test_fields_added_at_any_depth_by_a_newer_botocore_are_refreshed() -> None:
    new = {
        **INSTANCE,
        "BootMode": "uefi",  # top level
        "State": {"Name": "running", "Code": 16},  # nested dict
        # in every element of a list, element by element
        "BlockDeviceMappings": [
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeId": "vol-1", "VolumeOwnerId": "1"}}
        ],
    }

    assert kind(INSTANCE, new, OLD_SDK, NEW_SDK) == REFRESHED


def test_an_unknown_older_version_counts_as_different() -> None:
    assert kind(INSTANCE, {**INSTANCE, "BootMode": "uefi"}, None, NEW_SDK) == REFRESHED


def test_an_added_field_under_the_same_version_is_modified() -> None:
    assert kind(INSTANCE, {**INSTANCE, "BootMode": "uefi"}, NEW_SDK, NEW_SDK) == MODIFIED


def test_a_removed_field_is_modified_even_across_versions() -> None:
    old = {**INSTANCE, "KeyName": "ops"}
    new = {**INSTANCE, "BootMode": "uefi"}  # one added, one removed

    assert kind(old, new, OLD_SDK, NEW_SDK) == MODIFIED
    assert kind(old, INSTANCE, None, NEW_SDK) == MODIFIED
    # A null that disappears is a removed field too, though old and new both read as null.
    assert kind({**INSTANCE, "Platform": None}, new, OLD_SDK, NEW_SDK) == MODIFIED


def test_a_changed_value_is_modified_even_across_versions() -> None:
    stopped = {**INSTANCE, "State": {"Name": "stopped", "Code": 80}}  # Code added, Name changed

    assert kind(INSTANCE, stopped, OLD_SDK, NEW_SDK) == MODIFIED


def test_a_list_that_grew_or_moved_is_modified_even_across_versions() -> None:
    volumes = INSTANCE["BlockDeviceMappings"]
    second = {"DeviceName": "/dev/xvdb", "Ebs": {"VolumeId": "vol-2"}}

    assert kind(INSTANCE, {**INSTANCE, "BlockDeviceMappings": [*volumes, second]}, None, "2") == (
        MODIFIED
    )
    two = {**INSTANCE, "BlockDeviceMappings": [*volumes, second]}
    moved = {**INSTANCE, "BlockDeviceMappings": [second, *volumes]}
    assert kind(two, moved, OLD_SDK, NEW_SDK) == MODIFIED


def test_no_difference_is_never_refreshed() -> None:
    assert classify_change({}, OLD_SDK, NEW_SDK) == MODIFIED


@settings(max_examples=100, deadline=None)
@given(json_objects, json_objects)
def test_adding_keys_an_old_state_lacks_is_refreshed_and_taking_them_away_is_not(
    old: dict[str, Any], extra: dict[str, Any]
) -> None:
    added = {k: v for k, v in extra.items() if k not in old}
    assume(added)
    new = {**old, **added}
    assert kind(old, new, OLD_SDK, NEW_SDK) == REFRESHED
    assert kind(new, old, OLD_SDK, NEW_SDK) == MODIFIED
