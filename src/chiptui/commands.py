"""Command palette providers: jump to any article by title."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
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
    """Fuzzy title search through the store (fast at any corpus size), not the palette's matcher."""

    def _main(self) -> MainScreen | None:
        return getattr(self.app, "main_screen", None)

    async def discover(self) -> Hits:
        main = self._main()
        if main is None or main.store is None:
            return
        for article in main.store.filter(sort="newest")[:LIMIT]:
            yield DiscoveryHit(_display(article), partial(main.jump_to, article.id), text=PREFIX + article.title)

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None or main.store is None or not query.strip():
            return
        result = main.store.filter(query, sort="relevance")
        for position, article in enumerate(result[:LIMIT]):
            hit = result.hit(position)
            score = hit.score / 130 if hit else 0.5
            yield Hit(
                min(1.0, score),
                _display(article, hit.spans if hit else ()),
                partial(main.jump_to, article.id),
                text=PREFIX + article.title,
            )
