"""Benchmark: copy a bucket of small objects to another account and region with
`estate s3 copy` and with `aws s3 sync` (awscli v1), both behind the same simulated AWS (the
fault proxy of tests/sim adding the same latency to every request). Prints per tool the wall
time, objects per second, client CPU (user + system of the process, start-up included) per
object, requests seen by the proxy, and whether the copies kept their tags and metadata.

    .venv/bin/python bench/s3copy.py                       # 2,000 objects, 0.5 s latency
    .venv/bin/python bench/s3copy.py --latency 1.0 --tools awscli,estate,estate-read
    .venv/bin/python bench/s3copy.py --objects 300         # a quick check that it works

Both tools act as the destination account (assumed-role credentials). estate runs with its
default `--tags auto`: it reads the first objects' tags with the source account's role until
one tagged object, copied by S3 with its tags, shows that S3 copies them (the simulated AWS
does, as S3 does; moto alone does not, see tests/sim/moto_process.py), then sends one request
per object; `estate-read` reads every object's tags (two requests per object), `estate-tagcopy`
never checks. awscli runs with its defaults (10 requests at once), estate with --concurrency
(default 64). The emulator and the proxy run in a process of their own. moto needs ~6 ms of
CPU per CopyObject and ~5 ms per GetObjectTagging on these 2-core machines, so it serves ~80
requests/s at most while other work shares the cores: at 0.5 s of latency two requests per
object are held back by the emulator; at 1 s they are not.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.collect import ask, env_for_emulator  # noqa: E402

SRC_REGION, DST_REGION = "eu-west-1", "eu-central-1"
SOURCE = "bench-s3copy-source"


def start_world(latency: float) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """An emulator with two empty accounts and the fault proxy, in a process of its own."""
    spec = {
        "shape": {
            "accounts": 2, "regions": [SRC_REGION], "instances_per_region": 0,
            "volumes_per_region": 0, "queues_per_region": 0, "topics_per_region": 0,
            "buckets_per_region": 0, "roles_per_account": 0, "first_account": 520000000000,
        },
        "faults": {"latency": latency},
    }  # fmt: skip
    world = subprocess.Popen(
        [sys.executable, "-m", "tests.sim.world", json.dumps(spec)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env_for_emulator(),
    )
    assert world.stdout is not None
    return world, json.loads(world.stdout.readline())


def credentials(endpoint: str, account: str) -> dict[str, str]:
    sts = boto3.client(
        "sts", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Bench", RoleSessionName="bench")
    return {
        "AWS_ACCESS_KEY_ID": c["Credentials"]["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": c["Credentials"]["SecretAccessKey"],
        "AWS_SESSION_TOKEN": c["Credentials"]["SessionToken"],
    }


def s3_client(endpoint: str, creds: dict[str, str], region: str) -> Any:
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=region,
        aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=creds["AWS_SESSION_TOKEN"],
    )  # fmt: skip


def fill_source(s3: Any, objects: int, size: int) -> None:
    s3.create_bucket(Bucket=SOURCE, CreateBucketConfiguration={"LocationConstraint": SRC_REGION})
    body = os.urandom(size)

    def put(i: int) -> None:
        s3.put_object(
            Bucket=SOURCE, Key=f"data/{i // 100:03d}/object {i:05d}.json", Body=body,
            ContentType="application/json", Metadata={"n": str(i)}, Tagging=f"n={i}",
        )  # fmt: skip

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(put, range(objects)))


def run_measured(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and its children, output) of one run."""
    started = time.monotonic()
    child = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd, text=True
    )
    out = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[2]} failed:\n{out}")
    return wall, usage.ru_utime + usage.ru_stime, out


