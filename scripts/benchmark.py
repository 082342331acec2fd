"""Measure the index, start-up and filtering at several corpus sizes; prints Markdown tables.

    python scripts/benchmark.py --sizes 1000 10000 100000 [--workdir bench-data] [--runs 3] [--no-ui]
    python scripts/benchmark.py --sizes 1000000 --kept-index bench-data/kept   # its index kept between runs

For each size it generates the corpus once (scripts/generate_corpus.py, seed 1)
and measures, each as a whole process unless it says "in process":

- cold index: ``chiptui index CORPUS`` with an empty cache directory, --runs times (with --kept-index,
  only when the kept directory holds no index yet: "kept" in its cells otherwise)
- warm index: the same again, nothing changed
- list --query: ``chiptui list CORPUS --query "nvidia chip" --limit 20`` over the warm index
- keystrokes (in process): the browser's filter work for every prefix of a few
  typed queries (the search, the facet selection, the sidebar counts), p50/p95,
  and the peak RSS of that process
- fzf --filter: the same typed prefixes over the same titles with fzf, whole
  process, when fzf is installed (apt install fzf)
- browser start: launch ``chiptui CORPUS`` in tmux until the status line shows
  "N of N articles", and the browser's RSS then (needs tmux; --no-ui skips)
- body cleaning (in process, one core): ``clean_body`` over the bundled seed page and
  the real pages of ../shared/corpora/bodies-real when present, MB/s over --runs runs
  (``--clean-only`` measures just this)

Numbers are wall-clock medians over --runs runs on this machine: measurements,
not test limits.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUERIES = ("nvidia chip", "tranium", "google cloud ai", "topic:AI* nvidia after:2021 -provider:x")
LIST_QUERY = "nvidia chip"
BURST_QUERIES = ("nvidia chip", "google cloud ai")  # a few hits and a third of the corpus

KEYSTROKES = """
import json, resource, statistics, sys, time
from chiptui.corpus.query import QueryError, parse
from chiptui.corpus.state import StateStore
from chiptui.corpus.store import CorpusStore
store = CorpusStore.load([sys.argv[1]])
t0 = time.perf_counter()
store.warm_search()  # what the browser does in the background once its first screen is up
state = StateStore()  # and the marks: their indices are computed once per store and change
read = frozenset(store.marked(state.read)) if state.read else frozenset()
starred = frozenset(store.marked(state.starred)) if state.starred else frozenset()
warm_up = time.perf_counter() - t0
queries = json.loads(sys.argv[2])
latencies = []
for query in queries:
    for n in range(1, len(query) + 1):
        prefix = query[:n]
        t0 = time.perf_counter()
        try:  # what the browser's filter worker does for each keystroke
            parsed = parse(prefix)
        except QueryError:
            latencies.append(time.perf_counter() - t0)  # the box keeps the last list: no search
            continue
        base = store.run_query(parsed, state)
        result = store.refine(base)
        count = len(result)
        store.facet_counts(base.indices)
        # the Library section's counts, as the browser's filter worker computes them
        unread = sum(1 for i in result.indices if i not in read)
        starred_count = sum(1 for i in result.indices if i in starred)
        latencies.append(time.perf_counter() - t0)
latencies.sort()
print(json.dumps({
    "articles": len(store),
    "warm_up": warm_up,
    "p50": statistics.median(latencies),
    "p95": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))],
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

STRUCTURED = (
    "after:30d quality:>100 -provider:x",
    "after:2020 quality:>100 -provider:x",
    'topic:"AI Hardware" after:1y -nvidia quality:>50 is:unread',
    "quality:50..100 has:related",
    "(trainium OR inferentia) -gpu",
)

QUERY_SPEED = """
import json, statistics, sys, time
from chiptui.corpus.query import parse
from chiptui.corpus.state import StateStore
from chiptui.corpus.store import CorpusStore
store = CorpusStore.load([sys.argv[1]])
store.warm_search()
state = StateStore()
out = []
for text in json.loads(sys.argv[2]):
    parse_times, run_times = [], []
    for _ in range(7):
        t0 = time.perf_counter()
        query = parse(text)
        t1 = time.perf_counter()
        hits = len(store.run_query(query, state))
        run_times.append(time.perf_counter() - t1)
        parse_times.append(t1 - t0)
    out.append([text, statistics.median(parse_times), statistics.median(run_times), hits])
print(json.dumps(out))
"""

