"""Export a list of articles: jsonl, csv, md, html or urls (the browser's `e` and `list --format`)."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TextIO

from chiptui.corpus.sanitize import dump_json
from chiptui.corpus.serialize import entry_json

if TYPE_CHECKING:
    from chiptui.corpus.models import Entry
    from chiptui.corpus.state import StateStore
    from chiptui.corpus.store import CorpusStore

FORMATS = ("jsonl", "csv", "md", "html", "urls")
EXTENSIONS = {"jsonl": ".jsonl", "csv": ".csv", "md": ".md", "html": ".html", "urls": ".txt"}
CSV_FIELDS = ("id", "title", "published", "provider", "topics", "url", "quality", "heat", "read", "starred", "source")


def format_for(path: str) -> str | None:
    """The format a file name asks for by its extension (.csv, .jsonl, .json, .md, .html, .txt)."""
    lower = path.lower()
    for name, extension in EXTENSIONS.items():
        if lower.endswith(extension):
            return name
    if lower.endswith((".json", ".ndjson")):
        return "jsonl"
    if lower.endswith((".markdown",)):
        return "md"
    if lower.endswith(".htm"):
        return "html"
    return None


def rows(store: CorpusStore, entries: Iterable[Entry], state: StateStore | None) -> Iterable[dict[str, object]]:
    for entry in entries:
        data = entry_json(entry)
        key = store.state_key(entry)
        data["read"] = state.is_read(key) if state is not None else False
        data["starred"] = state.is_starred(key) if state is not None else False
        yield data


def write(fmt: str, store: CorpusStore, entries: Sequence[Entry], state: StateStore | None, out: TextIO, title: str = "chiptui reading list") -> int:
    """Write ``entries`` in ``fmt`` to ``out``; returns how many were written."""
    count = 0
    if fmt == "jsonl":
        for data in rows(store, entries, state):
            out.write(dump_json(data) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
        writer.writerow(CSV_FIELDS)
        for data in rows(store, entries, state):
            provider = data["provider"]["name"] if isinstance(data["provider"], dict) else ""  # type: ignore[index]
            values = {**data, "provider": provider, "topics": "; ".join(data["topics"])}  # type: ignore[arg-type]
            writer.writerow(["" if values[f] is None else values[f] for f in CSV_FIELDS])
            count += 1
    elif fmt == "md":
        out.write(f"# {title}\n\n")
        for entry in entries:
            label = _md_escape(entry.title)
            link = f"[{label}]({_md_url(entry.url)})" if entry.url else label
            meta = ", ".join(p for p in (entry.provider, entry.date) if p)
            out.write(f"- {link}" + (f" - {_md_escape(meta)}" if meta else "") + "\n")
            count += 1
    elif fmt == "html":
        out.write(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n"
            "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}"
            "li{margin:.4em 0}.meta{color:#666;font-size:.9em}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n<ul>\n"
        )
        for entry in entries:
            text = html.escape(entry.title)
            item = f'<a href="{html.escape(entry.url, quote=True)}">{text}</a>' if entry.url else text
            meta = ", ".join(p for p in (entry.provider, entry.date) if p)
            out.write(f"<li>{item}" + (f' <span class="meta">{html.escape(meta)}</span>' if meta else "") + "</li>\n")
            count += 1
        out.write("</ul>\n</body>\n</html>\n")
    elif fmt == "urls":
        for entry in entries:
            if entry.url:
                out.write(entry.url + "\n")
                count += 1
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return count


def render(fmt: str, store: CorpusStore, entries: Sequence[Entry], state: StateStore | None) -> tuple[str, int]:
    buffer = io.StringIO(newline="")
    count = write(fmt, store, entries, state, buffer)
    return buffer.getvalue(), count


def _md_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]()<>#!|" else ch for ch in text)


def _md_url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
