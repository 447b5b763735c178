from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from estate.inventory.diff import changed_fields, diff_states
from estate.inventory.normalize import canonical_json
from tests.unit.inventory.strategies import json_objects

_ABSENT = object()


@settings(max_examples=100, deadline=None)
@given(json_objects)
def test_a_state_does_not_differ_from_itself(state: dict[str, Any]) -> None:
    assert diff_states(state, state) == {}


def _differs(a: Any, b: Any) -> bool:
    if a is _ABSENT or b is _ABSENT:
        return True
    return canonical_json(a) != canonical_json(b)


@settings(max_examples=120, deadline=None)
@given(json_objects, json_objects)
def test_changed_fields_are_exactly_the_top_level_keys_that_differ(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    expected = sorted(
        key for key in set(old) | set(new) if _differs(old.get(key, _ABSENT), new.get(key, _ABSENT))
    )

    assert changed_fields(diff_states(old, new)) == expected


def test_nested_dicts_are_compared_key_by_key() -> None:
    old = {"tags": {"env": "dev", "team": "a"}, "cfg": {"x": {"y": 1}}}
    new = {"tags": {"env": "prod", "team": "a", "new": "n"}, "cfg": {"x": {}}}

    assert diff_states(old, new) == {
        "tags.env": {"old": "dev", "new": "prod"},
        "tags.new": {"old": None, "new": "n", "added": True},
        "cfg.x.y": {"old": 1, "new": None, "removed": True},
    }
    assert changed_fields(diff_states(old, new)) == ["cfg", "tags"]


def test_lists_are_compared_as_a_whole() -> None:
    diff = diff_states({"ports": [1, 2]}, {"ports": [1, 3]})

    assert diff == {
        "ports": {"old": [1, 2], "new": [1, 3], "items_added": [3], "items_removed": [2]}
    }


def test_a_value_that_changes_type_is_a_change() -> None:
    assert diff_states({"a": 1}, {"a": True}) == {"a": {"old": 1, "new": True}}
    assert diff_states({"a": {"b": 0}}, {"a": {"b": False}}) == {"a.b": {"old": 0, "new": False}}
    assert diff_states({"a": [1]}, {"a": [1.0]}) == {
        "a": {"old": [1], "new": [1.0], "items_added": [1.0], "items_removed": [1]}
    }
    assert diff_states({"a": {}}, {"a": "x"}) == {"a": {"old": {}, "new": "x"}}


def test_none_and_a_missing_key_differ() -> None:
    assert diff_states({"a": None}, {}) == {"a": {"old": None, "new": None, "removed": True}}
