"""Shared fixtures: every test runs with its own cache, data and config directories."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
EVERYDAY_AI = SHARED / "corpora" / "everyday-ai" / "news"
TRAINIUM_ID = "000_ba230b9fdc77d4a3"
SCRAPED_SEED = "003_800afc12a872d068.txt"

needs_everyday_ai = pytest.mark.skipif(
    not EVERYDAY_AI.is_dir(), reason="needs ../shared/corpora/everyday-ai beside the checkout (absent here)"
)


_USER_DIRS = ("cache", "data", "config")  # each set by CHIPTUI_<NAME>_DIR


def pytest_configure(config: pytest.Config) -> None:
    """A net under every fixture: before anything runs, chiptui's user directories point at a
    temporary folder of this run's (each test, and each module's shared fixtures, then get
    their own on top), so no test can reach the user's cache, marks or config."""
    base = Path(tempfile.mkdtemp(prefix="chiptui-tests-"))
    config._chiptui_user_base = base  # type: ignore[attr-defined]
    for name in _USER_DIRS:
        os.environ[f"CHIPTUI_{name.upper()}_DIR"] = str(base / name)


def pytest_unconfigure(config: pytest.Config) -> None:
    base = getattr(config, "_chiptui_user_base", None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


def _point_user_dirs(monkeypatch: pytest.MonkeyPatch, base: Path) -> dict[str, Path]:
    dirs = {name: base / name for name in _USER_DIRS}
    for name, path in dirs.items():
        path.mkdir()
        monkeypatch.setenv(f"CHIPTUI_{name.upper()}_DIR", str(path))
    monkeypatch.delenv("CHIPTUI_CORPUS", raising=False)
    monkeypatch.delenv("CHIPTUI_MAX_BYTES", raising=False)
    return dirs


@pytest.fixture(scope="module")
def module_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """User directories for what a module sets up once for many tests (a store loaded from
    a corpus): folders of their own as well, never the user's (a module-scoped fixture runs
    before the tests' own ``isolated_dirs``)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield _point_user_dirs(monkeypatch, tmp_path_factory.mktemp("module-user"))


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point every user directory chiptui may touch at a fresh temporary folder."""
    return _point_user_dirs(monkeypatch, tmp_path_factory.mktemp("user"))


@pytest.fixture
def parse_workers(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen]:  # type: ignore[type-arg]
    """The ``parse_worker`` subprocesses the code under test starts, as it starts them."""
    started: list[subprocess.Popen] = []  # type: ignore[type-arg]
    popen = subprocess.Popen

    def recorded(args, *rest, **kwargs):  # type: ignore[no-untyped-def]
        proc = popen(args, *rest, **kwargs)
        if "chiptui.corpus.parse_worker" in args:
            started.append(proc)
        return proc

    monkeypatch.setattr(subprocess, "Popen", recorded)
    return started


def before_statement(
    monkeypatch: pytest.MonkeyPatch, prefix: str, action: Callable[[], object], file_end: str = ""
) -> list[bool]:
    """Run ACTION (another process's doing, or an error it raises) the first time this process
    runs a statement starting with PREFIX on a SQLite file whose name ends with FILE_END. The
    list says whether it ran."""
    import sqlite3

    real_connect = sqlite3.connect
    ran: list[bool] = []

    class Connection(sqlite3.Connection):
        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
            if sql.startswith(prefix) and not ran:
                ran.append(True)
                action()
            return super().execute(sql, *args)

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        if not ran and str(args[0]).endswith(file_end):
            return real_connect(*args, factory=Connection, **kwargs)  # type: ignore[arg-type, misc]
        return real_connect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", connect)
    return ran


def race_between_format_and_tables(monkeypatch: pytest.MonkeyPatch, other: Callable[[], object], file_end: str) -> list[bool]:
    """Make OTHER (another process creating the same SQLite file) run between the moment this
    process reads the file's format and the moment it reads its tables, the first time."""
    return before_statement(monkeypatch, "SELECT name FROM sqlite_master", other, file_end)


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


CardWriter = Callable[..., Path]


def card_text(title: object = "A title", **fields: object) -> str:
    """Front matter for a card; values are written as given (strings are YAML text)."""
    lines = ["---"]
    if title is not None:
        lines.append(f"title: {title}")
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    path = tmp_path / "corpus"
    path.mkdir()
    return path


@pytest.fixture
def write(corpus_dir: Path) -> Callable[[str, str | bytes], Path]:
    def _write(name: str, content: str | bytes) -> Path:
        path = corpus_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
        return path

    return _write
