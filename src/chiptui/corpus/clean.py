"""Scraped page text -> the article's own paragraphs, in order.

News pages arrive flattened: a menu, the headline again, a byline, share bars,
promos spliced into paragraphs, newsletter boxes, "related" lists, cookie notices
and a footer. The cleaner works on any publisher's layout, in lines or in one long
run, with a few general signals rather than one site's markup:

1. The headline: everything up to the article's own title (matched loosely) is
   navigation and is dropped.
2. Sentences are classified. Furniture is recognised by its vocabulary (share,
   subscribe, sponsor, newsletter, "follow us", copyright...), by addressing the
   reader ("you", "!", "our"), and menus by being runs of capitalised words without
   punctuation or function words. Quotations are never judged by their pronouns.
3. A line that is mostly furniture is dropped whole; otherwise only its furniture
   sentences go, which removes promos spliced into a paragraph.
4. The first footer marker after the article has started ends it.
5. Short lines (headings, captions, bylines) are kept only between two kept
   paragraphs, and only if they read as a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chiptui.corpus.sanitize import clean_text

_I = re.IGNORECASE

# Furniture anywhere in a page: each hit weighs 2, enough alone.
_STRONG = re.compile(
    r"|".join(
        [
            r"\bshare (?:on|to|via|this)\b",
            r"\b(?:follow|join|contact|email) us\b",
            r"\bsubscri(?:be|ption|bers?)\b",
            r"\bnewsletters?\b",
            r"\bsign (?:up|in)\b",
            r"\blog ?in\b",
            r"\bcreate (?:an|a free) account\b",
            r"\bregister (?:now|today|here|for)\b",
            r"\bsponsor(?:ed|s|ship)?\b",
            r"\bpartner content\b",
            r"\badvertis(?:e|ement|ing)\b",
            r"\bclick here\b",
            r"\blearn more\b",
            r"\bread (?:more|next|also)\b",
            r"\b(?:related|recommended|popular|trending|more) (?:articles|stories|posts|reading|coverage|content|news|videos?)\b",
            r"\byou (?:may|might) (?:also )?like\b",
            r"\bdon.t miss\b",
            r"\bsave your (?:seat|spot)\b",
            r"\bget (?:your )?tickets?\b",
            r"\bwebinars?\b",
            r"\bnear you\b",
            r"\bcookies?\b",
            r"\bprivacy (?:policy|notice|settings)\b",
            r"\bterms (?:of|and) (?:service|use|conditions)\b",
            r"\ball rights reserved\b",
            r"^\W*\u00a9|\u00a9\s*(?:\d{4}|copyright)",  # a copyright line, not a photo credit's sign
            r"\bcopyright (?:\u00a9 ?)?\d{4}\b",
            r"\bmission is to\b",
            r"\bbriefings?\b",
            r"\bpress releases\b",
            r"\bdownload (?:our|the) app\b",
            r"\bdelivered (?:to|straight to) your inbox\b",
            r"\bleave a (?:comment|reply)\b",
            r"\bview all\b",
            r"\bskip to (?:main )?content\b",
            r"\bopens in a new (?:tab|window)\b",
            r"\bthis (?:story|article) (?:originally )?appeared\b",
        ]
    ),
    _I,
)

# Markers that end an article once it has begun.
_FOOTER = re.compile(
    r"|".join(
        [
            r"\ball rights reserved\b",
            r"^\W*\u00a9|\u00a9\s*(?:\d{4}|copyright)",  # a copyright line, not a photo credit's sign
            r"\bcopyright (?:\u00a9 ?)?\d{4}\b",
            r"\bprivacy policy\b",
            r"\bterms (?:of|and) (?:service|use|conditions)\b",
            r"\bdo not sell my\b",
            r"\bmission is to\b",
            r"\bfollow us on\b",
            r"^(?:related|recommended|popular|trending|more) (?:articles|stories|posts|reading|coverage|content|news)\b",
            r"\bmore (?:stories|articles|news) from\b",
            r"^read next\b",
            r"\byou (?:may|might) (?:also )?like\b",
            r"^most (?:popular|read|viewed|shared)\b",
            r"^about the author\b",
            r"^(?:leave a (?:comment|reply)|\d+ comments?|comments)\b",
            r"^(?:tags|topics|filed under)\s*:",
            r"^(?:keep reading|top stories|related topics|related subjects|more from|latest on)\b",
            r"^(?:les plus populaires|abonnez-vous|mehr zum thema|lesen sie auch|weitere artikel|"
            r"\u00e0 lire aussi|lire aussi|leer m\u00e1s|ver tambi\u00e9n|art\u00edculos relacionados|leggi anche)\b",
            r"^(?:bitte melden sie sich an|please log in|log in to comment|sign in to comment)\b",
        ]
    ),
    _I,
)

# Bylines, dates, reading times, captions and credits: dropped when short.
_META = re.compile(
    r"|".join(
        [
            r"^(?:by|written by|words by|reporting by|posted by|story by)\s+\S",
            r"\b\d+\s*(?:min|minute)s?\s+read\b",
            r"^(?:published|updated|posted|last updated|first published)\b",
            r"\b\d+\s+(?:minutes?|hours?|days?)\s+ago\b",
            r"^(?:image|photo|picture|illustration|video|graphic)s?\s*(?:credit)?\s*[:|]",
            r"^(?:credit|source|caption)\s*:",
            r"\b(?:getty images|shutterstock|ap photo|afp via|reuters/)\b",
            r"^\(?(?:photo|image) (?:by|courtesy|credit)\b",
            r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+\w+\s+\d",
            r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b",
            r"^\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{4}\b",
            r"^\d{4}-\d{2}-\d{2}\b",
        ]
    ),
    _I,
)

# Inline runs that are never prose: removed before sentences are split.
_INLINE = re.compile(
    r"(?i:(?:\b(?:(?:share|post|tweet|email|pin|send|copy)(?: (?:on|to|via|this|link))? ?"
    r"(?:on )?(?:facebook|x|twitter|linkedin|reddit|whatsapp|e-?mail|pinterest|telegram|flipboard|threads|bluesky|mastodon|link)"
    r"|share this(?: article| story)?)\b[ |,]*)+)"
    r"|\b(?:ADVERTISEMENT|Advertisement|SPONSORED CONTENT|Story continues below(?: advertisement)?)\b",
)

_SECOND_PERSON = re.compile(r"\byou(?:r|rs|'re|\u2019re)?\b", _I)
_FIRST_PLURAL = re.compile(r"\b(?:our|us|we)\b")  # lower case: "US" is a country
_EVENT = re.compile(r"\b(?:event|summit|conference|tour|webinar|podcast)\b", _I)
_QUOTE_START = tuple("\"\u201c\u2018'\u00ab\u201e")
_TERMINAL = tuple(".!?:;\"\u201d\u2019)\u2026")
_WORDS = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")

_STOPWORDS = frozenset(
    """a about after all also an and any are as at be been but by can could did do does for from had has
    have he her his how if in into is it its more most not of on one or our out over said says she so some
    than that the their them then there these they this those to up was we were what when which while who
    will with would you""".split()
)

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr inc corp co ltd vs etc no gen gov sen rep prof u.s e.g i.e a.m p.m jan feb mar apr "
    "jun jul aug sep sept oct nov dec fig approx est dept".split()
)
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"\u201d\u2019')\]]*\s+(?=[\"\u201c\u2018'(\[]?[A-Z0-9\u00c0-\u024f])")
_SPACES = re.compile(r"[ \t\u00a0]+")
_RUN_SENTENCES = 6  # a paragraph made from one long run is cut every this many sentences
_RUN_CHARS = 1500  # ...when the page came as one line longer than this


@dataclass(slots=True)
class _Segment:
    text: str
    kind: str  # "content", "boiler", "nav", "meta", "short"
    footer: bool


def clean_body(text: str, title: str | None = None) -> list[str]:
    """The article's own paragraphs from scraped page text, in order, and nothing else."""
    blocks = _blocks(clean_text(text))
    if title:
        blocks = _after_headline(blocks, title)
    one_run = len(blocks) <= 2 and sum(map(len, blocks)) > _RUN_CHARS

    kept: list[tuple[str, bool]] = []  # (paragraph, is_short)
    started = False
    for block in blocks:
        segments = [_classify(s) for s in _sentences(block)]
        if not segments:
            continue
        footer_at = next((i for i, s in enumerate(segments) if s.footer), None) if started else None
        ended = footer_at is not None
        if ended:
            segments = segments[:footer_at]
        total = sum(len(s.text) for s in segments) or 1
        junk = sum(len(s.text) for s in segments if s.kind in ("boiler", "nav", "meta"))
        content = [s for s in segments if s.kind in ("content", "short")]
        if content and junk * 2 < total:
            words = sum(len(_WORDS.findall(s.text)) for s in content)
            is_short = words < 8 or all(s.kind == "short" for s in content)
            if not is_short or content[-1].text.endswith(_TERMINAL):
                if one_run and not is_short:
                    kept.extend((p, False) for p in _chunk([s.text for s in content]))
                else:
                    kept.append((" ".join(s.text for s in content), is_short))
                started = started or not is_short
        if ended:
            break

    # short lines survive only between two full paragraphs
    paragraphs: list[str] = []
    for index, (paragraph, is_short) in enumerate(kept):
        if is_short:
            before = any(not short for _, short in kept[:index])
            after = index + 1 < len(kept) and not kept[index + 1][1]
            if not (before and after):
                continue
        paragraphs.append(paragraph)
    return paragraphs


