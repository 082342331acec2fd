"""The key bar: the keys that work here, generated from the active bindings.

Unlike Textual's footer it never hides the two keys a new user needs (help and quit):
they stand at the right end, and when the line is too narrow the least important
keys (the last in the binding chain) are dropped first.
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.screen import Screen
from textual.widget import Widget

PINNED = ("help", "quit")  # actions shown whatever the width
GAP = "  "
PREFERRED = ("escape", "enter", "space")


def _rank(key: str) -> int:
    if key in PREFERRED:
        return PREFERRED.index(key)
    return len(PREFERRED) + (0 if len(key) == 1 else 1)


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    KeyBar > .key-bar--key { color: $accent; text-style: bold; }
    """
    COMPONENT_CLASSES = {"key-bar--key"}

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self._spans: list[tuple[int, int, str, object]] = []  # (start, end, action, namespace) for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def _items(self) -> list[tuple[str, str, str, object]]:
        """(key label, description, action, namespace) of each shown binding, once per action."""
        items: dict[str, tuple[str, str, str, object]] = {}
        ranks: dict[str, int] = {}
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or not enabled:
                continue
            shown = items.get(binding.action)
            # one key per action: Escape, Enter and Space say it best, then a single letter
            if shown is None or _rank(binding.key) < ranks[binding.action]:
                items[binding.action] = (self.app.get_key_display(binding), binding.description, binding.action, node)
                ranks[binding.action] = _rank(binding.key)
        return list(items.values())

    def render(self) -> Text:
        width = self.content_region.width or self.size.width
        items = self._items()
        pinned = [i for i in items if i[2] in PINNED]
        others = [i for i in items if i[2] not in PINNED]
        pinned.sort(key=lambda item: PINNED.index(item[2]))

        def length(chosen: list[tuple[str, str, str, object]]) -> int:
            return sum(len(key) + 1 + len(text) for key, text, _, _ in chosen) + len(GAP) * max(0, len(chosen) - 1)

        while others and length(others + pinned) > width:
            others.pop()
        key_style = self.get_component_rich_style("key-bar--key")
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for n, (key, description, action, node) in enumerate(others + pinned):
            if n:
                text.append(GAP)
            start = len(text)
            text.append(key, style=key_style)
            text.append(" " + description)
            self._spans.append((start, len(text), action, node))
        return text

    async def on_click(self, event: Click) -> None:
        x = event.x - self.styles.padding.left
        for start, end, action, node in self._spans:
            if start <= x < end:
                await self.app.run_action(action, node)  # type: ignore[arg-type]
                return

