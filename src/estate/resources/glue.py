"""Glue jobs, crawlers and Data Catalog databases (regional). Tables are left out: a catalog
can hold millions, and each is a schema more than an inventory item.

Tags are not collected yet: GetTags needs the item's ARN, which no Glue answer carries (it is
built from the template, after the details are fetched). A job's or crawler's Role is a name
or an ARN; only an ARN becomes an edge (iam:role has no template).
"""

from __future__ import annotations

from estate.resources.spec import Relation, ResourceSpec

_ARN = "arn:{partition}:glue:{region}:{account}:"

JOB = ResourceSpec(
    type="glue:job",
    service="glue",
    operation="GetJobs",
    items="Jobs",
    id="Name",
    name="Name",
    arn_template=_ARN + "job/{id}",
    tags=None,
    taggable=False,
    params={"MaxResults": 1000},
    unordered=("Connections.Connections",),
    relations=(Relation("role", "iam:role", "Role"),),
)

DATABASE = ResourceSpec(
    type="glue:database",
    service="glue",
    operation="GetDatabases",
    items="DatabaseList",
    id="Name",
    name="Name",
    owner="CatalogId",  # the default: this account's own catalog, no shared databases
    arn_template=_ARN + "database/{id}",
    tags=None,
    taggable=False,
    params={"MaxResults": 100},
    unordered=("CreateTableDefaultPermissions",),
)

CRAWLER = ResourceSpec(
    type="glue:crawler",
    service="glue",
    operation="GetCrawlers",
    items="Crawlers",
    id="Name",
    name="Name",
    arn_template=_ARN + "crawler/{id}",
    tags=None,
    taggable=False,
    params={"MaxResults": 1000},
    # Move with every run (and its schedule), the crawler's configuration unchanged.
    volatile=("State", "CrawlElapsedTime", "LastCrawl"),
    unordered=("Classifiers", "Targets.S3Targets", "Targets.JdbcTargets"),
    relations=(
        Relation("role", "iam:role", "Role"),
        Relation("database", "glue:database", "DatabaseName"),
    ),
)

SPECS = (JOB, DATABASE, CRAWLER)
