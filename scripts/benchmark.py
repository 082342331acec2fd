"""Measure loading and filtering at several corpus sizes; prints a Markdown table.

    python scripts/benchmark.py --sizes 1000 10000 [--workdir bench-data]

Corpora are generated once per size (scripts/generate_corpus.py, seed 1) and
reused. Numbers are wall-clock on this machine: measurements, not test limits.
Peak RSS is the load's process, measured in a child so sizes do not mix.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUERY = "nvidia chip"

CHILD = """
import json, resource, statistics, sys, time
from chiptui.corpus.store import CorpusStore
path, query = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
store = CorpusStore.load([path])
load = time.perf_counter() - t0
t0 = time.perf_counter(); first = store.filter(sort="newest"); full_list = time.perf_counter() - t0
latencies = []
for n in range(1, len(query) + 1):
    t0 = time.perf_counter()
    store.filter(query[:n], sort="relevance")
    latencies.append(time.perf_counter() - t0)
latencies.sort()
print(json.dumps({
    "articles": len(store), "load": load, "full_list": full_list,
    "p50": statistics.median(latencies), "p95": latencies[int(0.95 * (len(latencies) - 1))],
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def ensure_corpus(workdir: Path, size: int) -> Path:
    target = workdir / f"corpus-{size}"
    if not (target / ".complete").exists():
        subprocess.run([sys.executable, str(REPO / "scripts" / "generate_corpus.py"), str(target), "--count", str(size)], check=True)
        (target / ".complete").touch()
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workdir", default=str(REPO / "bench-data"))
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    print("| articles | load (parse all, 1 process) | full list | filter p50 | filter p95 | peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        corpus = ensure_corpus(workdir, size)
        proc = subprocess.run([sys.executable, "-c", CHILD, str(corpus), QUERY], capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout)
        print(
            f"| {r['articles']:,} | {r['load']:.2f} s | {r['full_list'] * 1000:.1f} ms | {r['p50'] * 1000:.1f} ms "
            f"| {r['p95'] * 1000:.1f} ms | {r['rss_mb']:.0f} MB |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
