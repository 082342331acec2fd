"""chiptui: a terminal browser for a local corpus of news articles."""

from __future__ import annotations

__version__ = "0.1.0"