STAR_TENTH = """
import sys
from chiptui.corpus.state import StateStore, Target
from chiptui.corpus.store import CorpusStore
store = CorpusStore.load([sys.argv[1]])
entries = list(store.entries)[::10]
StateStore().set_starred([Target(store.state_key(e), e.url, e.title) for e in entries], True)
"""

TITLES = """
import sys
from chiptui.corpus.store import CorpusStore
store = CorpusStore.load([sys.argv[1]])
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write("\\n".join(store.columns.titles) + "\\n")
"""


def ensure_corpus(workdir: Path, size: int) -> Path:
    target = workdir / f"corpus-{size}"
    marker = target / ".complete-v2"
    if not marker.exists():
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run(
            [sys.executable, str(REPO / "scripts" / "generate_corpus.py"), str(target), "--count", str(size)], check=True
        )
        marker.touch()
    return target


def chiptui() -> list[str]:
    found = shutil.which("chiptui", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "chiptui"]


def byte_compiled() -> None:
    """Byte-compile the chiptui that runs, as ``pip install .`` does: a development checkout
    under PYTHONDONTWRITEBYTECODE (set on these machines) would otherwise compile every module
    from source at every start, 40-50 ms that no installed copy spends."""
    import compileall

    import chiptui

    compileall.compile_dir(str(Path(chiptui.__file__).parent), quiet=1)


def timed(
    command: list[str], env: dict[str, str], stdin: Path | None = None, stdout: Path | None = None
) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one whole process."""
    with open(stdin or os.devnull, "rb") as source, open(stdout or os.devnull, "wb") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdin=source, stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # fzf exits 1 when nothing matches
        raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def median_time(command: list[str], env: dict[str, str], runs: int, stdin: Path | None = None) -> float:
    return statistics.median(timed(command, env, stdin)[0] for _ in range(runs))


def browser_start(
    corpus: Path, env: dict[str, str], size: int, runs: int, expect_marks: bool = False
) -> tuple[float, float, float] | None:
    """Seconds from launch until the status line shows all articles, seconds until it also
    shows the unread count (the marks are loaded and counted), and the browser's RSS then."""
    if not shutil.which("tmux"):
        return None
    expected = f"{size:,} of {size:,} articles"
    times, unread_times, rss = [], [], 0.0
    for _ in range(runs):
        start = _launch(corpus, env)
        listed = None
        while True:
            screen = _screen()
            now = time.perf_counter() - start
            if listed is None and expected in screen:
                listed = now
            after = screen.split(expected + " \u00b7 ", 1)
            if listed is not None and len(after) == 2 and " unread" in after[1][:24]:
                break
            if now > 60:
                raise SystemExit(f"the browser did not show {expected!r} and its unread count within 60 s:\n{screen}")
            time.sleep(0.005)
        times.append(listed)
        unread_times.append(now)
        time.sleep(4.0)  # let the background file check and search warm-up finish, then read the memory
        rss = max(rss, _browser_rss())
        _close()
    return statistics.median(times), rss, statistics.median(unread_times)


COUNT = """
import sys
from chiptui.corpus.query import parse
from chiptui.corpus.store import CorpusStore
print(len(CorpusStore.load([sys.argv[1]], cached=True).run_query(parse(sys.argv[2]))))
"""


def burst_after_start(corpus: Path, env: dict[str, str], size: int, query: str, runs: int) -> list[float] | None:
    """What a user does: launch ``chiptui CORPUS`` in tmux, wait until the list first shows,
    then 0.5 s later type ``/`` and QUERY in one burst (one tmux send-keys); seconds from the
    burst until the status line shows the query's final count, and the RSS after it."""
    if not shutil.which("tmux"):
        return None
    hits = int(subprocess.run([sys.executable, "-c", COUNT, str(corpus), query], env=env, capture_output=True,
                              text=True, check=True).stdout)
    expected_all = f"{size:,} of {size:,} articles"
    expected = f"{hits:,} of {size:,} articles"
    out = []
    for _ in range(runs):
        _launch(corpus, env)
        out.append(_burst(expected_all, "/" + query, expected))
        out.append(_browser_rss())
        _close()
    return out


