"""The status line: how many articles are shown, the active filters and the sort order."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def show_counts(
        self,
        shown: int,
        total: int,
        *,
        query: str = "",
        topics: tuple[str, ...] = (),
        providers: tuple[str, ...] = (),
        sort: str = "newest",
        problems: int = 0,
        extra: str = "",
    ) -> None:
        text = Text()
        text.append(f"{shown:,} of {total:,} articles", style="bold")
        if query:
            text.append("  filter: ", style="dim")
            text.append(query)
        if topics:
            text.append("  topics: ", style="dim")
            text.append(", ".join(topics))
        if providers:
            text.append("  providers: ", style="dim")
            text.append(", ".join(providers))
        text.append("  sort: ", style="dim")
        text.append(sort)
        if extra:
            text.append("  " + extra, style="dim")
        if problems:
            text.append(f"  {problems:,} problems (!)", style="bold red")
        self.update(text)

    def show_message(self, message: str) -> None:
        self.update(Text(message))