def _blocks(text: str) -> list[str]:
    """Paragraph candidates: blank-line separated blocks when the text has them, else lines."""
    text = text.strip()
    if not text:
        return []
    if "\n\n" in text:
        raw = [" ".join(part.split("\n")) for part in re.split(r"\n\s*\n", text)]
    else:
        raw = text.split("\n")
    return [b for b in (_SPACES.sub(" ", block).strip() for block in raw) if b]


_BYLINE_START = re.compile(r"(?:by|von|par|por|di|door|av|af|de|da)\s+[^\W\d_]", re.IGNORECASE)


def _title_pattern(title: str) -> re.Pattern[str] | None:
    words = _WORDS.findall(title)
    if not words:
        return None
    return re.compile(r"[\W_]*".join(re.escape(w) for w in words), _I)


def _after_headline(blocks: list[str], title: str) -> list[str]:
    """Drop everything up to the headline, when the headline is there."""
    pattern = _title_pattern(title)
    if pattern is None:
        return blocks
    for index, block in enumerate(blocks):
        for match in pattern.finditer(block):
            rest = block[match.end() :].lstrip(" \"'\u201d\u2019")
            # the headline is not a sentence's opening words: "Title, a ... that ..."; a
            # byline ("Title by Bob Yirka", "von", "par"...) does not make it one
            if (rest[:1].islower() and not _BYLINE_START.match(rest)) or rest[:1] == ",":
                continue
            remainder = [rest] if rest else []
            return remainder + blocks[index + 1 :]
    return blocks


