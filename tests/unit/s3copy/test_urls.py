"""s3:// URLs and bucket names: what is accepted, and one-line errors for the rest."""

from __future__ import annotations

import pytest

from estate.errors import InputError
from estate.s3copy.urls import S3Url, bucket_name_problem, parse_s3_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s3://bucket", S3Url("bucket", "")),
        ("s3://bucket/", S3Url("bucket", "")),
        ("s3://bucket/logs", S3Url("bucket", "logs/")),
        ("s3://bucket/logs/2024/", S3Url("bucket", "logs/2024/")),
        ("s3://my.bucket-1/a b/ü+%&=", S3Url("my.bucket-1", "a b/ü+%&=/")),
    ],
)
def test_urls_name_a_bucket_and_a_folder_prefix(text: str, expected: S3Url) -> None:
    assert parse_s3_url(text) == expected


def test_a_url_prints_as_given_and_maps_relative_keys() -> None:
    url = parse_s3_url("s3://bucket/logs")
    assert str(url) == "s3://bucket/logs/"
    assert url.key_for("a.txt") == "logs/a.txt"
    assert str(parse_s3_url("s3://bucket")) == "s3://bucket"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bucket/key", "not an S3 URL"),
        ("https://bucket.s3.amazonaws.com/key", "not an S3 URL"),
        ("s3:/bucket", "not an S3 URL"),
        ("s3://", "no bucket name"),
        ("s3:///key", "no bucket name"),
        ("s3://ab", "3 to 63 characters"),
        ("s3://" + "a" * 64, "3 to 63 characters"),
        ("s3://My_Bucket", "lowercase letters"),
        ("s3://-bucket", "begin and end"),
        ("s3://bucket-", "begin and end"),
        ("s3://my..bucket", "two dots"),
        ("s3://my.-bucket", "two dots"),
        ("s3://192.168.5.4", "IP address"),
        ("s3://xn--bucket", "reserved prefix"),
        ("s3://bucket-s3alias", "reserved suffix"),
        ("s3://bucket--x-s3", "reserved suffix"),
    ],
)
def test_malformed_urls_and_invalid_bucket_names_are_one_line_errors(
    text: str, message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_s3_url(text, what="source")
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("source: ")


def test_legacy_us_east_1_names_are_accepted_only_where_asked() -> None:
    assert bucket_name_problem("Legacy_Bucket", legacy_ok=True) is None
    assert bucket_name_problem("Legacy_Bucket") is not None
    assert parse_s3_url("s3://Legacy_Bucket", legacy_ok=True).bucket == "Legacy_Bucket"
    with pytest.raises(InputError):
        parse_s3_url("s3://Legacy_Bucket")
