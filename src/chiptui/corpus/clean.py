"""Scraped page text -> the article's own paragraphs, in order.

News pages arrive flattened: a menu, the headline again, a byline, share bars,
promos spliced into paragraphs, newsletter boxes, "related" lists, cookie notices
and a footer. The cleaner works on any publisher's layout, in lines or in one long
run, with general signals rather than one site's markup:

1. The headline: everything up to the article's own title is navigation and is
   dropped. The title may stand in several places (breadcrumb, sticky header, teaser,
   citation): the headline is the mention followed by the most prose, judged by the
   density of function words after it (jusText's signal).
2. Inline furniture is cut out before sentences are split: share bars (with a verb or
   as a run of network names), "Advertisement", photo credits with the caption before
   them, bylines glued to the lead sentence; headings glued to the text before them
   ("... Related Topics ...") start a new piece.
3. Sentences are classified. Furniture is recognised by its vocabulary in several
   languages (share, subscribe, newsletter, "follow us", copyright, paywall meters...),
   by addressing the reader ("you", "!", "our") outside quotations, and menus by being
   runs of capitalised words without punctuation or function words.
4. A line that is mostly furniture is dropped whole; otherwise only its furniture
   sentences go, which removes promos spliced into a paragraph.
5. The first end-of-article marker (a box heading, comments, an author's bio, the
   copyright footer) after a few dozen words of article ends it, unless mostly prose
   follows it: then it was a box inside the article, and only the box goes.
6. Short lines (headings, captions, bylines) are kept only between two kept
   paragraphs, and only if they read as a sentence.

Scripts differ: Chinese and Japanese write no spaces between words (each character counts
as a word) and end sentences with full-width marks; in a script without capitals (those,
Korean, Arabic, Hebrew, the Indic scripts) a line without a closing mark is a menu or a
heading.

It is the hot path of indexing scraped pages, so the large vocabularies sit behind
cheap looks (a trie of first words, key words per sentence) that never change a result.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from chiptui.corpus.fulltext import CJK
from chiptui.corpus.sanitize import clean_text
from chiptui.corpus.search import trie_pattern

_I = re.IGNORECASE


def _any_in(words: tuple[str, ...]) -> Callable[[str], bool]:
    """A test of whether any of WORDS is in a string, as one expression ('"a" in s or "b" in s
    ...'): the blocks' looks run for every block, and a generator under any() costs three times
    as much as the plain test."""
    return eval("lambda s: " + " or ".join(f"{word!r} in s" for word in words))  # (our own constant words)


def _count_in(words: tuple[str, ...]) -> Callable[[str], int]:
    """How many of WORDS are in a string, as one expression ('("a" in s) + ("b" in s) ...'),
    for the reason ``_any_in`` gives."""
    return eval("lambda s: " + " + ".join(f"({word!r} in s)" for word in words))  # (our own constant words)


def _guarded(parts: list[str], heads: str, extra: str = "", flags: int = _I) -> re.Pattern[str]:
    """PARTS as one alternation behind a lookahead for their first words (HEADS, space-separated,
    or the regex EXTRA). Python's re tries every alternative at every position; the trie in
    front fails at once on ordinary words, which made the cleaner many times faster. Every
    part must start with one of HEADS or EXTRA (tests/test_clean.py checks the results agree)."""
    guard = rf"(?<!\w)(?i:{trie_pattern(heads.split())})"
    if extra:
        guard = f"{guard}|{extra}"
    return re.compile(rf"(?=(?:{guard}))(?:{'|'.join(parts)})", flags)


# Furniture anywhere in a page: each hit weighs 2, enough alone.
_STRONG_PARTS = [
    r"\bshare (?:on|to|via|this)\b",
    r"\b(?:follow|join|contact|email) us\b",
    r"\bsubscri(?:be|ption|bers?)\b",
    r"\bnewsletters?\b",
    r"\bsign (?:up|in)\b",
    r"\blog ?in\b",
    r"\bcreate (?:an|a free) account\b",
    r"\b(?:free articles?|articles? gratuits?|kostenlose artikel|art\u00edculos gratis)\b",
    r"\bpromotional (?:content|offers|e-?mails?)\b",
    r"\b(?:d\u00e9j\u00e0 abonn\u00e9|abonnez-vous|connectez-vous|cr\u00e9ez-vous un compte|inscrivez-vous)\b",
    r"\b(?:jetzt abonnieren|jetzt anmelden|jetzt registrieren|zum abo)\b",
    r"\b(?:suscr\u00edbete|inicia sesi\u00f3n|reg\u00edstrate|abbonati|iscriviti)\b",
    r"\bregister (?:now|today|here|for)\b",
    r"\bsponsor(?:ed|s|ship)?\b",
    r"\bpartner content\b",
    r"\badvertis(?:e|ement|ing)\b",
    r"\bclick here\b",
    r"\bcheck out our\b",
    r"\bjoin the (?:debate|discussion|conversation)\b",
    r"\bbe the first to\b",
    r"\b(?:newest|oldest) first\b",
    r"\bno comments yet\b",
    r"\bbookmark(?:ed|s)?\b",
    r"\bcommunity (?:guidelines|standards|rules)\b",
    r"\b(?:report|delete|edit) comment\b",
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
    r"\b(?:download (?:the )?pdf|pdf version)\b",
    r"\bsearch for this author\b",
    r"\bdelivered (?:to|straight to) your inbox\b",
    r"\b(?:in|to) your inbox (?:every|each|daily|weekly)\b",  # a newsletter's pitch
    r"\bget the (?:best|latest|top) [^.!?]{0,60}\b(?:in|to) your inbox\b",  # "Get the best of Example in your inbox"
    r"\bleave a (?:comment|reply)\b",
    r"\bview all\b",
    r"\bskip to (?:main )?content\b",
    r"\blisten to (?:this|the) (?:article|story)\b",
    # a site's notice about the reader's browser
    r"\b(?:update|upgrade) your browser\b",
    r"\blimited support for css\b",
    r"\bturn off compatibility mode\b",
    r"\b(?:enable|turn on|activate) javascript\b",
    r"\bjavascript (?:is )?(?:disabled|required|turned off)\b",
    r"\bopens? in a new (?:tab|window)\b",
    r"\bthis (?:story|article) (?:originally )?appeared\b",
    r"\bthe trust project\b",  # a badge many publishers show, in their own language around it
    r"\bappear(?:s|ed)? in print\b|\bprint edition as\b",  # "A version of this article appears in print on ..."
]

# Headings of the furniture that follows an article, in several languages. Once the article has
# begun, a sentence starting with one ends it; glued into a run of text (a flattened page keeps
# no line breaks between a box's heading and its neighbours) the text is split before one that
# keeps a heading's capitals ("... the last sentence. Related Topics Coronavirus ...").
_END_HEADINGS = (
    "related topics",
    "related subjects",
    "related articles",
    "related stories",
    "related coverage",
    "related content",
    "related posts",
    "related reading",
    "related news",
    "related videos",
    "recommended articles",
    "recommended stories",
    "recommended reading",
    "suggested articles",
    "suggested stories",
    "suggested reading",
    "recommended for you",
    "popular stories",
    "trending stories",
    "trending now",
    "more stories",
    "more articles",
    "more news",
    "more on this story",
    "more from",
    "latest on",
    "top stories",
    "keep reading",
    "read next",
    "most popular",
    "most read",
    "most viewed",
    "most shared",
    "editor's picks",
    "editors' recommendations",
    "editors\u2019 recommendations",
    "editors' picks",
    "editor\u2019s picks",
    "we recommend",
    "editors recommend",
    "you may also like",
    "you might also like",
    "about the author",
    "leave a comment",
    "leave a reply",
    "follow us",
    "les plus populaires",
    "abonnez-vous",
    "sur le m\u00eame sujet",
    "\u00e0 lire aussi",
    "lire aussi",
    "mehr zum thema",
    "lesen sie auch",
    "weitere artikel",
    "das k\u00f6nnte sie auch interessieren",
    "wir empfehlen",
    "nous recommandons",
    "leer m\u00e1s",
    "ver tambi\u00e9n",
    "art\u00edculos relacionados",
    "noticias relacionadas",
    "leggi anche",
    "m\u00e1s informaci\u00f3n",
    "te puede interesar",
    "lo m\u00e1s visto",
    "lo m\u00e1s le\u00eddo",
    "archivado en",
    "i pi\u00f9 letti",
    "articoli correlati",
    "potrebbe interessarti",
    "ti potrebbe interessare",
    "leia tamb\u00e9m",
    "leia mais",
    "veja tamb\u00e9m",
    "mais lidas",
    "not\u00edcias relacionadas",
    "\u00e0 lire \u00e9galement",
    "les plus lus",
    "sur le m\u00eame th\u00e8me",
    "dans la m\u00eame rubrique",
    "meistgelesen",
    "lees ook",
    "meest gelezen",
    "gerelateerde artikelen",
    "czytaj tak\u017ce",
    "czytaj te\u017c",
    "zobacz tak\u017ce",
    "najcz\u0119\u015bciej czytane",
    "\u0447\u0438\u0442\u0430\u0439\u0442\u0435 \u0442\u0430\u043a\u0436\u0435",  # читайте также
    "\u0441\u0430\u043c\u043e\u0435 \u0447\u0438\u0442\u0430\u0435\u043c\u043e\u0435",  # самое читаемое
    "bitte melden sie sich an",
    "please log in",
    "log in to comment",
    "sign in to comment",
    # Chinese (simplified, traditional), Japanese, Korean, Arabic
    "\u76f8\u5173\u65b0\u95fb",  # 相关新闻
    "\u76f8\u5173\u9605\u8bfb",  # 相关阅读
    "\u76f8\u5173\u6587\u7ae0",  # 相关文章
    "\u76f8\u5173\u62a5\u9053",  # 相关报道
    "\u76f8\u5173\u63a8\u8350",  # 相关推荐
    "\u63a8\u8350\u9605\u8bfb",  # 推荐阅读
    "\u5ef6\u4f38\u9605\u8bfb",  # 延伸阅读
    "\u70ed\u95e8\u6587\u7ae0",  # 热门文章
    "\u70ed\u95e8\u63a8\u8350",  # 热门推荐
    "\u731c\u4f60\u559c\u6b22",  # 猜你喜欢
    "\u8d23\u4efb\u7f16\u8f91",  # 责任编辑 (the editor's name closes an article)
    "\u76f8\u95dc\u65b0\u805e",  # 相關新聞
    "\u76f8\u95dc\u95b1\u8b80",  # 相關閱讀
    "\u5ef6\u4f38\u95b1\u8b80",  # 延伸閱讀
    "\u63a8\u85a6\u95b1\u8b80",  # 推薦閱讀
    "\u71b1\u9580\u6587\u7ae0",  # 熱門文章
    "\u8cac\u4efb\u7de8\u8f2f",  # 責任編輯
    "\u95a2\u9023\u8a18\u4e8b",  # 関連記事
    "\u95a2\u9023\u30cb\u30e5\u30fc\u30b9",  # 関連ニュース
    "\u304a\u3059\u3059\u3081\u8a18\u4e8b",  # おすすめ記事
    "\u3042\u308f\u305b\u3066\u8aad\u307f\u305f\u3044",  # あわせて読みたい
    "\u4eba\u6c17\u8a18\u4e8b",  # 人気記事
    "\uad00\ub828\uae30\uc0ac",  # 관련기사
    "\uad00\ub828 \uae30\uc0ac",  # 관련 기사
    "\ub9ce\uc774 \ubcf8 \ub274\uc2a4",  # 많이 본 뉴스
    "\u0627\u0642\u0631\u0623 \u0623\u064a\u0636\u0627",  # اقرأ أيضا
    "\u0645\u0642\u0627\u0644\u0627\u062a \u0630\u0627\u062a \u0635\u0644\u0629",  # مقالات ذات صلة
    "\u0627\u0644\u0623\u0643\u062b\u0631 \u0642\u0631\u0627\u0621\u0629",  # الأكثر قراءة
)
# The ones that head a box of links, which a page may also put inside the article.
_BOX_HEADING = re.compile(
    r"^(?:(?:related|recommended|popular|trending|more|top|latest)\b|read next|keep reading|lire aussi|\u00e0 lire aussi|"
    r"mehr zum thema|lesen sie auch|weitere artikel|leer m\u00e1s|ver tambi\u00e9n|leggi anche|art\u00edculos relacionados|"
    r"m\u00e1s informaci\u00f3n|te puede interesar|articoli correlati|(?:ti )?potrebbe interessar|leia tamb\u00e9m|"
    r"veja tamb\u00e9m|\u00e0 lire \u00e9galement|lees ook|czytaj (?:tak\u017ce|te\u017c)|zobacz tak\u017ce|"
    r"\u0447\u0438\u0442\u0430\u0439\u0442\u0435 \u0442\u0430\u043a\u0436\u0435|"  # читайте также
    r"\u76f8\u5173|\u76f8\u95dc|\u63a8\u8350\u9605\u8bfb|\u63a8\u85a6\u95b1\u8b80|\u5ef6\u4f38|\u95a2\u9023|"  # 相关 相關 推荐阅读 推薦閱讀 延伸 関連
    r"\u3042\u308f\u305b\u3066|\uad00\ub828|\u0627\u0642\u0631\u0623 \u0623\u064a\u0636\u0627)",  # あわせて 관련 اقرأ أيضا
    _I,
)

# A sentence is searched for a group of patterns only when it holds a word that every match of
# some pattern in the group must contain (its first five letters, lower case; "\u00a9" stands
# for itself): most sentences hold none, and the search is what cleaning spends its time on.
# tests/test_clean.py checks that no match is ever skipped.
_KEY_CHARS = 5
# (_STRONG_KEYS: the key words of its parts, see _STRONG_PART_KEYS below)
# The footer parts' keys, each with the second word its parts need where the key alone is
# common in prose ("privacy", "more", "like", "follow"): searched when a key and its partner are there
_FOOTER_PARTNERS = {"reser": None, "\u00a9": None, "copyr": None, "terms": None, "sell": None, "missi": None,
                    "comme": None, "priva": "polic", "more": "from", "like": "you", "follo": "us"}
_FOOTER_KEYS = frozenset(_FOOTER_PARTNERS)


def _may_be_footer(keys: set[str]) -> bool:
    """Whether a sentence with these KEYS may hold a _FOOTER_PARTS part (see above)."""
    for key in keys & _FOOTER_KEYS:
        partner = _FOOTER_PARTNERS[key]
        if partner is None or partner in keys:
            return True
    return False


_META_KEYS = frozenset("read ago getty shutt photo via reute".split())


# Which key word each _STRONG_PARTS part needs (one of them): a sentence is searched only for the
# parts of the key words it holds, each key's parts as one small pattern, instead of all the
# parts behind one guard (tests/test_clean.py checks every part against its keys).
_STRONG_PART_KEYS = (
    "share", "us", "subsc", "newsl", "sign", "log login", "accou", "free gratu koste grati", "promo",
    "abonn conne créez inscr", "jetzt abo", "suscr inici regís abbon iscri", "regis", "spons", "partn",
    "adver", "click", "check", "join", "first", "first", "comme", "bookm", "commu", "comme", "learn", "read",
    "relat recom popul trend more", "like", "miss", "seat spot", "ticke", "webin", "near", "cooki", "priva",
    "terms", "reser", "\u00a9", "copyr", "missi", "brief", "relea", "downl", "downl pdf", "autho", "inbox", "inbox", "inbox", "leave",
    "view", "skip", "liste", "updat upgra", "limit", "compa", "enabl turn activ", "javas", "tab windo", "appea", "trust",
    "print",
)


def _by_key(parts: list[str], part_keys: tuple[str, ...]) -> dict[str, Callable[[str, str], bool]]:
    """Each key word's PARTS as one search of (sentence, sentence lower-cased)."""
    grouped: dict[str, list[str]] = {}
    for part, keys in zip(parts, part_keys, strict=True):
        for key in keys.split():
            grouped.setdefault(key, []).append(part)
    return {key: _search_of(group) for key, group in grouped.items()}


def _search_of(parts: list[str], fold: bool = True) -> Callable[[str, str], bool]:
    r"""Whether any of PARTS is in a sentence: a search of (sentence, sentence lower-cased),
    ignoring case when FOLD (the parts are then written lower case).

    The parts that start at a word's start (r"\b...") are searched without re.IGNORECASE (in
    the lower-cased sentence) and without the leading r"\b", whose word boundary is checked
    after: then re skips ahead to the letters a part can begin with, which either of the two
    stops it from doing (these searches ran three to four times slower). tests/test_clean.py
    checks that the results agree with the plain alternation's."""
    others = [part for part in parts if not part.startswith(r"\b")]
    other = re.compile("|".join(others), _I if fold else 0).search if others else None
    at_start = [part[2:] for part in parts if part.startswith(r"\b")]
    search = re.compile("|".join(at_start)).search if at_start else None

    def find(sentence: str, low: str) -> bool:
        text = low if fold else sentence
        found = search(text) if search is not None else None
        while found is not None:
            start = found.start()
            if not start or not _word_char(text[start - 1]):
                return True
            found = search(text, start + 1)
        return other is not None and other(sentence) is not None

    return find


def _word_char(char: str) -> bool:
    r"""What re's \w matches."""
    return char.isalnum() or char == "_"


_STRONG_BY_KEY = _by_key(_STRONG_PARTS, _STRONG_PART_KEYS)
_STRONG_KEYS = frozenset(_STRONG_BY_KEY)


def _keys(words: list[str]) -> set[str]:
    return set(map(str.lower, map(_KEY_OF, words)))  # (the loop in C: a comprehension costs a tenth more)


_KEY_OF = operator.itemgetter(slice(None, _KEY_CHARS))  # a word's first _KEY_CHARS letters


# Markers that end an article once it has begun: anywhere in a sentence, or at its start.
_FOOTER_PARTS = [
    r"\ball rights reserved\b",
    r"\u00a9\s*(?:\d{4}|copyright)",
    r"\bcopyright (?:\u00a9 ?)?\d{4}\b",
    r"\bprivacy policy\b",
    r"\bterms (?:of|and) (?:service|use|conditions)\b",
    r"\bdo not sell my\b",
    r"\bmission is to\b",
    r"\bfollow us on\b",
    r"\bmore (?:stories|articles|news) from\b",
    r"\byou (?:may|might) (?:also )?like\b",
    r"\b(?:show|view|load|read|see) (?:all |the )?(?:\d+ )?comments\b",  # a comment section's button
    r"\bcomments? (?:are|is) (?:closed|now closed)\b",
]
_FOOTER_ANY = _search_of(_FOOTER_PARTS)
# "All rights reserved" in other languages (a search of its own, under its own key words: its
# first letters, "t" and "a", are in every sentence, and would slow the search above)
_RESERVED_PARTS = [
    (
        r"\b(?:tous droits r\u00e9serv\u00e9s|todos los derechos reservados|todos os direitos reservados|"
        r"alle rechte vorbehalten|alle rechten voorbehouden|riproduzione riservata|wszelkie prawa zastrze\u017cone|"
        r"\u0432\u0441\u0435 \u043f\u0440\u0430\u0432\u0430 \u0437\u0430\u0449\u0438\u0449\u0435\u043d\u044b)\b"  # все права защищены
    ),
]
_RESERVED = _search_of(_RESERVED_PARTS)
_RESERVED_KEYS = frozenset("droit derec direi recht ripro prawa \u043f\u0440\u0430\u0432\u0430".split())  # (права)
# A reader comment's furniture: when it was posted ("8 hours ago", "vor 8 Stunden") beside
# an action on it (Reply, Report, Antworten, Melden...) or its number ("#4.1"). A sentence
# with both is a comment thread's, and the article has ended before it (the thread's heading,
# "Kommentare", "Comments", has no other mark of its own). Both are needed: prose has "a
# report" and "#1" in it, and rarely "2 hours ago" beside them.
_COMMENT_ACTION = (
    r"\b(?:reply|replies|report|recommend|antworten|antwort auf|melden|empfehlen|r\u00e9pondre|signaler|"
    r"responder|denunciar|rispondi|segnala)\b"
)
_COMMENT_TIME = (
    r"\b\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago\b|\bvor\s+\d+\s+(?:minuten|stunden|tagen|wochen)\b"
    r"|\bil y a\s+\d+\s+(?:minutes?|heures?|jours?)\b|\bhace\s+\d+\s+(?:minutos?|horas?|d\u00edas?)\b"
)
_COMMENT = re.compile(
    rf"(?P<time>{_COMMENT_TIME})|(?P<action>{_COMMENT_ACTION})|(?P<number>(?<!\w)#\d+(?:\.\d+)?\b)", _I
)
_COMMENT_TIME_KEYS = frozenset(["ago", "vor", "il", "hace"])


def _in_comments(sentence: str, keys: set[str]) -> bool:
    if not keys & _COMMENT_TIME_KEYS:
        return False
    kinds = {found.lastgroup for found in _COMMENT.finditer(sentence)}
    return "time" in kinds and len(kinds) >= 2


_FOOTER_START = re.compile(
    r"|".join(
        [
            r"\W*\u00a9",  # a copyright line, not a photo credit's sign
            r"more (?:[\w-]+ ){1,3}(?:stories|articles|reads)\b",  # "More Great Example Stories"
            # a comment section's heading, in the languages of the end headings
            r"(?:\d+ comments?|comments|comentarios|coment\u00e1rios|commenti|kommentare|commentaires|reacties|komentarze)\b",
            r"(?:tags|topics|filed under|schlagw\u00f6rter|mots-cl\u00e9s|etiquetas)\s*:",
            rf"(?:{trie_pattern(_END_HEADINGS)})(?!\w)",  # (a trie: one look per letter, not one per heading)
            r"related\s*(?:[\u2014\u2013:|-]|$)",  # "Related — ..." (a bare "Related research" is prose)
        ]
    ),
    _I,
)
# The same at a sentence that starts with a name: tried only where its words are in the sentence
# (most sentences start with a capital, and trying these on each cost a twentieth of the cleaner)
_FOOTER_NAMED = re.compile(
    r"|".join(
        [
            # an author's bio: "Jane Roe is a senior writer at ...", "Jane Roe writes about ..."
            r"(?-i:(?:[A-Z][\w.'\u2019-]+ ){1,3})(?:is an? (?:[\w-]+ ){0,3}(?:writer|reporter|editor|"
            r"correspondent|journalist|columnist|contributor)\b|writes about\b)",
            # a brand's picks: "DW recommends Hip Berliners ..." (a title follows, not "that")
            r"(?-i:[A-Z][\w.&'\u2019-]*(?: [A-Z][\w.&'\u2019-]*)?) recommends (?-i:[A-Z])",
        ]
    ),
    _I,
)
_NAMED_WORDS = (" is a", "writes about", " recommends ")
_HAS_NAMED_WORD = _any_in(_NAMED_WORDS)


def _footer_start(sentence: str, low: str) -> bool:
    """Whether SENTENCE (LOW: lower-cased) starts with a marker that ends an article."""
    return bool(_FOOTER_START.match(sentence) or (_HAS_NAMED_WORD(low) and _FOOTER_NAMED.match(sentence)))


def _heading_cases(phrase: str) -> list[str]:
    """PHRASE as a heading may be written: first word capitalised, each other one either way."""
    words = phrase.split(" ")
    cases = [words[0][:1].upper() + words[0][1:]]
    for word in words[1:]:
        cases = [f"{case} {spelt}" for case in cases for spelt in (word[:1].upper() + word[1:], word)]
    return cases


# Where a heading is glued to the text before it: split there (the heading's capitals matter:
# "Top Stories" after a sentence is a box, "the top stories" is prose).
# (Blocks have single spaces and no edge ones, so the pattern starts with its space: re then
# scans for spaces in C instead of trying the pattern at every character.)
_GLUED_HEADING = re.compile(
    r" (?=["
    + "".join(sorted({re.escape(p[0].upper()) for p in _END_HEADINGS} | {"R"}))  # (a cheap first look)
    + r"])(?=(?:"
    + trie_pattern(case for p in _END_HEADINGS for case in _heading_cases(p))
    + r")(?!\w)|Related ?[\u2014\u2013:|])"
)

# A heading, a caption or a link's title glued to the sentence after it: words with no
# punctuation, then a capitalised article or pronoun that starts a sentence ("... rival Amazon
# The announcement by ...", "Plans for the future As with many ..."). Mid-sentence such a word
# is capitalised only in a name, whose next word is capitalised too ("told The Guardian"), so
# the next word must be lower case. Searched only before a sentence's first comma: a heading
# has none, and most prose sentences have one early.
_GLUED_WORDS = (
    "The A An This These Those It He She They In On At But As When While After "
    "Le La Les Un Une El Los Las Il Lo Gli Der Die Das Ein Eine"
).split()
# (the space first and a class of the words' first letters: re then skips along the text in C)
_GLUED_LEAD = re.compile(
    rf" (?=[{''.join(sorted({w[0] for w in _GLUED_WORDS}))}])(?:{'|'.join(_GLUED_WORDS)}) [a-z\u00df-\u00ff]"
)
_GLUED_MIN, _GLUED_MAX = 2, 60  # words in what is glued before the sentence
_GLUED_REST = 4  # ...and at least this many in the sentence after it


# A teaser's label ("Factbox:", "Explainer:", "Video:") starts a link's title; the title, in a
# headline's capitals, may be glued to a quotation that opens the next sentence.
_LABEL = re.compile(r"[A-Z][\w-]{2,20}: ")
_QUOTE_AFTER = re.compile(r" (?=[\"\u201c\u201e\u00ab][A-Z\u00c0-\u00de])")


# A dateline opening a news report: a place and a news agency in brackets ("London (CNN)",
# "PARIS (AFP) \u2014", "Berlin (dpa) -"), or a place in capitals and a dash ("WASHINGTON \u2014").
# Where one stands inside a sentence after words with no closing mark, those words are not
# the report: a video player's playlist, a share bar's "Print", a kicker glued before its
# lead, however long. A place in capitals and a dash is that only after at most three
# capitalised words ("Print WASHINGTON \u2014 ..."): else it may be prose ("... by NATO \u2014 The ...").
# (an agency whose name is also a common abbreviation counts only with the dash wire style puts
# after it: "WASHINGTON (AP) \u2014 ...", not "take Advanced Placement (AP) Courses")
_AGENCIES = "AAP AFP ANP ANSA Belga Bloomberg CNN dpa EFE epd IANS KNA Kyodo NTB PTI Reuters TASS UPI Xinhua Yonhap".split()
_AGENCIES_DASHED = "AP APA BBC CP NHK SDA TT".split()
_DATELINE = re.compile(
    r" (?=[A-Z])(?:"
    # (a place in capitals, or in words with capitals: not both, so "Share Print WASHINGTON (AP)"
    # is "WASHINGTON" after a share bar's words)
    r"(?P<place>[A-Z]{2,}(?:[ -][A-Z]{2,}){0,3}|[A-Z][a-z\u00e0-\u00ff][\w.'\u2019-]*(?: [A-Z][a-z\u00e0-\u00ff][\w.'\u2019-]*){0,3})"
    r" \((?:"
    r"(?:" + "|".join(_AGENCIES) + r")(?: [A-Z]\w*)?\)(?: ?[-\u2014\u2013])?"
    r"|(?:" + "|".join(_AGENCIES_DASHED) + r")\) ?[-\u2014\u2013]"
    r") (?=[A-Z\"\u201c])"
    r"|(?P<caps>[A-Z]{3,}(?:[ -][A-Z]{2,}){0,2}(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)?)?) [-\u2014\u2013] (?=[A-Z\"\u201c])"
    r")"
)
_DATELINE_CAPS_AFTER = 3  # words at most before a place in capitals and a dash
_DATELINE_SPAN = 120  # characters a dateline takes at most


# the cheap looks before _DATELINE (every block is looked at): an agency in brackets, or a word
# in capitals before a dash and a capital after it, found from the bracket or the dash
_AGENCY = re.compile(r"\((?:" + "|".join(_AGENCIES + _AGENCIES_DASHED) + r")[ )]")
_DASHES = (" \u2014 ", " \u2013 ", " - ")


def _may_have_dateline(text: str) -> bool:
    """A dateline may stand in TEXT."""
    if "(" in text and _AGENCY.search(text):
        return True
    if " - " not in text and " \u2014 " not in text and " \u2013 " not in text:
        return False
    for dash in _DASHES:
        at = text.find(dash, 3)
        while at >= 0:
            caps, after = text[at - 3 : at], text[at + 3 : at + 4]
            if caps.isupper() and caps.isalpha() and (after.isupper() or after in ('"', "\u201c")):
                return True
            at = text.find(dash, at + 1)
    return False


def _dateline_lead(sentence: str) -> int:
    """Where a news report's dateline starts inside SENTENCE after other words, or 0."""
    if not _may_have_dateline(sentence):
        return 0
    if _DATELINE.match(" " + sentence[:_DATELINE_SPAN]):
        return 0  # (the sentence opens with one: "LOS ANGELES (Reuters) - ...", not "ANGELES (...")
    for found in _DATELINE.finditer(sentence, 1):
        if found.group("caps") is not None:
            before = _WORDS.findall(sentence, 0, found.start())
            if len(before) > _DATELINE_CAPS_AFTER or not all(word[0].isupper() for word in before):
                continue  # ("Sales in USA - The ...": prose before it)
        return found.start() + 1
    return 0


def _glued_at(text: str, end: int, pattern: re.Pattern[str] = _GLUED_LEAD) -> int:
    """The first place before END where a word with no punctuation after it is followed by
    one of _GLUED_WORDS and a lower-case word (or what PATTERN finds after a space), or -1."""
    for found in pattern.finditer(text, 0, end):
        before = text[found.start() - 1]
        if before.isalnum() or before == ")":
            return found.start()
    return -1


def _title_cased(text: str) -> bool:
    """Three words or more, at least half of them capitalised (or numbers): a headline's."""
    words = _WORDS.findall(text)
    return len(words) >= 3 and 2 * sum(1 for w in words if w[0].isupper() or w[0].isdigit()) >= len(words)


def _glued_lead(sentence: str) -> int:
    """Where the sentence proper starts after a heading glued before it, or 0."""
    end = len(sentence)
    for stop in (",", ";"):
        at = sentence.find(stop, 0, end)
        if at >= 0:
            end = at
    found = _glued_at(sentence, end)
    if found < 0 and _LABEL.match(sentence):  # "Factbox: Key Winners at the Awards "I am ..."
        quote = _glued_at(sentence, end, _QUOTE_AFTER)
        if quote >= 0 and _title_cased(sentence[sentence.index(":") + 1 : quote]):
            found = quote
    if found < 0 or sentence.startswith(_QUOTE_START):
        return 0
    start = found + 1
    head = len(_WORDS.findall(sentence, 0, start))
    if not _GLUED_MIN <= head <= _GLUED_MAX or len(_WORDS.findall(sentence, start)) < _GLUED_REST:
        return 0
    return start


# Bylines, dates, reading times, captions and credits: dropped when short.
_NOT_PROSE_AFTER = r"(?!,?\s+(?-i:[a-z\u00df-\u00ff]+)\s+(?-i:[a-z\u00df-\u00ff]))"
_META_START = re.compile(
    r"|".join(
        [
            r"(?:published|updated|posted|last updated|first published)\b",
            # the same, and a reading time, in other languages: "Publié le 14 mars", "Lesezeit: 3 Min."
            r"(?:publi\u00e9|mis \u00e0 jour|modifi\u00e9|ver\u00f6ffentlicht|aktualisiert|publicado|actualizado|"
            r"pubblicato|aggiornato|atualizado)\s+(?:le|am|el|il|em|on|:)?\s*\d",
            r"(?:lecture|lesezeit|lectura|tempo di lettura|tempo de leitura|leestijd)\s*:?\s*\d+\s*min",
            r"\d+\s*min(?:\.|utes?|uten|utos|uti)?\s+(?:de lecture|de lectura|di lettura|de leitura|lesezeit|leestijd)\b",
            r"(?:image|photo|picture|illustration|video|graphic)s?\s*(?:credit)?\s*[:|]",
            r"(?:credit|source|caption)\s*:",
            r"\(?(?:photo(?:graph)?|image|picture)s? (?:by|courtesy|credit)\b",
            r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+\w+\s+\d",
            # a date line, not a sentence that opens with its date ("January 16, 2020 was the
            # day ...": two lower-case words after it; "... 2020 at 9:00" is still a date line)
            r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b" + _NOT_PROSE_AFTER,
            r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{4}\b" + _NOT_PROSE_AFTER,
            r"\d{4}-\d{2}-\d{2}\b" + _NOT_PROSE_AFTER,
        ]
    ),
    _I,
)
# A byline: "By Jane Roe", "Words by ...". A sentence that starts with "By" ("By noon, the
# crowd had grown.") is one only when it is short or does not read as a sentence.
_BYLINE = re.compile(r"(?:by|written by|words by|reporting by|posted by|story by)\s+\S", _I)
_META_PARTS = [
    r"\b\d+\s*(?:min|minute)s?\s+read\b",
    r"\b\d+\s+(?:minutes?|hours?|days?)\s+ago\b",
    r"\b(?:getty images|shutterstock|ap photo|afp via|reuters/)\b",
]
_META_ANY = _search_of(_META_PARTS)

# The wire's closing credits belong to the article ("Additional reporting by ...; Editing by ...").
_TRAILER = re.compile(
    r"^(?:additional reporting|reporting|writing|editing|compiled) by\b|^with reporting (?:by|from)\b",
    _I,
)

# A byline (and a date) glued to the lead sentence: "By Jane Roe • 15 January 2020 The ..."
_BYLINE_PREFIX = re.compile(
    r"^(?:By|Von|Par|Por|Di|Door) (?!(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|June|July|"
    r"August|September|October|November|December|The|This|That|Then|Now|Late|Early|Next|Last)\b)"  # "By Monday, The ..."
    r"(?:[A-Z][\w.'\u2019-]*,? ){1,4}(?:(?:and|und|et|y|e) (?:[A-Z][\w.'\u2019-]*,? ){1,3})?"
    r"(?:[\u2022|\u00b7\u2013\u2014-] ?)?(?:\d{1,2}\.? \w+ \d{4},? |\w+ \d{1,2}, \d{4},? )?(?=[A-Z\u00c0-\u024f\u201c\"])"
)

# A name (or a share count, an agency) and a date glued before a paragraph's first sentence,
# with no "By": "Josiah Motley August 21, 2019 Rocket League is ...", "Reuters Updated: January
# 16, 2020 Microsoft plans ...", "May 4, 2022 | A senior official ...". Not a sentence that opens
# with its date ("On March 3, 2021 the company ...", "January 16, 2020 was ...").
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATED_LEAD = re.compile(
    r"(?!(?:On|In|At|By|Since|From|Until|Till|Before|After|As|Through|Between|During|Last|Next|This|Early|Late)\b)"
    r"(?:[A-Z][\w.'\u2019-]*,? ){0,4}(?:[\u2013\u2014-] )?(?:(?:Updated|Published|Posted|Last updated)(?: on)?:? )?"
    rf"(?:{_MONTH} \d{{1,2}},? \d{{4}}|\d{{1,2}}\.? {_MONTH} \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:,? (?:at )?\d{1,2}[:.]\d{2} ?(?:[AaPp]\.?[Mm]\.?)?(?: \(?[A-Z]{2,4}\)?)?)?"
    r"(?:\s*[|\u2022\u00b7])?\s+(?=[A-Z\"\u201c][\w'\u2019]* )"  # (a word, not a label: "Image: ...")
)

# The social networks' names, as share buttons and runs of them name them.
_NETWORKS = (
    "facebook|twitter|x|linkedin|reddit|whatsapp|pinterest|telegram|flipboard|messenger|threads|bluesky|"
    "mastodon|instagram|tiktok|youtube|pocket|xing|vk"
)
# Inline runs that are never prose: removed before sentences are split.
_INLINE_PARTS = [
    r"(?i:(?:\b(?:(?:share|post|tweet|email|pin|send|copy)(?: (?:on|to|via|this|link))? ?"
    r"(?:on )?(?:facebook|x|twitter|linkedin|reddit|whatsapp|e-?mail|pinterest|telegram|flipboard|threads|bluesky|mastodon|link)"
    r"|share this(?: article| story)?)\b[ |,]*)+)",
    r"\b(?:ADVERTISEMENT|Advertisement|SPONSORED CONTENT|Story continues below(?: advertisement)?"
    r"|Read More|READ MORE|Sign Me Up|Sign Up|Subscribe Now)\b",
    # the same buttons in other languages: "auf Twitter folgen", "eine E-Mail senden", "partager sur
    # Facebook", "Compartir en Twitter", "Enviar por correo", "Condividi su WhatsApp", "Delen op LinkedIn"
    rf"(?i:\b(?:(?:auf|bei) (?:{_NETWORKS}) (?:folgen|teilen)|(?:eine |per )?e-?mail (?:senden|teilen)"
    rf"|(?:partager|suivre) sur (?:{_NETWORKS})|envoyer par (?:e-?mail|courriel)"
    rf"|(?:compartir|seguir(?:nos)?) en (?:{_NETWORKS})|(?:compartilhar|partilhar|seguir) (?:no|na|em|via) (?:{_NETWORKS})"
    rf"|(?:condividi|segui(?:ci)?) su (?:{_NETWORKS})|(?:delen|deel|volg ons) op (?:{_NETWORKS})"
    rf"|(?:enviar|invia) (?:por|per) (?:e-?mail|correo(?: electr\u00f3nico)?)|condividi (?:via|per) e-?mail)\b)",
]
_INLINE = _guarded(
    _INLINE_PARTS,
    "share post tweet email pin send copy advertisement sponsored story read sign subscribe "
    "auf bei eine per e-mail partager suivre envoyer compartir seguir seguirnos compartilhar partilhar "
    "condividi segui seguici delen deel volg enviar invia",
    flags=0,
)

# A run of share buttons with no verb: three or more of these words in a row, space or bar
# separated, at least two of them networks ("Share Tweet Reddit Flipboard Email").
_SOCIAL_WORD = rf"(?:{_NETWORKS}|share|tweet|twittern|e-?mail|mail|mailen|print|drucken|copy link|sms|teilen|partager)"
_SOCIAL_RUN = _guarded(
    [rf"\b{_SOCIAL_WORD}(?:[ \t]*[|\u2022\u00b7/]?[ \t]*\b{_SOCIAL_WORD}){{2,}}\b"],
    _NETWORKS.replace("|", " ")
    + " share tweet twittern e-mail email mail mailen print drucken copy sms teilen partager",
)
_NETWORK = re.compile(rf"(?i:\b(?:{_NETWORKS})\b)")


_X_AT_WORD_END = re.compile(r"x\b")
_NAMES_IN = _count_in(tuple(name for name in _NETWORKS.split("|") if name != "x"))


def _networks_in(low: str) -> int:
    """How many networks the lower-cased block LOW names: a loose look (a name inside a word
    counts), but "x" is inside most blocks' words: it counts only where a word ends with it,
    as every pattern that names it needs."""
    return _NAMES_IN(low) + ("x" in low and _X_AT_WORD_END.search(low) is not None)


# (as the credit parts write them, capitalised: "image" in a sentence starts none; a slash is
# in those that name a photographer and an agency)
_CREDIT_WORDS = ("Photo", "Image", "Picture", "Credit", "Foto", "Bild", "Illustration", "/")
_HAS_CREDIT_WORD = _any_in(_CREDIT_WORDS)
# the words some _INLINE part needs besides a network's name (or "mail", "link"): English, then
# the other languages' (the buttons in those name a network, "mail", "correo" or "courriel" too)
_SHARE_VERBS = ("share", "post", "tweet", "mail", "pin", "send", "copy")  # (e-mail, email)
_OTHER_SHARE_VERBS = (
    "folgen", "teilen", "senden", "partager", "suivre", "envoyer", "compartir", "partilhar", "segui",
    "condividi", "delen", "deel op", "volg ons", "enviar",
)  # ("partilhar" is in "compartilhar", "segui" in "seguir" and "seguici"; "invia per email" has "mail")
# the words the other _INLINE parts need
_INLINE_WORDS = (
    "share this",
    "advertisement",
    "sponsored content",
    "story continues",
    "read more",
    "sign me up",
    "sign up",
    "subscribe now",
)


_HAS_SHARE_VERB = _any_in(_SHARE_VERBS)
_HAS_OTHER_SHARE_VERB = _any_in(_OTHER_SHARE_VERBS)
_HAS_INLINE_WORD = _any_in(_INLINE_WORDS)


def _may_inline(low: str, networks: int) -> bool:
    """Whether _INLINE can find anything in the lower-cased block LOW: a share verb before a
    network's name, "mail", "correo" or "link", or one of the other parts' words."""
    if (networks or "mail" in low or "link" in low or "correo" in low or "courriel" in low) and (
        _HAS_SHARE_VERB(low) or _HAS_OTHER_SHARE_VERB(low)
    ):
        return True
    return _HAS_INLINE_WORD(low)


# A multi-page article's link to all of it on one page: removed like a share bar.
_ONE_PAGE = re.compile(
    r"\b(?:auf einer seite lesen|read (?:it )?on (?:one|a single) page|view (?:as )?(?:a )?single page"
    r"|lire sur une (?:seule )?page)\b",
    _I,
)
_ONE_PAGE_WORDS = ("seite lesen", "e page")  # (single, one, une, seule)


def _drop_social_runs(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        return " | " if len(_NETWORK.findall(match.group(0))) >= 2 else match.group(0)

    return _SOCIAL_RUN.sub(replace, text)


_SECOND_PERSON = _search_of([r"\byou(?:r|rs|'re|\u2019re)?\b"])
_FIRST_PLURAL = _search_of([r"\b(?:our|us|we)\b"], fold=False)  # lower case: "US" is a country
_EVENT = _search_of([r"\b(?:event|summit|conference|tour|webinar|podcast)\b"])
_QUOTED = re.compile(
    r'"[^"]*"|\u201c[^\u201d]*\u201d|\u00ab[^\u00bb]*\u00bb|\u201e[^\u201c\u201d]*[\u201c\u201d]|\u2018[^\u2019]*\u2019(?!\w)'
)
_QUOTE_START = tuple("\"\u201c\u2018'\u00ab\u201e")
# Chinese and Japanese write no spaces between words: each of their characters (Han, kana)
# counts as a word of its own, and their sentences end with full-width marks.
_HAS_CJK = re.compile(f"[{CJK}]").search
_CJK_TERMINAL = "\u3002\uff01\uff1f\u300d\u300f\uff09\uff1a\uff1b\uff0e"  # 。！？」』）：；．
# and Arabic's question mark, Urdu's full stop, the Indic scripts' danda
_TERMINAL = tuple('.!?:;"\u201d\u2019)\u2026' + _CJK_TERMINAL + "\u061f\u06d4\u0964\u0965")
# Scripts without capitals to tell a menu or a heading by, whose sentences end with a mark:
# Arabic, Hebrew, the Indic scripts, Hangul, Chinese and Japanese. (Not Thai, Lao, Khmer:
# they end a sentence with a space.)
_CASELESS = re.compile(
    "[\u0590-\u06ff\u0750-\u077f\u0900-\u0d7f\u1100-\u11ff\u3130-\u318f\uac00-\ud7af" + CJK + "]"
).search
_WORDS = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")  # (a run of Chinese or Japanese is one)
# the same on ASCII text, where a class of ASCII letters is a table lookup and the Unicode
# category test is not needed: a sixth faster on most pages' sentences
_ASCII_WORDS = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
_CJK_WORDS = re.compile(rf"[{CJK}]|[^\W_{CJK}]+(?:['\u2019][^\W_{CJK}]+)*")
_CHARS_PER_WORD = 8  # more characters a word than this: maybe Chinese or Japanese, counted so

_STOPWORDS = frozenset(
    """a about after all also an and any are as at be been but by can could did do does for from had has
    have he her his how if in into is it its more most not of on one or our out over said says she so some
    than that the their them then there these they this those to up was we were what when which while who
    will with would you""".split()
)

# Function words of the languages news comes in most, for prose density (not for classifying).
_FUNCTION_WORDS = _STOPWORDS | frozenset(
    """aber als am an auch auf aus bei bis das dass dem den der des die doch du ein eine einem einen einer er es
    für hat im in ist mit nach nicht noch nur oder sich sie sind so um und uns vom von vor war wie wir wird zu zum zur
    au aux avec ce ces dans de des du elle en est et il ils je la le les leur mais ne nous on ou par pas pour qu que qui
    sa se ses son sont sur un une vous al como con del el en es esta la las lo los más para pero por que se su una
    che di è gli il le nel non per più sono una ao com da do dos em na no os para por que um uma bir bu da de için ile
    ve çok daha gibi het een van en op te dat niet zijn met voor""".split()
)

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr inc corp co ltd vs etc no gen gov sen rep prof jan feb mar apr "
    "jun jul aug sep sept oct nov dec fig approx est dept".split()
)
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # "u.s", "e.g", "p.m", "l.a": initials with their dots
_SENTENCE_END = re.compile(
    # the marks up front as one class, which re scans for before it tries the rest (with a
    # lookahead up front it tries every position: twice the time), then the look back at which
    r"[.!?\u2026\u3002\uff01\uff1f]"
    r"(?:(?<=[.!?\u2026])[.!?\u2026]*[\"\u201d\u2019')\]]*\s+(?=[\"\u201c\u2018'(\[]?[A-Z0-9\u00c0-\u024f])"
    r"|(?<=[\u3002\uff01\uff1f])[\u3002\uff01\uff1f]*[\u300d\u300f\uff09\u201d]*\s*)"  # (Chinese and Japanese: no space after)
)
_BLANK_LINE = re.compile(r"\n\s*\n")
_HEADLINE_CANDIDATES = 8  # places the title stands that are weighed as the headline
_DENSITY_WORDS = 80  # words after a headline candidate weighed for prose
_CAPTION_WORDS = 40  # a sentence before a photo credit is its caption up to this long
_STARTED = 40  # words of article text before a furniture heading can end it (one above it is a top box)
_BOX_PROSE = 200  # characters of prose after a box heading that make the box one inside the article
_BOX_PROSE_WORDS = 35  # ... or words (Chinese and Japanese say as much in a third of the characters)
_RUN_SENTENCES = 6  # a paragraph made from one long run is cut every this many sentences
_RUN_CHARS = 1500  # ...when the page came as one line longer than this, or a block is this long


@dataclass(slots=True)
class _Segment:
    text: str
    kind: str  # "content", "boiler", "nav", "meta", "short", "trailer" (closing credits), "glued" (a heading)
    footer: bool
    words: int


def clean_body(text: str, title: str | None = None) -> list[str]:
    """The article's own paragraphs from scraped page text, in order, and nothing else."""
    blocks = _blocks(clean_text(text))
    if title:
        blocks = _after_headline(blocks, title)
    blocks = _without_captions(_without_lists(blocks))
    one_run = len(blocks) <= 2 and sum(map(len, blocks)) > _RUN_CHARS

    kept: list[tuple[str, bool]] = []  # (paragraph, is_short)
    article_words = 0  # of the article's own sentences so far: furniture headings end it after _STARTED
    classified = _Classified(blocks)  # what comes after the article's end is not even split
    for at in range(len(blocks)):
        segments = classified[at]
        if not segments:
            continue
        for index, segment in enumerate(segments):
            if segment.footer and (heading := _BOX_HEADING.match(segment.text)):
                _box_inside(classified, at, index, heading)
        for segment in segments:  # closing credits count once the article has begun, else a byline
            if segment.kind == "trailer":
                segment.kind = "content" if article_words >= _STARTED else "meta"
        footer_at = None
        words_before = article_words
        # a block that is mostly menu counts none of its own words as the article's: its
        # copyright line ("... Got a Tip? ... Copyright (c) 2020, Example Times | Terms") is a
        # page header's when nothing of the article came before (a page read without its title)
        menu = any(s.footer for s in segments) and _mostly_junk(segments)
        for index, segment in enumerate(segments):
            if segment.footer and words_before >= _STARTED:
                footer_at = index
                break
            if segment.kind == "content" and not menu:
                words_before += segment.words
        ended = footer_at is not None
        if ended:
            segments = segments[:footer_at]
        content = [s for s in segments if s.kind in ("content", "short")]
        if content and not _mostly_junk(segments) and not _promo(segments, content):
            words = sum(s.words for s in content)
            is_short = words < 8 or all(s.kind == "short" for s in content)
            if not is_short or content[-1].text.endswith(_TERMINAL):
                # a page in one run, or a block as long as a page: paragraphs of a few sentences
                # (a wall of 15,000 characters is unreadable in a terminal)
                if not is_short and (one_run or sum(len(s.text) for s in content) > _RUN_CHARS):
                    kept.extend((p, False) for p in _chunk([s.text for s in content]))
                else:
                    kept.append((_join([s.text for s in content]), is_short))
                if not is_short:
                    article_words += words
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
    # a paragraph the page has twice is kept where it stands last: the first is a table of
    # contents' entry ("When will it arrive?" before the section it heads), a pull quote or
    # a teaser of the article on its own page
    last = {paragraph: index for index, paragraph in enumerate(paragraphs)}
    return [paragraph for index, paragraph in enumerate(paragraphs) if last[paragraph] == index]


def _mostly_junk(segments: list[_Segment]) -> bool:
    """Half the text of SEGMENTS or more is furniture, menus or bylines (a glued heading, which
    goes anyway, weighs nothing)."""
    total = sum(len(s.text) for s in segments if s.kind != "glued") or 1
    return 2 * sum(len(s.text) for s in segments if s.kind in ("boiler", "nav", "meta")) >= total


_PROMO_WORDS = 20  # words of a promo box's furniture sentence, at most ...
_PITCH_WORDS = 40  # ... and of the pitch after it


def _promo(segments: list[_Segment], content: list[_Segment]) -> bool:
    """A promo box in a line of its own: a short furniture sentence, then a sentence or two of
    its pitch ("Sign up for our science newsletter. Explore the universe with news on ...")."""
    first = segments[0]
    return (
        first.kind == "boiler"
        and first.words <= _PROMO_WORDS
        and len(segments) <= 3
        and sum(s.words for s in content) <= _PITCH_WORDS
    )


_LIST_OPENING = 4  # words that the blocks of a gallery or a teaser list start with alike ...
_LIST_BLOCKS = 3  # ... in this many blocks or more


# A caption's label on a line of its own, its caption on the next ("Image caption," then
# "Emperor penguins gather on sea ice"), in the languages of the end headings
_CAPTION_LABEL = re.compile(
    r"(?:(?:image|photo|media|video|picture) )?(?:caption|bildunterschrift|l\u00e9gende|pie de foto|didascalia|legenda)"
    r"\s*[,:]?",
    _I,
).fullmatch


def _without_captions(blocks: list[str]) -> list[str]:
    """BLOCKS without caption labels standing alone and the captions after them (a caption is
    _CAPTION_WORDS long at most: a paragraph after a stray label stays)."""
    labels = [len(block) <= 24 and _CAPTION_LABEL(block) is not None for block in blocks]
    if not any(labels):
        return blocks
    return [
        block
        for at, block in enumerate(blocks)
        if not labels[at] and not (at and labels[at - 1] and len(_WORDS.findall(block)) <= _CAPTION_WORDS)
    ]


def _without_lists(blocks: list[str]) -> list[str]:
    """BLOCKS without those that open with the same words as two others or more: a gallery's
    captions ("UK news in pictures 2 November 2020 Waves ..."), a list of teasers ("22 July
    2019 By Example Foundation Read more ..."); an article's paragraphs do not repeat their
    first four words three times."""
    openings = [tuple(block.lower().split(" ", _LIST_OPENING)[:_LIST_OPENING]) for block in blocks]
    counts: dict[tuple[str, ...], int] = {}
    for opening in openings:
        if len(opening) == _LIST_OPENING:
            counts[opening] = counts.get(opening, 0) + 1
    if not counts or max(counts.values()) < _LIST_BLOCKS:
        return blocks
    return [block for block, opening in zip(blocks, openings, strict=True) if counts.get(opening, 0) < _LIST_BLOCKS]


def _may_glue(block: str) -> bool:
    """Whether a heading may be glued to a sentence somewhere in BLOCK (``_glued_lead``)."""
    end = len(block)
    return _glued_at(block, end) >= 0 or (": " in block and _glued_at(block, end, _QUOTE_AFTER) >= 0)


def _glued_apart(sentences: list[str], dated: bool = False) -> list[_Segment]:
    """SENTENCES classified, each heading glued before one (``_glued_lead``), and in a DATED
    block the words before a dateline (``_dateline_lead``), a segment of its own: it goes,
    whatever it reads like, and weighs nothing in its block's share of junk; but a furniture
    phrase's or an end marker's box goes on into the sentence ("Get our newsletter The latest
    ...", "More Stories A ..."), and is classified with it as before."""
    segments = []
    for sentence in sentences:
        lead = _dateline_lead(sentence) if dated else 0
        if lead:  # what stands before a report's dateline goes, whatever it reads like
            text = sentence[:lead].rstrip()
            segments.append(_Segment(text, "glued", False, len(_WORDS.findall(text))))
            sentence = sentence[lead:]
        start = 0 if lead else _glued_lead(sentence)  # ("London (CNN) It was ...": the dateline stays)
        if start:
            text = sentence[:start].rstrip()
            heading = _classify(text)
            if not heading.footer and not _is_furniture(text, _keys(_WORDS.findall(text)), text.lower()):
                heading.kind = "glued"
                segments.append(heading)
                sentence = sentence[start:]
        segments.append(_classify(sentence))
    return segments


class _Classified:
    """Each block's sentences as segments, split and classified when first asked for."""

    __slots__ = ("_blocks", "_done")

    def __init__(self, blocks: list[str]) -> None:
        self._blocks = blocks
        self._done: list[list[_Segment] | None] = [None] * len(blocks)

    def __getitem__(self, at: int) -> list[_Segment]:
        segments = self._done[at]
        if segments is None:
            block = self._blocks[at]
            sentences = _sentences(block)
            dated = _may_have_dateline(block)  # (words before a dateline: see _dateline_lead)
            if dated or _may_glue(block):
                segments = self._done[at] = _glued_apart(sentences, dated)
            else:  # (most blocks have no place where a heading may be glued to a sentence)
                segments = self._done[at] = [_classify(sentence) for sentence in sentences]
            _captions_before_credits(segments)
        return segments

    def __len__(self) -> int:
        return len(self._blocks)



# A photo credit standing as a sentence of its own ("REUTERS/Jane Roe/File Photo", "Photo: Getty
# Images"), as the credit parts of _META_ANY and _META_START find them.
_CREDIT_LIKE = re.compile(
    r"getty images|shutterstock|ap photo|afp via|reuters/|/file photo|\b(?:photo(?:graph)?|image|picture|credit)s?\s*(?:by\b|:)",
    _I,
).search


def _captions_before_credits(segments: list[_Segment]) -> None:
    """A sentence followed in its block by a photo credit is the photo's caption ("Item 1 of 2 A
    logo is seen at the headquarters. REUTERS/Jane Roe"): it goes with the credit."""
    for before, segment in itertools.pairwise(segments):
        if (
            segment.kind == "meta"
            and before.kind in ("content", "short")
            and before.words <= _CAPTION_WORDS
            and _CREDIT_LIKE(segment.text)
        ):
            before.kind = "meta"


def _box_inside(classified: _Classified, at: int, index: int, heading: re.Match[str]) -> None:
    """A "Related coverage" box in the middle of an article does not end it: a box heading
    followed by mostly prose (until the next end marker) is furniture inside the article, and
    so are the link titles between it and the prose (HEADING: the box heading's match in the segment)."""
    segment = classified[at][index]
    prose = total = prose_words = 0
    before_prose: list[_Segment] = []
    run = True  # in the run of prose right after the box's link titles
    for later, in_paragraph in _with_paragraphs(classified, at, index):
        if later.footer:
            break
        size = len(later.text)
        total += size
        if _is_prose(later) or (run and in_paragraph):
            prose += size
            prose_words += later.words
        elif not prose:
            before_prose.append(later)
        else:
            run = False  # a name, a date, a link title after it: a list of teasers, not an article going on
    # a link in a line of its own ("Related: Title", "Lire aussi | Title") is a box of one:
    # one sentence of prose after it shows the article going on
    one_link = segment.text[heading.end() :].lstrip()[:1] in _LINK_AFTER
    enough = prose_words >= _PROSE_WORDS if one_link else (prose >= _BOX_PROSE or prose_words >= _BOX_PROSE_WORDS)
    if enough and prose >= 0.6 * total:
        segment.footer = False
        # a flattened page may glue the box to the next paragraph: then the segment is kept
        # from the paragraph's first word on
        if _is_prose(segment) and segment.words >= _GLUED_BOX_PROSE:
            segment.kind = "content"
            _cut_box_start(segment, heading)
        else:
            segment.kind = "nav"
        for later in before_prose:
            later.kind = "nav"


_PROSE_WORDS = 12  # words of a sentence of prose (with its closing punctuation): _is_prose
_LINK_AFTER = (":", "|", "\u2014", "\u2013", "-", "\u00bb", ">")  # between a box heading and a link's title
_GLUED_BOX_PROSE = 25  # words of a box heading's sentence that make it a paragraph glued to the box
# where a paragraph glued to a box's heading and link title starts: the first capitalised word
# after a lower-case one past the heading and the capitalised words after it ("Keep Reading The
# latest on AI and more Jane Roe, a researcher ...", "Related Topics Science ...")
_PROSE_START = re.compile(r"(?<=[a-z\u00df-\u00ff]) (?=[A-Z\u00c0-\u00de])")
_CAPITALISED_RUN = re.compile(r"(?:\w*)(?: [A-Z\u00c0-\u00de][\w'\u2019-]*)*")  # the rest of the heading


def _cut_box_start(segment: _Segment, heading: re.Match[str]) -> None:
    start = _PROSE_START.search(segment.text, _CAPITALISED_RUN.match(segment.text, heading.end()).end())
    if start is None:
        return
    words = len(_WORDS.findall(segment.text, start.end()))
    if words >= _PROSE_WORDS:
        segment.text = segment.text[start.end() :]
        segment.words = words


_PARAGRAPH_WORDS = 20  # words of a paragraph of two sentences or more that is prose whatever their length


def _with_paragraphs(classified: _Classified, at: int, index: int) -> Iterator[tuple[_Segment, bool]]:
    """The segments after the INDEXth of block AT, each with whether it is in a paragraph of
    prose: two sentences or more, all of them closed, of _PARAGRAPH_WORDS words or more, in a
    language or a style of short sentences ("Daar stegen de prijzen nog licht. In de rest van
    het land daalden ze juist een beetje.", each shorter than ``_is_prose`` asks)."""
    for block in range(at, len(classified)):
        segments = classified[block][index + 1 :] if block == at else classified[block]
        sentences = [s for s in segments if s.kind == "content" and s.text.endswith(_TERMINAL)]
        paragraph = (
            block != at
            and len(sentences) >= 2
            and len(sentences) == len(segments)
            and sum(s.words for s in sentences) >= _PARAGRAPH_WORDS
        )
        for later in segments:
            yield later, paragraph


def _is_prose(segment: _Segment) -> bool:
    return segment.kind == "content" and segment.text.endswith(_TERMINAL) and segment.words >= _PROSE_WORDS


def _blocks(text: str) -> list[str]:
    """Paragraph candidates: blank-line separated blocks when the text has them, else lines."""
    text = text.strip()
    if not text:
        return []
    raw = _BLANK_LINE.split(text) if "\n\n" in text else text.split("\n")
    return [b for b in map(_one_spaced, raw) if b]


def _one_spaced(block: str) -> str:
    """BLOCK with each run of white space one space, trimmed. Most lines have no white space
    but single spaces, and nothing else that is white space is printable: they are kept as
    they are (a split and a join cost twice the look)."""
    if block.isprintable() and "  " not in block and block[:1] != " " and block[-1:] != " ":
        return block
    return " ".join(block.split())


_BYLINE_START = re.compile(r"(?:by|von|par|por|di|door|av|af|de|da)\s+[^\W\d_]", re.IGNORECASE)


def _title_pattern(title: str) -> re.Pattern[str] | None:
    words = _WORDS.findall(title)
    if not words:
        return None
    return re.compile(r"[\W_]*".join(re.escape(w) for w in words), _I)


def _after_headline(blocks: list[str], title: str) -> list[str]:
    """Drop everything up to the headline, when the headline is there. The title may stand in
    several places (a breadcrumb, a sticky header, a teaser list, a citation at the bottom):
    the headline is the one followed by the most prose, by the density of function words in
    the words after it (the signal jusText rests on), the first of equals. A card's title
    the page does not hold is tried again without the site's name after it ("Title - Reuters",
    "Title | Example News") or a kicker before it ("Zugverkehr: Title")."""
    for variant in _title_variants(title):
        found = _after_title(blocks, variant)
        if found is not None:
            return found
    return blocks


_TITLE_SUFFIX = re.compile(r"\s+[-|\u2013\u2014\u00b7:]\s+(?:\S+\s+){0,5}\S+$")  # " - Example News"
_TITLE_KICKER = re.compile(r"^(?:\S+\s+){0,2}\S+?\s*[:|]\s+")  # "Zugverkehr: "


def _title_variants(title: str) -> Iterator[str]:
    yield title
    seen = {title}
    unsuffixed = _TITLE_SUFFIX.sub("", title)
    for variant in (unsuffixed, _TITLE_KICKER.sub("", title, count=1), _TITLE_KICKER.sub("", unsuffixed, count=1)):
        if variant not in seen and len(_WORDS.findall(variant)) >= 3:
            seen.add(variant)
            yield variant


def _after_title(blocks: list[str], title: str) -> list[str] | None:
    """The blocks after the headline TITLE stands as, or None where it does not."""
    pattern = _title_pattern(title)
    if pattern is None:
        return None
    best: tuple[float, list[str]] | None = None
    candidates = 0
    for index, block in enumerate(blocks):
        for match in pattern.finditer(block):
            rest = block[match.end() :].lstrip(" \"'\u201d\u2019")
            # the headline is not a sentence's opening words: "Title, a ... that ..."; a
            # byline ("Title by Bob Yirka", "von", "par"...) does not make it one
            if (rest[:1].islower() and not _BYLINE_START.match(rest)) or rest[:1] == ",":
                continue
            remainder = ([rest] if rest else []) + blocks[index + 1 :]
            density = _prose_density(remainder)
            if best is None or density > best[0] + 0.02:
                best = (density, remainder)
            candidates += 1
            if candidates >= _HEADLINE_CANDIDATES:
                return best[1]
    return best[1] if best is not None else None


def _prose_density(blocks: list[str]) -> float:
    """The share of function words among the first _DENSITY_WORDS words of BLOCKS."""
    words: list[str] = []
    for block in blocks:
        words += _WORDS.findall(block[: _DENSITY_WORDS * 12])
        if len(words) >= _DENSITY_WORDS:
            break
    words = words[:_DENSITY_WORDS]
    if not words:
        return 0.0
    return sum(map(_FUNCTION_WORDS.__contains__, map(str.lower, words))) / len(words)


# A photo credit glued to the start of a paragraph: "Photograph: Guy Smallman/Getty Images ..."
# (a label, a few words, and a name/agency pair), removed before sentences are split.
# News photo agencies, for a credit without a slash ("Photograph: Getty Images").
_AGENCIES = r"(?:Getty Images|AP Photo|AP|AFP|Reuters|Shutterstock|Alamy|EPA|dpa|PA|Bloomberg|NASA|Xinhua)"
_CAPTION_END = "\x1f"  # where a removed photo credit stood: the sentence before it was its caption

_CREDIT_PARTS = [
    r"\s?\((?:Image|Photo|Photograph|Picture|Credit|Foto|Bild)s?\s*:\s*[^()]{1,80}\)",  # "(Image: © NASA)"
    # "(Jane Roe / Example Chronicle)" after a caption: a photographer and an agency
    r"\s?\((?:[A-Z][\w.'\u2019-]*\s){1,3}?[A-Z][\w.'\u2019-]*\s?/\s?(?:[A-Z][\w.&'\u2019-]*\s?){1,4}\)",
    r"\b(?:Photograph|Photo|Image|Illustration|Picture)s? (?:by|courtesy of) (?:(?:[A-Z][\w.'\u2019-]*|&),? ){1,6}?"
    r"(?=[A-Z]\w* [a-z])",
    r"\b(?:Photograph|Photo|Image|Illustration|Picture|Credit|Foto|Bild)s?\s*(?:credit)?\s*:\s*"
    r"(?:(?:[^\s/:]+\s){0,4}?[^\s/:]+\s?/\s?[^\s/:]+"
    # the agency's name runs until the paragraph's first word ("Example Agency The council ...")
    r"(?:(?: [A-Z][\w.&'\u2019-]*)*?(?= [A-Z\u00c0-\u00de][\w'\u2019-]* [a-z\u00e0-\u00ff])"
    r"|(?:\s(?:Images|Photos?|Pictures|Press|Wire))?(?=\s|$))"
    rf"|{_AGENCIES}(?=\s|$))",
    # "\u00a9 Jane Roe/Example Agency/Example Images" (a copyright line has no slash)
    r"\u00a9 ?(?:[^\s/:]+\s){0,4}?[^\s/:]+(?:\s?/\s?(?:[^\s/:]+\s){0,3}?[^\s/:]+(?=\s?/))*\s?/\s?[^\s/:]+"
    r"(?:(?: [A-Z][\w.&'\u2019-]*)*?(?= [A-Z\u00c0-\u00de][\w'\u2019-]* [a-z\u00e0-\u00ff])"
    r"|(?:\s(?:Images|Photos?|Pictures|Press|Wire))?(?=\s|$))",
]
_CREDIT = _guarded(
    _CREDIT_PARTS,
    "Photograph Photo Image Illustration Picture Credit Foto Bild",
    extra=r"\s?\(|\u00a9",
    flags=0,
)

# A multi-page article's table of contents: "Inhalt Seite 1 \u2014 Title Seite 2 \u2014 Title"
# before the text. The numbers run 1, 2, ...; the last title runs until the text's first
# sentence starts (a number, a quotation, or a capitalised article before a lower-case word, or
# in German before a noun and a lower-case word).
_CONTENTS_ITEM = re.compile(r"\b(?:Seite|Page|Teil|Part|Partie|P\u00e1gina|Pagina) (\d{1,2}) ?[\u2014\u2013:|-] ?")
_CONTENTS_ONE = re.compile(r" 1 ?[\u2014\u2013:|-] ")  # (a cheap first look: the first item's number)
_CONTENTS_WORD = re.compile(
    r"\b(?:Inhalt|Inhaltsverzeichnis|Contents|Table of [Cc]ontents|Sommaire|\u00cdndice|Indice)\b:? ?$"
)
_CONTENTS_TITLE_WORDS = 10  # the last title's words at most
_TEXT_START = re.compile(
    rf"\d|[\"\u201c\u201e\u00ab]|(?:{'|'.join(_GLUED_WORDS)}) [a-z\u00df-\u00ff]"
    r"|(?:Der|Die|Das|Ein|Eine) [A-Z\u00c4\u00d6\u00dc][\w-]* [a-z\u00df-\u00ff]"  # German: "Die Bahn will ..."
)


def _drop_contents(block: str) -> str:
    items = list(_CONTENTS_ITEM.finditer(block))
    first = next((n for n, m in enumerate(items) if m.group(1) == "1"), None)
    if first is None:
        return block
    last = first
    while last + 1 < len(items) and int(items[last + 1].group(1)) == int(items[last].group(1)) + 1:
        last += 1
    if last == first:  # one "Page 1:" is no table
        return block
    start = items[first].start()
    heading = _CONTENTS_WORD.search(block, max(0, start - 40), start)
    if heading:
        start = heading.start()
    end = items[last].end()
    at = end
    for _ in range(_CONTENTS_TITLE_WORDS):
        space = block.find(" ", at)
        if space < 0:
            break
        if _TEXT_START.match(block, space + 1):
            end = space + 1
            break
        at = space + 1
    return f"{block[:start]}{block[end:]}"


def _credit_gone(match: re.Match[str]) -> str:
    # "(Image: ...)" sits inside a sentence; a bare credit follows the caption it belongs to
    credit = match.group(0).lstrip()
    return " " if credit.startswith("(") and ":" in credit else f" {_CAPTION_END} "


def _sentences(block: str) -> list[str]:
    """Split a block into sentences (and at inline furniture such as share bars)."""
    parts: list[str] = []
    # each pass only where its words are in the block at all (the passes cost more than the look)
    low = block.lower()
    if _HAS_CREDIT_WORD(block):
        block = _CREDIT.sub(_credit_gone, block)
    if _ONE_PAGE_WORDS[0] in low or _ONE_PAGE_WORDS[1] in low:
        block = _ONE_PAGE.sub(" ", block)
    if " 1" in block and _CONTENTS_ONE.search(block):
        block = _drop_contents(block)
    networks = _networks_in(low)
    if networks >= 2:
        block = _drop_social_runs(block)
    pieces = _INLINE.split(block) if _may_inline(low, networks) else [block]
    pieces = [glued for piece in pieces for glued in _GLUED_HEADING.split(piece)]
    for piece in pieces:
        piece = piece.strip(" |\u2022\u00b7-")
        if not piece:
            continue
        if _CAPTION_END in piece:  # a caption, then its credit, then the paragraph
            *captioned, piece = piece.split(_CAPTION_END)
            for chunk in captioned:
                caption = _split_sentences(chunk.strip())
                if caption and len(_WORDS.findall(caption[-1])) <= _CAPTION_WORDS:
                    caption.pop()
                parts.extend(caption)
            piece = piece.strip()
        parts.extend(_split_sentences(piece))
    if parts:
        first = 0  # the first sentence, after a byline split from it
        lead = _BYLINE_PREFIX.match(parts[0])
        if lead and len(_WORDS.findall(parts[0][lead.end() :])) >= 3:
            parts[0:1] = [parts[0][: lead.end()].strip(), parts[0][lead.end() :]]
            first = 1
        sentence = parts[first]
        dated = _DATED_LEAD.match(sentence) if sentence[:1].isupper() else None
        if dated and len(_WORDS.findall(sentence, dated.end())) >= 3:
            parts[first] = sentence[dated.end() :]  # (the name and the date go, whatever they read like)
    return [p for p in parts if p]


def _split_sentences(piece: str) -> list[str]:
    """PIECE cut after each sentence's closing punctuation (not after "Mr." or "U.S.")."""
    parts = []
    start = 0
    for match in _SENTENCE_END.finditer(piece):
        if piece[match.start()] in ".!?\u2026":  # (a full-width mark ends a sentence always)
            before = piece[start : match.start()].rsplit(" ", 1)[-1].lower().rstrip(".")
            if (
                before in _ABBREVIATIONS
                or (len(before) == 1 and before.isalpha())
                or ("." in before and _INITIALISM.fullmatch(before))
            ):
                continue
        end = match.end()
        parts.append(piece[start:end].strip())
        start = end
    tail = piece[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def _classify(sentence: str) -> _Segment:
    """What one sentence is. Boilerplate, menus and bylines are all dropped alike, so the
    cheap tests run first and the furniture vocabulary is searched only in what is left."""
    low = sentence.lower()
    if sentence.isascii():  # (lower-cased, an ASCII text has the same words: no word is lowered twice)
        folded = _ASCII_WORDS.findall(low)
        count = len(folded)
        keys = set(map(_KEY_OF, folded))
    else:
        words = _WORDS.findall(sentence)
        count = len(words)
        if len(sentence) > _CHARS_PER_WORD * count and _HAS_CJK(sentence):
            words = _CJK_WORDS.findall(sentence)
            count = len(words)
        keys = _keys(words)
        folded = None
    if "\u00a9" in sentence:
        keys.add("\u00a9")
    footer = bool(
        _footer_start(sentence, low)
        or (keys & _FOOTER_KEYS and _may_be_footer(keys) and _FOOTER_ANY(sentence, low))  # (the cheap look first)
        or (keys & _RESERVED_KEYS and _RESERVED(sentence, low))
        or _in_comments(sentence, keys)
    )
    if not count:
        return _Segment(sentence, "nav", footer, 0)
    if _TRAILER.match(sentence):
        return _Segment(sentence, "boiler" if _is_furniture(sentence, keys, low) else "trailer", footer, count)
    ends = sentence.rstrip().endswith(_TERMINAL)
    if count < 25 and (
        _META_START.match(sentence)
        or (_BYLINE.match(sentence) and (count <= 6 or not ends))
        or (keys & _META_KEYS and _META_ANY(sentence, low))
    ):
        return _Segment(sentence, "meta", footer, count)
    if not ends and count >= 4:
        if folded is not None:
            words = _ASCII_WORDS.findall(sentence)
        capitals = sum(1 for w in words if w[0].isupper() or w[0].isdigit())  # (a word is never empty)
        lowered = folded if folded is not None else map(str.lower, words)
        if capitals / count >= 0.6 and sum(map(_STOPWORDS.__contains__, lowered)) / count < 0.2:
            return _Segment(sentence, "nav", footer, count)
    if _is_furniture(sentence, keys, low):
        return _Segment(sentence, "boiler", footer, count)
    if not ends and (count < 6 or _CASELESS(sentence)):
        # (in a script without capitals a line without a closing mark is a menu or a heading:
        # kept only between two paragraphs)
        return _Segment(sentence, "short", footer, count)
    if not ends and _LINK_LABEL(sentence):
        return _Segment(sentence, "nav", footer, count)
    return _Segment(sentence, "content", footer, count)


# A link to another article on a line of its own: a label, then the title, with no closing mark
# ("Also: Why the chip shortage is not over", "See also | ...", "WATCH: ..."). The labels that
# head boxes too ("Related", "Read also", "Lire aussi") are end headings (_box_inside).
_LINK_LABEL = re.compile(
    r"(?:also|see also|more|watch|listen|explore|voir aussi|siehe auch|mehr dazu|lee tambi\u00e9n|"
    r"guarda anche|zie ook|\u0441\u043c\u043e\u0442\u0440\u0438\u0442\u0435 \u0442\u0430\u043a\u0436\u0435)"  # смотрите также
    r"\s*[:|\u2014\u2013\u00bb>]",
    _I,
).match


def _is_furniture(sentence: str, keys: set[str], low: str) -> bool:
    """The page's own voice: a furniture phrase, or addressing the reader twice over with an
    exclamation (LOW: the sentence lower-cased). "You" and "we" alone are an interview's
    question and answer as often as a promo's."""
    for key in keys & _STRONG_KEYS:
        if _STRONG_BY_KEY[key](sentence, low):
            return True
    if "!" not in sentence or sentence.startswith(_QUOTE_START):
        return False
    return _addressing(sentence, low) >= 2


def _addressing(sentence: str, low: str) -> int:
    """How much the sentence speaks to the reader: "you", "our", "!" (0 to 4)."""
    if not (_SECOND_PERSON(sentence, low) or _FIRST_PLURAL(sentence, low) or "!" in sentence):
        return 0
    # a quotation inside the sentence is somebody's words, not the page addressing the reader
    own = _QUOTED.sub(" ", sentence)
    own_low = own.lower()
    score = _SECOND_PERSON(own, own_low) + _FIRST_PLURAL(own, own_low)
    score += own.rstrip('"\u201d\u2019) ').endswith("!")
    score += _EVENT(own, own_low) and own.rstrip().endswith("!")
    return score


def _chunk(sentences: list[str]) -> list[str]:
    return [_join(sentences[i : i + _RUN_SENTENCES]) for i in range(0, len(sentences), _RUN_SENTENCES)]


_HAS_CJK_MARK = _any_in(("\u3002", "\uff01", "\uff1f"))  # 。！？
_CJK_JOIN = re.compile(r"([\u3002\uff01\uff1f\u300d\u300f\uff09\u201d]) (?=[" + CJK + "])")


def _join(sentences: list[str]) -> str:
    """SENTENCES as one paragraph: a space between two, but none after a Chinese or Japanese
    sentence's closing mark before one of their characters."""
    text = " ".join(sentences)
    return _CJK_JOIN.sub(r"\1", text) if _HAS_CJK_MARK(text) else text