def check(s3: Any, bucket: str, objects: int) -> tuple[int, int, int]:
    """(objects, with their tags, with their metadata) at the destination."""
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents", [])]  # fmt: skip
    sample = keys[:: max(1, len(keys) // 50)]
    tagged = sum(1 for k in sample if s3.get_object_tagging(Bucket=bucket, Key=k)["TagSet"])
    with_meta = sum(1 for k in sample if s3.head_object(Bucket=bucket, Key=k)["Metadata"])
    scale = len(keys) / max(1, len(sample))
    return len(keys), round(tagged * scale), round(with_meta * scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=2000)
    parser.add_argument("--size", type=int, default=1024, help="bytes per object")
    parser.add_argument("--latency", type=float, default=0.5, help="seconds added per request")
    parser.add_argument("--concurrency", type=int, default=64, help="estate's --concurrency")
    parser.add_argument(
        "--tools",
        default="awscli,estate",
        help="which to run, in this order: awscli, estate (--tags auto, the default), "
        "estate-read (--tags read: every object's tags read, two requests per object), "
        "estate-tagcopy (--tags copy: tags left to S3 unchecked)",
    )
    args = parser.parse_args()
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]

    world, ready = start_world(args.latency)
    src_account, dst_account = ready["accounts"]
    proxy, direct = ready["proxy"], ready["direct"]
    try:
        src_creds, dst_creds = credentials(direct, src_account), credentials(direct, dst_account)
        fill_source(s3_client(direct, src_creds, SRC_REGION), args.objects, args.size)
        dst = s3_client(direct, dst_creds, DST_REGION)
        for tool in tools:
            dst.create_bucket(
                Bucket=f"bench-s3copy-{tool}",
                CreateBucketConfiguration={"LocationConstraint": DST_REGION},
            )
        print(
            f"{args.objects:,} objects of {args.size} B in {SRC_REGION} (account {src_account}) "
            f"→ {DST_REGION} (account {dst_account}); {args.latency * 1000:.0f} ms per request"
        )
        with tempfile.TemporaryDirectory(prefix="estate-bench-") as tmp:
            workdir = Path(tmp)
            runs = {
                "awscli": (
                    [sys.executable, "-m", "awscli", "s3", "sync", f"s3://{SOURCE}",
                     "s3://bench-s3copy-awscli", "--endpoint-url", proxy, "--region", DST_REGION,
                     "--only-show-errors"],
                    {**env_for_emulator(), **dst_creds},
                ),
            }  # fmt: skip
            for tool, extra in (
                ("estate", []),
                ("estate-read", ["--tags", "read"]),
                ("estate-tagcopy", ["--tags", "copy"]),
            ):
                runs[tool] = (
                    [sys.executable, "-m", "estate", "s3", "copy", f"s3://{SOURCE}",
                     f"s3://bench-s3copy-{tool}", "--apply", "--concurrency",
                     str(args.concurrency), "--source-role",
                     f"arn:aws:iam::{src_account}:role/Migrate",
                     "--dest-role", f"arn:aws:iam::{dst_account}:role/Migrate", *extra],
                    {**env_for_emulator(workdir / "state"), "ESTATE_ENDPOINT_URL": proxy},
                )  # fmt: skip
            results = {}
            for tool in tools:
                argv, env = runs[tool]
                before = ask(world, "stats")["requests"]
                wall, cpu, out = run_measured(argv, env, workdir)
                requests = ask(world, "stats")["requests"] - before
                copied, tagged, with_meta = check(dst, f"bench-s3copy-{tool}", args.objects)
                results[tool] = wall, cpu
                print(f"{tool:14s} {wall:7.1f} s wall, {args.objects / wall:6.1f} objects/s, "
                      f"CPU {cpu:5.1f} s = {cpu / args.objects * 1000:5.2f} ms/object, "
                      f"{requests:,} requests; {copied:,} copied, ~{tagged:,} with tags, "
                      f"~{with_meta:,} with metadata")  # fmt: skip
                if tool.startswith("estate"):
                    for line in out.splitlines():
                        if line.startswith(("job ", "  tags: ")):
                            print(" " * 15 + line.strip())
        if "awscli" in results and "estate" in results:
            (aw, ac), (ew, ec) = results["awscli"], results["estate"]
            print(f"estate vs awscli: {aw / ew:.1f}x faster, CPU/object {ec / ac:.2f}x awscli's")
    finally:
        if world.stdin:
            world.stdin.close()
        world.wait(timeout=60)


if __name__ == "__main__":
    main()
