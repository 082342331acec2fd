"""``python -m chiptui.corpus.watch_worker PARENT_PID ROOT...``: the file watcher in a process
of its own.

watchfiles sets up its watches holding the interpreter's lock: 2.5 s for a corpus of a million
files, during which no thread of the browser ran (the first frame, a search's list, keys).
Run here, the setup stops nothing of the browser's. This process writes a line on standard
output for each batch of changes ("changed") and one a second otherwise ("idle", so the reader
can look at whether it is still wanted); it ends with its parent, when its standard input
closes, or after "failed ..." when no watcher can run here (the browser then polls).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

CHANGED, IDLE, FAILED = "changed", "idle", "failed"


def start(roots: list[str]) -> subprocess.Popen[str]:
    """The watcher process for ROOTS (read its lines; close its stdin or kill it to end it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "chiptui.corpus.watch_worker", str(os.getpid()), *roots],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def main() -> int:
    try:
        os.nice(10)  # background work: the browser goes first on a busy machine (its imports too)
    except (AttributeError, OSError):
        pass
    from chiptui.corpus.workers import worker_setup

    worker_setup(int(sys.argv[1]), quiet_output=False)  # stdout is the channel to the parent
    stop = threading.Event()

    def until_closed() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=until_closed, daemon=True).start()
    try:
        from watchfiles import watch

        for changes in watch(
            *sys.argv[2:], stop_event=stop, debounce=800, rust_timeout=1000, yield_on_timeout=True, raise_interrupt=False
        ):
            print(CHANGED if changes else IDLE, flush=True)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - no watcher here (too many folders, no inotify): said, the parent polls
        print(f"{FAILED} {type(exc).__name__}: {exc}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
