"""config.toml: settings, and a problem for every line that is not one.

The file lives in the user config directory (``CHIPTUI_CONFIG_DIR`` overrides it)
and is read with ``tomllib``. A bad config never stops chiptui: an unknown key, a
wrong type or a key clash becomes a ``ConfigProblem`` (file, line, what was
expected) and that setting keeps its default. Writes (the theme chosen in the
palette, saved searches) go through tomlkit, which keeps the user's comments and
order.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field

from chiptui.paths import config_dir

FILE_NAME = "config.toml"
SORTS = ("newest", "oldest", "quality", "heat", "title", "relevance")

DEFAULT_FILE = """\
# chiptui settings. Every line is optional: delete what you do not need.
# 'chiptui config' prints where this file is and the settings in force.

# Folders (or files) that 'chiptui' and every command open when given no PATH.
# $CHIPTUI_CORPUS, when set, comes first; with neither, the bundled sample opens.
# corpus = ["~/news"]

# Any Textual theme (the palette's "Change theme" saves your choice here).
# theme = "textual-dark"

# The list's order when no query asks for another:
# newest, oldest, quality, heat, title or relevance.
# sort = "newest"

# Mark an article read after 2 seconds in the reading pane, or when opened in the browser.
# auto_mark_read = true

# The command that opens links; %u stands for the URL (else it is added at the end).
# Without it, $BROWSER or the system's browser is used.
# browser = "firefox --new-tab %u"

# Keys: a binding id and the keys for it, separated by commas ('chiptui config' lists the ids).
[keys]
# "main.open" = "o,ctrl+o"

