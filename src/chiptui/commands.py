"""Command palette providers: jump to any article by title."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from chiptui.screens.main import MainScreen

LIMIT = 30


class JumpToArticle(Provider):
    """Fuzzy title search through the store (fast at any corpus size), not the palette's matcher."""

    def _main(self) -> MainScreen | None:
        return getattr(self.app, "main_screen", None)

    async def discover(self) -> Hits:
        main = self._main()
        if main is None or main.store is None:
            return
        for article in main.store.filter(sort="newest")[:LIMIT]:
            yield DiscoveryHit(
                Text("Jump to: " + article.title),
                partial(main.jump_to, article.id),
                help=Text(article.provider_name),
            )

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None or main.store is None or not query.strip():
            return
        result = main.store.filter(query, sort="relevance")
        for position, article in enumerate(result[:LIMIT]):
            hit = result.hit(position)
            title = Text("Jump to: " + article.title)
            for start, end in hit.spans if hit else ():
                title.stylize("bold underline", start + 9, end + 9)
            score = hit.score / 130 if hit else 0.5
            yield Hit(min(1.0, score), title, partial(main.jump_to, article.id), help=Text(article.provider_name))
