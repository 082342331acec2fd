"""The problems screen: what `chiptui check` prints, one keypress from the browser."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.containers import Vertical
from textual.widgets import Static

from chiptui.corpus.models import Problem
from chiptui.widgets.line_list import LineList


class ProblemList(LineList):
    DEFAULT_CSS = """
    ProblemList > .line-list--cursor { background: $accent 50%; }
    ProblemList > .line-list--dim { color: $text-muted; }
    """

    def __init__(self, problems: tuple[Problem, ...], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.problems = problems

    def row_count(self) -> int:
        return len(self.problems)

    def render_row(self, row: int, width: int, selected: bool) -> Strip:
        problem = self.problems[row]
        base = self.base_style(selected)
        text = Text(problem.format(), style=base, no_wrap=True, end="")
        text.stylize("bold red" if problem.severity == "error" else "yellow", 0, len(problem.format()) - len(problem.message))
        segments = list(text.render(self.app.console))
        return Strip(segments).crop_extend(0, width, base)


class ProblemsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,exclamation_mark", "dismiss", "Close", id="problems.close")]

    DEFAULT_CSS = """
    ProblemsScreen { align: center middle; }
    ProblemsScreen > Vertical { width: 95%; height: 90%; border: thick $warning; background: $surface; }
    ProblemsScreen Static { padding: 0 1; height: auto; }
    ProblemsScreen ProblemList { height: 1fr; }
    """

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        errors = sum(1 for p in self.problems if p.severity == "error")
        summary = f"{errors:,} errors (files skipped), {len(self.problems) - errors:,} warnings (articles kept)  \u00b7  Esc closes"
        if not self.problems:
            summary = "No problems: every file loaded cleanly.  \u00b7  Esc closes"
        with Vertical():
            yield Static(Text(summary, style="bold"))
            yield ProblemList(self.problems)

    def on_mount(self) -> None:
        self.query_one(ProblemList).focus()