# Saved searches: a name and a query (Ctrl+S in the browser saves the one in the box).
[searches]
# hardware = 'topic:"AI Hardware" after:30d -nvidia'
"""


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    path: str
    line: int | None
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class Settings:
    corpus: list[str] = field(default_factory=list)
    theme: str | None = None
    sort: str = "newest"
    auto_mark_read: bool = True
    browser: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    searches: dict[str, str] = field(default_factory=dict)  # name -> query, in the file's order
    path: str = ""  # the file these came from
    exists: bool = False
    problems: list[ConfigProblem] = field(default_factory=list)

    def effective(self) -> dict[str, object]:
        return {
            "corpus": self.corpus, "theme": self.theme, "sort": self.sort, "auto_mark_read": self.auto_mark_read,
            "browser": self.browser, "keys": self.keys, "searches": self.searches,
        }


def config_path() -> str:
    return os.path.join(config_dir(), FILE_NAME)


def _line_of(text: str, key: str, table: str | None = None) -> int | None:
    """The line where ``key`` is set (inside ``[table]`` when given), for messages."""
    current: str | None = None
    pattern = re.compile(r'^\s*(?:"' + re.escape(key) + r'"|\'' + re.escape(key) + r"'|" + re.escape(key) + r")\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1).strip("\"'")
            continue
        if current == table and pattern.match(line):
            return number
    return None


def load_settings(path: str | None = None, known_bindings: set[str] | None = None) -> Settings:
    """Settings from ``path`` (the user's config file by default); never raises."""
    path = path or config_path()
    settings = Settings(path=path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return settings
    except OSError as exc:
        settings.problems.append(ConfigProblem(path, None, f"cannot be read ({exc.strerror or exc}); defaults are used"))
        return settings
    settings.exists = True
    text = raw.decode("utf-8", "replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            found = re.search(r"line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
        settings.problems.append(ConfigProblem(path, line, f"is not valid TOML ({exc}); every setting keeps its default"))
        return settings

    def problem(key: str, message: str, table: str | None = None) -> None:
        settings.problems.append(ConfigProblem(path, _line_of(text, key, table), message))

    for key, value in data.items():
        if key == "corpus":
            if isinstance(value, str):
                value = [value]
            if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
                settings.corpus = list(value)
            else:
                problem(key, 'corpus: expected a folder or a list of folders, like corpus = ["~/news"]; ignored')
        elif key == "theme":
            if isinstance(value, str) and value.strip():
                settings.theme = value.strip()
            else:
                problem(key, 'theme: expected the name of a theme, like theme = "textual-dark"; ignored')
        elif key == "sort":
            if isinstance(value, str) and value in SORTS:
                settings.sort = value
            else:
                problem(key, f"sort: expected one of {', '.join(SORTS)}, not {value!r}; newest is used")
        elif key == "auto_mark_read":
            if isinstance(value, bool):
                settings.auto_mark_read = value
            else:
                problem(key, f"auto_mark_read: expected true or false, not {value!r}; true is used")
        elif key == "browser":
            if isinstance(value, str) and value.strip():
                settings.browser = value.strip()
            else:
                problem(key, 'browser: expected a command, like browser = "firefox %u"; $BROWSER is used')
        elif key == "keys":
            if not isinstance(value, dict):
                problem(key, 'keys: expected a table: [keys] then lines like "main.open" = "o"; ignored')
                continue
            _read_keys(value, settings, problem, known_bindings)
        elif key == "searches":
            if not isinstance(value, dict):
                problem(key, "searches: expected a table: [searches] then lines like hardware = 'topic:\"AI Hardware\"'; ignored")
                continue
            _read_searches(value, settings, problem)
        else:
            problem(key, f"unknown setting {key!r} (known: corpus, theme, sort, auto_mark_read, browser, [keys], [searches]); ignored")
    return settings


KEY_NAME = re.compile(r"^[a-z0-9_+\-]+$|^.$")


def _read_keys(table: dict, settings: Settings, problem, known: set[str] | None) -> None:  # type: ignore[no-untyped-def]
    used: dict[str, str] = {}
    for binding_id, keys in table.items():
        if known is not None and binding_id not in known:
            problem(binding_id, f"[keys] {binding_id!r} is not a binding id ('chiptui config' lists them); ignored", "keys")
            continue
        if not isinstance(keys, str) or not keys.strip():
            problem(binding_id, f'[keys] {binding_id}: expected keys as text, like "o,ctrl+o"; the default keys are used', "keys")
            continue
        names = [k.strip() for k in keys.split(",") if k.strip()]
        bad = [k for k in names if not KEY_NAME.match(k)]
        if bad:
            problem(binding_id, f"[keys] {binding_id}: {bad[0]!r} is not a key name (examples: o, ctrl+o, f5, space); the default keys are used", "keys")
            continue
        section = binding_id.split(".", 1)[0]
        clash = next((used[f"{section}:{k}"] for k in names if f"{section}:{k}" in used), None)
        if clash is not None:
            problem(binding_id, f"[keys] {binding_id}: a key is already given to {clash}; the default keys are used", "keys")
            continue
        for k in names:
            used[f"{section}:{k}"] = binding_id
        settings.keys[binding_id] = ",".join(names)


def _read_searches(table: dict, settings: Settings, problem) -> None:  # type: ignore[no-untyped-def]
    from chiptui.corpus.query import QueryError, parse

    for name, query in table.items():
        if not isinstance(query, str) or not query.strip():
            problem(name, f"[searches] {name}: expected a query as text; ignored", "searches")
            continue
        try:
            parse(query)
        except QueryError as exc:
            problem(name, f"[searches] {name}: {exc}; ignored", "searches")
            continue
        settings.searches[name] = query


def write_default(path: str | None = None) -> tuple[bool, str]:
    """Write the commented default file; refuses to overwrite. (written, path)"""
    path = path or config_path()
    if os.path.exists(path):
        return False, path
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(DEFAULT_FILE)
    return True, path


def save_setting(key: str, value: object, table: str | None = None, path: str | None = None) -> str | None:
    """Set one value in the file, keeping its comments and order. None, or why it failed.

    A file that is not valid TOML is never rewritten (that would lose what the user wrote).
    """
    import tomlkit

    path = path or config_path()
    try:
        text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        document = tomlkit.parse(text)
    except Exception as exc:  # noqa: BLE001 - tomlkit's parse errors have no common base we can name
        return f"{path} is not valid TOML ({exc}); it was left as it is"
    try:
        if table is None:
            document[key] = value
        else:
            if table not in document:
                document[table] = tomlkit.table()
            document[table][key] = value  # type: ignore[index]
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        temporary = path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(tomlkit.dumps(document))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        return f"{path} could not be written ({exc.strerror or exc})"
    return None
