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
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

Span = tuple[int, int]
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
CACHE_WORDS = 64
TITLE_SCORE = 110.0  # an exact match in the title; fuzzy title matches get the same bonus


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
    if len(token) <= 5:
        return 80.0
    return 75.0


class SearchIndex:
    """Lower-cased haystacks and their vocabulary, built once per store, on first use."""

    def __init__(self, titles: Sequence[str], extras: Sequence[str]) -> None:
        self.titles = [t.casefold() for t in titles]
        # title first so it is found first; a separator no query can bridge
        self.extras = [e.casefold() for e in extras]
        self.haystacks = [f"{t}\x00{e}" for t, e in zip(self.titles, self.extras, strict=True)]
        self._vocab: list[str] | None = None
        self._postings: dict[str, tuple[list[int], list[int]]] = {}
        self._cache: OrderedDict[str, dict[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    # -- matching ------------------------------------------------------------

    def scores(self, query: str, candidates: Sequence[int] | None = None) -> dict[int, float]:
        """Index -> score of every article matching all words of ``query``."""
        tokens = query_tokens(query)
        if not tokens:
            return {}
        allowed = None if candidates is None else set(candidates)
        matched = [self.token_matches(token) for token in dict.fromkeys(tokens)]
        matched.sort(key=len)
        first = matched[0]
        keys = first.keys() if allowed is None else (i for i in first if i in allowed)
        result: dict[int, float] = {}
        rest = matched[1:]
        count = len(tokens)
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
        return [
            Hit(index, score, self.spans(tokens, index))
            for index, score in self.scores(query, candidates).items()
        ]

    def token_matches(self, token: str) -> dict[int, float]:
        """Index -> score for one query word over the whole corpus (cached)."""
        with self._lock:
            found = self._cache.get(token)
            if found is not None:
                self._cache.move_to_end(token)
                return found
            base = None
            if cutoff(token) is None:
                # an exact word can only match where a shorter exact word it starts with did
                for length in range(len(token) - 1, 0, -1):
                    base = self._cache.get(token[:length])
                    if base is not None and cutoff(token[:length]) is None:
                        break
                    base = None
        found = self._exact(token, base) if cutoff(token) is None else self._fuzzy(token)
        with self._lock:
            self._cache[token] = found
            while len(self._cache) > CACHE_WORDS:
                self._cache.popitem(last=False)
        return found

    def _exact(self, token: str, within: dict[int, float] | None) -> dict[int, float]:
        haystacks, titles = self.haystacks, self.titles
        if within is None:
            hits = [i for i, h in enumerate(haystacks) if token in h]
        else:
            hits = [i for i in within if token in haystacks[i]]
        # a word found in the title counts for more than one found in provider or topics
        return {i: TITLE_SCORE if token in titles[i] else 100.0 for i in hits}

    def _fuzzy(self, token: str) -> dict[int, float]:
        vocab, postings = self.vocabulary()
        limit = cutoff(token)
        shortest = len(token) - 1  # a much shorter word "matches" inside the token: not a match
        found: dict[int, float] = {}
        for word, score, _ in process.extract(
            token, vocab, scorer=fuzz.partial_ratio, score_cutoff=limit, limit=None, processor=None
        ):
            if len(word) < shortest:
                continue
            in_titles, in_extras = postings[word]
            for index in in_extras:
                if found.get(index, 0.0) < score:
                    found[index] = score
            score += TITLE_SCORE - 100.0
            for index in in_titles:
                if found.get(index, 0.0) < score:
                    found[index] = score
        return found

    def vocabulary(self) -> tuple[list[str], dict[str, tuple[list[int], list[int]]]]:
        """Every distinct word -> the articles with it in their title, and in provider or topics."""
        with self._lock:
            if self._vocab is None:
                postings: dict[str, tuple[list[int], list[int]]] = {}
                findall = _WORD.findall
                for which, texts in ((0, self.titles), (1, self.extras)):
                    for index, text in enumerate(texts):
                        for word in set(findall(text)):
                            lists = postings.get(word)
                            if lists is None:
                                lists = postings[word] = ([], [])
                            lists[which].append(index)
                self._postings = postings
                self._vocab = list(postings)
            return self._vocab, self._postings

    # -- highlighting ----------------------------------------------------------

    def spans(self, tokens: Sequence[str], index: int) -> tuple[Span, ...]:
        return title_spans(tokens, self.titles[index])


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
