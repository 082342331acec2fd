"""The shape of the code: no import cycles between chiptui's modules (issue 12)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each module's chiptui imports, at run time (those under ``if TYPE_CHECKING`` are for
    the type checker only and are left out), lazy ones inside functions included."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for statement in block.body
            for node in ast.walk(statement)
        }
        deps = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chiptui"):
                deps.add(node.module)
                deps.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("chiptui"))
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def test_no_import_cycles() -> None:
    graph = _imports()
    assert "chiptui.corpus.index" in graph and "chiptui.corpus.parse_pool" in graph["chiptui.corpus.index"]
    cycles = []
    for start in graph:
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycles.append(" -> ".join([*trail, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
    assert cycles == []


def test_the_background_workers_import_nothing_of_chiptui_before_they_lower_their_priority() -> None:
    """The browser starts the file check and the watcher as processes of their own right after
    its first screen, when the user starts typing: their imports (the whole store cost 50 ms
    of CPU) come after they lower their priority, so loading their modules loads no other."""
    import subprocess
    import sys

    for module in ("chiptui.corpus.scan_worker", "chiptui.corpus.watch_worker"):
        shown = subprocess.run(
            [sys.executable, "-c", f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('chiptui')))"],
            capture_output=True, text=True, check=True,
        ).stdout
        assert ast.literal_eval(shown) == sorted(["chiptui", "chiptui.corpus", module])


def test_the_corpus_package_names_its_api_lazily() -> None:
    from chiptui import corpus
    from chiptui.corpus.models import Problem
    from chiptui.corpus.store import CorpusStore

    assert sorted(corpus.__all__) == sorted(corpus._HOMES)
    assert all(getattr(corpus, name) is not None for name in corpus.__all__)
    assert corpus.CorpusStore is CorpusStore and corpus.Problem is Problem
