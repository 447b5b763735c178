"""A service's own tagging operations, found in botocore's model of it: the tagging API needs
the service's own IAM actions beside tag:TagResources, and most services name them one of a
few ways. Reads botocore's data files (cached); never calls AWS."""

from __future__ import annotations

import functools

import botocore.session
from botocore.exceptions import UnknownServiceError

# In order of preference: a service with TagResource and AddTags (e.g. both old and new APIs)
# is tagged through TagResource by the tagging API.
SET_NAMES = (
    "TagResource",
    "TagResources",
    "AddTagsToResource",
    "AddTags",
    "CreateTags",
    "CreateOrUpdateTags",
    "AddTagsToStream",
    "ChangeTagsForResource",  # Route 53: one call adds and removes
)
UNSET_NAMES = (
    "UntagResource",
    "UntagResources",
    "RemoveTagsFromResource",
    "RemoveTags",
    "DeleteTags",
    "RemoveTagsFromStream",
    "ChangeTagsForResource",
)


@functools.cache
def operation_names(service: str) -> frozenset[str]:
    """The operations botocore's model of `service` has; empty for a service it lacks."""
    try:
        model = botocore.session.get_session().get_service_model(service)
    except UnknownServiceError:
        return frozenset()
    return frozenset(model.operation_names)


def own_tag_operations(service: str) -> tuple[str, str] | None:
    """The service's own (set, unset) tagging operations, or None when its model names none
    of the usual ways."""
    names = operation_names(service)
    set_op = next((n for n in SET_NAMES if n in names), None)
    unset_op = next((n for n in UNSET_NAMES if n in names), None)
    if set_op and unset_op:
        return set_op, unset_op
    # One pair named for the thing it tags (ACM PCA's TagCertificateAuthority, Glacier's
    # AddTagsToVault).
    sets = sorted(n for n in names if _named(n, ("Tag", "AddTagsTo")))
    unsets = sorted(n for n in names if _named(n, ("Untag", "RemoveTagsFrom")))
    return (sets[0], unsets[0]) if len(sets) == len(unsets) == 1 else None


def _named(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name.startswith(p) and name[len(p) : len(p) + 1].isupper() for p in prefixes)
