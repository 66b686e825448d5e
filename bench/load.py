#!/usr/bin/env python3
"""Load benchmark: coopgraph uncached, coopgraph cached, the floor and a peer, alternating.

    python3 bench/load.py [--sizes seed,10000,100000,1000000] [--seconds 2]

For each dataset size it starts three servers pinned to core 0 (coopgraph with
`--cache-mb 0`, coopgraph with its response cache, and `coopgraph-floor`, which
answers each recorded request with the bytes coopgraph gave for it), checks
every answer of the query mix, then drives them with oha pinned to core 1. The
peer, mercurius with graphql-jit on Node (`bench/peer`, pinned, installed here on
first use), serves the nested donor query only, over the same data files; its
answer must be coopgraph's.

- throughput: 16 connections for `--seconds`, three rounds, the targets taking
  turns within each round; the median round is reported;
- latency: p50 and p99 at a fixed rate, the same for the three targets: half
  of what uncached coopgraph sustained for that query.

Prints a markdown table per size, each figure also as a ratio of the floor.
Needs `oha` (cargo install oha), `taskset` (util-linux) and Node 20 or later
(with npm) for the peer. Generated datasets
are written once to /tmp/coopgraph-bench/.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"
WORK = Path("/tmp/coopgraph-bench")
SERVER_CORE, LOAD_CORE = "0", "1"
PORTS = {"uncached": 18101, "cached": 18102, "floor": 18103, "peer": 18104}
TARGETS = list(PORTS)
PEER = ROOT / "bench" / "peer"
PEER_QUERIES = {"nested donors"}

NESTED = (
    "{ donors(first: 20) { nodes { name programmes(first: 10) { nodes { name "
    "projects(first: 10) { nodes { title activities(first: 10) { nodes { position "
    "description } } } } } } } } }"
)
FILTERED = (
    "query Filtered($country: [CountryCode!], $year: Int, $first: Int, $after: String) "
    "{ projects(first: $first, after: $after, filter: { country: $country, activeIn: $year }) "
    "{ totalCount pageInfo { endCursor hasNextPage } nodes { slug title period { start end } } } }"
)


def mix(probe):
    """The query mix, as GraphQL-over-HTTP bodies; `probe` is the first project."""
    country = probe["countries"][0]["code"] if probe["countries"] else "JP"
    year = int((probe["period"]["start"] or "2005")[:4])
    return {
        "tiny": {"query": '{ project(slug: "%s") { title acronym } }' % probe["slug"]},
        "page of 100": {
            "query": "{ projects(first: 100) { totalCount pageInfo { endCursor hasNextPage } "
            "nodes { slug title acronym period { start end } budget { amount currency } } } }"
        },
        "~1,000 objects": {
            "query": "{ projects(first: 100) { nodes { slug title countries { code name } "
            "participants { role organisation { name } } "
            "activities(first: 10) { nodes { position description } } } } }"
        },
        "nested donors": {"query": NESTED},
        "filtered page": {
            "query": FILTERED,
            "variables": {"country": [country], "year": year, "first": 20},
        },
        "fundingSummary": {
            "query": "{ fundingSummary(groupBy: COUNTRY) { key label totals { amount currency } projectCount } }"
        },
        "introspection": {"query": (ROOT / "tests/e2e/introspection.graphql").read_text()},
    }


def post(port, body):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=body,
        headers={"content-type": "application/json", "accept": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read()


def objects(value):
    """How many JSON objects an answer holds: what the query resolved."""
    if isinstance(value, dict):
        return 1 + sum(objects(v) for v in value.values())
    if isinstance(value, list):
        return sum(objects(v) for v in value)
    return 0


def wait_up(port, proc, what):
    for _ in range(6000):
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/graphql", timeout=1)
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not start")


def dataset(size):
    if size == "seed":
        return ROOT / "data"
    out = WORK / f"gen{size}"
    if not (out / "projects.toml").exists():
        subprocess.run(
            [RELEASE / "coopgraph", "generate", "--activities", size, "--out", out],
            check=True,
        )
    return out


def oha(port, body_path, seconds, rate=None):
    cmd = [
        "taskset", "-c", LOAD_CORE, "oha", "--no-tui", "--output-format", "json",
        "-z", f"{seconds}s", "-c", "16", "-m", "POST", "-T", "application/json",
        "-H", "accept: application/json", "-D", str(body_path),
        f"http://127.0.0.1:{port}/graphql",
    ]
    if rate:
        cmd[7:7] = ["-q", str(rate), "--latency-correction"]
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)
    codes = out.get("statusCodeDistribution", {})
    if set(codes) - {"200"}:
        sys.exit(f"non-200 answers from port {port}: {codes}")
    p = out["latencyPercentiles"]
    return out["summary"]["requestsPerSec"], p["p50"] * 1e3, p["p99"] * 1e3


def run_size(size, seconds):
    data = dataset(size)
    rec = WORK / f"floor-{size}"
    rec.mkdir(parents=True, exist_ok=True)
    for f in rec.iterdir():
        f.unlink()
    procs = []
    try:
        started = time.time()
        for target, cache in (("uncached", "0"), ("cached", "256")):
            procs.append(subprocess.Popen(
                ["taskset", "-c", SERVER_CORE, RELEASE / "coopgraph", "serve",
                 "--data", data, "--listen", f"127.0.0.1:{PORTS[target]}", "--cache-mb", cache,
                 "--no-snapshot"],  # every run loads the files, and nothing writes beside
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={**os.environ, "RUST_LOG": "warn"},
            ))
            wait_up(PORTS[target], procs[-1], f"coopgraph ({target})")
        load_s = (time.time() - started) / 2

        probe = json.loads(post(PORTS["uncached"], json.dumps({
            "query": "{ projects(first: 1) { nodes { slug countries { code } period { start } } } }"
        }).encode()))["data"]["projects"]["nodes"][0]
        queries = mix(probe)
        sizes = {}
        for i, (name, body) in enumerate(queries.items()):
            raw = json.dumps(body).encode()
            answer = post(PORTS["uncached"], raw)
            parsed = json.loads(answer)
            if parsed.get("errors") or not parsed.get("data"):
                sys.exit(f"{size} {name}: {answer[:500]!r}")
            for _ in range(2):  # the first fills the cache, the second reads it
                if post(PORTS["cached"], raw) != answer:
                    sys.exit(f"{size} {name}: the cached answer differs")
            (rec / f"{i}.request").write_bytes(raw)
            (rec / f"{i}.response").write_bytes(answer)
            sizes[name] = (len(answer), objects(parsed["data"]))

        procs.append(subprocess.Popen(
            ["taskset", "-c", SERVER_CORE, RELEASE / "coopgraph-floor",
             f"127.0.0.1:{PORTS['floor']}", rec],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        wait_up(PORTS["floor"], procs[-1], "floor")
        procs.append(subprocess.Popen(
            ["taskset", "-c", SERVER_CORE, "node", "--max-old-space-size=16384", PEER / "server.mjs", data, str(PORTS["peer"])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        wait_up(PORTS["peer"], procs[-1], "peer")
        for i, name in enumerate(queries):
            if name in PEER_QUERIES:
                ours = json.loads((rec / f"{i}.response").read_bytes())
                for _ in range(3):  # graphql-jit compiles after the first
                    theirs = json.loads(post(PORTS["peer"], (rec / f"{i}.request").read_bytes()))
                    if theirs != ours:
                        sys.exit(f"{size} {name}: the peer answers otherwise: {json.dumps(theirs)[:500]}")
        for i in range(len(queries)):
            if post(PORTS["floor"], (rec / f"{i}.request").read_bytes()) != (rec / f"{i}.response").read_bytes():
                sys.exit("the floor answers other bytes")

        rows = []
        for i, name in enumerate(queries):
            body = rec / f"{i}.request"
            targets = [t for t in TARGETS if t != "peer" or name in PEER_QUERIES]
            rps = {t: [] for t in targets}
            for _ in range(3):
                for t in targets:
                    rps[t].append(oha(PORTS[t], body, seconds)[0])
                    # Let the server finish what oha left in flight (16 requests)
                    # before the next target takes the core.
                    time.sleep(min(3.0, 16 / max(rps[t][-1], 1.0)))
            rps = {t: statistics.median(v) for t, v in rps.items()}
            rate = max(10, int(rps["uncached"] / 2))
            lat = {t: oha(PORTS[t], body, seconds + 2, rate)[1:] for t in TARGETS if t != "peer"}
            rows.append((name, sizes[name], rps, rate, lat))
            print(f"  {size} {name}: " + ", ".join(f"{t} {rps[t]:.0f}/s" for t in targets), file=sys.stderr)
        return load_s, rows
    finally:
        for p in procs:
            p.terminate()
            p.wait()


def table(size, load_s, rows):
    floor = "floor"
    lines = [
        f"### {size if size == 'seed' else f'{int(size):,} activities'} (both coopgraph servers up in {load_s:.1f} s)",
        "",
        "| query | answer | uncached req/s | cached req/s | floor req/s | peer req/s | rate | p50 / p99 uncached | p50 / p99 cached | p50 / p99 floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (nbytes, nobj), rps, rate, lat in rows:
        f = rps[floor]
        cells = [
            name,
            f"{nbytes / 1024:.1f} KB, {nobj:,} obj",
            f"{rps['uncached']:,.0f} ({rps['uncached'] / f:.0%})",
            f"{rps['cached']:,.0f} ({rps['cached'] / f:.0%})",
            f"{f:,.0f}",
            (f"{rps['peer']:,.0f} ({rps['peer'] / f:.0%}; coopgraph {rps['uncached'] / rps['peer']:.1f}×)"
             if "peer" in rps else "—"),
            f"{rate:,}/s",
        ] + [f"{lat[t][0]:.2f} / {lat[t][1]:.2f} ms" for t in TARGETS if t != "peer"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="seed,10000,100000,1000000")
    ap.add_argument("--seconds", type=int, default=2)
    args = ap.parse_args()
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "-p", "coopgraph", "-p", "coopgraph-floor"],
        cwd=ROOT, check=True,
    )
    if not (PEER / "node_modules").exists():
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=PEER, check=True)
    WORK.mkdir(parents=True, exist_ok=True)
    for size in args.sizes.split(","):
        load_s, rows = run_size(size, args.seconds)
        print(table(size, load_s, rows), flush=True)


if __name__ == "__main__":
    main()
