"""A simulated AWS in processes of its own: an emulator (a child process, so that moto and
the proxy do not share a GIL), a generated estate, a fault proxy.

    python -m tests.sim.world '{"shape": {...EstateShape...}, "faults": {...Faults...}}'

prints one JSON line when ready — {"proxy", "direct", "accounts", "counts", "seconds"} — then
answers commands on stdin, one per line: `stats` (a JSON line of what the proxy saw),
`faults {...}` (replace the faults), `tag_ids` (per instance id, the CreateTags calls that
carried it). End of input stops it. Benchmarks use it so that moto and
the proxy do not share a GIL with the program being measured.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import resource
import sys
import time
from typing import Any

from tests.sim.estate_gen import EstateShape, generate_estate
from tests.sim.moto_process import MotoProcess
from tests.sim.proxy import FaultProxy, Faults, Limits
from tests.sim.tagcount import TagCounter


def faults_from(data: dict[str, Any]) -> Faults:
    data = dict(data)
    if data.get("limits") is not None:
        data["limits"] = {k: Limits(*v) for k, v in data["limits"].items()}
    return Faults(**data)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING)
    spec = json.loads(argv[0]) if argv else {}
    shape = EstateShape(**spec.get("shape", {}))
    with MotoProcess() as emulator:
        started = time.monotonic()
        generated = generate_estate(emulator.endpoint_url, shape)
        tagged = TagCounter()
        faults = faults_from(spec.get("faults", {}))
        with FaultProxy(emulator.endpoint_url, faults, on_forward=tagged) as proxy:
            ready = {
                "proxy": proxy.endpoint_url,
                "direct": emulator.endpoint_url,
                "accounts": generated.accounts,
                "regions": list(shape.regions),
                "counts": generated.counts,
                "seconds": round(time.monotonic() - started, 1),
            }
            print(json.dumps(ready), flush=True)
            for line in sys.stdin:
                command, _, rest = line.strip().partition(" ")
                if command == "stats":
                    stats = stats_of(proxy)
                    stats["cpu_s"] = round(stats["cpu_s"] + emulator.cpu_seconds(), 2)
                    print(json.dumps(stats), flush=True)
                elif command == "tag_ids":
                    print(json.dumps(tagged.ids()), flush=True)
                elif command == "faults":
                    proxy.set_faults(faults_from(json.loads(rest)))
                    print(json.dumps({"ok": True}), flush=True)
    return 0


def stats_of(proxy: FaultProxy) -> dict[str, Any]:
    stats = proxy.stats
    per_key = {"/".join(key): len(times) for key, times in stats.per_key.items()}
    faults = proxy.faults
    limits = {
        k: [v.burst * faults.limit_scale, v.rate * faults.limit_scale]
        for k, v in (faults.limits or {}).items()
    }
    return {
        "requests": stats.requests,
        "throttled": stats.throttled,
        "errors": stats.errors,
        "resets": stats.resets,
        "expired": stats.expired,
        "per_key": per_key,
        "limits": limits,
        "cpu_s": round(_cpu_seconds(), 2),
        "faults": {k: v for k, v in dataclasses.asdict(faults).items() if k != "limits"},
    }


def _cpu_seconds() -> float:
    """CPU time this process (the emulator and the proxy) has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
