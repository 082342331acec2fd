"""An article as widgets: the head (title, meta, excerpt, related) and one Static per body
paragraph, so a search hit can be scrolled to and highlighted. Shared by the detail
pane and the full-screen reader. Article text is only ever Text, never markup."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from chiptui.corpus.models import Article
from chiptui.corpus.sanitize import display_path
from chiptui.corpus.serialize import related_byline, score_parts

BODY_LOADING = object()
HIT = Style(bgcolor="yellow", color="black")
CURRENT_HIT = Style(bgcolor="dark_orange", color="black", bold=True)


def words_pattern(words: Sequence[str], prefix: bool = True) -> re.Pattern[str] | None:
    """A case-insensitive pattern for any of ``words`` at a word start (full-text words are prefixes)."""
    parts = [re.escape(w) for w in words if w.strip()]
    if not parts:
        return None
    tail = r"\w*" if prefix else ""
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")" + tail, re.IGNORECASE)


def phrase_pattern(text: str) -> re.Pattern[str] | None:
    text = text.strip()
    return re.compile(re.escape(text), re.IGNORECASE) if text else None


def head(article: Article, in_corpus: frozenset[int] = frozenset()) -> list[RenderableType]:
    """Title, provider and date, topics, scores and link (the excerpt and the related coverage
    are widgets of their own: the excerpt is searched with the body)."""
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
    return parts


def related_part(article: Article, in_corpus: frozenset[int] = frozenset()) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if article.related:
        parts += [Text("Related coverage", style="bold")]
        table = Table.grid(padding=(0, 1))
        table.add_column(width=2, justify="right", no_wrap=True)
        table.add_column(ratio=1)  # wrapped titles hang under their first word
        for number, related in enumerate(article.related, 1):
            line = Text()
            line.append(related.title)
            byline = related_byline(related)
            if byline:
                line.append("  " + byline, style="dim")
            if related.article_id and number - 1 in in_corpus:
                line.append("  (in corpus: opens here)", style="green")
            elif related.url is None:
                line.append("  (no safe link)", style="red")
            table.add_row(Text(f"{number}." if number <= 9 else "", style="bold yellow"), line)
        parts.append(table)
    return parts


def highlighted(
    paragraph: str, pattern: re.Pattern[str] | None, current: int | None = None, style: str = ""
) -> tuple[Text, int]:
    """The paragraph with every match of ``pattern`` highlighted (match ``current`` more
    strongly); and how many matches it has."""
    text = Text(paragraph, style=style)
    if pattern is None:
        return text, 0
    count = 0
    for count, match in enumerate(pattern.finditer(paragraph), 1):
        text.stylize(CURRENT_HIT if current == count - 1 else HIT, match.start(), match.end())
    return text, count


class ArticleView(VerticalScroll, can_focus=True):
    """One article, scrollable; ``show`` replaces it, ``highlight`` marks words in the body."""

    DEFAULT_CSS = """
    ArticleView { padding: 0 1; background: $surface; }
    ArticleView > Static { width: 100%; }
    ArticleView > .paragraph, ArticleView > .related { margin-bottom: 1; }
    """

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.article: Article | None = None
        self.paragraphs: list[str] = []  # the searchable blocks: the excerpt, then the body
        self.block_styles: list[str] = []
        self.pattern: re.Pattern[str] | None = None
        self.hits: list[tuple[int, int]] = []  # (paragraph, match number in it) for n/N
        self.current_hit: int | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text("Select an article to read it here.", style="dim"), id="article-head")

    def show(
        self,
        article: Article | None,
        body: list[str] | None | object = BODY_LOADING,
        missing: bool = False,
        in_corpus: frozenset[int] = frozenset(),
        pattern: re.Pattern[str] | None = None,
    ) -> None:
        """Show ``article`` (None: nothing selected) with its body, and highlight ``pattern``."""
        head_widget = self.query_one("#article-head", Static)
        for old in self.query(".paragraph, .tail"):
            old.remove()
        self.article = article
        self.paragraphs = []
        self.hits, self.current_hit = [], None
        if article is None:
            head_widget.update(Text("No article selected.", style="dim"))
            return
        head_widget.update(Group(*head(article, in_corpus), Text("")))
        self.block_styles = []
        if article.excerpt:  # searched and highlighted with the body
            self.paragraphs.append(article.excerpt)
            self.block_styles.append("italic")
        related = related_part(article, in_corpus)
        tail: Text | None = None
        if missing:
            tail = Text(
                f"{display_path(article.source)} no longer holds this card (changed or removed since it was indexed); "
                "press r to check the corpus again",
                style="italic red",
            )
        elif body is BODY_LOADING:
            tail = Text("Loading body\u2026", style="dim")
        elif body:
            self.paragraphs += list(body)  # type: ignore[arg-type]
            self.block_styles += [""] * len(body)  # type: ignore[arg-type]
            tail = Text(f"source: {display_path(article.body.path if article.body else article.source)}", style="dim")
        else:
            hint = "; press o to open the article's page" if article.url else ""
            tail = Text(f"No body in the corpus{hint}.", style="dim italic")
        self.pattern = pattern
        widgets = []
        for number, paragraph in enumerate(self.paragraphs):
            text, count = highlighted(paragraph, pattern, None if self.hits else 0, self.block_styles[number])
            self.hits.extend((number, n) for n in range(count))
            widgets.append(Static(text, classes="paragraph"))
            if number == 0 and article.excerpt and related:
                widgets.append(Static(Group(*related), classes="tail related"))
        if related and not article.excerpt:
            widgets.insert(0, Static(Group(*related), classes="tail related"))
        widgets.append(Static(tail, classes="tail"))
        self.mount_all(widgets)
        if self.hits:
            self.current_hit = 0
            first = widgets[self.hits[0][0]]
            self.call_after_refresh(self.scroll_to_widget, first, animate=False, top=True)

    def highlight(self, pattern: re.Pattern[str] | None, scroll: bool = True) -> int:
        """Highlight ``pattern`` in the body; scroll to the first hit. Returns the number of hits."""
        self.pattern = pattern
        self.hits = []
        statics = list(self.query(".paragraph").results(Static))
        for number, (paragraph, static) in enumerate(zip(self.paragraphs, statics, strict=False)):
            text, count = highlighted(paragraph, pattern, None, self.block_styles[number])
            static.update(text)
            self.hits.extend((number, n) for n in range(count))
        self.current_hit = 0 if self.hits else None
        if self.hits:
            self._show_hit(scroll)
        return len(self.hits)

    def next_hit(self, step: int = 1) -> tuple[int, int] | None:
        """Move to the next (or previous) hit; (its number from 1, how many)."""
        if not self.hits:
            return None
        self.current_hit = ((self.current_hit or 0) + step) % len(self.hits)
        self._show_hit(True)
        return self.current_hit + 1, len(self.hits)

    def _show_hit(self, scroll: bool) -> None:
        assert self.current_hit is not None
        paragraph, match = self.hits[self.current_hit]
        statics = list(self.query(".paragraph").results(Static))
        for number, static in enumerate(statics):
            current = match if number == paragraph else None
            text, _ = highlighted(self.paragraphs[number], self.pattern, current, self.block_styles[number])
            static.update(text)
        if scroll and paragraph < len(statics):
            self.call_after_refresh(self.scroll_to_widget, statics[paragraph], animate=False, top=True)
