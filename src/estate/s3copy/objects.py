"""Copying one object server-side: CopyObject, or a multipart upload of UploadPartCopy parts
that carries every property CopyObject would have kept. Everything here does I/O.

A multipart copy saves its upload id (and the parts done) through `save` as it goes, so a
copy killed halfway resumes the same upload, or aborts it when it cannot be resumed: an
upload is never left behind by a copy that ran to its end, failed or not.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from estate.aws.errors import ErrorKind, classify, describe, error_code
from estate.errors import EstateError
from estate.s3copy.plan import (
    Listed,
    choose_part_size,
    completed_parts,
    copy_object_params,
    create_multipart_params,
    is_multipart_etag,
    mirrored_part_size,
    part_ranges,
    parts_in_etag,
    range_header,
    same_content,
    tags_from,
)
from estate.s3copy.route import Route
from estate.s3copy.tagmode import TagChooser, TagDecision, judge, refused
from estate.s3copy.tagmode import describe as describe_tags

log = logging.getLogger(__name__)

Save = Callable[[dict[str, Any] | None], None]
Progress = Callable[[int], None]  # bytes just copied


class ObjectFailed(EstateError):
    """One object could not be copied; the message says why and what to do."""


class SourceGone(EstateError):
    """The source object was deleted after it was listed: nothing to copy."""


@dataclass(frozen=True)
class Copied:
    how: str  # "copy" | "multipart" | "present" (found identical at the destination)
    etag: str
    version_id: str | None = None  # of the copy, in a versioned destination


def explain(exc: BaseException, route: Route, key: str) -> str:
    """A failed call as the user needs to read it."""
    spec = route.spec
    code = error_code(exc)
    if isinstance(exc, ClientError) and classify(exc) == ErrorKind.DENIED:
        op = getattr(exc, "operation_name", "")
        if op in ("CopyObject", "UploadPartCopy"):
            return (
                f"{describe(exc)}: account {spec.destination.account} cannot read "
                f"s3://{spec.source.bucket}/{key} or write s3://{spec.destination.bucket}; "
                f"let it read the source with: estate s3 grant s3://{spec.source.bucket} "
                f"--to-account {spec.destination.account}"
            )
    if code in ("PreconditionFailed", "412"):
        return f"{describe(exc)}: the source object changed after it was listed; copy again"
    if code == "InvalidObjectState":
        return f"{describe(exc)}: the source object is archived; restore it before copying"
    return describe(exc)


def read_tags(route: Route, key: str) -> dict[str, str]:
    """The source object's tags, read by the source account (tags are its to read)."""
    try:
        answer = route.src_call("GetObjectTagging", Bucket=route.spec.source.bucket, Key=key)
    except ClientError as exc:
        if error_code(exc) in ("NoSuchKey", "404"):
            raise SourceGone(key) from exc
        raise
    return tags_from(answer.get("TagSet", []))


def head(route: Route, side: str, bucket: str, key: str, **extra: Any) -> dict[str, Any] | None:
    """HeadObject on one side ("src" or "dst"), with checksums; None when there is no object."""
    call = route.src_call if side == "src" else route.dst_call
    try:
        return call("HeadObject", Bucket=bucket, Key=key, ChecksumMode="ENABLED", **extra)
    except ClientError as exc:
        if error_code(exc) in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def destination_matches(route: Route, obj: Listed, dst_key: str) -> bool:
    """Whether the destination already holds this object's content (same size, and the same
    ETag or full-object checksum)."""
    spec = route.spec
    dst = head(route, "dst", spec.destination.bucket, dst_key)
    if dst is None or dst.get("ContentLength") != obj.size:
        return False
    if dst.get("ETag") == obj.etag:
        return True
    src = head(route, "src", spec.source.bucket, obj.key)
    if src is None:
        raise SourceGone(obj.key)
    return same_content(src, dst) is True


def copy_single(
    route: Route,
    obj: Listed,
    dst_key: str,
    tags: TagChooser | None = None,
    note: Save = lambda record: None,
) -> Copied:
    """CopyObject: content headers and metadata copied by S3; tags copied by S3 when `tags`
    says it does (same account, `--tags copy`, or a check found it does), else read with the
    source's credentials and given (another account's CopyObject cannot always see them).
    While `--tags auto` is undecided, one tagged object at a time is the check (probe_tags);
    `note` records that on the object's item first."""
    chooser = tags or TagChooser(route.spec.options.tags, route.spec.same_account)
    if chooser.s3_copies():
        return copy_object(route, obj, dst_key, None)
    source_tags = read_tags(route, obj.key)
    if source_tags and chooser.claim():
        try:
            note({"tag_probe": True})
            copied, decision = probe_tags(route, obj, dst_key, source_tags)
        except BaseException:
            chooser.release()
            raise
        chooser.settle(decision)
        note(None)
        return copied
    return copy_object(route, obj, dst_key, source_tags)


