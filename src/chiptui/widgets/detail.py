"""The detail pane: the article under the list's cursor, with the keys of the reading flow."""

from __future__ import annotations

from textual.binding import Binding

from chiptui.widgets.article_view import BODY_LOADING, ArticleView

__all__ = ["BODY_LOADING", "DetailPane"]


class DetailPane(ArticleView):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="detail.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="detail.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="detail.bottom"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="detail.page"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="detail.page_up"),
        Binding("escape,h,left", "screen.back_to_list", "Back to the list", id="detail.back"),
        Binding("q", "screen.back_to_list", "Back", show=False, id="detail.quit_back"),
        Binding("backspace", "screen.back", "Back one step", show=False, id="detail.back_step"),
        Binding("enter,z", "screen.reader", "Reader", id="detail.reader"),
    ]

    def text(self) -> str:
        """Everything the pane shows, as plain text (for tests and screenshots)."""
        import io

        from rich.console import Console

        console = Console(width=200, file=io.StringIO(), color_system=None)
        for static in self.query("Static"):
            console.print(static.content)
        return console.file.getvalue()  # type: ignore[attr-defined]
