from __future__ import annotations

from estate.inventory.diff import diff_states


def test_a_changed_list_names_the_elements_that_came_and_went() -> None:
    old = {"IpPermissions": [{"FromPort": 22}, {"FromPort": 443}, {"FromPort": 443}]}
    new = {"IpPermissions": [{"FromPort": 443}, {"FromPort": 8443}, {"FromPort": 22}]}
    entry = diff_states(old, new)["IpPermissions"]
    assert entry["items_added"] == [{"FromPort": 8443}]
    assert entry["items_removed"] == [{"FromPort": 443}]  # one of the two duplicates went
    assert entry["old"] == old["IpPermissions"] and entry["new"] == new["IpPermissions"]


def test_scalars_and_new_keys_carry_no_item_lists() -> None:
    diff = diff_states({"State": "running"}, {"State": "stopped", "Tags": ["a"]})
    assert "items_added" not in diff["State"]
    assert diff["Tags"] == {"old": None, "new": ["a"], "added": True}
