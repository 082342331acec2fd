"""Command palette providers: jump to any article by title."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from chiptui.corpus.models import Article
    from chiptui.screens.main import MainScreen

LIMIT = 30
PREFIX = "Jump to: "


def _display(article: Article, spans: tuple[tuple[int, int], ...] = ()) -> Content:
    """The palette line for an article, built as Content so its text is never markup.

    The palette parses a hit's ``help`` as markup, so article text never goes there.
    """
    text = PREFIX + article.title
    provider = f"  \u00b7 {article.provider_name}" if article.provider_name else ""
    display = Content(text + provider)
    for start, end in spans:
        display = display.stylize("bold underline", start + len(PREFIX), end + len(PREFIX))
    if provider:
        display = display.stylize("dim", len(text), len(text) + len(provider))
    return display


class JumpToArticle(Provider):
    """Articles whose title holds every word typed, after the commands.

    No fuzzy matching here: a command name typed with a typo must not bring up a page
    of article titles, and article hits score below any command that matches.
    """

    def _main(self) -> MainScreen | None:
        return getattr(self.app, "main_screen", None)

    async def search(self, query: str) -> Hits:
        main = self._main()
        words = query.casefold().split()
        if main is None or main.store is None or not words or len(query.strip()) < 3:
            return
        titles = main.store.columns.titles
        found = 0
        for index in main.store.order("newest"):
            title = titles[index]
            folded = title.casefold()
            if all(word in folded for word in words):
                entry = main.store.entries[index]
                spans = tuple(
                    (start, start + len(word)) for word in words if (start := folded.find(word)) >= 0
                )
                yield Hit(0.2, _display(entry, spans), partial(main.jump_to, entry.id), text=PREFIX + title)
                found += 1
                if found >= LIMIT:
                    return
