"""The meta-test: every registered spec agrees with botocore's models of the AWS APIs.

Each spec is also collected against a Caller that validates every request with botocore and
answers with an example built from the operation's output shape, so a path in a spec that the
API can never fill (a typo, a field from another operation) fails here without an emulator.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

import botocore.session
import jmespath
import pytest
from botocore.exceptions import ParamValidationError
from botocore.model import OperationModel, ServiceModel
from botocore.validate import validate_parameters

from estate.errors import InputError
from estate.inventory.normalize import drop_paths, normalize_page, normalize_resource
from estate.resources import elbv2, iam, registry, sqs
from estate.resources.collect import get_pages, lean_parent
from estate.resources.paging import paginator_config
from estate.resources.registry import REGISTRY, get_spec, get_specs
from estate.resources.spec import GLOBAL_REGION, ResourceSpec
from estate.resources.tagops import own_tag_operations
from tests.unit.resources.collecting import ACCOUNT

SPECS = list(REGISTRY.values())
TYPE_IDS = [spec.type for spec in SPECS]

# Types without an ARN template, each with why the answer always gives it: every spec module
# may say so for its own types (ARN_ONLY_FROM_ANSWER there), so a new type is one module.
ARN_ONLY_FROM_ANSWER: dict[str, str] = {
    type_name: why
    for module in registry._MODULES
    for type_name, why in getattr(module, "ARN_ONLY_FROM_ANSWER", {}).items()
}
TEMPLATE_FIELDS = {"partition", "region", "account", "id"}

TYPE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*:[a-z0-9]+(-[a-z0-9]+)*$")
IAM_ACTION = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$")


@functools.cache
def _botocore() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.cache
def service_model(service: str) -> ServiceModel:
    return _botocore().get_service_model(service)


def operation_model(service: str, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


def input_members(service: str, name: str) -> set[str]:
    shape = operation_model(service, name).input_shape
    return set(shape.members) if shape is not None else set()


def test_modules_are_registered_in_order() -> None:
    services = [spec.type.split(":")[0] for spec in SPECS]
    runs = [s for i, s in enumerate(services) if i == 0 or services[i - 1] != s]

    assert runs[:11] == [
        "s3",
        "ec2",
        "iam",
        "lambda",
        "sqs",
        "sns",
        "dynamodb",
        "rds",
        "autoscaling",
        "cloudformation",
        "elbv2",
    ]
    assert len(runs) == len(set(runs)), "a service's types are registered together"


def test_every_module_says_why_for_its_own_types_only() -> None:
    for module in registry._MODULES:
        own = {spec.type for spec in module.SPECS}
        assert set(getattr(module, "ARN_ONLY_FROM_ANSWER", {})) <= own, module.__name__


def test_type_names_are_unique_and_service_colon_kind() -> None:
    names = [spec.type for module in registry._MODULES for spec in module.SPECS]

    assert len(names) == len(set(names))
    for spec in SPECS:
        assert TYPE_NAME.match(spec.type), spec.type
        assert spec.type.split(":")[0] == spec.service, spec.type


@pytest.mark.parametrize("spec", SPECS, ids=TYPE_IDS)
def test_operations_exist_in_botocore(spec: ResourceSpec) -> None:
    names = service_model(spec.service).operation_names

    assert spec.operation in names
    for detail in spec.details:
        assert detail.operation in names, detail.operation


@pytest.mark.parametrize("spec", SPECS, ids=TYPE_IDS)
def test_parameters_are_input_members(spec: ResourceSpec) -> None:
    assert set(spec.params) <= input_members(spec.service, spec.operation)
    for detail in spec.details:
        members = input_members(spec.service, detail.operation)
        given = set(detail.params) | set(detail.constants)
        assert given <= members, detail.operation
        assert set(detail.params).isdisjoint(detail.constants), detail.operation
        shape = operation_model(spec.service, detail.operation).input_shape
        required = set(shape.required_members) if shape is not None else set()
        assert required <= given, f"{detail.operation} needs {required}"


@pytest.mark.parametrize("spec", SPECS, ids=TYPE_IDS)
def test_list_operations_are_paginated_or_documented(spec: ResourceSpec) -> None:
    config = spec.page_config()

    assert (config is not None) != (spec.single_call is not None), (
        f"{spec.type}: {spec.operation} paged={config is not None}; single_call must say why not"
    )
    if spec.paginator is not None:  # a model of our own: its names are the API's
        assert paginator_config(spec.service, spec.operation) is None, "botocore has one"
        members = input_members(spec.service, spec.operation)
        tokens = spec.paginator["input_token"]
        assert set([tokens] if isinstance(tokens, str) else tokens) <= members
        assert spec.paginator.get("limit_key", next(iter(members))) in members
        output = operation_model(spec.service, spec.operation).output_shape
        assert output is not None
        outs = spec.paginator["output_token"]
        for token in [outs] if isinstance(outs, str) else outs:
            assert token.split(".")[0] in output.members, token


@pytest.mark.parametrize("spec", SPECS, ids=TYPE_IDS)
def test_iam_actions_look_like_actions(spec: ResourceSpec) -> None:
    actions = spec.iam_actions()

    assert len(actions) == 1 + len(spec.details)
    for action in actions:
        assert IAM_ACTION.match(action), action


@pytest.mark.parametrize("spec", SPECS, ids=TYPE_IDS)
def test_arns_come_from_the_answer_or_a_template(spec: ResourceSpec) -> None:
    assert spec.arn or spec.arn_template
    assert (spec.arn_template is None) == (spec.type in ARN_ONLY_FROM_ANSWER), spec.type
    if spec.arn_template:
        assert spec.arn_template.startswith("arn:{partition}:"), spec.arn_template
        fields = set(re.findall(r"{(\w+)}", spec.arn_template))
        assert fields <= TEMPLATE_FIELDS, fields - TEMPLATE_FIELDS


def test_get_spec_names_the_known_types_when_unknown() -> None:
    with pytest.raises(InputError, match=r"unknown resource type 'ec2:nope'.*sqs:queue"):
        get_spec("ec2:nope")


def test_get_specs_keeps_registry_order_without_duplicates() -> None:
    assert get_specs(None) == SPECS
    assert get_specs(["sqs:queue", "s3:bucket", "sqs:queue"]) == [REGISTRY["s3:bucket"], sqs.QUEUE]


# --- the shapes of the API, as examples -----------------------------------------------------

ANY_KEY = "<any key>"  # a map whose keys are free strings: any path through it may resolve
_MAX_DEPTH = 12


def example(shape: Any, depth: int = 0) -> Any:
    """A value of `shape` with every member present, one element per list."""
    if depth > _MAX_DEPTH:
        return None
    kind = shape.type_name
    if kind == "structure":
        members = {name: example(m, depth + 1) for name, m in shape.members.items()}
        return {name: value for name, value in members.items() if value is not None}
    if kind == "list":
        element = example(shape.member, depth + 1)
        return [] if element is None else [element]
    if kind == "map":
        keys = shape.key.enum or [ANY_KEY]
        return {key: example(shape.value, depth + 1) for key in keys}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        least = shape.metadata.get("min", 0)  # an id of 19 characters (Transfer's s-…)
        return "example" if least <= 7 else "example".ljust(least, "x")
    if kind in ("integer", "long"):
        return 1
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    if kind == "blob":
        return b"example"
    return None


# The list calls that specs page themselves (botocore has no paginator for them).
OWN_PAGINATORS = {(s.service, s.operation): dict(s.paginator) for s in SPECS if s.paginator}


class ShapeCaller:
    """A Caller for the collector that checks each request against botocore's input shape and
    answers with a one-page example of the output shape."""

    account_id = ACCOUNT
    partition = "aws"

    def call(self, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]:
        model = operation_model(service, operation)
        if model.input_shape is not None:
            validate_parameters(params, model.input_shape)
        else:
            assert not params, f"{operation} takes no parameters"
        response = example(model.output_shape) if model.output_shape is not None else {}
        config = OWN_PAGINATORS.get((service, operation)) or paginator_config(service, operation)
        config = config or {}
        tokens = config.get("output_token", [])
        for token in [tokens] if isinstance(tokens, str) else tokens:
            _set_path(response, token, None)  # nested too: DistributionList.NextMarker
        more = config.get("more_results")
        if more and re.fullmatch(r"[A-Za-z0-9_.]+", more):
            _set_path(response, more, False)
        return response


def _set_path(response: dict[str, Any], path: str, value: Any) -> None:
    """Set (None: remove) a dotted path's field where its parents are present."""
    *parents, last = path.split(".")
    node: Any = response
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value


