"""Fuzzy filtering and ranking over titles, providers and topics.

A query is split into words; an article matches when every word matches its
title, provider or topics. Words of three characters or fewer must appear as
typed (fuzzy scores on short words are noise); longer words may carry a typo and
are scored with rapidfuzz's ``partial_ratio`` in C over the whole candidate set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

Span = tuple[int, int]
_TOKEN = re.compile(r"\S+")
_WORD_CHAR = re.compile(r"\w")


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
    if len(token) <= 3:
        return None
    if len(token) <= 5:
        return 80.0
    return 75.0


class SearchIndex:
    """Lower-cased haystacks for every article, built once per store."""

    def __init__(self, titles: Sequence[str], extras: Sequence[str]) -> None:
        self.titles = [t.casefold() for t in titles]
        # title first so partial_ratio favours it; a separator no query can bridge
        self.haystacks = [f"{t}\x00{e.casefold()}" for t, e in zip(self.titles, extras, strict=True)]

    def search(self, query: str, candidates: Sequence[int] | None = None) -> list[Hit]:
        tokens = query_tokens(query)
        if not tokens:
            return []
        pool: list[int] = list(range(len(self.haystacks))) if candidates is None else list(candidates)
        scores: dict[int, float] = dict.fromkeys(pool, 0.0)
        for token in tokens:
            pool = self._match_token(token, pool, scores)
            if not pool:
                return []
        hits = []
        for index in pool:
            title = self.titles[index]
            score = scores[index] / len(tokens)
            spans = title_spans(tokens, title)
            if spans:
                score += 10.0 * len(spans) / len(tokens)
                if any(start == 0 for start, _ in spans):
                    score += 5.0
            hits.append(Hit(index, score, spans))
        return hits

    def _match_token(self, token: str, pool: list[int], scores: dict[int, float]) -> list[int]:
        limit = cutoff(token)
        haystacks = self.haystacks
        if limit is None:
            kept = [i for i in pool if token in haystacks[i]]
            for i in kept:
                scores[i] += 100.0
            return kept
        choices = [haystacks[i] for i in pool]
        matches = process.extract(
            token, choices, scorer=fuzz.partial_ratio, score_cutoff=limit, limit=None, processor=None
        )
        kept = []
        for _, score, position in matches:
            index = pool[position]
            scores[index] += score
            kept.append(index)
        return kept


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
