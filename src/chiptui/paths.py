"""Where chiptui finds its bundled corpus (and, later, keeps its cache, data and config)."""

from __future__ import annotations

import os
from pathlib import Path

ENV_CORPUS = "CHIPTUI_CORPUS"


def bundled_seeds() -> Path:
    """The seed corpus: inside the installed package, or the repo's ``seeds/`` in a checkout."""
    packaged = Path(__file__).resolve().parent / "seeds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds"


def corpus_paths(paths: list[str] | None) -> list[str]:
    """PATH arguments, else ``$CHIPTUI_CORPUS`` (os.pathsep-separated), else the seeds."""
    if paths:
        return list(paths)
    env = os.environ.get(ENV_CORPUS, "")
    from_env = [p for p in env.split(os.pathsep) if p.strip()]
    if from_env:
        return from_env
    return [str(bundled_seeds())]
