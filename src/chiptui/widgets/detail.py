"""The detail pane: one article in full, built from Text objects so no article text is markup."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from chiptui.corpus.models import Article
from chiptui.corpus.serialize import related_byline, score_parts

BODY_LOADING = object()


class DetailPane(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="detail.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="detail.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="detail.bottom"),
        Binding("space", "page_down", "Page down", show=False, id="detail.page"),
    ]

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; background: $surface; }
    DetailPane > Static { width: 100%; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text("Select an article to read it here.", style="dim"), id="detail-text")

    def show(self, article: Article | None, body: list[str] | None | object = BODY_LOADING, missing: bool = False) -> None:
        static = self.query_one("#detail-text", Static)
        if article is None:
            static.update(Text("No article selected.", style="dim"))
            return
        static.update(Group(*render_article(article, body, missing)))


def render_article(article: Article, body: list[str] | None | object, missing: bool = False) -> list[RenderableType]:
    parts: list[RenderableType] = [Text(article.title, style="bold")]
    meta = Text()
    if article.provider:
        meta.append(article.provider.name, style="bold cyan")
    if article.published:
        meta.append("  " + article.published.strftime("%Y-%m-%d %H:%M UTC"), style="dim")
    parts.append(meta)
    if article.topics:
        parts.append(Text("  ".join(f"#{t}" for t in article.topics), style="magenta"))
    scores = score_parts(article)
    if scores:
        parts.append(Text(" \u00b7 ".join(scores), style="dim"))
    if article.url:
        # one line, never broken mid-word; the terminal's link (OSC 8) holds the whole URL
        parts.append(Text(article.url, style=Style(color="blue", underline=True, link=article.url), no_wrap=True, overflow="ellipsis"))
    elif article.urls.candidates():
        parts.append(Text("No http/https link: this card's links will not be opened", style="italic red"))
    if article.excerpt:
        parts += [Text(""), Text(article.excerpt, style="italic")]
    if article.related:
        parts += [Text(""), Text("Related coverage", style="bold")]
        table = Table.grid(padding=(0, 1))
        table.add_column(width=2, justify="right", no_wrap=True)
        table.add_column(ratio=1)  # wrapped titles hang under their first word
        for number, related in enumerate(article.related, 1):
            line = Text()
            line.append(related.title)
            detail_text = related_byline(related)
            if detail_text:
                line.append("  " + detail_text, style="dim")
            if related.article_id:
                line.append("  (in corpus: opens here)", style="green")
            elif related.url is None:
                line.append("  (no safe link)", style="red")
            table.add_row(Text(f"{number}." if number <= 9 else "", style="bold yellow"), line)
        parts.append(table)
    parts.append(Text(""))
    if missing:
        parts.append(
            Text(
                f"{article.source} no longer holds this card (changed or removed since it was indexed); "
                "press r to check the corpus again",
                style="italic red",
            )
        )
    elif body is BODY_LOADING:
        parts.append(Text("Loading body\u2026", style="dim"))
    elif body:
        for paragraph in body:  # type: ignore[union-attr]
            parts += [Text(paragraph), Text("")]
        parts.append(Text(f"source: {article.body.path if article.body else article.source}", style="dim"))
    else:
        hint = "; press o to open the article's page" if article.url else ""
        parts.append(Text(f"No body in the corpus{hint}.", style="dim italic"))
    return parts
