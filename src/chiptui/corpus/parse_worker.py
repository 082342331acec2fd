"""A parsing worker run as ``python -m chiptui.corpus.parse_worker``.

The browser has threads running, so it may not fork, and multiprocessing's spawn
start trips over the terminal handles Textual installs. A cold index started from
the browser therefore runs its parsers as plain subprocesses with clean standard
streams: each reads one pickled job on stdin and writes length-prefixed pickled
batches of ``(stored bytes, search text)`` on stdout as it goes, so the caller can
show progress.
"""

from __future__ import annotations

import gc
import pickle
import struct
import sys

BATCH = 250
HEADER = struct.Struct("!Q")


def main() -> int:
    gc.disable()  # many small objects, all kept: collections only cost time here
    from chiptui.corpus.index import _indexed
    from chiptui.corpus.workers import worker_setup

    parent = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else None
    if parent is not None:
        worker_setup(parent, quiet_output=False)  # stdout is the channel to the parent
    paths, stats, max_bytes = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    batch: list[tuple[bytes, str]] = []
    for path, stat in zip(paths, stats, strict=True):
        record, blob = _indexed(path, stat, max_bytes)
        batch.append((blob, record.text))
        if len(batch) >= BATCH:
            _send(out, batch)
            batch = []
    if batch:
        _send(out, batch)
    return 0


def _send(out, batch: list[tuple[bytes, str]]) -> None:  # type: ignore[no-untyped-def]
    data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(HEADER.pack(len(data)) + data)
    out.flush()


if __name__ == "__main__":
    sys.exit(main())