# A photo credit glued to the start of a paragraph: "Photograph: Guy Smallman/Getty Images ..."
# (a label, a few words, and a name/agency pair), removed before sentences are split.
_CREDIT = re.compile(
    r"\s?\((?:Image|Photo|Photograph|Picture|Credit|Foto|Bild)s?\s*:\s*[^()]{1,80}\)"  # "(Image: © NASA)"
    r"|\b(?:Photograph|Photo|Image|Illustration|Picture|Credit|Foto|Bild)s?\s*(?:credit)?\s*:\s*"
    r"(?:[^\s/:]+\s){0,4}?[^\s/:]+\s?/\s?[^\s/:]+(?:\s(?:Images|Photos?|Pictures|Press|Wire))?(?=\s|$)"
)


def _sentences(block: str) -> list[str]:
    """Split a block into sentences (and at inline furniture such as share bars)."""
    parts: list[str] = []
    block = _CREDIT.sub(" ", block)
    for piece in _INLINE.split(block):
        piece = piece.strip(" |\u2022\u00b7-")
        if not piece:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(piece):
            before = piece[start : match.start()].rsplit(" ", 1)[-1].lower().rstrip(".")
            if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
                continue
            end = match.end()
            parts.append(piece[start:end].strip())
            start = end
        tail = piece[start:].strip()
        if tail:
            parts.append(tail)
    return [p for p in parts if p]


def _classify(sentence: str) -> _Segment:
    words = _WORDS.findall(sentence)
    footer = bool(_FOOTER.search(sentence))
    if not words:
        return _Segment(sentence, "nav", footer)
    quoted = sentence.startswith(_QUOTE_START)
    score = 2 * len(_STRONG.findall(sentence))
    if not quoted:
        score += bool(_SECOND_PERSON.search(sentence))
        score += bool(_FIRST_PLURAL.search(sentence))
        score += sentence.rstrip("\"\u201d\u2019)").endswith("!")
        score += bool(_EVENT.search(sentence)) and sentence.rstrip().endswith("!")
    if score >= 2:
        return _Segment(sentence, "boiler", footer)
    if len(words) < 25 and _META.search(sentence):
        return _Segment(sentence, "meta", footer)
    ends = sentence.rstrip().endswith(_TERMINAL)
    if not ends:
        capitals = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
        stops = sum(1 for w in words if w.lower() in _STOPWORDS)
        if len(words) >= 4 and capitals / len(words) >= 0.6 and stops / len(words) < 0.2:
            return _Segment(sentence, "nav", footer)
        if len(words) < 6:
            return _Segment(sentence, "short", footer)
    return _Segment(sentence, "content", footer)


def _chunk(sentences: list[str]) -> list[str]:
    return [" ".join(sentences[i : i + _RUN_SENTENCES]) for i in range(0, len(sentences), _RUN_SENTENCES)]
