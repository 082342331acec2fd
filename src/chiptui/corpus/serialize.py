"""Articles as JSON-ready dicts (one shape for ``list``, ``show`` and future exports),
and the short text forms the CLI and the detail pane both print."""

from __future__ import annotations

from chiptui.corpus.fields import format_datetime
from chiptui.corpus.models import Article, Entry, Image, Provider, Related


def provider_json(provider: Provider | None) -> dict[str, object] | None:
    if provider is None:
        return None
    return {"name": provider.name, "domain": provider.domain}


def image_json(image: Image) -> dict[str, object]:
    return {"url": image.url, "width": image.width, "height": image.height}


def related_json(related: Related) -> dict[str, object]:
    data: dict[str, object] = {
        "title": related.title,
        "excerpt": related.excerpt,
        "url": related.url,
        "provider": provider_json(related.provider),
        "published": format_datetime(related.published),
    }
    if related.article_id:
        data["article_id"] = related.article_id
    return data


def article_json(article: Article, body: list[str] | None = None, *, with_body: bool = False) -> dict[str, object]:
    data: dict[str, object] = {
        "id": article.id,
        "title": article.title,
        "excerpt": article.excerpt,
        "published": format_datetime(article.published),
        "provider": provider_json(article.provider),
        "topics": list(article.topics),
        "url": article.url,
        "urls": {
            "web": article.urls.web,
            "original": article.urls.original,
            "amp": article.urls.amp,
            "cdn_amp": article.urls.cdn_amp,
        },
        "quality": article.quality,
        "heat": article.heat,
        "type": article.type,
        "related": [related_json(r) for r in article.related],
        "images": [image_json(i) for i in article.images],
        "source": article.source,
    }
    if with_body:
        data["body"] = "\n\n".join(body) if body else None
        data["body_source"] = article.body.path if (article.body and body) else None
    return data


def entry_json(entry: Entry) -> dict[str, object]:
    """What ``chiptui list --json`` prints: the fields the index keeps (``--full`` adds the rest)."""
    return {
        "id": entry.id,
        "title": entry.title,
        "published": format_datetime(entry.published),
        "provider": {"name": entry.provider} if entry.provider else None,
        "topics": list(entry.topics),
        "url": entry.url,
        "quality": entry.quality,
        "heat": entry.heat,
        "source": entry.path,
    }


def score_parts(article: Article) -> list[str]:
    """["quality 116", "heat 136"], leaving out the ones the card does not give (a negative
    heat is the feed's "not measured" sentinel, not a number to show)."""
    parts = []
    if article.quality is not None:
        parts.append(f"quality {article.quality}")
    if article.heat is not None and article.heat >= 0:
        parts.append(f"heat {article.heat}")
    return parts


def related_byline(related: Related) -> str:
    """"Provider · 2020-12-02" for a related entry, or "" when it has neither."""
    parts = [related.provider.name if related.provider else "", related.published.strftime("%Y-%m-%d") if related.published else ""]
    return " \u00b7 ".join(p for p in parts if p)
