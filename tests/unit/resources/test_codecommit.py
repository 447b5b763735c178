from __future__ import annotations

import copy
import datetime as dt

from estate.inventory.normalize import normalize_resource
from estate.resources.codecommit import REPOSITORY
from estate.resources.registry import REGISTRY
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"
ARN = f"arn:aws:codecommit:{REGION}:{ACCOUNT}:infra"
KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
METADATA = {
    "accountId": ACCOUNT,
    "repositoryId": "f7579e13-b83e-4027-aaef-650c0EXAMPLE",
    "repositoryName": "infra",
    "defaultBranch": "main",
    "lastModifiedDate": dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    "creationDate": dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
    "cloneUrlHttp": f"https://git-codecommit.{REGION}.amazonaws.com/v1/repos/infra",
    "Arn": ARN,
    "kmsKeyId": KEY,
}


def _answers(stubber: object) -> None:
    # moto 5.2 lacks ListRepositories.
    stubber.add_response(  # type: ignore[attr-defined]
        "list_repositories",
        {"repositories": [{"repositoryName": "infra", "repositoryId": METADATA["repositoryId"]}]},
        {},
    )
    stubber.add_response(  # type: ignore[attr-defined]
        "get_repository", {"repositoryMetadata": METADATA}, {"repositoryName": "infra"}
    )
    stubber.add_response(  # type: ignore[attr-defined]
        "list_tags_for_resource", {"tags": {"team": "platform"}}, {"resourceArn": ARN}
    )


def test_repository() -> None:
    with stubbed("codecommit", REGION) as (session, stubber):
        _answers(stubber)
        repo = collect_resources(REPOSITORY, session, REGION)["infra"]

    assert repo.name == "infra"
    assert repo.region == REGION and repo.account == ACCOUNT
    assert repo.arn == ARN
    assert repo.tags == {"team": "platform"}
    # The answer names the key by id: an edge once kms:key (another module) has its template.
    template = REGISTRY["kms:key"].arn_template if "kms:key" in REGISTRY else None
    key = (
        template.format(partition="aws", region=REGION, account=ACCOUNT, id=KEY)
        if template
        else None
    )
    assert repo.relations == ([{"kind": "kms-key", "type": "kms:key", "arn": key}] if key else [])


def test_a_push_does_not_change_the_hash() -> None:
    with stubbed("codecommit", REGION) as (session, stubber):
        _answers(stubber)
        (raw,) = [
            item for page in collect_pages(REPOSITORY, session, REGION) for item in page.items
        ]
    pushed = copy.deepcopy(raw.data)
    pushed["Repository"]["lastModifiedDate"] = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)

    assert (
        normalize_resource(REPOSITORY, ACCOUNT, REGION, pushed).hash
        == normalize_resource(REPOSITORY, ACCOUNT, REGION, raw.data).hash
    )
