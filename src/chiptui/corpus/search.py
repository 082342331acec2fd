"""Fuzzy filtering and ranking over titles, providers and topics.

A query is split into words; an article matches when every word matches its
title, provider or topics. Words of three characters or fewer, and words with
punctuation in them, must appear as typed (fuzzy scores on short words are
noise). Longer words may carry a typo: they are compared, with rapidfuzz's
``partial_ratio`` in C, against the corpus's *vocabulary* (each distinct word
once), and an article matches through any of its words that scored. The
vocabulary of 100,000 titles is a few tens of thousands of words, so a keystroke
costs one pass over that, not over every title.

Each word's matches over the whole corpus are cached, so typing a query only
pays for the word being typed; an exact word that extends a cached one searches
only that word's matches. Highlight spans are computed for the rows on screen,
not for every hit.
"""

from __future__ import annotations

import re
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, compress
from typing import Generic, Protocol, TypeVar

Span = tuple[int, int]
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
CACHE_WORDS = 64
EAGER_HAYSTACKS = 300_000  # articles up to which the warm-up builds the haystacks (about 45 MB)
STOP_EVERY = 50_000  # entries (or articles) between two looks at whether a search is still wanted
POSTINGS_PER_ARTICLE = 2  # a word's articles come from the postings up to this many entries an article
RESTRICT_BELOW = 2  # a short word is looked for among the other words' articles when they are at most 1/2 of all
CACHE_ENTRIES = 1_000_000  # articles across the cached words' answers (about 80 MB), at most
REGEX_WORDS = 40  # a fuzzy word matching more vocabulary words than this uses the postings
WHOLE_WORD_SCORE = 75.0  # a fuzzy match is this alike as a whole word (rapidfuzz ratio), or a prefix
TITLE_SCORE = 110.0  # an exact match in the title; fuzzy title matches get the same bonus


class Stopped(Exception):
    """A search given up on because its answer is no longer wanted (a newer query came)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching article: its position in the store, score, and title spans to highlight."""

    index: int
    score: float
    spans: tuple[Span, ...] = ()


def query_tokens(query: str) -> list[str]:
    return [t for t in _TOKEN.findall(query.casefold()) if t]


def cutoff(token: str) -> float | None:
    """The lowest score a token may match with; None means it must appear as typed."""
    if len(token) <= 3 or not _WORD.fullmatch(token):
        return None
    return 80.0  # against single words (not whole titles): "tranium" finds "trainium", not "training"


Key = TypeVar("Key")
Answer = TypeVar("Answer", bound=Collection[int])


