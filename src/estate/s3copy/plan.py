"""What a copy does, decided without I/O: which objects to copy or skip, how to cut a large one
into parts, and which properties each request carries over. Everything here is pure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote, urlencode

MiB = 1024**2
GiB = 1024**3
MIN_PART = 5 * MiB  # every part but the last
MAX_PART = 5 * GiB
MAX_PARTS = 10_000
MAX_COPY_OBJECT = 5 * GiB  # CopyObject's limit; above it only UploadPartCopy works
DEFAULT_THRESHOLD = 1 * GiB
DEFAULT_PART_SIZE = 512 * MiB

# Properties S3 keeps per object besides the data, as HeadObject / CreateMultipartUpload name
# them. A multipart copy starts with none of them: CreateMultipartUpload must be given each.
CONTENT_HEADERS = (
    "ContentType",
    "CacheControl",
    "ContentDisposition",
    "ContentEncoding",
    "ContentLanguage",
    "Expires",
    "WebsiteRedirectLocation",
)
# Full-object checksums S3 may hold, strongest first.
CHECKSUMS = ("CRC64NVME", "CRC32C", "CRC32", "SHA256", "SHA1")
CRC_CHECKSUMS = frozenset({"CRC64NVME", "CRC32C", "CRC32"})

Decision = Literal["copy", "skip", "check"]


@dataclass(frozen=True)
class Listed:
    """An object as ListObjectsV2 shows it."""

    key: str
    size: int
    etag: str
    storage_class: str = "STANDARD"
    checksums: tuple[str, ...] = ()  # algorithms
    checksum_type: str | None = None

    @classmethod
    def from_listing(cls, entry: Mapping[str, Any]) -> Listed:
        return cls(
            key=entry["Key"],
            size=int(entry.get("Size", 0)),
            etag=entry.get("ETag", ""),
            storage_class=entry.get("StorageClass") or "STANDARD",
            checksums=tuple(entry.get("ChecksumAlgorithm") or ()),
            checksum_type=entry.get("ChecksumType"),
        )


@dataclass(frozen=True)
class Overrides:
    """What the user asked to change on the way (else everything is carried over)."""

    storage_class: str | None = None
    sse_kms_key_id: str | None = None
    acl: str | None = None  # only "bucket-owner-full-control" works on buckets that own objects


TAG_MODES = ("auto", "read", "copy")


@dataclass(frozen=True)
class CopyOptions:
    multipart_threshold: int = DEFAULT_THRESHOLD
    part_size: int = DEFAULT_PART_SIZE
    overrides: Overrides = field(default_factory=Overrides)
    # "read": each object's tags read with the source's credentials and set on the copy
    # (works wherever the copy itself cannot see them); "copy": S3 copies them with the
    # object (TaggingDirective COPY), one request less per object; "auto": read until one
    # object shows whether S3 copies them (see tagmode.py)
    tags: str = "auto"


# --- keys and listings ----------------------------------------------------------------------


def dest_key(src_key: str, src_prefix: str, dst_prefix: str) -> str:
    """Where a source key lands: its path below the source prefix, under the destination's."""
    if not src_key.startswith(src_prefix):
        raise ValueError(f"{src_key!r} is not under {src_prefix!r}")
    return dst_prefix + src_key[len(src_prefix) :]


def is_multipart_etag(etag: str) -> bool:
    return "-" in etag.strip('"')


def parts_in_etag(etag: str) -> int | None:
    """N of a multipart ETag "…-N"; None for a single-part one."""
    _, dash, count = etag.strip('"').rpartition("-")
    return int(count) if dash and count.isdigit() else None


def decide(src: Listed, dst: Listed | None) -> Decision:
    """copy, skip (the destination holds the same content) or check (sizes match and both
    carry a checksum of the same kind: compare them with HeadObject before deciding)."""
    if dst is None or dst.size != src.size:
        return "copy"
    if dst.etag == src.etag:
        return "skip"
    if set(src.checksums) & set(dst.checksums):
        return "check"
    return "copy"


def plan_page(
    page: Sequence[Listed], destination: Mapping[str, Listed], src_prefix: str, dst_prefix: str
) -> list[tuple[Listed, str, Decision]]:
    """(object, its destination key, what to do) for one page of the source listing, given the
    destination objects in the same key range. Keys that map to nothing (the source prefix's
    own folder marker copied to a bucket's root) are left out."""
    out: list[tuple[Listed, str, Decision]] = []
    for obj in page:
        key = dest_key(obj.key, src_prefix, dst_prefix)
        if key:
            out.append((obj, key, decide(obj, destination.get(key))))
    return out


# --- parts ----------------------------------------------------------------------------------


