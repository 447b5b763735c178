"""The pure core of a copy: decisions, part ranges, the properties each request carries."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from estate.s3copy.plan import (
    CONTENT_HEADERS,
    MAX_PART,
    MAX_PARTS,
    MIN_PART,
    GiB,
    Listed,
    MiB,
    Overrides,
    choose_part_size,
    compare_objects,
    completed_parts,
    copy_object_params,
    create_multipart_params,
    decide,
    dest_key,
    mirrored_part_size,
    parse_size,
    part_ranges,
    parts_in_etag,
    plan_page,
    same_content,
    tagging_header,
    uses_multipart,
)

TiB = 1024 * GiB


def obj(key: str = "k", size: int = 10, etag: str = '"aa"', **kw: object) -> Listed:
    return Listed(key, size, etag, **kw)  # type: ignore[arg-type]


def test_decisions() -> None:
    src = obj(checksums=("CRC32",))
    assert decide(src, None) == "copy"
    assert decide(src, obj(size=11)) == "copy"
    assert decide(src, obj()) == "skip"
    assert decide(src, obj(etag='"bb-2"', checksums=("CRC32",))) == "check"
    assert decide(src, obj(etag='"bb-2"')) == "copy"  # nothing to compare: copy again


def test_keys_keep_their_path_below_the_prefix() -> None:
    assert dest_key("logs/a b/ü+%&=/", "logs/", "") == "a b/ü+%&=/"
    assert dest_key("logs/x", "logs/", "archive/") == "archive/x"
    assert dest_key("x", "", "") == "x"
    with pytest.raises(ValueError):
        dest_key("other/x", "logs/", "")


def test_a_page_is_planned_against_the_destination_and_empty_keys_are_left_out() -> None:
    page = [obj("p/"), obj("p/a"), obj("p/b", size=3)]
    planned = plan_page(page, {"a": obj("a"), "b": obj("b")}, "p/", "")
    assert [(o.key, k, d) for o, k, d in planned] == [("p/a", "a", "skip"), ("p/b", "b", "copy")]


@given(
    size=st.integers(min_value=1, max_value=5 * TiB),
    preferred=st.integers(min_value=1, max_value=6 * GiB),
)
def test_part_ranges_cover_an_object_with_no_gap_or_overlap(size: int, preferred: int) -> None:
    part = choose_part_size(size, preferred)
    assert MIN_PART <= part <= MAX_PART
    ranges = part_ranges(size, part)
    assert len(ranges) <= MAX_PARTS
    assert ranges[0][0] == 0 and ranges[-1][1] == size - 1
    for (_, last), (first, _) in itertools.pairwise(ranges):
        assert first == last + 1
    assert all(last - first + 1 == part for first, last in ranges[:-1])
    assert 0 < ranges[-1][1] - ranges[-1][0] + 1 <= part


def test_the_largest_object_fits_in_ten_thousand_parts() -> None:
    part = choose_part_size(5 * TiB, 8 * MiB)
    assert len(part_ranges(5 * TiB, part)) <= MAX_PARTS
    assert part % MiB == 0


def test_multipart_above_the_threshold_and_for_objects_uploaded_in_parts() -> None:
    assert not uses_multipart(100 * MiB, '"a"', threshold=GiB)
    assert uses_multipart(2 * GiB, '"a"', threshold=GiB)
    assert uses_multipart(6 * GiB, '"a"', threshold=10 * GiB)  # CopyObject stops at 5 GiB
    assert uses_multipart(10 * MiB, '"a-2"', threshold=GiB)  # keeps its ETag that way
    assert not uses_multipart(0, '"a"', threshold=0)
    assert parts_in_etag('"abc-12"') == 12 and parts_in_etag('"abc"') is None


def test_a_regular_source_layout_is_mirrored() -> None:
    assert mirrored_part_size(11 * MiB, 3, 5 * MiB) == 5 * MiB
    assert mirrored_part_size(10 * MiB, 2, 5 * MiB) == 5 * MiB
    assert mirrored_part_size(100, 1, 100) == 100
    assert mirrored_part_size(16 * MiB, 3, 5 * MiB) is None  # parts were not all the same
    assert mirrored_part_size(11 * MiB, 3, 4 * MiB) is None  # below S3's minimum
    assert mirrored_part_size(11 * MiB, None, None) is None


def test_copy_object_keeps_headers_and_metadata_and_passes_tags_and_storage_class() -> None:
    params = copy_object_params(
        "src",
        obj("a b+c%&=ü/", storage_class="STANDARD_IA"),
        "dst",
        "x/a",
        {"t": "v 1"},
        Overrides(),
    )
    assert params["CopySource"] == {"Bucket": "src", "Key": "a b+c%&=ü/"}
    assert params["MetadataDirective"] == "COPY"
    assert params["TaggingDirective"] == "REPLACE" and params["Tagging"] == "t=v%201"
    assert params["StorageClass"] == "STANDARD_IA"
    assert params["CopySourceIfMatch"] == '"aa"'
    assert (params["Bucket"], params["Key"]) == ("dst", "x/a")
    same_account = copy_object_params("s", obj(), "d", "k", None, Overrides())
    assert same_account["TaggingDirective"] == "COPY" and "Tagging" not in same_account


def test_overrides_apply_to_both_paths() -> None:
    overrides = Overrides(
        storage_class="GLACIER_IR", sse_kms_key_id="key-1", acl="bucket-owner-full-control"
    )
    for params in (
        copy_object_params("s", obj(), "d", "k", {}, overrides),
        create_multipart_params({}, obj(), "d", "k", {}, overrides, mirrored=False),
    ):
        assert params["StorageClass"] == "GLACIER_IR"
        assert params["ServerSideEncryption"] == "aws:kms" and params["SSEKMSKeyId"] == "key-1"
        assert params["ACL"] == "bucket-owner-full-control"


HEAD = {
    "ContentLength": 11 * MiB,
    "ETag": '"aa"',
    "ContentType": "text/csv",
    "CacheControl": "max-age=60",
    "ContentDisposition": "attachment",
    "ContentEncoding": "gzip",
    "ContentLanguage": "de",
    "Expires": datetime(2030, 1, 1, tzinfo=UTC),
    "WebsiteRedirectLocation": "/other",
    "Metadata": {"owner": "me"},
    "StorageClass": "STANDARD_IA",
    "ChecksumCRC32": "AAAAAA==",
}


def test_a_multipart_copy_is_created_with_every_property_copy_object_keeps() -> None:
    src = obj(size=11 * MiB, storage_class="STANDARD_IA", checksums=("CRC32",))
    params = create_multipart_params(
        HEAD, src, "d", "k", {"a": "1", "b": "x y"}, Overrides(), mirrored=False
    )
    for name in CONTENT_HEADERS:
        assert params[name] == HEAD[name]
    assert params["Metadata"] == {"owner": "me"}
    assert params["Tagging"] == "a=1&b=x%20y"
    assert params["StorageClass"] == "STANDARD_IA"
    # S3 computes the copy's full-object CRC32 over the parts: comparable with the source's
    assert (params["ChecksumAlgorithm"], params["ChecksumType"]) == ("CRC32", "FULL_OBJECT")


def test_sha_checksums_are_asked_for_only_over_the_same_parts() -> None:
    src = obj(checksums=("SHA256",))
    assert "ChecksumAlgorithm" not in create_multipart_params(
        {}, src, "d", "k", {}, Overrides(), False
    )
    mirrored = create_multipart_params({}, src, "d", "k", {}, Overrides(), True)
    assert (mirrored["ChecksumAlgorithm"], mirrored["ChecksumType"]) == ("SHA256", "COMPOSITE")


def test_completed_parts_are_in_order_with_their_checksums() -> None:
    parts = {2: {"ETag": "b"}, 1: {"ETag": "a", "ChecksumCRC32": "x"}}
    assert completed_parts(parts) == [
        {"PartNumber": 1, "ETag": "a", "ChecksumCRC32": "x"},
        {"PartNumber": 2, "ETag": "b"},
    ]


def test_tag_values_with_reserved_characters_survive_encoding() -> None:
    from urllib.parse import parse_qsl

    tags = {"k&1": "a=b", "space": "x y", "plus": "1+1", "pct": "100%", "ü": "ö"}
    assert dict(parse_qsl(tagging_header(tags))) == tags


def test_content_is_the_same_by_etag_or_by_a_full_object_checksum() -> None:
    a = {"ContentLength": 5, "ETag": '"x"', "ChecksumCRC32": "c1"}
    assert same_content(a, dict(a)) is True
    assert same_content(a, {**a, "ContentLength": 6}) is False
    assert same_content(a, {**a, "ETag": '"y-2"'}) is True  # copied in parts: CRC tells
    assert same_content(a, {**a, "ETag": '"y-2"', "ChecksumCRC32": "c2"}) is False
    assert same_content(a, {"ContentLength": 5, "ETag": '"y-2"'}) is None  # cannot tell
    assert (
        same_content({"ContentLength": 5, "ETag": '"x"'}, {"ContentLength": 5, "ETag": '"y"'})
        is False
    )


def test_compare_finds_each_property_that_differs() -> None:
    assert compare_objects(HEAD, dict(HEAD), {"a": "1"}, {"a": "1"}) == []
    dst = {**HEAD, "ContentType": "text/plain", "Metadata": {}, "StorageClass": None}
    fields = [d[0] for d in compare_objects(HEAD, dst, {"a": "1"}, {})]
    assert fields == ["ContentType", "Metadata", "tags", "StorageClass"]
    assert compare_objects(HEAD, {**HEAD, "StorageClass": "GLACIER"}, {}, {}, "GLACIER") == []
    assert [d[0] for d in compare_objects(HEAD, {**HEAD, "ContentLength": 1}, {}, {})] == ["size"]
    changed = {**HEAD, "ETag": '"bb"', "ChecksumCRC32": "BBBBBB=="}
    assert [d[0] for d in compare_objects(HEAD, changed, {}, {})] == ["content"]


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("8MiB", 8 * MiB),
        ("64MB", 64_000_000),
        ("1GiB", GiB),
        ("1.5GiB", int(1.5 * GiB)),
        ("1048576", MiB),
        ("5 mib", 5 * MiB),
        ("2g", 2 * GiB),
    ],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "MiB", "8XB", "-1MiB", "eight"])
def test_bad_sizes(text: str) -> None:
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)