def _present(value: Any) -> bool:
    return value is not None


def _sortable(value: Any) -> bool:  # what normalize can sort: a list, or a comma-separated string
    return isinstance(value, list | str)


def _path_exists(node: Any, parts: list[str], accept: Callable[[Any], bool] = _present) -> bool:
    """Whether a dotted path (`name[]` for every element of a list) reaches an accepted value."""
    if not parts:
        return accept(node)
    if not isinstance(node, dict):
        return False
    head, rest = parts[0], parts[1:]
    key = head.removesuffix("[]")
    child = node.get(key, node.get(ANY_KEY))
    if head.endswith("[]"):
        return (
            isinstance(child, list)
            and bool(child)
            and all(_path_exists(c, rest, accept) for c in child)
        )
    return _path_exists(child, rest, accept)


def _derived(spec: ResourceSpec, path: str) -> bool:
    """A plain top-level field only the spec's derive hook makes (for some items): the
    API's shape cannot say whether it resolves, the type's own tests do."""
    return spec.derive is not None and re.fullmatch(r"[A-Za-z0-9_]+", path) is not None


def unresolved(spec: ResourceSpec, data: dict[str, Any]) -> list[str]:
    """The spec's paths that do not resolve in one item."""

    def missing(path: str) -> bool:  # a JMESPath, or a plain path through a free-keyed map
        return jmespath.search(path, data) is None and not _path_exists(data, path.split("."))

    problems = [
        label
        for label, path in (
            ("id", spec.id),
            ("arn", spec.arn),
            ("owner", spec.owner),
            ("name", spec.name),
            ("tags", spec.tags if spec.taggable else None),
        )
        if path is not None and missing(path)
    ]
    problems += [
        f"unordered {p}" for p in spec.unordered if not _path_exists(data, p.split("."), _sortable)
    ]
    problems += [f"volatile {p}" for p in spec.volatile if not _path_exists(data, p.split("."))]
    problems += [
        f"relation {r.kind} {r.path}"
        for r in spec.relations
        if missing(r.path) and not _derived(spec, r.path)
    ]
    return problems


