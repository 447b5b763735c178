"""Pure: checking and splitting ARNs the user typed."""

from __future__ import annotations

import re

from estate.errors import InputError

# Any partition: aws, aws-cn, aws-us-gov, aws-iso-b, ...
ARN_RE = re.compile(r"^arn:(aws(?:-[a-z]+)*):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$")


def check_arn(arn: str) -> str:
    """The ARN unchanged; InputError naming it when it is not one."""
    if not ARN_RE.match(arn):
        raise InputError(f"not an ARN: {arn!r} (expected arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE)")
    return arn
