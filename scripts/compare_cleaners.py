"""Two versions of the body cleaner, timed in turns on bodies-real, and their outputs compared.

    python scripts/compare_cleaners.py OLD_CLEAN_PY NEW_CLEAN_PY [--rounds 15]

e.g. ``git show HEAD~1:src/chiptui/corpus/clean.py > /tmp/old_clean.py`` first. This
machine's speed drifts more between minutes than a small change moves it, so the two are
loaded side by side and timed alternately (3 passes over the 25 pages a round); it prints
the median and best MB/s of each, and how many of the pages (cleaned with and without their
titles) come out differently.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
BODIES = REPO.parent / "shared" / "corpora" / "bodies-real"


def load(path: str, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def pages(bodies: Path = BODIES) -> list[tuple[str, str | None]]:
    """Each page of a bodies-real folder with its card's title (scripts/benchmark.py's
    cleaning rows read them through this too)."""
    found = []
    for body in sorted(bodies.glob("*_body.txt")):
        card = body.with_name(body.name.replace("_body.txt", "_card.md")).read_text(encoding="utf-8")
        title = next((line[6:].strip().strip('"') for line in card.splitlines() if line.startswith("title:")), None)
        found.append((body.read_text(encoding="utf-8"), title))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    if not BODIES.is_dir():
        print(f"{BODIES} not found", file=sys.stderr)
        return 2
    old, new = load(args.old, "cleaner_old"), load(args.new, "cleaner_new")
    texts = pages()
    size = sum(len(text.encode()) for text, _ in texts)
    speeds: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for name, module in (("old", old), ("new", new)):
            start = time.perf_counter()
            for _ in range(3):
                for text, title in texts:
                    module.clean_body(text, title)
            speeds[name].append(size * 3 / (time.perf_counter() - start) / 1e6)
    differ = sum(
        old.clean_body(text, title) != new.clean_body(text, title)
        for text, page_title in texts
        for title in (page_title, None)
    )
    for name, values in speeds.items():
        print(f"{name}: median {statistics.median(values):.2f} MB/s, best {max(values):.2f} MB/s")
    print(f"ratio of medians {statistics.median(speeds['new']) / statistics.median(speeds['old']):.3f}; "
          f"{differ} of {2 * len(texts)} cleanings differ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
