"""The article list: date, provider and title of every article in the current filter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from chiptui.corpus.models import Entry
from chiptui.corpus.store import FilterResult
from chiptui.widgets.line_list import LineList

DATE_WIDTH = 10
PROVIDER_WIDTH = 16
SCORE_WIDTH = 5
SCORE_SORTS = ("quality", "heat")  # sorted by one of these, the list shows it in a column


def column_header(width: int, sort: str) -> str:
    """The header line over the list's columns, laid out as ``render_row`` lays out a row."""
    order = {"newest": "\u2193", "oldest": "\u2191"}.get(sort, "")
    parts = " " * MARKS_WIDTH + " " + set_cell_size("Date" + order, DATE_WIDTH) + "  "
    if sort in SCORE_SORTS:
        parts += set_cell_size(sort.capitalize()[: SCORE_WIDTH - 1] + "\u2193", SCORE_WIDTH) + "  "
    if width >= 60:
        parts += set_cell_size("Provider", PROVIDER_WIDTH) + "  "
    title = "Title" + {"title": " \u2193", "relevance": "  (best match first)"}.get(sort, "")
    return set_cell_size(parts + title, width)


MARKS_WIDTH = 2  # unread and starred marks


class ArticleList(LineList):
    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {"article-list--mark"}

    """Renders a ``FilterResult`` row by row; keeps the cursor on the same article across filters."""

    BINDINGS = [
        Binding("enter", "choose", "Read", id="list.choose"),
        Binding("escape", "screen.clear_filter", "Clear filter", show=False, id="list.clear_filter"),
    ]

    DEFAULT_CSS = """
    ArticleList > .line-list--cursor { background: $accent 60%; color: $text; text-style: bold; }
    ArticleList > .line-list--cursor-blurred { background: $accent 25%; }
    ArticleList > .line-list--dim { color: $text-muted; }
    ArticleList > .line-list--match { color: $warning; text-style: bold underline; }
    ArticleList > .article-list--mark { color: $accent; }
    """

    @dataclass
    class Highlighted(Message):
        article: Entry | None

    @dataclass
    class Chosen(Message):
        article: Entry

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.result: FilterResult | None = None
        self.placeholder = "Loading corpus\u2026"
        self.empty_text = "No articles match."  # shown when the result is empty
        # (unread, starred) of an entry, from the reader state; None: no marks shown
        self.marks: Callable[[Entry], tuple[bool, bool]] | None = None

    def row_count(self) -> int:
        return len(self.result) if self.result is not None else 0

    @property
    def current(self) -> Entry | None:
        if self.result is None or not len(self.result):
            return None
        return self.result[min(self.cursor, len(self.result) - 1)]

    def show(self, result: FilterResult, keep: str | None = None) -> None:
        """Show ``result``, with the cursor on article ``keep`` if it is still there."""
        shown = self.result  # the article under the cursor is most often the one to keep
        hint = shown.indices[min(self.cursor, len(shown) - 1)] if shown is not None and len(shown) else None
        self.result = result
        position = result.position_of(keep, hint) if keep else None
        self.set_reactive(LineList.cursor, position if position is not None else 0)
        self.refresh_rows()
        self.scroll_to_cursor()
        if position is None:
            self.scroll_to(y=0, animate=False, immediate=True)

    def cursor_moved(self, row: int) -> None:
        self.post_message(self.Highlighted(self.current))

    def action_choose(self) -> None:
        if self.current is not None:
            self.post_message(self.Chosen(self.current))

    def clicked(self, row: int) -> None:
        self.action_choose()

    def render_line(self, y: int) -> Strip:
        if self.result is None or not len(self.result):
            if y == 0:
                width = self.scrollable_content_region.width
                text = self.placeholder if self.result is None else self.empty_text
                style = self.style_of("line-list--dim")
                return Strip([Segment(set_cell_size(" " + text, width), style)], width)
        return super().render_line(y)

    def render_row(self, row: int, width: int, selected: bool) -> Strip:
        assert self.result is not None
        article = self.result[row]
        base = self.base_style(selected)
        unread, starred = self.marks(article) if self.marks is not None else (False, False)
        if unread:
            base = base + Style(bold=True)
        dim = base + Style(dim=True) if selected else base + self.style_of("line-list--dim")
        match = base + self.style_of("line-list--match", partial=True)
        mark_style = base + self.style_of("article-list--mark", partial=True)
        segments = [
            Segment("\u25cf" if unread else " ", mark_style),
            Segment("\u2605" if starred else " ", mark_style),
            Segment(" ", base),
            Segment(set_cell_size(article.date, DATE_WIDTH), dim),
            Segment("  ", base),
        ]
        used = MARKS_WIDTH + 1 + DATE_WIDTH + 2
        sort = self.result.sort
        if sort in SCORE_SORTS:
            value = article.quality if sort == "quality" else article.heat
            shown = "" if value is None or (sort == "heat" and value < 0) else f"{value:,}"
            segments += [Segment(shown.rjust(SCORE_WIDTH)[-SCORE_WIDTH:], dim), Segment("  ", base)]
            used += SCORE_WIDTH + 2
        provider_width = PROVIDER_WIDTH if width >= 60 else 0
        if provider_width:
            segments += [Segment(_fit(article.provider, provider_width), dim), Segment("  ", base)]
            used += provider_width + 2
        title_width = max(0, width - used)
        hit = self.result.hit(row)
        segments += _highlighted(article.title, hit.spans if hit else (), title_width, base, match)
        return Strip(segments, width).crop_extend(0, width, base)


def _fit(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "\u2026"


def _highlighted(text: str, spans, width: int, base: Style, match: Style) -> list[Segment]:  # type: ignore[no-untyped-def]
    """``text`` cut to ``width`` cells, the matched spans in the match style; never markup."""
    if cell_len(text) > width:
        text = set_cell_size(text, max(0, width - 1)).rstrip() + "\u2026" if width else ""
    segments: list[Segment] = []
    position = 0
    for start, end in spans:
        start, end = min(start, len(text)), min(end, len(text))
        if start > position:
            segments.append(Segment(text[position:start], base))
        if end > start:
            segments.append(Segment(text[start:end], match))
        position = max(position, end)
    if position < len(text):
        segments.append(Segment(text[position:], base))
    segments.append(Segment(" " * max(0, width - cell_len(text)), base))
    return segments