def copy_object(route: Route, obj: Listed, dst_key: str, tags: dict[str, str] | None) -> Copied:
    """One CopyObject, with `tags` (TaggingDirective REPLACE) or letting S3 copy them (None)."""
    spec = route.spec
    params = copy_object_params(
        spec.source.bucket, obj, spec.destination.bucket, dst_key, tags, spec.options.overrides
    )
    try:
        answer = route.dst_call("CopyObject", **params)
    except ClientError as exc:
        if error_code(exc) in ("NoSuchKey", "404"):
            raise SourceGone(obj.key) from exc
        raise ObjectFailed(explain(exc, route, obj.key)) from exc
    etag = answer.get("CopyObjectResult", {}).get("ETag", "")
    if _etag_should_match(route, obj) and etag != obj.etag:
        raise ObjectFailed(
            f"the copy's ETag {etag} differs from the listed source's {obj.etag}: the source "
            "changed after it was listed (or the copy is damaged); copy again"
        )
    return Copied("copy", etag, answer.get("VersionId"))


def probe_tags(
    route: Route, obj: Listed, dst_key: str, source_tags: dict[str, str]
) -> tuple[Copied, TagDecision]:
    """Copy an object that has tags with TaggingDirective COPY and read the copy's tags back
    with the destination's credentials: the source's tags mean S3 copies them. When it does
    not (other tags, or either call refused), this copy gets the source's tags the read way,
    so nothing is lost either way. Raises (deciding nothing) when the copy itself fails."""
    try:
        copied = copy_object(route, obj, dst_key, None)
    except ObjectFailed as exc:
        code = _denied(exc.__cause__)
        if code is None:
            raise
        # refused with its tags (or altogether: then this fails too, and nothing is decided)
        return copy_object(route, obj, dst_key, source_tags), refused(obj.key, "CopyObject", code)
    version = {"VersionId": copied.version_id} if copied.version_id else {}
    where = {"Bucket": route.spec.destination.bucket, "Key": dst_key, **version}
    try:
        answer = route.dst_call("GetObjectTagging", **where)
    except ClientError as exc:
        code = _denied(exc)
        if code is None:
            raise
        decision = refused(obj.key, "GetObjectTagging", code)
    else:
        decision = judge(obj.key, source_tags, tags_from(answer.get("TagSet", [])))
    if decision.mode == "read":
        put_tags(route, where, source_tags)
    log.info("tags of %s: %s", obj.key, describe_tags("auto", False, decision))
    return copied, decision


def restore_tags(route: Route, obj: Listed, dst_key: str) -> None:
    """Give a copy its source's tags (read by the source): the end of a check that a crash cut
    short after the copy was made."""
    where = {"Bucket": route.spec.destination.bucket, "Key": dst_key}
    put_tags(route, where, read_tags(route, obj.key))


def put_tags(route: Route, where: dict[str, Any], tags: dict[str, str]) -> None:
    """PutObjectTagging on the destination (an object version when `where` names one)."""
    tag_set = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    try:
        route.dst_call("PutObjectTagging", **where, Tagging={"TagSet": tag_set})
    except ClientError as exc:
        raise ObjectFailed(f"tagging the copy: {describe(exc)}") from exc


def _denied(exc: BaseException | None) -> str | None:
    """The error code of an access refusal; None for anything else."""
    if isinstance(exc, ClientError) and classify(exc) == ErrorKind.DENIED:
        return error_code(exc) or "AccessDenied"
    return None


def _etag_should_match(route: Route, obj: Listed) -> bool:
    """A single-part copy of a single-part object keeps its MD5 ETag unless encryption with a
    KMS key is involved (then ETags are not MD5s and the checksum tells)."""
    return not route.spec.options.overrides.sse_kms_key_id and not is_multipart_etag(obj.etag)


