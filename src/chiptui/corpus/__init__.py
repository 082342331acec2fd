"""The corpus store: files -> articles -> one immutable snapshot.

Nothing in this package imports Textual, so the command line stays fast and the
core is tested without a terminal.

The names below are imported when first used (PEP 562): the browser's background
processes (``python -m chiptui.corpus.scan_worker`` and the watcher) import only
the modules they need, not the whole store, before they lower their priority.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chiptui.corpus.models import Article, Entry, Image, Problem, Provider, Related, Urls
    from chiptui.corpus.store import SORTS, CorpusStore, FilterResult, Hit

_HOMES = {
    "Article": "models",
    "Entry": "models",
    "Image": "models",
    "Problem": "models",
    "Provider": "models",
    "Related": "models",
    "Urls": "models",
    "SORTS": "store",
    "CorpusStore": "store",
    "FilterResult": "store",
    "Hit": "store",
}

__all__ = [  # (the keys of _HOMES)
    "SORTS",
    "Article",
    "CorpusStore",
    "Entry",
    "FilterResult",
    "Hit",
    "Image",
    "Problem",
    "Provider",
    "Related",
    "Urls",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"chiptui.corpus.{home}"), name)
