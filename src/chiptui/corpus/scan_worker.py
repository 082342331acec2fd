"""``python -m chiptui.corpus.scan_worker PARENT_PID``: the corpus scan in a process of its own.

A process with threads (the browser) may not fork, so its scan would walk 100,000 files in
the interpreter the user is typing into, and every keystroke's search would wait on it. Run
here, the walk uses no time of the browser's interpreter, and uses every core (this process
has no threads, so it may fork its own walkers). One pickled list of roots comes on stdin;
one pickled ``(files, problems, digest, count)`` goes out on stdout, the files packed as the
walkers packed them (``loader.Found``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the process imports nothing of chiptui's before it lowers its priority)
    from chiptui.corpus.loader import Found
    from chiptui.corpus.models import Problem


def digest_of(found: Found, problems: list[Problem], max_bytes: int) -> str:
    """A fingerprint of every path, size and time, of what the scan could not read, and of
    the size limit the files were read under (taken from the packed scan: no dict needed)."""
    digest = hashlib.blake2b(digest_size=20)
    for names, _ in found.parts:
        digest.update(names)
    for _, numbers in found.parts:
        digest.update(numbers)
    digest.update(pickle.dumps(([p.to_json() for p in problems], max_bytes), protocol=pickle.HIGHEST_PROTOCOL))
    return digest.hexdigest()


Scanned = tuple[list[tuple[bytes, bytes]] | None, str, int]  # (the files as ``Found.parts`` or None, digest, count)


def scan_elsewhere(paths: list[str], problems: list[Problem], max_bytes: int, known: object) -> Scanned | None:
    """``loader.scan`` and ``digest_of`` in a subprocess: the files (None when their digest is
    ``known``: nothing changed, and 100,000 entries need not cross), the digest and how many
    files there are; None when that could not run (the caller scans itself)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "chiptui.corpus.scan_worker", str(os.getpid())],
            input=pickle.dumps((list(paths), max_bytes, known), protocol=pickle.HIGHEST_PROTOCOL),
            capture_output=True, check=False, timeout=600,
        )
        if proc.returncode != 0:
            return None
        found, found_problems, digest, count = pickle.loads(proc.stdout)  # our own child's bytes
    except (OSError, subprocess.SubprocessError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return None
    problems.extend(found_problems)
    return found, digest, count


def main() -> int:
    # background work: the browser the user types into goes first on a busy machine, from
    # this process's first import on (they cost more CPU than the interpreter's own start)
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass
    from chiptui.corpus.loader import scan_found
    from chiptui.corpus.workers import worker_setup

    if len(sys.argv) > 1 and sys.argv[1].isdigit():
        worker_setup(int(sys.argv[1]), quiet_output=False)  # stdout is the channel to the parent
    paths, max_bytes, known = pickle.load(sys.stdin.buffer)
    problems: list[Problem] = []
    found = scan_found(paths, problems)  # one core: the other is the user's
    digest = digest_of(found, problems, max_bytes)
    answer = (None if digest == known else found.parts, problems, digest, len(found))
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
