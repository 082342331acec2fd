"""The status line: how many articles are shown, the active filters and the sort order."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def update(self, content="", *, layout: bool = False) -> None:  # type: ignore[no-untyped-def, override]
        """One line of fixed height: a new text never changes the layout, so none is done (a
        layout of the whole screen costs 10-25 ms on each keystroke's result at 160x50)."""
        super().update(content, layout=layout)

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
        full_text: bool = False,
        unread: int | None = None,
        library: str = "All",
    ) -> None:
        text = Text()
        text.append(f"{shown:,} of {total:,} articles", style="bold")
        if unread is not None:
            text.append(f" \u00b7 {unread:,} unread")
        if library != "All":
            text.append("  showing: ", style="dim")
            text.append(library.lower())
        if query:
            text.append("  full text: " if full_text else "  filter: ", style="dim")
            text.append(query)
        elif full_text:
            text.append("  full text search", style="dim")
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

    def show_progress(self, done: int, total: int, rate: float) -> None:
        """Indexing progress: a bar, the count, the rate and the time left."""
        text = Text()
        text.append("Indexing ", style="bold")
        text.append(progress_text(done, total, rate, bar_width=30))
        self.update(text)

    def show_message(self, message: str) -> None:
        self.update(Text(message))


def progress_text(done: int, total: int, rate: float, bar_width: int = 30) -> str:
    """``[#####.....]  12,000 of 100,000 files  6,100/s  ETA 13 s`` (shared with ``chiptui index``)."""
    fraction = done / total if total else 1.0
    filled = int(bar_width * fraction)
    bar = "\u2588" * filled + "\u2591" * (bar_width - filled)
    eta = f"ETA {(total - done) / rate:,.0f} s" if rate > 0 and done < total else ""
    return f"{bar}  {done:,} of {total:,} files  {rate:,.0f}/s  {eta}".rstrip()
