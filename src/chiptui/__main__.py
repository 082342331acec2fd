from __future__ import annotations

from chiptui.cli import run

run()
