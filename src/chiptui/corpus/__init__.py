"""The corpus store: files -> articles -> one immutable snapshot.

Nothing in this package imports Textual, so the command line stays fast and the
core is tested without a terminal.
"""

from __future__ import annotations

from chiptui.corpus.models import (
    Article,
    Entry,
    Image,
    Problem,
    Provider,
    Related,
    Urls,
)
from chiptui.corpus.store import SORTS, CorpusStore, FilterResult, Hit

__all__ = [
    "Article",
    "CorpusStore",
    "Entry",
    "FilterResult",
    "Hit",
    "Image",
    "Problem",
    "Provider",
    "Related",
    "SORTS",
    "Urls",
]