def uses_multipart(size: int, etag: str, threshold: int) -> bool:
    """Multipart above the threshold (always above 5 GiB), and for objects that were uploaded
    in parts: copying them with the same parts keeps their ETag."""
    if size == 0:
        return False
    return size > min(threshold, MAX_COPY_OBJECT) or is_multipart_etag(etag)


def mirrored_part_size(size: int, parts: int | None, first_part: int | None) -> int | None:
    """The source's own part size when its layout is the regular one (every part the size of
    the first, the last no larger) and valid for a copy; else None."""
    if not parts or not first_part or parts > MAX_PARTS:
        return None
    if parts == 1:
        return first_part if first_part == size else None
    if not MIN_PART <= first_part <= MAX_PART:
        return None
    if (parts - 1) * first_part < size <= parts * first_part:
        return first_part
    return None


def choose_part_size(size: int, preferred: int) -> int:
    """The preferred part size, raised (to whole MiB) as needed to stay within 10,000 parts,
    and within S3's 5 MiB - 5 GiB."""
    part = max(MIN_PART, min(preferred, MAX_PART))
    if math.ceil(size / part) > MAX_PARTS:
        part = math.ceil(size / MAX_PARTS / MiB) * MiB
    if part > MAX_PART:
        raise ValueError(f"an object of {size} bytes cannot be copied in {MAX_PARTS} parts")
    return part


def part_ranges(size: int, part_size: int) -> list[tuple[int, int]]:
    """Inclusive byte ranges [(first, last), …] covering 0..size-1 with no gap or overlap."""
    if size <= 0:
        return []
    return [(start, min(size, start + part_size) - 1) for start in range(0, size, part_size)]


def range_header(first: int, last: int) -> str:
    return f"bytes={first}-{last}"


# --- request parameters ---------------------------------------------------------------------


def tagging_header(tags: Mapping[str, str]) -> str:
    """Tags as the x-amz-tagging header wants them: URL query encoding, %20 for spaces."""
    return urlencode(sorted(tags.items()), quote_via=quote, safe="")


def tags_from(tag_set: Iterable[Mapping[str, str]]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tag_set}


def _target(
    dst_bucket: str, dst_key: str, storage_class: str, overrides: Overrides
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "Bucket": dst_bucket,
        "Key": dst_key,
        "StorageClass": overrides.storage_class or storage_class or "STANDARD",
    }
    if overrides.sse_kms_key_id:
        params["ServerSideEncryption"] = "aws:kms"
        params["SSEKMSKeyId"] = overrides.sse_kms_key_id
    if overrides.acl:
        params["ACL"] = overrides.acl
    return params


def copy_object_params(
    src_bucket: str,
    obj: Listed,
    dst_bucket: str,
    dst_key: str,
    tags: Mapping[str, str] | None,
    overrides: Overrides,
) -> dict[str, Any]:
    """CopyObject: S3 copies content headers and metadata itself (MetadataDirective COPY);
    tags are given explicitly unless `tags` is None (same account: S3 copies them too).
    CopySourceIfMatch: a source that changed since it was listed is not copied half-new."""
    params = _target(dst_bucket, dst_key, obj.storage_class, overrides)
    params.update(
        CopySource={"Bucket": src_bucket, "Key": obj.key},
        CopySourceIfMatch=obj.etag,
        MetadataDirective="COPY",
    )
    if tags is None:
        params["TaggingDirective"] = "COPY"
    else:
        params["TaggingDirective"] = "REPLACE"
        params["Tagging"] = tagging_header(tags)
    return params