def example_items(spec: ResourceSpec) -> list[dict[str, Any]]:
    shard = GLOBAL_REGION if spec.is_global else "eu-west-1"
    items = [item for page in get_pages(spec, ShapeCaller(), shard) for item in page.items]
    assert items, f"{spec.type}: items path {spec.items!r} found nothing"
    return [item.data for item in items]


@pytest.mark.parametrize("spec", SPECS, ids=TYPE_IDS)
def test_paths_resolve_in_the_api_shapes(spec: ResourceSpec) -> None:
    for data in example_items(spec):
        assert unresolved(spec, data) == []
        resource = normalize_resource(spec, ACCOUNT, "eu-west-1", data)
        assert "None" not in (resource.id, resource.arn, resource.name)
        assert resource.tags or not spec.taggable


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (dataclasses.replace(iam.ROLE, id="RoleNme"), "id"),
        (dataclasses.replace(iam.ROLE, arn="RoleArn"), "arn"),
        (dataclasses.replace(sqs.QUEUE, arn="QueueArn"), "arn"),  # an attribute, not the item
        (dataclasses.replace(iam.USER, tags="TagList"), "tags"),
        (dataclasses.replace(iam.USER, volatile=("PasswordLastUse",)), "volatile PasswordLastUse"),
        (dataclasses.replace(iam.ROLE, unordered=("RoleLastUsed",)), "unordered RoleLastUsed"),
        # SQS attributes are a map keyed by an enum, so a wrong attribute name is caught too.
        (
            dataclasses.replace(sqs.QUEUE, unordered=("Attributes.Policies",)),
            "unordered Attributes.Policies",
        ),
    ],
)
def test_a_path_the_api_cannot_fill_is_caught(spec: ResourceSpec, problem: str) -> None:
    (data,) = example_items(spec)

    assert unresolved(spec, data) == [problem]