class MultipartCopy:
    """A multipart copy of one object, its parts sent through `pool`."""

    def __init__(
        self,
        route: Route,
        obj: Listed,
        dst_key: str,
        pool: Executor,
        save: Save,
        progress: Progress,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.route = route
        self.obj = obj
        self.dst_key = dst_key
        self.pool = pool
        self.save = save
        self.progress = progress
        self.clock = clock
        self.upload_id: str | None = None
        self.part_size = 0
        self.parts: dict[int, dict[str, Any]] = {}
        self._lock = threading.Lock()

    # -- the journal of the upload -----------------------------------------------------------

    def _record(self) -> dict[str, Any]:
        return {
            "upload_id": self.upload_id,
            "part_size": self.part_size,
            "parts": {str(n): p for n, p in sorted(self.parts.items())},
        }

    def _save(self) -> None:
        with self._lock:
            record = self._record()
        self.save(record)

    # -- the copy ----------------------------------------------------------------------------

    def run(self, saved: dict[str, Any] | None) -> Copied:
        """Copy the object, continuing the upload `saved` records (if any). Whatever fails,
        the upload (this one or the saved one) is aborted before the error is raised."""
        try:
            return self._run(saved)
        except BaseException:
            if self.upload_id is not None:
                self.abort()
            elif saved:
                try:
                    abort_saved(self.route, self.dst_key, saved)
                    self.save(None)
                except Exception as exc:  # still on record: the next resume aborts it
                    log.warning("could not abort the upload of %s: %s", self.dst_key, describe(exc))
            raise

    def _run(self, saved: dict[str, Any] | None) -> Copied:
        spec = self.route.spec
        src_bucket, key = spec.source.bucket, self.obj.key
        src_head = head(self.route, "src", src_bucket, key, IfMatch=self.obj.etag)
        if src_head is None:
            raise SourceGone(key)
        mirrored = None
        if parts_in_etag(self.obj.etag):
            # the first part's size, to copy with the source's own layout (and keep its ETag);
            # no IfMatch: moto compares it with the part's ETag. CopySourceIfMatch on every
            # part keeps the copy to the version that was listed.
            first = head(self.route, "src", src_bucket, key, PartNumber=1)
            if first is not None:
                mirrored = mirrored_part_size(
                    self.obj.size, first.get("PartsCount"), first.get("ContentLength")
                )
        tags = read_tags(self.route, key)
        wanted = mirrored or choose_part_size(self.obj.size, spec.options.part_size)
        if saved and saved.get("upload_id"):
            self._resume(saved, wanted)
        elif saved and saved.get("initiating"):
            abort_orphans(self.route, self.dst_key)
        if self.upload_id is None:
            self._create(src_head, tags, wanted, mirrored is not None)
        self._copy_parts()
        return self._complete(mirrored is not None)

    def _resume(self, saved: dict[str, Any], wanted: int) -> None:
        """Continue a saved upload when it still exists and was cut the same way; else abort
        it. The parts S3 lists are the truth, the saved ones only a hint."""
        upload_id = saved["upload_id"]
        if int(saved.get("part_size", 0)) != wanted:
            self._abort_id(upload_id)
            return
        try:
            listed = self._list_parts(upload_id)
        except ClientError as exc:
            if error_code(exc) == "NoSuchUpload":
                return
            raise
        ranges = part_ranges(self.obj.size, wanted)
        self.upload_id, self.part_size = upload_id, wanted
        for part in listed:
            number = part["PartNumber"]
            first, last = ranges[number - 1] if number <= len(ranges) else (0, -2)
            if part.get("Size") == last - first + 1:
                self.parts[number] = {"ETag": part["ETag"]} | {
                    k: v for k, v in part.items() if k.startswith("Checksum")
                }
        log.info("resuming upload of %s: %d parts done", self.dst_key, len(self.parts))

    def _list_parts(self, upload_id: str) -> list[dict[str, Any]]:
        spec = self.route.spec
        parts: list[dict[str, Any]] = []
        marker = 0
        while True:
            answer = self.route.dst_call(
                "ListParts",
                Bucket=spec.destination.bucket,
                Key=self.dst_key,
                UploadId=upload_id,
                PartNumberMarker=marker,
            )
            parts.extend(answer.get("Parts", []))
            if not answer.get("IsTruncated"):
                return parts
            marker = int(answer["NextPartNumberMarker"])

    def _create(
        self, src_head: dict[str, Any], tags: dict[str, str], part_size: int, mirrored: bool
    ) -> None:
        spec = self.route.spec
        params = create_multipart_params(
            src_head,
            self.obj,
            spec.destination.bucket,
            self.dst_key,
            tags,
            spec.options.overrides,
            mirrored,
        )
        # Said before asking: a crash between the answer and its record leaves an upload
        # that a resume finds by key and time (see abort_orphans).
        self.save({"initiating": self.clock(), "part_size": part_size})
        answer = self.route.dst_call("CreateMultipartUpload", **params)
        self.upload_id, self.part_size, self.parts = answer["UploadId"], part_size, {}
        self._save()

    def _copy_parts(self) -> None:
        spec = self.route.spec
        source = {"Bucket": spec.source.bucket, "Key": self.obj.key}
        ranges = part_ranges(self.obj.size, self.part_size)
        futures: list[Future[None]] = []

        def copy_part(number: int, first: int, last: int) -> None:
            try:
                answer = self.route.dst_call(
                    "UploadPartCopy",
                    Bucket=spec.destination.bucket,
                    Key=self.dst_key,
                    UploadId=self.upload_id,
                    PartNumber=number,
                    CopySource=source,
                    CopySourceIfMatch=self.obj.etag,
                    CopySourceRange=range_header(first, last),
                )
            except ClientError as exc:
                raise ObjectFailed(explain(exc, self.route, self.obj.key)) from exc
            result = answer.get("CopyPartResult", {})
            with self._lock:
                self.parts[number] = {"ETag": result["ETag"]} | {
                    k: v for k, v in result.items() if k.startswith("Checksum")
                }
            self._save()
            self.progress(last - first + 1)

        for number, (first, last) in enumerate(ranges, 1):
            if number in self.parts:
                self.progress(last - first + 1)
                continue
            futures.append(self.pool.submit(copy_part, number, first, last))
        errors = [f.exception() for f in futures]
        failed = [e for e in errors if e is not None]
        if failed:
            raise failed[0]

    def _complete(self, mirrored: bool) -> Copied:
        spec = self.route.spec
        try:
            answer = self.route.dst_call(
                "CompleteMultipartUpload",
                Bucket=spec.destination.bucket,
                Key=self.dst_key,
                UploadId=self.upload_id,
                MultipartUpload={"Parts": completed_parts(self.parts)},
            )
        except ClientError as exc:
            raise ObjectFailed(explain(exc, self.route, self.obj.key)) from exc
        self.upload_id = None
        self.save(None)
        etag = answer.get("ETag", "")
        if mirrored and _etag_should_match(self.route, self.obj) and etag != self.obj.etag:
            log.info("copy of %s has ETag %s, source %s", self.obj.key, etag, self.obj.etag)
        return Copied("multipart", etag)

    def abort(self) -> None:
        """Abort the upload (best effort: a resume aborts what is left on record)."""
        if self.upload_id is None:
            return
        try:
            self._abort_id(self.upload_id)
        except Exception as exc:  # the saved record lets a resume abort it
            log.warning("could not abort the upload of %s: %s", self.dst_key, describe(exc))
            return
        self.upload_id = None
        self.save(None)

    def _abort_id(self, upload_id: str) -> None:
        abort_saved(self.route, self.dst_key, {"upload_id": upload_id})
        log.info("aborted upload %s of %s", upload_id, self.dst_key)


def abort_saved(route: Route, dst_key: str, saved: dict[str, Any]) -> None:
    """Abort the upload a saved record names (or may have begun)."""
    spec = route.spec
    if saved.get("upload_id"):
        try:
            route.dst_call(
                "AbortMultipartUpload",
                Bucket=spec.destination.bucket,
                Key=dst_key,
                UploadId=saved["upload_id"],
            )
        except ClientError as exc:
            if error_code(exc) != "NoSuchUpload":
                raise
    elif saved.get("initiating"):
        abort_orphans(route, dst_key)


def abort_orphans(route: Route, dst_key: str) -> int:
    """Abort the unfinished uploads of `dst_key`: what a copy killed between
    CreateMultipartUpload and recording its id left. (Every one of them, not only those begun
    after the record: an upload's Initiated time cannot be trusted everywhere, moto's is
    fixed, and this copy is about to overwrite the key anyway.)"""
    spec = route.spec
    aborted = 0
    params: dict[str, Any] = {"Bucket": spec.destination.bucket, "Prefix": dst_key}
    while True:
        answer = route.dst_call("ListMultipartUploads", **params)
        for upload in answer.get("Uploads", []):
            if upload.get("Key") != dst_key:
                continue
            abort_saved(route, dst_key, {"upload_id": upload["UploadId"]})
            aborted += 1
        if not answer.get("IsTruncated"):
            return aborted
        params.update(
            KeyMarker=answer.get("NextKeyMarker"), UploadIdMarker=answer.get("NextUploadIdMarker")
        )
