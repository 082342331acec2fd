"""Where chiptui finds its bundled corpus and keeps its cache, data and config.

The user directories come from platformdirs (XDG on Linux, ~/Library on macOS,
AppData on Windows); ``CHIPTUI_CACHE_DIR``, ``CHIPTUI_DATA_DIR`` and
``CHIPTUI_CONFIG_DIR`` override them, which is what the tests do.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_CORPUS = "CHIPTUI_CORPUS"
APP_NAME = "chiptui"


def _user_dir(kind: str) -> str:
    override = os.environ.get(f"CHIPTUI_{kind.upper()}_DIR", "").strip()
    if override:
        return os.path.abspath(os.path.expanduser(override))
    import platformdirs

    finder = {"cache": platformdirs.user_cache_dir, "data": platformdirs.user_data_dir,
              "config": platformdirs.user_config_dir}[kind]
    return finder(APP_NAME, appauthor=False)


def cache_dir() -> str:
    """Rebuildable files: the corpus index."""
    return _user_dir("cache")


def data_dir() -> str:
    """The user's own state (read marks and stars, later): never thrown away by chiptui."""
    return _user_dir("data")


def config_dir() -> str:
    """Settings the user edits (the config file, later)."""
    return _user_dir("config")


def bundled_seeds() -> Path:
    """The seed corpus: inside the installed package, or the repo's ``seeds/`` in a checkout."""
    packaged = Path(__file__).resolve().parent / "seeds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds"


def corpus_paths(paths: list[str] | None, configured: list[str] | None = None) -> list[str]:
    """PATH arguments, else ``$CHIPTUI_CORPUS`` (os.pathsep-separated), else the config's
    ``corpus``, else the seeds."""
    return corpus_paths_with_origin(paths, configured)[0]


def corpus_paths_with_origin(paths: list[str] | None, configured: list[str] | None = None) -> tuple[list[str], str]:
    """The corpus paths and where they came from, as a message suffix: "" for arguments,
    " (from $CHIPTUI_CORPUS)", " (from the config file)" or " (the bundled sample)"."""
    if paths:
        return list(paths), ""
    env = os.environ.get(ENV_CORPUS, "")
    from_env = [p for p in env.split(os.pathsep) if p.strip()]
    if from_env:
        return from_env, f" (from ${ENV_CORPUS})"
    if configured:
        return [os.path.expanduser(p) for p in configured], " (from the config file)"
    return [str(bundled_seeds())], " (the bundled sample)"


def is_bundled(paths: list[str]) -> bool:
    """Whether ``paths`` is the bundled sample corpus."""
    return len(paths) == 1 and os.path.realpath(paths[0]) == os.path.realpath(bundled_seeds())


def shown_path(path: str) -> str:
    """A path as a person reads it: the home folder as ``~``."""
    home = os.path.expanduser("~")
    absolute = os.path.abspath(path)
    if home not in ("", "/") and (absolute == home or absolute.startswith(home + os.sep)):
        return "~" + absolute[len(home):]
    return absolute
