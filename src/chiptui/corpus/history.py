"""The filter box's query history: the last 500 queries, in the user data directory."""

from __future__ import annotations

import json
import os

from chiptui.paths import data_dir

LIMIT = 500
FILE_NAME = "history.jsonl"


class QueryHistory:
    """Queries oldest first; ``add`` moves a repeated query to the end and saves at once."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or os.path.join(data_dir(), FILE_NAME)
        self.items: list[str] = []
        try:
            with open(self.path, encoding="utf-8") as handle:
                for line in handle:
                    try:
                        item = json.loads(line)
                    except ValueError:
                        continue  # one damaged line costs that line, not the history
                    if isinstance(item, str) and item.strip():
                        self.items.append(item)
        except (OSError, UnicodeDecodeError):
            pass
        self.items = self.items[-LIMIT:]

    def add(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        if query in self.items:
            self.items.remove(query)
        self.items.append(query)
        self.items = self.items[-LIMIT:]
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            temporary = self.path + ".tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in self.items)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a history that cannot be saved is kept for this run