def _burst(shown: str, keys: str, done: str) -> float:
    """Seconds from KEYS sent in one send-keys, 0.5 s after the session's screen shows SHOWN,
    until it shows DONE."""
    _wait_for(shown)
    time.sleep(0.5)
    typed = time.perf_counter()
    subprocess.run(["tmux", "send-keys", "-t", SESSION, "-l", keys], check=True)
    _wait_for(done)
    return time.perf_counter() - typed


SESSION = "chiptui-bench"  # the tmux session the browser rows run in


def fzf_burst(titles: Path, query: str, runs: int) -> list[float] | None:
    """The same burst typed into fzf itself, in the same tmux: ``fzf`` over the same titles,
    QUERY sent in one send-keys 0.5 s after its count shows all of them, seconds until its
    count line shows the final count. A reference for the tmux and terminal round trip that
    the browser's burst pays and ``fzf --filter`` (which draws nothing) does not."""
    fzf = shutil.which("fzf")
    if not fzf or not shutil.which("tmux"):
        return None
    total = sum(1 for _ in titles.open(encoding="utf-8"))
    with titles.open("rb") as source:
        found = subprocess.run([fzf, "--filter", query], stdin=source, capture_output=True, check=False).stdout
    hits = found.count(b"\n")
    out = []
    for _ in range(runs):
        _start(f"{fzf} < {titles}")
        out.append(_burst(f" {total}/{total}", query, f" {hits}/{total}"))
        _close()
    return out


def _launch(corpus: Path, env: dict[str, str]) -> float:
    """The browser on CORPUS in a fresh tmux session (160x50) with env's CHIPTUI_ variables;
    the moment it was launched."""
    exports = " ".join(f"{k}={v}" for k, v in env.items() if k.startswith("CHIPTUI_"))
    return _start(f"env {exports} {' '.join(chiptui())} {corpus}")


def _start(command: str) -> float:
    """COMMAND in a fresh tmux session (160x50); the moment it was started."""
    _close()
    for _ in range(5):
        start = time.perf_counter()
        proc = subprocess.run(["tmux", "new", "-d", "-s", SESSION, "-x", "160", "-y", "50", command], capture_output=True, check=False)
        if proc.returncode == 0:
            return start
        # closing the last session ends the server a moment later, and a new session that
        # reached it then fails ("server exited unexpectedly"): wait for it to be gone, again
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and subprocess.run(["tmux", "ls"], capture_output=True, check=False).returncode == 0:
            time.sleep(0.05)
    raise SystemExit(f"tmux could not start a session: {proc.stderr.decode(errors='replace').strip()}")


def _close() -> None:
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True, check=False)  # (none yet: fine)


def _browser_rss() -> float:
    pid = subprocess.run(["tmux", "list-panes", "-t", SESSION, "-F", "#{pane_pid}"], capture_output=True, text=True, check=True)
    return _rss_of_tree(int(pid.stdout.strip()))


def _screen() -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", SESSION], capture_output=True, text=True, check=False).stdout


ADDED = "zz-benchmark-added"  # the folder the added cards go in (last in the walk)


def _add(corpus: Path, count: int) -> Path:
    """COUNT new cards in a folder of their own (copies of the corpus's first cards under new
    titles, written in that folder's name order); the folder."""
    folder = corpus / ADDED
    shutil.rmtree(folder, ignore_errors=True)
    sources = sorted(p for p in corpus.rglob("*.md") if p.parent != folder)[:count]
    texts = [source.read_text(encoding="utf-8").replace("title: ", f"title: Added {n} ", 1) for n, source in enumerate(sources)]
    folder.mkdir()
    for n, text in enumerate(texts):
        (folder / f"added-{n:04d}.md").write_text(text, encoding="utf-8")
    return folder


def add_cards(corpus: Path, env: dict[str, str], count: int = 100) -> float:
    """Seconds for ``chiptui index`` after COUNT new cards appear in a warm corpus (``_add``;
    removed afterwards)."""
    try:
        _add(corpus, count)
        t0 = time.perf_counter()
        subprocess.run([*chiptui(), "index", str(corpus)], env=env, check=True, capture_output=True)
        return time.perf_counter() - t0
    finally:
        shutil.rmtree(corpus / ADDED, ignore_errors=True)
        subprocess.run([*chiptui(), "index", str(corpus)], env=env, check=True, capture_output=True)


