"""How a copy carries object tags across accounts, decided without I/O.

`--tags read` reads each object's tags with the source's credentials and sends them with its
CopyObject (TaggingDirective REPLACE): right everywhere, two requests per object.
`--tags copy` lets S3 copy them (TaggingDirective COPY): one request, right where the
destination may read the source's tags (s3:GetObjectTagging, which `estate s3 grant` gives).
`--tags auto`, the default, copies the read way until one tagged object has been copied with
COPY and its copy's tags read back: the same tags and every later copy lets S3 copy them;
other tags (an emulator that loses them) or a refusal and the job keeps reading them. The
decision is plain data kept in the job's state, so a resumed job, and every process working
on it, copies the same way without asking again.

Same-account copies always let S3 copy the tags: the owner may read its own. Multipart copies
always read them (CreateMultipartUpload copies nothing by itself).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

STATE_KEY = "tag_mode"  # where a job's state keeps the decision

Found = Literal["same", "different", "refused"]


@dataclass(frozen=True)
class TagDecision:
    """What the probe found on one object: whether S3 copies tags ("copy") or they must be
    read ("read"), on which source key, and how it showed (`error`: the refused call's code)."""

    mode: Literal["copy", "read"]
    key: str
    found: Found
    error: str = ""

    def record(self) -> dict[str, str]:
        return {"mode": self.mode, "key": self.key, "found": self.found, "error": self.error}

    @classmethod
    def from_record(cls, data: Any) -> TagDecision | None:
        """The decision a job's state holds; None when there is none (or it is not one)."""
        if not isinstance(data, Mapping):
            return None
        mode, found = data.get("mode"), data.get("found")
        if mode not in ("copy", "read") or found not in ("same", "different", "refused"):
            return None
        return cls(mode, str(data.get("key", "")), found, str(data.get("error") or ""))


def judge(key: str, source_tags: Mapping[str, str], copied_tags: Mapping[str, str]) -> TagDecision:
    """The decision from a copy made with TaggingDirective COPY of an object with tags: S3
    copies tags when the copy has exactly the source's."""
    if dict(source_tags) == dict(copied_tags):
        return TagDecision("copy", key, "same")
    return TagDecision("read", key, "different")


def refused(key: str, operation: str, code: str) -> TagDecision:
    """The decision when the probe's CopyObject (or the read-back of the copy's tags) was
    refused: the tags are read, as the destination cannot be shown to copy them."""
    return TagDecision("read", key, "refused", f"{operation} {code}")


def describe(requested: str, same_account: bool, decision: TagDecision | None) -> str:
    """How a job carried tags, and why, for its summary."""
    if same_account:
        return "copied by S3 (same account)"
    if requested == "copy":
        return "copied by S3 (--tags copy, not checked)"
    if requested == "read":
        return "read per object (--tags read)"
    if decision is None:
        return "read per object (no tagged object was copied to check whether S3 copies them)"
    if decision.mode == "copy":
        return f"copied by S3 (checked on key {decision.key})"
    if decision.found == "refused":
        return f"read per object (S3 refused {decision.error} on key {decision.key})"
    return f"read per object (S3 did not copy them on key {decision.key})"


def describe_plan(requested: str, same_account: bool) -> str:
    """How a planned copy will carry tags."""
    if same_account or requested != "auto":
        return describe(requested, same_account, None)
    return (
        "read per object until the first tagged object shows whether S3 copies them "
        "(--tags auto), then copied by S3 if it does"
    )


class TagChooser:
    """For one run of a copy: whether S3 copies the next object's tags, and which copy checks
    it (one at a time; the others read tags meanwhile). Thread-safe, no I/O: `on_decided`
    saves a decision (the job's state)."""

    def __init__(
        self,
        requested: str,
        same_account: bool,
        decided: TagDecision | None = None,
        on_decided: Callable[[TagDecision], None] = lambda decision: None,
    ) -> None:
        self.requested = requested
        self.same_account = same_account
        self.decision = decided if requested == "auto" else None
        self.on_decided = on_decided
        self._probing = threading.Lock()

    def s3_copies(self) -> bool:
        """Whether the next copy lets S3 copy the tags (else it reads and sends them)."""
        if self.same_account or self.requested == "copy":
            return True
        decision = self.decision
        return self.requested == "auto" and decision is not None and decision.mode == "copy"

    def undecided(self) -> bool:
        return self.requested == "auto" and not self.same_account and self.decision is None

    def claim(self) -> bool:
        """Whether the caller is to check now (undecided, nobody else checking). A caller that
        claims ends with `settle` or `release`."""
        if not self.undecided() or not self._probing.acquire(blocking=False):
            return False
        if self.decision is not None:  # decided while we got here
            self._probing.release()
            return False
        return True

    def settle(self, decision: TagDecision) -> None:
        """End the check with its decision: used by every later copy, and saved."""
        try:
            self.decision = decision
            self.on_decided(decision)
        finally:
            self._probing.release()

    def release(self) -> None:
        """End a check that found nothing (the copy failed): the next tagged object checks."""
        self._probing.release()

    def adopt(self, decision: TagDecision | None) -> None:
        """A decision another run or process saved, when this one has none yet."""
        if decision is not None and self.requested == "auto" and self.decision is None:
            self.decision = decision

    def describe(self) -> str:
        return describe(self.requested, self.same_account, self.decision)
