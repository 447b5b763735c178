"""The registry of resource types: a plain dict from type name to spec."""

from __future__ import annotations

from collections.abc import Iterable

from estate.errors import InputError
from estate.resources import (
    autoscaling,
    awslambda,
    cloudformation,
    dynamodb,
    ec2,
    elbv2,
    iam,
    rds,
    s3,
    sns,
    sqs,
)
from estate.resources.spec import ResourceSpec

_MODULES = (s3, ec2, iam, awslambda, sqs, sns, dynamodb, rds, autoscaling, cloudformation, elbv2)

REGISTRY: dict[str, ResourceSpec] = {spec.type: spec for m in _MODULES for spec in m.SPECS}


def get_spec(type_name: str) -> ResourceSpec:
    """The spec of a type; InputError listing the known types when there is none."""
    try:
        return REGISTRY[type_name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise InputError(f"unknown resource type {type_name!r} (known: {known})") from None


def get_specs(type_names: Iterable[str] | None) -> list[ResourceSpec]:
    """Specs in registry order; all of them when `type_names` is None."""
    if type_names is None:
        return list(REGISTRY.values())
    wanted = {get_spec(t).type for t in type_names}
    return [spec for name, spec in REGISTRY.items() if name in wanted]