class AnswerCache(Generic[Key, Answer]):
    """Answers (collections of article indices) by what was asked, the most recently used
    last, holding at most ENTRIES indices in all (and at most WORDS answers, when given); an
    answer of more than LARGEST indices is given but not kept. A query's words (here) and
    its terms (the store) are kept between keystrokes in these."""

    def __init__(self, entries: int, largest: int, words: int | None = None) -> None:
        self.entries, self.largest, self.words = entries, largest, words
        self.held = 0  # indices in the answers kept
        self._answers: OrderedDict[Key, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._answers

    def values(self) -> list[Answer]:
        with self._lock:
            return list(self._answers.values())

    def get(self, key: Key, touch: bool = True) -> Answer | None:
        """The answer kept for KEY; ``touch``: count it as used (a look for a prefix is not)."""
        with self._lock:
            found = self._answers.get(key)
            if found is not None and touch:
                self._answers.move_to_end(key)
            return found

    def put(self, key: Key, answer: Answer) -> None:
        if len(answer) > self.largest:
            return
        with self._lock:
            if key in self._answers:  # (two threads asked the same)
                return
            self._answers[key] = answer
            self.held += len(answer)
            while self._answers and (self.held > self.entries or (self.words is not None and len(self._answers) > self.words)):
                self.held -= len(self._answers.popitem(last=False)[1])


class SearchIndex:
    """Lower-cased haystacks and their vocabulary, built once per store, on first use."""

    def __init__(
        self,
        titles: Sequence[str],
        extras: Sequence[str],
        vocabulary: Sequence[str] | None = None,
        saved: SavedPostings | None = None,
    ) -> None:
        self._titles = titles
        self._extras = extras
        self._postings: Postings | None = None
        self._postings_lock = threading.Lock()
        self._saved = saved
        self._vocab: list[str] | None = list(vocabulary) if vocabulary is not None else None
        # a word held by most of a million articles is a dict of a million entries: keep the
        # cache to words and entries that a typed query uses again, not a whole session's
        self._cache: AnswerCache[str, dict[int, float]] = AnswerCache(CACHE_ENTRIES, CACHE_ENTRIES // 2, CACHE_WORDS)
        self._lock = threading.Lock()

    # the lower-cased texts, built on first use (a word found through the postings needs
    # none): one string per article, title then provider and topics, and each title's length;
    # the title alone is the start of it (no second copy of 100,000 titles is kept)

    @cached_property
    def haystacks(self) -> list[str]:
        # title first so it is found first; a separator no query can bridge
        return [f"{title.casefold()}\x00{extra}" for title, extra in zip(self._titles, self._folded_extras(), strict=True)]

    def _folded_extras(self) -> list[str]:
        """Each article's provider and topics, lower-cased (few distinct ones: each once)."""
        folded = {e: e.casefold() for e in set(self._extras)}
        return list(map(folded.__getitem__, self._extras))

    @cached_property
    def title_lengths(self) -> array:
        return array("I", [text.index("\x00") for text in self.haystacks])

    def title(self, index: int) -> str:
        """The lower-cased title of one article (what its haystack starts with; made here, so
        highlighting the rows on screen needs no haystacks)."""
        return self._titles[index].casefold()

    # -- matching ------------------------------------------------------------

    def scores(
        self, query: str, candidates: Collection[int] | None = None, stop: Callable[[], bool] | None = None
    ) -> dict[int, float]:
        """Index -> score of every article matching all words of ``query``. ``stop`` is asked
        before each word and now and then while one is looked up (one letter at a million
        articles takes seconds): when it says so, ``Stopped`` is raised."""
        tokens = query_tokens(query)
        if not tokens:
            return {}
        allowed = None
        if candidates is not None:
            allowed = candidates if isinstance(candidates, (set, frozenset)) else set(candidates)
        matched = []
        later = []  # short words (matched as typed) not looked up yet: see below
        for token in dict.fromkeys(tokens):
            if stop is not None and stop():
                raise Stopped
            if (len(tokens) > 1 or allowed is not None) and cutoff(token) is None and token not in self._cache:
                later.append(token)
            else:
                matched.append(self.token_matches(token, stop))
        for token in later:
            # a short word is held by many articles ("ai", or the "a" typed on its way: a
            # third to all of a million, seconds to gather); only the articles the other words
            # found can match them all, so it is looked for among those, when they are few
            if stop is not None and stop():
                raise Stopped
            among = self._common(matched, allowed)
            if among is not None and len(among) <= len(self._titles) // RESTRICT_BELOW:
                matched.append(self._exact(token, None, stop, among))  # (a part of its answer: not cached)
            else:
                matched.append(self.token_matches(token, stop))
        matched.sort(key=len)
        first = matched[0]
        if allowed is not None:
            keys: Iterable[int] = [i for i in first if i in allowed]
        else:
            keys = first
        rest = matched[1:]
        if not rest:
            return {i: first[i] for i in keys} if candidates is not None else dict(first)
        count = len(tokens)
        result: dict[int, float] = {}
        for index in keys:
            total = first[index]
            for other in rest:
                score = other.get(index)
                if score is None:
                    break
                total += score
            else:
                result[index] = total / count
        return result

    def search(self, query: str, candidates: Sequence[int] | None = None) -> list[Hit]:
        """Every match with its score and title spans (for small results and tests)."""
        tokens = query_tokens(query)
        return [Hit(index, score, self.spans(tokens, index)) for index, score in self.scores(query, candidates).items()]

    def _common(
        self, matched: list[dict[int, float]], allowed: set[int] | frozenset[int] | None
    ) -> set[int] | frozenset[int] | None:
        """The articles every answer in MATCHED holds (and ALLOWED, when given), or None
        when there is nothing to go by or a single answer of more than half the corpus."""
        if not matched:
            return allowed
        matched.sort(key=len)
        if len(matched) == 1 and allowed is None and len(matched[0]) * 2 > len(self._titles):
            return None
        common = set(matched[0])
        for other in matched[1:]:
            common.intersection_update(other)  # (in C)
        if allowed is not None:
            common.intersection_update(allowed)
        return common

    def token_matches(self, token: str, stop: Callable[[], bool] | None = None) -> dict[int, float]:
        """Index -> score for one query word over the whole corpus (cached; see ``scores``
        for ``stop``: a word given up is not cached)."""
        found = self._cache.get(token)
        if found is not None:
            return found
        base = None
        if cutoff(token) is None:
            # an exact word can only match where a shorter exact word it starts with did
            for length in range(len(token) - 1, 0, -1):
                base = self._cache.get(token[:length], touch=False)
                if base is not None and cutoff(token[:length]) is None:
                    break
                base = None
        found = self._exact(token, base, stop) if cutoff(token) is None else self._fuzzy(token, stop)
        self._cache.put(token, found)
        return found

    def _exact(
        self, token: str, within: dict[int, float] | None, stop: Callable[[], bool] | None = None,
        among: set[int] | frozenset[int] | None = None,
    ) -> dict[int, float]:
        """Index -> score of the articles holding TOKEN as typed. ``within``: a cached shorter
        word's answer (the token can only be where it was). ``among``: the articles the
        query's other words found (``scores``): only those are looked at, through the postings
        or, when they are the less work, through those articles' own texts."""
        if _WORD.fullmatch(token) and (self._postings is not None or self._saved is not None):
            # letters and digits only: every place it stands is inside one word of a title,
            # provider or topic, so the articles are those of the words holding it (a pass
            # over the distinct words, not over every article: a million titles take 0.5 s),
            # unless those words' lists hold more than twice as many entries as there are
            # articles ("e") and the haystacks are at hand: then one look at each article is
            # less work (measured: about 0.1 us an entry against 0.2-0.3 us an article)
            postings = self.postings()
            words = [word for word in postings.words if token in word]
            entries = postings.entries(words)
            if among is not None and entries <= len(among):
                return self._from_postings([(word, 100.0) for word in words], postings, stop, among=among)
            if among is None and ("haystacks" not in vars(self) or entries <= POSTINGS_PER_ARTICLE * len(self._titles)):
                # as one found where it first stands: a title word scores as a title
                return self._from_postings([(word, 100.0) for word in words], postings, stop)
        if among is not None and "haystacks" not in vars(self):
            return self._in_texts(token, among, stop)
        haystacks, lengths = self.haystacks, self.title_lengths
        found: dict[int, float] = {}
        chosen = among if among is not None else within
        pool: Sequence[int] = range(len(haystacks)) if chosen is None else list(chosen)
        for start in range(0, len(pool), STOP_EVERY):  # a look at ``stop`` between two runs
            if stop is not None and stop():
                raise Stopped
            for i in pool[start : start + STOP_EVERY]:
                at = haystacks[i].find(token)
                if at >= 0:
                    # a word found in the title counts for more than one found in provider or topics
                    found[i] = TITLE_SCORE if at < lengths[i] else 100.0
        return found

    def _in_texts(self, token: str, among: Collection[int], stop: Callable[[], bool] | None) -> dict[int, float]:
        """What the haystack scan finds, for the articles AMONG only, folding each one's text
        now (no lower-cased copy of every title is made for a few thousand of them)."""
        titles, extras = self._titles, self._extras
        folded: dict[str, str] = {}  # providers and topics repeat: each folded once
        found: dict[int, float] = {}
        for done, i in enumerate(among, 1):
            if token in titles[i].casefold():
                found[i] = TITLE_SCORE
            else:
                extra = extras[i]
                low = folded.get(extra)
                if low is None:
                    low = folded[extra] = extra.casefold()
                if token in low:
                    found[i] = 100.0
            if done % STOP_EVERY == 0 and stop is not None and stop():
                raise Stopped
        return found

    def _fuzzy(self, token: str, stop: Callable[[], bool] | None = None) -> dict[int, float]:
        """Words of the vocabulary close to ``token``, then the articles holding any of them."""
        limit = cutoff(token)
        shortest = len(token) - 1  # a much shorter word "matches" inside the token: not a match
        from rapidfuzz import (  # imported on the first fuzzy word, not at start-up
            fuzz,
            process,
        )

        # partial_ratio finds the candidates (a prefix typed so far matches the whole word);
        # a candidate is a match when it is what is being typed (it starts with the token) or
        # is like the token as a whole word: sharing a run of letters is not enough ("nvidia"
        # holds "vidia", close to "india"; "quantum" and "quantity" share "quant"). The rank
        # blends in the plain ratio, so the word closest as a whole comes first: "nvdia" ranks
        # "nvidia" above "india", "chip" ranks "chip" above "chips"
        ratio = fuzz.ratio
        close = []
        for word, score, _ in process.extract(
            token, self.vocabulary(), scorer=fuzz.partial_ratio, score_cutoff=limit, limit=None, processor=None
        ):
            if len(word) < shortest:
                continue
            whole = ratio(token, word)
            if whole >= WHOLE_WORD_SCORE or word.startswith(token):
                close.append((word, (score + whole) / 2))
        if not close:
            return {}
        postings = self._postings
        if postings is None and (len(close) > REGEX_WORDS or self._saved is not None):
            # the postings pay off for many words, and whenever the index keeps them: then
            # only the first search after a change builds them
            postings = self.postings()
        if postings is not None:
            return self._from_postings(close, postings, stop)
        haystacks, lengths = self.haystacks, self.title_lengths
        found: dict[int, float] = {}
        remaining: Iterable[int] = range(len(haystacks))
        # best words first: an article scores by the best word it holds
        for group in _score_groups(close):
            best = max(score for _, score in group)
            words = sorted((w for w, _ in group), key=len, reverse=True)
            # a plain alternation searches at C speed; whole words (as the postings match
            # them) are checked only where it hits
            pattern = re.compile(trie_pattern(words))
            search = pattern.search
            pool = remaining if isinstance(remaining, range) else list(remaining)
            texts = haystacks if isinstance(pool, range) else [haystacks[i] for i in pool]
            hits = set(compress(pool, map(search, texts)))  # the scan runs in C
            for i in hits:
                haystack = haystacks[i]
                hit = search(haystack)
                while hit is not None and not _whole_word(haystack, hit.start(), hit.end()):
                    hit = search(haystack, hit.start() + 1)
                if hit is None:
                    continue
                found[i] = best + (TITLE_SCORE - 100.0 if hit.start() < lengths[i] else 0.0)
            remaining = [i for i in pool if i not in found]
        return found

    @staticmethod
    def _from_postings(
        close: list[tuple[str, float]], postings: Postings, stop: Callable[[], bool] | None = None,
        among: set[int] | frozenset[int] | None = None,
    ) -> dict[int, float]:
        """Index -> the best score among the words (with their scores) an article holds, a
        title's word counting TITLE_SCORE - 100 more. The runs are laid down from the lowest
        score up, so each article ends with its best, and the work is done in C. ``among``:
        only these articles (each run is intersected with them, in C)."""
        runs: list[tuple[float, array]] = []
        for word, score in close:
            lists = postings.get(word)
            if lists is not None:
                in_titles, in_extras = lists
                runs += ((score, in_extras), (score + TITLE_SCORE - 100.0, in_titles))
        runs.sort(key=lambda run: run[0])
        found: dict[int, float] = {}
        done = 0
        for score, run in runs:
            found.update(dict.fromkeys(run if among is None else among.intersection(run), score))
            done += len(run)
            if done >= STOP_EVERY and stop is not None:  # asked every STOP_EVERY entries or so
                done = 0
                if stop():
                    raise Stopped
        return found

    def postings(self) -> Postings:
        """Word -> articles holding it: read from the index when it kept them for this corpus,
        else built (about half a second at 100,000 articles) and handed to the index to keep,
        so only the first search after a change pays for it."""
        with self._postings_lock:
            if self._postings is None:
                postings = self._saved.load() if self._saved is not None else None
                if postings is None or postings.articles != len(self._titles):
                    postings = Postings.build(
                        [title.casefold() for title in self._titles], self._folded_extras()
                    )  # (the haystacks' two parts, without keeping them)
                    if self._saved is not None:
                        self._saved.save(postings)
                self._postings = postings
            return self._postings

    def warm(self) -> None:
        """Build everything a first search would (for a background thread). With the postings
        kept in the index, words are found through them, short ones too, and the haystacks (a
        lower-cased copy of every title) serve only phrases and words with punctuation (a "-"
        typed before a word is one): built here up to EAGER_HAYSTACKS articles, so that never
        waits; above, they wait for the first such query (140 MB at a million articles). The
        fuzzy matcher is imported here too: on the first typed word it cost 10-20 ms."""
        import rapidfuzz.fuzz
        import rapidfuzz.process  # noqa: F401

        self.vocabulary()
        self.postings()
        if self._saved is None or len(self._titles) <= EAGER_HAYSTACKS:
            self.haystacks  # noqa: B018 - without an index, fuzzy words are searched in them too
            self.title_lengths  # noqa: B018

    def vocabulary(self) -> list[str]:
        """Every distinct word of titles, providers and topics (lower case)."""
        with self._lock:
            if self._vocab is None:
                self._vocab = vocabulary_of(self.haystacks)
            return self._vocab

    # -- highlighting ----------------------------------------------------------

    def spans(self, tokens: Sequence[str], index: int) -> tuple[Span, ...]:
        return title_spans(tokens, self.title(index))


class SavedPostings(Protocol):
    """Where postings are kept between runs (the index, for one generation of the corpus)."""

    def load(self) -> Postings | None: ...

    def save(self, postings: Postings) -> None: ...


class Postings:
    """Word -> (articles with it in the title, articles with it in provider or topics), held
    compactly: article numbers in one array of 32-bit integers, with each word's two runs
    marked by offsets into it (about 4 bytes an entry, where lists of ints cost 30 or more)."""

    __slots__ = ("articles", "data", "offsets", "slots", "words")

    def __init__(self, words: list[str], offsets: array, data: array, articles: int) -> None:
        self.words = words
        self.slots = {word: slot for slot, word in enumerate(words)}
        self.offsets = offsets  # word k: titles data[o[2k]:o[2k+1]], extras data[o[2k+1]:o[2k+2]]
        self.data = data
        self.articles = articles

    @classmethod
    def build(cls, titles: Sequence[str], extras: Sequence[str]) -> Postings:
        """From lower-cased titles and "provider topic ..." strings, one per article."""
        lists: dict[str, tuple[list[int], list[int]]] = {}
        findall = _WORD.findall
        by_extra: dict[str, list[str]] = {}
        for which, texts in ((0, titles), (1, extras)):
            for index, text in enumerate(texts):
                if which:
                    words = by_extra.get(text)
                    if words is None:
                        words = by_extra[text] = list(set(findall(text)))
                else:
                    words = set(findall(text))
                for word in words:
                    pair = lists.get(word)
                    if pair is None:
                        pair = lists[word] = ([], [])
                    pair[which].append(index)
        ordered = sorted(lists)
        offsets = array("I")
        data = array("I")
        for word in ordered:
            in_titles, in_extras = lists[word]
            offsets.append(len(data))
            data.extend(in_titles)
            offsets.append(len(data))
            data.extend(in_extras)
        offsets.append(len(data))
        return cls(ordered, offsets, data, len(titles))

    def get(self, word: str) -> tuple[array, array] | None:
        slot = self.slots.get(word)
        if slot is None:
            return None
        o = self.offsets
        return self.data[o[2 * slot] : o[2 * slot + 1]], self.data[o[2 * slot + 1] : o[2 * slot + 2]]

    def entries(self, words: Iterable[str]) -> int:
        """How many article numbers the lists of these words hold together."""
        o, slots = self.offsets, self.slots
        return sum(o[2 * slots[w] + 2] - o[2 * slots[w]] for w in words)

    def to_state(self) -> tuple[str, bytes, bytes, int]:
        """Plain data to store (strings, bytes and an int: nothing the index's reader refuses)."""
        return "\n".join(self.words), self.offsets.tobytes(), self.data.tobytes(), self.articles

    @classmethod
    def from_state(cls, state: tuple[str, bytes, bytes, int]) -> Postings:
        words, offsets_bytes, data_bytes, articles = state
        offsets, data = array("I"), array("I")
        offsets.frombytes(offsets_bytes)
        data.frombytes(data_bytes)
        return cls(words.split("\n") if words else [], offsets, data, articles)


def trie_pattern(words: Iterable[str]) -> str:
    """A regex for any of ``words`` (leftmost-longest as the plain alternation of them longest
    first), as a trie: one branch per letter, so hundreds of words cost about what one does."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer word first

    return emit(root)


def vocabulary_of(texts: Iterable[str]) -> list[str]:
    """Distinct lower-case words of ``texts``: split in C first, so each token is read once."""
    tokens = set(" ".join(texts).casefold().split())
    return sorted(set(chain.from_iterable(map(_WORD.findall, tokens))))


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "_" or after.isalnum() or after == "_")


def extras_of(providers: Sequence[str], topics: Sequence[tuple[str, ...]]) -> list[str]:
    """ "Provider Topic Topic" per article; equal combinations share one string."""
    joined: dict[tuple[str, tuple[str, ...]], str] = {}
    extras = []
    for key in zip(providers, topics, strict=True):
        extra = joined.get(key)
        if extra is None:
            extra = joined[key] = " ".join((key[0], *key[1]))
        extras.append(extra)
    return extras


def _score_groups(close: list[tuple[str, float]], most: int = 4) -> list[list[tuple[str, float]]]:
    """Words best first: the best scores each in a group of their own, the rest together
    (each group is one scan of the titles, so there are at most ``most``)."""
    ranked = sorted(close, key=lambda ws: -ws[1])
    groups: list[list[tuple[str, float]]] = []
    for word, score in ranked:
        if groups and (round(groups[-1][0][1], 1) == round(score, 1) or len(groups) == most):
            groups[-1].append((word, score))
        else:
            groups.append([(word, score)])
    return groups


def title_spans(tokens: Sequence[str], title: str) -> tuple[Span, ...]:
    """Character spans of ``title`` (already lower-cased) that the query words matched."""
    spans: list[Span] = []
    for token in tokens:
        start = title.find(token)
        if start >= 0:
            spans.append((start, start + len(token)))
            continue
        limit = cutoff(token)
        if limit is None:
            continue
        from rapidfuzz import fuzz

        alignment = fuzz.partial_ratio_alignment(token, title, score_cutoff=limit)
        if alignment is None:
            continue
        start, end = alignment.dest_start, alignment.dest_end
        # widen a fuzzy match to whole words so the highlight reads naturally
        while start > 0 and _WORD_CHAR.match(title[start - 1]):
            start -= 1
        while end < len(title) and _WORD_CHAR.match(title[end]):
            end += 1
        spans.append((start, end))
    return merge_spans(spans)


def merge_spans(spans: Sequence[Span]) -> tuple[Span, ...]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)
