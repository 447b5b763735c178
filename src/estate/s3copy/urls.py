"""s3://BUCKET[/PREFIX] URLs and S3's bucket naming rules. Pure; errors are one line."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from estate.errors import InputError

# General purpose buckets (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# Buckets made in us-east-1 before March 2018 may have capitals and underscores, up to 255.
LEGACY_BUCKET_RE = re.compile(r"^[A-Za-z0-9._-]{3,255}$")
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
MAX_KEY_BYTES = 1024


@dataclass(frozen=True)
class S3Url:
    bucket: str
    prefix: str = ""  # "" (the whole bucket) or ending in "/"

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def key_for(self, relative: str) -> str:
        return self.prefix + relative


def bucket_name_problem(name: str, legacy_ok: bool = False) -> str | None:
    """Why `name` is not a valid bucket name, or None. `legacy_ok` admits the old us-east-1
    names (capitals, underscores) that existing buckets may still have."""
    if legacy_ok and LEGACY_BUCKET_RE.match(name) and not BUCKET_RE.match(name):
        return None
    if not 3 <= len(name) <= 63:
        return "must be 3 to 63 characters long"
    if not BUCKET_RE.match(name):
        return (
            "may contain only lowercase letters, digits, dots and hyphens, "
            "and must begin and end with a letter or digit"
        )
    if ".." in name or ".-" in name or "-." in name:
        return "must not have two dots in a row, or a dot next to a hyphen"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return "must not be formatted as an IP address"
    for prefix in RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f"must not begin with the reserved prefix {prefix!r}"
    for suffix in RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f"must not end with the reserved suffix {suffix!r}"
    return None


def parse_s3_url(text: str, *, what: str = "S3 URL", legacy_ok: bool = False) -> S3Url:
    """s3://bucket[/prefix] → S3Url. The prefix names a folder, as for `aws s3 sync`:
    s3://b/logs copies the keys under logs/. InputError (one line) for anything else."""
    if not isinstance(text, str) or not text.startswith("s3://"):
        raise InputError(f"{what}: not an S3 URL: {text!r} (expected s3://BUCKET[/PREFIX])")
    rest = text[len("s3://") :]
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise InputError(f"{what}: no bucket name in {text!r} (expected s3://BUCKET[/PREFIX])")
    problem = bucket_name_problem(bucket, legacy_ok=legacy_ok)
    if problem:
        raise InputError(f"{what}: invalid bucket name {bucket!r}: {problem}")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    if len(prefix.encode()) > MAX_KEY_BYTES:
        raise InputError(f"{what}: the prefix of {text!r} is longer than an S3 key may be")
    return S3Url(bucket, prefix)
