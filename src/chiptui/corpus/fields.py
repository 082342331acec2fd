"""Turn one front-matter mapping into an ``Article``, coercing or dropping bad fields.

Every decision that changes what the user wrote becomes a ``Problem`` with the
line of the field, so ``chiptui check`` can say exactly what to fix.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, timezone

from chiptui.corpus.frontmatter import Parsed, raw_scalar
from chiptui.corpus.models import Article, Image, Problem, Provider, Related, Urls
from chiptui.corpus.sanitize import clean_line, clean_text, safe_url, url_problem

URL_FIELDS = (("web", "webUrl"), ("original", "originalUrl"), ("amp", "ampWebUrl"), ("cdn_amp", "cdnAmpWebUrl"))
MAX_RELATED = 200
MAX_TOPICS = 100
MAX_IMAGES = 100
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(value: str) -> str:
    """Decode HTML entities such as ``&#038;`` that site generators leave in cards.

    Only complete entities (ending in ``;``) are decoded, so "AT&T" stays as written;
    the result goes through the sanitiser afterwards, so ``&#27;`` cannot smuggle an
    escape character in.
    """
    if "&" not in value:
        return value
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), value)


def parse_datetime(value: object) -> datetime | None:
    """Parse an ISO 8601 date or date-time into an aware UTC datetime; None if impossible."""
    if isinstance(value, datetime):
        dt = value
    else:
        text = raw_scalar(value)
        if not text:
            return None
        text = text.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def format_datetime(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


class FieldReader:
    """Reads typed fields out of one card, collecting problems as it goes."""

    def __init__(self, path: str, parsed: Parsed) -> None:
        self.path = path
        self.parsed = parsed
        self.problems: list[Problem] = []

    def line(self, key: str, item: int | None = None) -> int | None:
        if item is not None:
            lines = self.parsed.item_lines.get(key)
            if lines and item < len(lines):
                return lines[item]
        return self.parsed.key_lines.get(key)

    def warn(self, message: str, line: int | None) -> None:
        self.problems.append(Problem(self.path, line, "warning", message))

    def error(self, message: str, line: int | None) -> None:
        self.problems.append(Problem(self.path, line, "error", message))

    # -- scalars ---------------------------------------------------------

    def text(self, value: object, name: str, line: int | None, *, one_line: bool = True) -> str | None:
        """A text field: strings pass, numbers and booleans become their written text."""
        if value is None:
            return None
        clean = clean_line if one_line else clean_text
        if isinstance(value, str):
            result = clean(unescape_entities(value))
            if not one_line:
                result = result.strip()
            return result or None
        raw = raw_scalar(value)
        if raw is not None:
            self.warn(f"{name} is a {_kind(value)}, not text; read as {raw!r} (quote it to silence this)", line)
            return clean(raw) or None
        self.warn(f"{name} should be text but is a {_kind(value)}; it was ignored", line)
        return None

    def integer(self, value: object, name: str, line: int | None) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool):
            self.warn(f"{name} should be a whole number but is {value!r}; it was ignored", line)
            return None
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float) and value == value and abs(value) != float("inf"):
            if value.is_integer():
                return int(value)
            self.warn(f"{name} {raw_scalar(value)} is not a whole number; rounded to {round(value)}", line)
            return round(value)
        if isinstance(value, str):
            try:
                number = int(value.strip())
            except ValueError:
                pass
            else:
                self.warn(f"{name} is text {value.strip()!r}; read as the number {number}", line)
                return number
        self.warn(f"{name} should be a whole number but is {_show(value)}; it was ignored", line)
        return None

    def boolean(self, value: object, name: str, line: int | None) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        raw = (raw_scalar(value) or "").strip().lower()
        table = {"yes": True, "no": False, "y": True, "n": False, "on": True, "off": False, "1": True, "0": False}
        table |= {"true": True, "false": False}
        if raw in table:
            self.warn(f"{name} is {raw_scalar(value)!r}; read as {str(table[raw]).lower()} (write true or false)", line)
            return table[raw]
        self.warn(f"{name} should be true or false but is {_show(value)}; it was ignored", line)
        return None

    def date(self, value: object, name: str, line: int | None) -> datetime | None:
        if value is None:
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            self.warn(
                f"{name} {_show(value)} is not a valid date; the article is kept without a date "
                "(write it like 2020-12-01T18:38:00Z)",
                line,
            )
        return parsed

    def url(self, value: object, name: str, line: int | None) -> str | None:
        text = self.text(value, name, line)
        if text is None:
            return None
        safe = safe_url(text)
        if safe is None:
            self.warn(f"{name}: {url_problem(text)}", line)
        elif safe != text.strip():
            self.warn(f"{name} has spaces, which a URL cannot hold; it is opened as {safe} (write %20 to fix)", line)
        return text

    # -- structures ------------------------------------------------------

    def text_list(self, value: object, name: str, line: int | None, limit: int) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, (str, int, float)):
            single = self.text(value, name, line)
            if single:
                self.warn(f"{name} should be a list; read {single!r} as a list of one", line)
                return (single,)
            return ()
        if not isinstance(value, list):
            self.warn(f"{name} should be a list of names but is a {_kind(value)}; it was ignored", line)
            return ()
        seen: dict[str, None] = {}
        for index, item in enumerate(value[:limit]):
            item_line = self.line(name, index) or line
            if isinstance(item, (dict, list)) or item is None:
                self.warn(f"{name} entry {index + 1} is not a name ({_show(item)}); it was ignored", item_line)
                continue
            text = self.text(item, f"{name} entry {index + 1}", item_line)
            if text:
                seen.setdefault(text, None)
        if len(value) > limit:
            self.warn(f"{name} has {len(value)} entries; only the first {limit} were kept", line)
        return tuple(seen)

    def provider(self, value: object, name: str, line: int | None) -> Provider | None:
        if value is None:
            return None
        if isinstance(value, (str, int, float)):
            text = self.text(value, name, line)
            if text:
                self.warn(f"{name} should be a mapping with a name; read as {{name: {text}}}", line)
                return Provider(text)
            return None
        if not isinstance(value, dict):
            self.warn(f"{name} should be a mapping with a name but is a {_kind(value)}; it was ignored", line)
            return None
        pname = self.text(value.get("name"), f"{name}.name", line)
        domain = self.text(value.get("domain"), f"{name}.domain", line)
        if not pname:
            if domain:
                pname = domain
            else:
                self.warn(f"{name} has no name; it was ignored (add name: under {name})", line)
                return None
        images = self.images(value.get("images"), f"{name}.images", line)
        return Provider(pname, domain, images)

    def images(self, value: object, name: str, line: int | None) -> tuple[Image, ...]:
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        result: list[Image] = []
        for item in items[:MAX_IMAGES]:
            if isinstance(item, str):
                url = clean_line(item)
                width = height = None
            elif isinstance(item, dict) and item.get("url") is not None:
                url = self.text(item.get("url"), f"{name} url", line) or ""
                width = self._quiet_int(item.get("width"))
                height = self._quiet_int(item.get("height"))
            else:
                self.warn(f"{name} entry {_show(item)} has no url; it was ignored", line)
                continue
            if url:
                result.append(Image(url, width, height))
        return tuple(result)

    @staticmethod
    def _quiet_int(value: object) -> int | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return None

    def related(self, value: object, line: int | None) -> tuple[Related, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.warn(f"related should be a list of articles but is a {_kind(value)}; it was ignored", line)
            return ()
        result: list[Related] = []
        for index, item in enumerate(value[:MAX_RELATED]):
            item_line = self.line("related", index) or line
            where = f"related entry {index + 1}"
            if not isinstance(item, dict):
                self.warn(f"{where} is not a mapping ({_show(item)}); it was ignored", item_line)
                continue
            title = self.text(item.get("title"), f"{where} title", item_line)
            if not title:
                self.warn(f"{where} has no title; it was ignored (add title:)", item_line)
                continue
            raw_url = None
            for key in ("webUrl", "originalUrl", "url", "ampWebUrl", "cdnAmpWebUrl"):
                if item.get(key) is not None:
                    raw_url = self.text(item.get(key), f"{where} {key}", item_line)
                    if raw_url:
                        break
            url = safe_url(raw_url)
            if raw_url and url is None:
                self.warn(f"{where}: {url_problem(raw_url)}", item_line)
            elif raw_url and url != raw_url.strip():
                self.warn(f"{where} link has spaces; it is opened as {url} (write %20 to fix)", item_line)
            result.append(
                Related(
                    title=title,
                    excerpt=self.text(item.get("excerpt"), f"{where} excerpt", item_line, one_line=False),
                    url=url,
                    provider=self.provider(item.get("provider"), f"{where} provider", item_line),
                    published=self.date(item.get("publishedDateTime"), f"{where} publishedDateTime", item_line),
                    raw_url=raw_url if url is None else None,
                )
            )
        if len(value) > MAX_RELATED:
            self.warn(f"related has {len(value)} entries; only the first {MAX_RELATED} were kept", line)
        return tuple(result)


def build_article(data: dict, parsed: Parsed, path: str) -> tuple[Article | None, list[Problem]]:
    """Make an Article (with an empty id, assigned later) from a card's mapping."""
    reader = FieldReader(path, parsed)
    for tag, tag_line in parsed.ignored_tags:
        reader.warn(f"YAML tag {clean_line(tag)!r} is not supported; its value was read as plain data", tag_line)
    get: Callable[[str], object] = data.get
    line = reader.line
    title_value = get("title")
    if title_value is None or (isinstance(title_value, str) and not clean_line(title_value)):
        reader.error("card has no title, so it is not listed; add a line like  title: \"...\"", line("title") or parsed_first(parsed))
        return None, reader.problems
    if isinstance(title_value, (dict, list)):
        reader.error(f"title should be text but is a {_kind(title_value)}; the card is not listed", line("title"))
        return None, reader.problems
    title = reader.text(title_value, "title", line("title"))
    if not title:
        reader.error("card has an empty title, so it is not listed; give it a title", line("title"))
        return None, reader.problems

    urls = Urls(**{field: reader.url(get(key), key, line(key)) for field, key in URL_FIELDS})
    url = next((safe for safe in map(safe_url, urls.candidates()) if safe), None)
    article = Article(
        id="",
        title=title,
        source=path,
        excerpt=reader.text(get("excerpt"), "excerpt", line("excerpt"), one_line=False),
        published=reader.date(get("publishedDateTime"), "publishedDateTime", line("publishedDateTime")),
        provider=reader.provider(get("provider"), "provider", line("provider")),
        topics=reader.text_list(get("topics"), "topics", line("topics"), MAX_TOPICS),
        urls=urls,
        url=url,
        quality=reader.integer(get("quality"), "quality", line("quality")),
        heat=reader.integer(get("heat"), "heat", line("heat")),
        type=reader.text(get("type"), "type", line("type")),
        category=reader.text(get("category"), "category", line("category")),
        is_published=reader.boolean(get("published"), "published", line("published")),
        images=reader.images(get("images"), "images", line("images")),
        related=reader.related(get("related"), line("related")),
    )
    return article, reader.problems


def parsed_first(parsed: Parsed) -> int | None:
    return min(parsed.key_lines.values()) if parsed.key_lines else None


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "number"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "empty value"
    return type(value).__name__


def _show(value: object) -> str:
    raw = raw_scalar(value)
    if raw is not None and not isinstance(value, str):
        return raw
    if isinstance(value, str):
        return repr(clean_line(value)[:60])
    return f"a {_kind(value)}"
