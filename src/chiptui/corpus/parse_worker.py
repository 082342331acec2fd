"""``python -m chiptui.corpus.parse_worker``: a parsing subprocess (see ``parse_pool``)."""

from __future__ import annotations

import sys

from chiptui.corpus.parse_pool import worker_main

if __name__ == "__main__":
    sys.exit(worker_main())