def shown_live(corpus: Path, env: dict[str, str], size: int, runs: int, count: int = 100) -> list[float] | None:
    """What a user sees: the browser open on the corpus in tmux (the list shown, then 3 s of
    reading), COUNT new cards written (``_add``); seconds from the last write until the status
    line counts them. They are removed, and the browser closed, after each run."""
    if not shutil.which("tmux"):
        return None
    before, after = f"{size:,} of {size:,} articles", f"{size + count:,} of {size + count:,} articles"
    out = []
    for _ in range(runs):
        _launch(corpus, env)
        try:
            _wait_for(before)
            time.sleep(3.0)
            _add(corpus, count)
            written = time.perf_counter()
            _wait_for(after)
            out.append(time.perf_counter() - written)
        finally:
            _close()
            shutil.rmtree(corpus / ADDED, ignore_errors=True)
            # the index as it was, for the next rows (a removal joins the corpus again: over a
            # minute at 1,000,000 articles, longer than a browser row waits)
            subprocess.run([*chiptui(), "index", str(corpus)], env=env, check=True, capture_output=True)
    return out


def _wait_for(text: str, limit: float = 60.0) -> None:
    start = time.perf_counter()
    while text not in _screen():
        if time.perf_counter() - start > limit:
            raise SystemExit(f"the browser did not show {text!r} within {limit:.0f} s:\n{_screen()}")
        time.sleep(0.005)


def _medians(runs: list) -> tuple[float, float, float] | None:  # type: ignore[type-arg]
    runs = [r for r in runs if r is not None]
    if not runs:
        return None
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))  # type: ignore[return-value]


def _rss_of_tree(pid: int) -> float:
    """RSS in MB of the biggest process in the tree under ``pid`` (the pane's shell runs chiptui)."""
    best = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        best = max(best, int(line.split()[1]) / 1024)
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending.extend(int(c) for c in children.read().split())
        except OSError:
            continue
    return best


CLEAN_SPEED = """
import json, sys, time
from pathlib import Path
from chiptui.corpus.clean import clean_body
sets = {}
seed = Path(sys.argv[1])
sets["seed page"] = [(p.read_text(encoding="utf-8"), "Amazon debuts Trainium, a custom chip for machine learning training in the cloud")
                     for p in seed.glob("*") if not p.read_text(encoding="utf-8").startswith("---")]
real = Path(sys.argv[2])
if real.is_dir():
    sys.path.insert(0, sys.argv[4])
    from compare_cleaners import pages as real_pages
    sets["bodies-real"] = real_pages(real)
out = {}
for name, pages in sets.items():
    size = sum(len(text.encode()) for text, _ in pages)
    speeds = []
    for _ in range(int(sys.argv[3])):
        t0 = time.perf_counter()
        for _ in range(max(1, 2_000_000 // max(size, 1))):  # about 2 MB a run
            for text, title in pages:
                clean_body(text, title)
        speeds.append(size * max(1, 2_000_000 // max(size, 1)) / (time.perf_counter() - t0) / 1e6)
    out[name] = {"pages": len(pages), "bytes": size, "mb_s": speeds}
print(json.dumps(out))
"""


