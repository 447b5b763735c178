"""WAFv2 web ACLs, IP sets and rule groups of the REGIONAL scope (ALB, API Gateway, AppSync,
Cognito...); CloudFront's scope lives in us-east-1 only and is left for later. botocore
has no paginator for the List calls: they page with NextMarker and Limit. The Get call of
each item gives its full config, ListTagsForResource its tags."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

SCOPE = "REGIONAL"
_PAGING = {"input_token": "NextMarker", "output_token": "NextMarker", "limit_key": "Limit"}


def _get(operation: str, into: str) -> Detail:
    return Detail(
        operation, {"Name": "Name", "Id": "Id"}, into=into, result=into, constants={"Scope": SCOPE}
    )


# Tags come up to 100 a page: the 50 an item can have fit in one.
_TAGS = Detail(
    "ListTagsForResource", {"ResourceARN": "ARN"}, into="Tags", result="TagInfoForResource.TagList"
)


def _statement_relations(rules: str) -> tuple[Relation, ...]:
    """Edges to the IP sets and rule groups that top-level rule statements reference."""
    return (
        Relation("ip-set", "wafv2:ip-set", f"{rules}[].Statement.IPSetReferenceStatement.ARN"),
        Relation(
            "rule-group", "wafv2:rule-group", f"{rules}[].Statement.RuleGroupReferenceStatement.ARN"
        ),
    )


def _spec(
    kind: str, operation: str, items: str, get: str, into: str, **extra: object
) -> ResourceSpec:
    return ResourceSpec(
        type=f"wafv2:{kind}",
        service="wafv2",
        operation=operation,
        items=items,
        # Names are unique per scope and region, but a re-created item keeps its name only.
        id="Id",
        name="Name",
        arn="ARN",
        params={"Scope": SCOPE, "Limit": 100},
        paginator=_PAGING,
        details=(_get(get, into), _TAGS),
        # A new token with every update, of this item or (for a web ACL) of nothing else.
        volatile=("LockToken",),
        **extra,  # type: ignore[arg-type]
    )


WEB_ACL = _spec(
    "web-acl",
    "ListWebACLs",
    "WebACLs",
    "GetWebACL",
    "WebACL",
    relations=_statement_relations("WebACL.Rules"),
)

IP_SET = _spec(
    "ip-set", "ListIPSets", "IPSets", "GetIPSet", "IPSet", unordered=("IPSet.Addresses",)
)

RULE_GROUP = _spec(
    "rule-group",
    "ListRuleGroups",
    "RuleGroups",
    "GetRuleGroup",
    "RuleGroup",
    relations=_statement_relations("RuleGroup.Rules")[:1],
)

SPECS = (WEB_ACL, IP_SET, RULE_GROUP)

# Types without an ARN template, and why the answer always gives the ARN (the meta-test).
ARN_ONLY_FROM_ANSWER = {
    "wafv2:web-acl": "the ARN holds both name and id (regional/webacl/<name>/<id>)",
    "wafv2:ip-set": "the ARN holds both name and id (regional/ipset/<name>/<id>)",
    "wafv2:rule-group": "the ARN holds both name and id (regional/rulegroup/<name>/<id>)",
}