def test_a_detail_parameter_the_item_lacks_is_caught() -> None:
    (detail,) = iam.ROLE.details
    broken = dataclasses.replace(
        iam.ROLE, details=(dataclasses.replace(detail, params={"RoleName": "Name"}),)
    )

    with pytest.raises(ParamValidationError, match="RoleName"):
        example_items(broken)


@pytest.mark.parametrize(
    "spec", [s for s in SPECS if s.arn and s.arn_template], ids=lambda s: s.type
)
def test_an_older_answer_without_the_arn_field_gets_the_template(spec: ResourceSpec) -> None:
    for data in example_items(spec):
        assert spec.arn is not None
        older = drop_paths(copy.deepcopy(data), [spec.arn])

        resource = normalize_resource(spec, ACCOUNT, "eu-west-1", older)

        assert (
            resource.arn
            == normalize_resource(
                dataclasses.replace(spec, arn=None), ACCOUNT, "eu-west-1", data
            ).arn
        )
        assert resource.arn.startswith("arn:aws:")
        assert resource.id in resource.arn


@pytest.mark.parametrize("spec", SPECS, ids=TYPE_IDS)
def test_an_item_without_its_id_is_skipped_and_named_not_raised(spec: ResourceSpec) -> None:
    (data,) = example_items(spec)
    nameless = drop_paths(copy.deepcopy(data), [spec.id])

    found = normalize_page(spec, ACCOUNT, [("eu-west-1", nameless, ()), ("eu-west-1", data, ())])

    assert len(found.records) + len(found.foreign) == 1
    (reason,) = found.unusable
    assert spec.type in reason and spec.id in reason


CHILDREN = [spec for spec in SPECS if spec.parent is not None]


@pytest.mark.parametrize("spec", CHILDREN, ids=lambda s: s.type)
def test_a_childs_params_are_input_members_and_resolve_in_its_parents_shape(
    spec: ResourceSpec,
) -> None:
    assert spec.parent is not None
    parent = get_spec(spec.parent.type)
    assert parent.scope == spec.scope, "a child is listed in its parent's shards' regions"
    assert set(spec.parent.params) <= input_members(spec.service, spec.operation)
    assert set(spec.parent.params).isdisjoint(spec.params)
    parents = example_items(lean_parent(spec))
    for data in parents:
        for path in (*spec.parent.params.values(), *spec.parent.carry.values()):
            assert jmespath.search(path, data) is not None, f"{path} not in {parent.type}"


def test_a_child_param_its_parent_cannot_fill_is_caught() -> None:
    broken = dataclasses.replace(
        elbv2.LISTENER,
        parent=dataclasses.replace(elbv2.LISTENER.parent, params={"LoadBalancerArn": "Arn"}),
    )

    with pytest.raises(ParamValidationError, match="LoadBalancerArn"):
        example_items(broken)


TAGGABLE = [spec for spec in SPECS if spec.tag_reason() is None]


@pytest.mark.parametrize("spec", TAGGABLE, ids=lambda s: s.type)
def test_a_tag_write_names_operations_and_parameters_of_the_api(spec: ResourceSpec) -> None:
    write = spec.tag_write
    if write.style == "tagging-api":  # the tagging API calls the service's own operations
        assert own_tag_operations(spec.service) or write.service_actions, spec.service
    else:
        ops = [o for o in (write.set_op, write.unset_op, write.read_op, write.clear_op) if o]
        assert set(ops) <= set(service_model(spec.service).operation_names), ops
        assert write.param in input_members(spec.service, write.set_op)
        if write.style != "merged":  # a merged write sends the whole set in the API's shape
            assert write.tags_param in input_members(spec.service, write.set_op)
            assert write.unset_param in input_members(spec.service, write.unset_op)
    for action in spec.tag_iam_actions():
        assert IAM_ACTION.match(action), action
    prefixes = {a.split(":")[0] for a in spec.tag_iam_actions()} - {"tag"}
    assert prefixes == {spec.iam_service or spec.service}, prefixes


def test_a_type_that_cannot_be_tagged_says_why() -> None:
    for spec in SPECS:
        if spec.tag_write.style == "none":
            assert spec.tag_reason() and spec.tag_iam_actions() == [], spec.type