def checksum_of(head: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """(algorithm, type, value) of an object's checksum, from HeadObject with
    ChecksumMode=ENABLED; None when it has none. A composite checksum ("…-N") is over the
    parts' checksums, comparable only with one over the same parts."""
    for algorithm in CHECKSUMS:
        value = head.get(f"Checksum{algorithm}")
        if value:
            kind = head.get("ChecksumType") or ("COMPOSITE" if "-" in value else "FULL_OBJECT")
            return algorithm, kind, value
    return None


def create_multipart_params(
    head: Mapping[str, Any],
    obj: Listed,
    dst_bucket: str,
    dst_key: str,
    tags: Mapping[str, str],
    overrides: Overrides,
    mirrored: bool,
) -> dict[str, Any]:
    """CreateMultipartUpload carrying everything a CopyObject would have kept: content
    headers, user metadata, tags and storage class (from the source's HeadObject), and a
    checksum S3 computes over the copied parts so the copy can be compared with the source."""
    params = _target(dst_bucket, dst_key, obj.storage_class, overrides)
    for name in CONTENT_HEADERS:
        value = head.get(name)
        if value is not None and value != "":
            params[name] = value
    if head.get("Metadata"):
        params["Metadata"] = dict(head["Metadata"])
    if tags:
        params["Tagging"] = tagging_header(tags)
    algorithm = next((a for a in CHECKSUMS if a in obj.checksums), None)
    if algorithm in CRC_CHECKSUMS:
        # a full-object CRC of the copy equals the source's whatever the parts
        params.update(ChecksumAlgorithm=algorithm, ChecksumType="FULL_OBJECT")
    elif algorithm is not None and mirrored:
        # SHA checksums are composite: equal only over the same parts
        params.update(ChecksumAlgorithm=algorithm, ChecksumType="COMPOSITE")
    return params


def completed_parts(parts: Mapping[int, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """CompleteMultipartUpload's part list, in order, with any part checksums S3 gave."""
    out = []
    for number in sorted(parts):
        part = parts[number]
        entry = {"PartNumber": number, "ETag": part["ETag"]}
        entry.update({k: v for k, v in part.items() if k.startswith("Checksum")})
        out.append(entry)
    return out


# --- comparing ------------------------------------------------------------------------------


def same_content(src: Mapping[str, Any], dst: Mapping[str, Any]) -> bool | None:
    """From two HeadObject answers: True when sizes match and the ETags or a full-object
    checksum of the same algorithm do; False when they differ; None when nothing comparable
    was found (ETags differ, as for an SSE-KMS object or other parts, and no common checksum)."""
    if src.get("ContentLength") != dst.get("ContentLength"):
        return False
    if src.get("ETag") == dst.get("ETag"):
        return True
    a, b = checksum_of(src), checksum_of(dst)
    if a and b and a[:2] == b[:2]:
        return a[2] == b[2]
    if not is_multipart_etag(src.get("ETag", "")) and not is_multipart_etag(dst.get("ETag", "")):
        # two single-part MD5 ETags differ: different data (unless SSE-KMS changed the ETag)
        return None if src.get("SSEKMSKeyId") or dst.get("SSEKMSKeyId") else False
    return None


def _header(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def compare_objects(
    src: Mapping[str, Any],
    dst: Mapping[str, Any],
    src_tags: Mapping[str, str],
    dst_tags: Mapping[str, str],
    expected_storage_class: str | None = None,
) -> list[tuple[str, Any, Any]]:
    """The differences (field, source value, destination value) between an object and its
    copy, from HeadObject answers and tag sets. Empty when the copy is faithful."""
    diffs: list[tuple[str, Any, Any]] = []
    if src.get("ContentLength") != dst.get("ContentLength"):
        diffs.append(("size", src.get("ContentLength"), dst.get("ContentLength")))
    else:
        same = same_content(src, dst)
        if same is not True:
            field_name = "content" if same is False else "content (not comparable)"
            diffs.append((field_name, _content_id(src), _content_id(dst)))
    for name in CONTENT_HEADERS:
        a, b = _header(src.get(name)), _header(dst.get(name))
        if (a or None) != (b or None):
            diffs.append((name, a, b))
    if (src.get("Metadata") or {}) != (dst.get("Metadata") or {}):
        diffs.append(("Metadata", src.get("Metadata") or {}, dst.get("Metadata") or {}))
    if dict(src_tags) != dict(dst_tags):
        diffs.append(("tags", dict(src_tags), dict(dst_tags)))
    want = expected_storage_class or src.get("StorageClass") or "STANDARD"
    got = dst.get("StorageClass") or "STANDARD"
    if want != got:
        diffs.append(("StorageClass", want, got))
    return diffs


def _content_id(head: Mapping[str, Any]) -> str:
    checksum = checksum_of(head)
    etag = str(head.get("ETag", "")).strip('"')
    return f"ETag {etag}" + (f", {checksum[0]} {checksum[2]}" if checksum else "")


SIZE_UNITS = {
    "": 1, "b": 1,
    "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
    "kib": 1024, "mib": MiB, "gib": GiB, "tib": 1024**4,
    "k": 1024, "m": MiB, "g": GiB, "t": 1024**4,
}  # fmt: skip


def parse_size(text: str) -> int:
    """'8MiB', '64MB', '1.5GiB', '1048576' → bytes. ValueError naming the text otherwise."""
    raw = text.strip().lower().replace(" ", "")
    number = raw.rstrip("kmgtib")
    unit = raw[len(number) :]
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"not a size: {text!r} (e.g. 8MiB, 64MB, 1GiB)") from None
    if unit not in SIZE_UNITS or value < 0:
        raise ValueError(f"not a size: {text!r} (e.g. 8MiB, 64MB, 1GiB)")
    return int(value * SIZE_UNITS[unit])