def cleaning_speed(runs: int) -> None:
    result = json.loads(
        subprocess.run(
            [
                sys.executable, "-c", CLEAN_SPEED, str(REPO / "seeds"), str(REPO.parent / "shared/corpora/bodies-real"),
                str(runs), str(REPO / "scripts"),
            ],
            capture_output=True, text=True, check=True,
        ).stdout
    )
    print("\nBody cleaning, in process on one core (`clean_body`, about 2 MB a run; the target is 5 MB/s):\n")
    print("| pages | size | MB/s, min-max over runs |")
    print("|---|---:|---:|")
    for name, row in result.items():
        print(f"| {name} ({row['pages']}) | {row['bytes'] / 1000:.0f} KB | {min(row['mb_s']):.2f}-{max(row['mb_s']):.2f} |")
    if "bodies-real" not in result:
        print("\n(../shared/corpora/bodies-real not found: only the seed page measured)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workdir", default=str(REPO / "bench-data"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-ui", action="store_true", help="skip the browser start-up measurement (needs tmux)")
    parser.add_argument(
        "--marks", action="store_true",
        help="also measure warm start and keystrokes with every article marked read and a tenth starred",
    )
    parser.add_argument("--clean-only", action="store_true", help="measure only the body cleaner's speed")
    parser.add_argument(
        "--kept-index", metavar="DIR",
        help="keep each corpus's index in DIR/cache-SIZE between runs of this script: the cold index is built "
        "and timed only when none is there yet (at 1,000,000 articles it takes four minutes); every other row "
        "is measured on it as usual",
    )
    args = parser.parse_args()
    if args.clean_only:
        cleaning_speed(args.runs)
        return 0
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    byte_compiled()
    fzf = shutil.which("fzf")
    rows = []
    details = []
    marks_rows: list[tuple] = []
    query_rows: list[tuple] = []
    targets: list[tuple[int, dict]] = []
    for size in args.sizes:
        corpus = ensure_corpus(workdir, size)
        with tempfile.TemporaryDirectory(prefix="chiptui-bench-") as tmp:
            env = {**os.environ}
            for name in ("cache", "data", "config"):
                env[f"CHIPTUI_{name.upper()}_DIR"] = os.path.join(tmp, name)
            kept = Path(args.kept_index).resolve() / f"cache-{size}" if args.kept_index else None
            cold: float | None = None
            cold_rss: float | None = None
            phases: dict[str, float] = {}
            if kept is not None:
                env["CHIPTUI_CACHE_DIR"] = str(kept)
            colds: list[tuple[float, float, dict[str, float]]] = []
            if kept is None or not any(kept.glob("index/*.sqlite")):
                # --runs times with an empty cache (one run only into a kept index): a single
                # cold run moved by 1-5 s with what ran before it on this shared machine
                for run in range(1 if kept is not None else args.runs):
                    run_env = env if run == 0 else {**env, "CHIPTUI_CACHE_DIR": os.path.join(tmp, f"cache-cold-{run}")}
                    cold_json = Path(tmp) / "cold.json"
                    seconds, rss = timed([*chiptui(), "index", str(corpus), "--json"], run_env, stdout=cold_json)
                    colds.append((seconds, rss, json.loads(cold_json.read_text())["phases"]))
                    if run:
                        shutil.rmtree(run_env["CHIPTUI_CACHE_DIR"], ignore_errors=True)
                cold, cold_rss, phases = sorted(colds, key=lambda c: c[0])[len(colds) // 2]  # the median run
            warm = median_time([*chiptui(), "index", str(corpus)], env, args.runs)
            listing = median_time([*chiptui(), "list", str(corpus), "--query", LIST_QUERY, "--limit", "20"], env, args.runs)
            # issue 12's rows, each beside its anchor measured in the same run
            target: dict[str, object] = {"list": listing, "colds": [c[0] for c in colds]}
            target["cached"] = median_time(
                [*chiptui(), "list", str(corpus), "--query", LIST_QUERY, "--limit", "20", "--cached"], env, args.runs
            )
            if fzf:
                target["grep_fzf"] = median_time(
                    ["sh", "-c", f"grep -rh -m1 '^title:' {corpus} | {fzf} --filter '{LIST_QUERY}'"], env, args.runs
                )
            target["add"] = statistics.median(add_cards(corpus, env) for _ in range(args.runs))
            target["live"] = None if args.no_ui else shown_live(corpus, env, size, args.runs)
            keys = json.loads(
                subprocess.run(
                    [sys.executable, "-c", KEYSTROKES, str(corpus), json.dumps(QUERIES)],
                    env=env, capture_output=True, text=True, check=True,
                ).stdout
            )
            fzf_times = []
            if fzf:
                titles = Path(tmp) / "titles.txt"
                subprocess.run([sys.executable, "-c", TITLES, str(corpus), str(titles)], env=env, check=True)
                for query in QUERIES:
                    for n in range(1, len(query) + 1):
                        fzf_times.append(median_time([fzf, "--filter", query[:n]], env, args.runs, stdin=titles))
                fzf_times.sort()
            ui = None if args.no_ui else browser_start(corpus, env, size, args.runs)
            if not args.no_ui:
                bursts = {}
                for query in BURST_QUERIES:
                    measured = burst_after_start(corpus, env, size, query, args.runs)
                    anchor = median_time([fzf, "--filter", query], env, args.runs, stdin=titles) if fzf else None
                    typed_fzf = fzf_burst(titles, query, args.runs) if fzf else None
                    if measured:
                        bursts[query] = (measured[0::2], measured[1::2], anchor, typed_fzf)
                target["bursts"] = bursts
            targets.append((size, target))
            speeds = json.loads(
                subprocess.run(
                    [sys.executable, "-c", QUERY_SPEED, str(corpus), json.dumps(STRUCTURED)],
                    env=env, capture_output=True, text=True, check=True,
                ).stdout
            )
            query_rows.append((size, speeds))
            if args.marks:
                # the marks go in a data directory of their own, so runs with and without them
                # can alternate (this machine's speed drifts more between minutes than the
                # difference being measured)
                marked_env = {**env, "CHIPTUI_DATA_DIR": os.path.join(tmp, "data-marked")}
                t0 = time.perf_counter()
                subprocess.run([*chiptui(), "mark", "read", "--all", str(corpus)], env=marked_env, check=True, capture_output=True)
                mark_all = time.perf_counter() - t0
                subprocess.run([sys.executable, "-c", STAR_TENTH, str(corpus)], env=marked_env, check=True)
                marked_keys = json.loads(
                    subprocess.run(
                        [sys.executable, "-c", KEYSTROKES, str(corpus), json.dumps(QUERIES)],
                        env=marked_env, capture_output=True, text=True, check=True,
                    ).stdout
                )
                plain_ui = marked_ui = None
                if not args.no_ui:
                    plain, marked = [], []
                    for _ in range(args.runs * 2):
                        plain.append(browser_start(corpus, env, size, 1))
                        marked.append(browser_start(corpus, marked_env, size, 1))
                    plain_ui = _medians(plain)
                    marked_ui = _medians(marked)
                marks_rows.append((size, mark_all, keys, marked_keys, plain_ui, marked_ui))
        rows.append((size, cold, cold_rss, warm, listing, keys, fzf_times, ui))
        details.append((size, phases, keys["warm_up"]))
        print(f"measured {size:,} articles", file=sys.stderr)

    print(f"Machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; medians of {args.runs} runs.\n")
    print("| articles | cold index | warm index | `list --query` | browser start | keystroke p50 / p95 (in process) "
          "| `fzf --filter` p50 / p95 | browser RSS | cold index peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, cold, cold_rss, warm, listing, keys, fzf_times, ui in rows:
        fzf_cell = (
            f"{statistics.median(fzf_times) * 1000:.0f} / {fzf_times[round(0.95 * (len(fzf_times) - 1))] * 1000:.0f} ms"
            if fzf_times else "no fzf"
        )
        ui_cells = (f"{ui[0]:.2f} s", f"{ui[1]:.0f} MB") if ui else ("skipped", "skipped")
        cold_cells = (f"{cold:.2f} s", f"{cold_rss:.0f} MB") if cold is not None else ("kept", "kept")
        print(
            f"| {size:,} | {cold_cells[0]} | {warm:.2f} s | {listing:.2f} s | {ui_cells[0]} "
            f"| {keys['p50'] * 1000:.0f} / {keys['p95'] * 1000:.0f} ms | {fzf_cell} | {ui_cells[1]} | {cold_cells[1]} |"
        )
    print("\nWhere a cold index spends its time (seconds, from `chiptui index --json`), and the search")
    print("warm-up the browser runs in the background after its first screen:\n")
    order = next((list(phases) for _, phases, _ in details if phases), [])
    names = sorted({name for _, phases, _ in details for name in phases}, key=order.index)
    print("| " + " | ".join(["articles", *names, "search warm-up"]) + " |")
    print("|---:|" + "---:|" * (len(names) + 1))
    for size, phases, warm_up in details:
        cells = [f"{phases[name]:.2f}" if name in phases else "kept" for name in names]
        print("| " + " | ".join([f"{size:,}", *cells, f"{warm_up:.2f}"]) + " |")
    print("\nThe query language, in process, with the search warm (medians of 7): parse, then run.\n")
    print("| articles | query | parse | run | hits |")
    print("|---:|---|---:|---:|---:|")
    for size, speeds in query_rows:
        for text, parse_s, run_s, hits in speeds:
            print(f"| {size:,} | `{text}` | {parse_s * 1000:.2f} ms | {run_s * 1000:.1f} ms | {hits:,} |")
    if marks_rows:
        print("\nWith marks: every article read and a tenth starred (state.sqlite3), against the same")
        print("corpus without marks, the two launched alternately (2 x --runs each). Warm start: until the")
        print("list shows (its rows carry their marks from the first frame) / until the status line shows")
        print("the unread count.\n")
        print("| articles | `mark read --all` | warm start: list / unread count, no marks | with marks | keystroke p50 / p95, no marks | with marks |")
        print("|---:|---:|---:|---:|---:|---:|")
        for size, mark_all, keys, marked_keys, ui, marked_ui in marks_rows:
            start = f"{ui[0]:.2f} / {ui[2]:.2f} s" if ui else "skipped"
            marked_start = f"{marked_ui[0]:.2f} / {marked_ui[2]:.2f} s" if marked_ui else "skipped"
            print(
                f"| {size:,} | {mark_all:.2f} s | {start} | {marked_start} "
                f"| {keys['p50'] * 1000:.0f} / {keys['p95'] * 1000:.0f} ms "
                f"| {marked_keys['p50'] * 1000:.0f} / {marked_keys['p95'] * 1000:.0f} ms |"
            )
    print_targets(targets)
    cleaning_speed(args.runs)
    return 0


def _range(values: list[float], unit: str = "s", scale: float = 1.0) -> str:
    low, high = min(values) * scale, max(values) * scale
    digits = 0 if unit == "ms" or unit == "MB" else 2
    return f"{low:.{digits}f} {unit}" if round(low, digits) == round(high, digits) else f"{low:.{digits}f}-{high:.{digits}f} {unit}"


def print_targets(targets: list[tuple[int, dict]]) -> None:
    """Issue 12's table: each row measured, its anchor measured in the same run, its target."""
    if not targets:
        return
    print("\nIssue 12's rows (medians of --runs; bursts: each run's value):\n")
    print("| articles | what | measured | anchor, same run | target |")
    print("|---:|---|---:|---:|---|")
    for size, t in targets:
        anchor = f"{t['grep_fzf']:.2f} s (`grep -rh -m1 '^title:' \\| fzf --filter`)" if "grep_fzf" in t else "no fzf"
        print(f"| {size:,} | `list --query` warm, full check | {t['list']:.2f} s | {anchor} | faster than the anchor |")
        print(f"| {size:,} | `list --query --cached` | {t['cached']:.2f} s | - | <= 0.3 s |")
        if t.get("colds"):
            print(f"| {size:,} | `chiptui index` cold (each run) | {_range(t['colds'])} | - | <= 10 s at 100,000 |")
        print(f"| {size:,} | `chiptui index` after 100 new cards | {t['add']:.2f} s | - | <= 1.5 s |")
        if t.get("live"):
            live = t["live"]
            print(f"| {size:,} | a running browser counts 100 new cards (tmux; each run) | {_range(live)} | - | <= 2 s |")
        for query, (seconds, rss, fzf_s, typed_fzf) in t.get("bursts", {}).items():
            fzf_cell = f"{fzf_s * 1000:.0f} ms (`fzf --filter`)" if fzf_s is not None else "no fzf"
            if typed_fzf:
                fzf_cell += f"; {_range(typed_fzf, 'ms', 1000)} (`{query}` typed into fzf in tmux)"
            print(
                f"| {size:,} | `/{query}` typed in one burst 0.5 s after the list shows, until its count (tmux) "
                f"| {_range(seconds, 'ms', 1000)} | {fzf_cell} | faster than `fzf --filter` |"
            )
            print(f"| {size:,} | browser RSS after that query | {_range(rss, 'MB')} | - | <= 250 MB at 100,000 |")


if __name__ == "__main__":
    sys.exit(main())
