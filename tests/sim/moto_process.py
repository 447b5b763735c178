"""moto's server in a process of its own, so that it does not share a GIL with the proxy in
front of it (AWS's servers do not share a CPU with their callers either).

    python -m tests.sim.moto_process      # prints {"endpoint": "http://127.0.0.1:PORT"}

It serves until its standard input closes. `MotoProcess` starts and stops one.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from estate.demo.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]


class MotoProcess:
    """A child process serving moto on a free loopback port, as a context manager."""

    def __init__(self) -> None:
        self._child: subprocess.Popen[str] | None = None
        self.endpoint_url = ""

    def __enter__(self) -> MotoProcess:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self._child = subprocess.Popen(
            [sys.executable, "-m", "tests.sim.moto_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self._child.stdout is not None
        line = self._child.stdout.readline()
        if not line:
            raise RuntimeError("moto server process exited before it was ready")
        self.endpoint_url = json.loads(line)["endpoint"]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (Linux /proc)."""
        if self._child is None:
            return 0.0
        fields = Path(f"/proc/{self._child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def index_ec2_tag_lookups() -> None:
    """Make moto find an EC2 resource's tags by its id instead of by scanning every tag of the
    region through regular expressions: moto renders each resource's tags that way, so a
    DescribeVolumes of N tagged volumes costs O(N²) and a benchmark measured moto, not estate.
    The answer is the same: moto's resource-id filter on an exact id matches only that id."""
    from moto.ec2.models.core import TaggedEC2Resource
    from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix

    def get_tags(self: Any) -> list[dict[str, str]]:
        if not self.id:
            return []
        kind = EC2_PREFIX_TO_RESOURCE.get(get_prefix(self.id), "")
        tags = self.ec2_backend.tags.get(self.id, {})
        return [
            {"resource_id": self.id, "key": k, "value": v, "resource_type": kind}
            for k, v in tags.items()
        ]

    TaggedEC2Resource.get_tags = get_tags  # type: ignore[method-assign]


def page_volume_descriptions() -> None:
    """Make moto answer DescribeVolumes a page at a time when asked to, as AWS does: at most
    MaxResults (5 to 500) volumes and a NextToken while more remain. moto 5.2 ignores both and
    renders every volume of a region in one answer, which for the 100,000-resource benchmark
    (~7,300 volumes a region) outlasted botocore's read timeout. Without MaxResults AWS returns
    everything, and so does this. Pages are cut by moto's own Paginator, whose token names the
    first volume of the next page (so a token dies with that volume: an error, never a gap)."""
    from moto.core.exceptions import InvalidToken
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import (
        EC2ClientError,
        InvalidParameterCombination,
        InvalidParameterValue,
    )
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore
    from moto.utilities.paginator import Paginator

    def describe_volumes(self: Any) -> ActionResult:
        filters = self._filters_from_querystring()
        volume_ids = self._get_param("VolumeIds", [])
        limit = self._get_int_param("MaxResults")
        token = self._get_param("NextToken")
        if volume_ids and limit is not None:  # AWS's words (aws/aws-cli#1976)
            raise InvalidParameterCombination(
                "The parameter volumeSet cannot be used with the parameter maxResults"
            )
        if limit is not None and limit < 5:
            raise InvalidParameterValue(
                f"Value ( {limit} ) for parameter maxResults is invalid. "
                "Expecting a value greater than 5."
            )
        volumes = self.ec2_backend.describe_volumes(volume_ids=volume_ids, filters=filters)
        if limit is None and token is None:
            return ActionResult({"Volumes": volumes})
        try:
            page, next_token = Paginator(
                max_results=min(limit, 500) if limit is not None else max(len(volumes), 1),
                starting_token=token,
                unique_attribute="id",
                param_values_to_check={"volume_ids": volume_ids, "filters": filters},
            ).paginate(volumes)
        except InvalidToken:
            raise EC2ClientError(
                "InvalidPaginationToken", "The specified pagination token is not valid."
            ) from None
        return ActionResult({"Volumes": page, "NextToken": next_token})

    ElasticBlockStore.describe_volumes = describe_volumes  # type: ignore[method-assign]


def remember_request_routing() -> None:
    """Make moto's server stop re-reading two things that never change while it serves: on
    every request it lists its own package directory (174 stat calls, under the lock all
    requests share) to route the request, and lists its response class's methods through
    inspect.getmembers to dispatch it. Together ~2.7 ms of the ~5 ms a CreateVolume costs it;
    generating the benchmark's estate takes a third less of moto's CPU without them. Called
    after the other patches, so the remembered method names are the final ones; the answers
    are the same."""
    import moto.backends
    import moto.core.responses

    modules = tuple(moto.backends.list_of_moto_modules())
    moto.backends.list_of_moto_modules = lambda: modules
    moto.core.responses.method_names_from_class = functools.cache(  # type: ignore[assignment]
        moto.core.responses.method_names_from_class
    )


def copy_tags_across_accounts() -> None:
    """Make moto's CopyObject give the copy the source object's tags when the copy is made by
    another account, as S3 does (TaggingDirective COPY, the default). moto keeps object tags
    per account and looks the source's up among the copying account's, so a cross-account
    copy arrived without its tags (the emulator's bug: S3 copies the object's tags, the
    copier needing s3:GetObjectTagging on the source), and `estate s3 copy --tags auto` never
    saw S3 copy them. The tags are those the source bucket's owner reads; TaggingDirective
    REPLACE still replaces them (moto sets those after this)."""
    from moto.s3.models import FakeKey, S3Backend, s3_backends

    copy_object = S3Backend.copy_object

    def copy_with_tags(
        self: S3Backend, src_key: FakeKey, dest_bucket_name: str, dest_key_name: str, **kw: Any
    ) -> None:
        copy_object(self, src_key, dest_bucket_name, dest_key_name, **kw)
        partition, owner = s3_backends.bucket_accounts.get(src_key.bucket_name, ("", ""))
        if not owner or owner == self.account_id:
            return  # moto copied them (or there is no source bucket to read them from)
        tags = s3_backends[owner][partition].tagger.list_tags_for_resource(src_key.arn)["Tags"]
        copy = self.get_object(dest_bucket_name, dest_key_name)
        assert copy is not None
        self.tagger.delete_all_tags_for_resource(copy.arn)  # a key overwritten keeps none
        if tags:
            self.tagger.tag_resource(copy.arn, tags)

    S3Backend.copy_object = copy_with_tags  # type: ignore[method-assign]


def main() -> int:
    index_ec2_tag_lookups()
    page_volume_descriptions()
    copy_tags_across_accounts()
    remember_request_routing()
    with Emulator() as emulator:
        print(json.dumps({"endpoint": emulator.endpoint_url}), flush=True)
        sys.stdin.read()  # serve until the parent closes our input
    return 0


if __name__ == "__main__":
    sys.exit(main())
