"""The query language: one parser for the filter box, ``chiptui list --query`` and saved searches.

    topic:"AI Hardware" after:30d -nvidia quality:>100 is:unread (trainium OR inferentia)

Text becomes a small tree of terms (``Node``), which a backend compiles: the
corpus store runs it as column scans and the SQLite index (``compile_in_memory``
below); a server database would compile the same tree to SQL. Nothing here knows
about Textual or about how articles are stored.

Grammar (terms separated by spaces are ANDed; matching is case-insensitive)::

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary+
    unary   := "-" unary | "(" or_expr ")" | term
    term    := WORD | "PHRASE" | FIELD ":" VALUE

Errors are ``QueryError`` with a message and the column (from 1) and length of the
faulty part, so the box can underline it and the CLI can say where.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

SORTS = ("newest", "oldest", "quality", "heat", "title", "relevance")
FIELDS = ("topic", "provider", "text", "after", "before", "on", "quality", "heat", "is", "has", "type", "sort")
IS_VALUES = ("unread", "read", "starred")
HAS_VALUES = ("body", "related", "url")


class QueryError(ValueError):
    def __init__(self, message: str, column: int, length: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column  # 1-based
        self.length = max(1, length)

    def __str__(self) -> str:
        return f"{self.message} (column {self.column})"


# -- the tree -----------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    column: int = field(default=0, compare=False)

    def describe(self, depth: int = 0) -> list[str]:
        return ["  " * depth + self.label()]

    def label(self) -> str:
        return type(self).__name__


@dataclass(frozen=True)
class And(Node):
    children: tuple[Node, ...] = ()

    def describe(self, depth: int = 0) -> list[str]:
        return ["  " * depth + "all of:", *(line for c in self.children for line in c.describe(depth + 1))]


@dataclass(frozen=True)
class Or(Node):
    children: tuple[Node, ...] = ()

    def describe(self, depth: int = 0) -> list[str]:
        return ["  " * depth + "any of:", *(line for c in self.children for line in c.describe(depth + 1))]


@dataclass(frozen=True)
class Not(Node):
    child: Node = field(default_factory=Node)

    def describe(self, depth: int = 0) -> list[str]:
        return ["  " * depth + "not:", *self.child.describe(depth + 1)]


@dataclass(frozen=True)
class Fuzzy(Node):
    word: str = ""

    def label(self) -> str:
        return f"fuzzy word {self.word!r} in title, provider or topics (typos allowed from four letters)"


@dataclass(frozen=True)
class Phrase(Node):
    text: str = ""

    def label(self) -> str:
        return f"title contains the phrase {self.text!r}"


@dataclass(frozen=True)
class Facet(Node):
    kind: str = "topic"  # "topic" or "provider"
    names: tuple[str, ...] = ()  # any of them; a name ending in * is a prefix

    def label(self) -> str:
        return f"{self.kind} is " + " or ".join(repr(n) for n in self.names) + " (any case)"


@dataclass(frozen=True)
class FullText(Node):
    words: tuple[str, ...] = ()
    phrase: str | None = None  # a quoted phrase that must appear as written

    def label(self) -> str:
        if self.phrase is not None:
            return f"excerpt or body contains the phrase {self.phrase!r}"
        return "excerpt or body has the words " + ", ".join(repr(w) for w in self.words) + " (as prefixes)"


@dataclass(frozen=True)
class DateRange(Node):
    start: float | None = None  # seconds since the epoch, inclusive
    end: float | None = None  # exclusive
    text: str = ""

    def label(self) -> str:
        def show(stamp: float | None) -> str:
            return datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if stamp is not None else ""

        if self.start is not None and self.end is not None:
            return f"published from {show(self.start)} to before {show(self.end)} ({self.text})"
        if self.start is not None:
            return f"published from {show(self.start)} on ({self.text})"
        return f"published before {show(self.end)} ({self.text})"


@dataclass(frozen=True)
class NumberRange(Node):
    name: str = "quality"
    low: float | None = None  # inclusive bounds; None: unbounded
    high: float | None = None
    low_open: bool = False  # > rather than >=
    high_open: bool = False

    def label(self) -> str:
        parts = []
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '>='} {self.low:g}")
        if self.high is not None:
            parts.append(f"{'<' if self.high_open else '<='} {self.high:g}")
        return f"{self.name} " + " and ".join(parts)


@dataclass(frozen=True)
class State(Node):
    value: str = "unread"

    def label(self) -> str:
        return f"is {self.value}"


@dataclass(frozen=True)
class Has(Node):
    what: str = "body"

    def label(self) -> str:
        return f"has a {self.what}" if self.what != "related" else "has related coverage"


@dataclass(frozen=True)
class Kind(Node):
    value: str = "article"

    def label(self) -> str:
        return f"type is {self.value!r}"


@dataclass(frozen=True)
class Query:
    """A parsed query: its tree (None: everything), the sort it asks for, and the text."""

    tree: Node | None
    sort: str | None
    text: str

    def fuzzy_words(self) -> list[str]:
        """The fuzzy words that must hold (not under OR or NOT): they rank the list and are
        highlighted in titles."""
        return [n.word for n in _required(self.tree) if isinstance(n, Fuzzy)]

    def without_fuzzy_words(self) -> Node | None:
        """The tree less its required fuzzy words (``fuzzy_words``), which a store searches
        once, ranked, among what the rest selects; None when nothing else is left."""
        rest = [n for n in _terms(self.tree) if not isinstance(n, Fuzzy)]
        if not rest:
            return None
        return rest[0] if len(rest) == 1 else And(column=self.tree.column, children=tuple(rest))  # type: ignore[union-attr]

    def facets(self, kind: str) -> list[str]:
        """Facet names the query requires (shown as selected in the sidebar)."""
        out: list[str] = []
        for node in _required(self.tree):
            if isinstance(node, Facet) and node.kind == kind and len(node.names) == 1 and not node.names[0].endswith("*"):
                out.append(node.names[0])
        return out

    def text_words(self) -> list[str]:
        """Full-text words that must hold (highlighted in the body)."""
        words: list[str] = []
        for node in _required(self.tree):
            if isinstance(node, FullText):
                words.extend(node.words if node.phrase is None else node.phrase.split())
        return words

    def explain(self) -> list[str]:
        lines = self.tree.describe() if self.tree is not None else ["every article"]
        if self.sort:
            lines.append(f"sorted by {self.sort}")
        elif self.fuzzy_words():
            lines.append("sorted by relevance (it has fuzzy words)")
        else:
            lines.append("sorted newest first")
        return lines


def _terms(tree: Node | None) -> list[Node]:
    """The terms that must all hold: the tree's, or its ANDs' (nested ANDs flattened)."""
    if tree is None:
        return []
    if isinstance(tree, And):
        return [n for c in tree.children for n in _terms(c)]
    return [tree]


def _required(tree: Node | None) -> list[Node]:
    """The terms that must all hold, less OR and NOT terms (no word in them is required)."""
    return [n for n in _terms(tree) if not isinstance(n, (Or, Not))]


# -- tokens -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "word", "phrase", "field", "lparen", "rparen", "or", "minus"
    text: str  # the word, the phrase's text, or the field's raw value
    column: int  # 1-based
    length: int
    name: str = ""  # for fields
    quoted: bool = False  # a field's value was quoted


_FIELD = re.compile(r"([A-Za-z]+):")
_VALUE = re.compile(r"[^\s()]*")  # a field's value without quotes
_WORD_TOKEN = re.compile(r"[^\s()\"]+")
_UNKNOWN_FIELD = re.compile(r"([A-Za-z]+):(?!//)")  # a field name we do not know (a URL is no field)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        if ch == "(":
            tokens.append(Token("lparen", "(", i + 1, 1))
            i += 1
            continue
        if ch == ")":
            tokens.append(Token("rparen", ")", i + 1, 1))
            i += 1
            continue
        if ch == "-" and i + 1 < n and not text[i + 1].isspace() and (not tokens or tokens[-1].kind != "minus"):
            tokens.append(Token("minus", "-", i + 1, 1))
            i += 1
            continue
        if ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError("this quote is not closed", i + 1, n - i)
            tokens.append(Token("phrase", text[i + 1 : end], i + 1, end - i + 1))
            i = end + 1
            continue
        field_match = _FIELD.match(text, i)
        if field_match and field_match.group(1).lower() in FIELDS:
            name = field_match.group(1).lower()
            j = field_match.end()
            if j < n and text[j] == '"':
                end = text.find('"', j + 1)
                if end < 0:
                    raise QueryError("this quote is not closed", j + 1, n - j)
                value, quoted, j = text[j + 1 : end], True, end + 1
                # a quoted value may go on with ,"another" or ,plain
                while j < n and text[j] == ",":
                    k = j + 1
                    if k < n and text[k] == '"':
                        end = text.find('"', k + 1)
                        if end < 0:
                            raise QueryError("this quote is not closed", k + 1, n - k)
                        value += "\x00" + text[k + 1 : end]
                        j = end + 1
                    else:
                        m = _VALUE.match(text, k)
                        value += "\x00" + (m.group(0) if m else "")
                        j = m.end() if m else k
            else:
                m = _VALUE.match(text, j)
                value, quoted = (m.group(0) if m else ""), False
                j = m.end() if m else j
            tokens.append(Token("field", value, start + 1, j - start, name=name, quoted=quoted))
            i = j
            continue
        m = _WORD_TOKEN.match(text, i)
        assert m is not None
        word = m.group(0)
        unknown = _UNKNOWN_FIELD.match(word)
        if unknown:
            raise QueryError(
                f"unknown field {unknown.group(1)!r} (fields: {', '.join(FIELDS)}); put the word in quotes to search for it",
                i + 1, len(unknown.group(1)) + 1,
            )
        tokens.append(Token("or" if word == "OR" else "word", word, i + 1, len(word)))
        i = m.end()
    return tokens


# -- parsing ------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token], now: datetime, default_text: bool) -> None:
        self.tokens = tokens
        self.position = 0
        self.now = now
        self.sort: str | None = None
        self.default_text = default_text  # plain words are full-text words (the box's Ctrl+T mode)

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr()
        token = self.peek()
        if token is not None:
            if token.kind == "rparen":
                raise QueryError("this parenthesis closes nothing", token.column)
            raise QueryError("unexpected text", token.column, token.length)
        return node

    def or_expr(self) -> Node | None:
        first = self.peek()
        parts = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            if self.peek() is None or self.peek().kind in ("or", "rparen"):  # type: ignore[union-attr]
                raise QueryError("OR needs a term after it", token.column, 2)
            parts.append(self.and_expr())
        if len(parts) == 1:
            return parts[0]
        if any(p is None for p in parts):
            where = first.column if first is not None else 1
            raise QueryError("OR needs a term on each side (sort: and punctuation alone are none)", where)
        return Or(parts[0].column if parts[0] else 0, tuple(p for p in parts if p is not None))

    def and_expr(self) -> Node | None:
        parts: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in ("or", "rparen"):
            node = self.unary()
            if node is not None:
                parts.append(node)
        if not parts:
            token = self.peek()
            if token is not None and token.kind == "or" and not self.position:
                raise QueryError("OR needs a term before it", token.column, 2)
            return None
        if len(parts) == 1:
            return parts[0]
        merged = _merge_text(parts)
        return merged[0] if len(merged) == 1 else And(parts[0].column, tuple(merged))

    def unary(self) -> Node | None:
        token = self.take()
        if token.kind == "minus":
            nxt = self.peek()
            if nxt is None or nxt.kind in ("or", "rparen"):
                raise QueryError("'-' needs a term after it", token.column)
            child = self.unary()
            if child is None:
                sort = nxt.kind == "field" and nxt.name == "sort"
                raise QueryError("sort: cannot be negated" if sort else "'-' needs a word after it, not punctuation alone", token.column)
            return Not(token.column, child)
        if token.kind == "lparen":
            inner = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise QueryError("this parenthesis is not closed", token.column)
            self.take()
            if inner is None:
                raise QueryError("empty parentheses", token.column, 2)
            return inner
        if token.kind == "rparen":
            raise QueryError("this parenthesis closes nothing", token.column)
        if token.kind == "phrase":
            if not token.text.strip():
                raise QueryError("empty quotes", token.column, token.length)
            if self.default_text:
                return FullText(token.column, tuple(re.findall(r"\w+", token.text)), token.text)
            return Phrase(token.column, token.text)
        if token.kind == "field":
            return self.field(token)
        if self.default_text:
            words = tuple(re.findall(r"\w+", token.text))
            return FullText(token.column, words) if words else None
        if not any(map(str.isalnum, token.text)):
            # punctuation alone ("-" on its way to "-provider:x", "&", "...") is no word to look
            # for: searched, it is every title holding the sign (seconds at a million articles)
            return None
        return Fuzzy(token.column, token.text)

    def field(self, token: Token) -> Node | None:
        name, raw = token.name, token.text
        value_column = token.column + len(name) + 1
        if raw == "":
            raise QueryError(f"{name}: needs a value", token.column, token.length)
        values = raw.split("\x00") if token.quoted else raw.split(",")
        if name in ("topic", "provider"):
            names = tuple(v.strip() for v in values if v.strip())
            if not names:
                raise QueryError(f"{name}: needs a name", value_column)
            return Facet(token.column, name, names)
        if name == "text":
            if token.quoted:
                return FullText(token.column, tuple(re.findall(r"\w+", raw.replace("\x00", " "))), raw.replace("\x00", " "))
            words = tuple(re.findall(r"\w+", raw))
            if not words:
                raise QueryError("text: needs a word", value_column)
            return FullText(token.column, words)
        if name in ("after", "before", "on"):
            start, end = parse_date(raw, self.now, value_column, name)
            if name == "after":
                return DateRange(token.column, start, None, f"after:{raw}")
            if name == "before":
                return DateRange(token.column, None, start, f"before:{raw}")
            return DateRange(token.column, start, end, f"on:{raw}")
        if name in ("quality", "heat"):
            return parse_number(name, raw, token.column, value_column)
        if name == "is":
            value = raw.lower()
            if value not in IS_VALUES:
                raise QueryError(f"is: expected {', '.join(IS_VALUES)}, not {raw!r}", value_column, len(raw))
            return State(token.column, value)
        if name == "has":
            value = raw.lower()
            if value not in HAS_VALUES:
                raise QueryError(f"has: expected {', '.join(HAS_VALUES)}, not {raw!r}", value_column, len(raw))
            return Has(token.column, value)
        if name == "type":
            return Kind(token.column, raw.lower())
        if name == "sort":
            value = raw.lower()
            if value not in SORTS:
                raise QueryError(f"sort: expected {', '.join(SORTS)}, not {raw!r}", value_column, len(raw))
            self.sort = value
            return None
        raise QueryError(f"unknown field {name!r}", token.column, len(name))


def _merge_text(parts: list[Node]) -> list[Node]:
    """Plain full-text words side by side become one term (one FTS query, not many)."""
    out: list[Node] = []
    for part in parts:
        if (
            isinstance(part, FullText) and part.phrase is None and out
            and isinstance(out[-1], FullText) and out[-1].phrase is None  # type: ignore[union-attr]
        ):
            previous = out[-1]
            out[-1] = FullText(previous.column, previous.words + part.words)  # type: ignore[union-attr]
        else:
            out.append(part)
    return out


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_RELATIVE = re.compile(r"^(\d+)([dwmy])$", re.IGNORECASE)


def parse_date(raw: str, now: datetime, column: int, name: str) -> tuple[float, float]:
    """(start, end) of the day, month or year ``raw`` names, in UTC."""
    value = raw.strip().lower()
    today = datetime(now.year, now.month, now.day, tzinfo=timezone.utc)
    if value in ("today", "yesterday"):
        start = today - timedelta(days=1 if value == "yesterday" else 0)
        return start.timestamp(), (start + timedelta(days=1)).timestamp()
    relative = _RELATIVE.match(value)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2)
        if unit in ("d", "w"):
            start = today - timedelta(days=count * (7 if unit == "w" else 1))
        else:
            months = count * (12 if unit == "y" else 1)
            year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
            if year < 1:
                raise QueryError(f'{name}: "{raw}" goes back too far', column, len(raw))
            day = min(today.day, calendar.monthrange(year, month + 1)[1])
            start = datetime(year, month + 1, day, tzinfo=timezone.utc)
        return start.timestamp(), (start + timedelta(days=1)).timestamp()
    match = _DATE.match(value)
    if not match:
        raise QueryError(
            f'{name}: "{raw}" is not a date (use 2021, 2021-03, 2021-03-05, 7d, 2w, 3m, 1y, today or yesterday)',
            column, len(raw),
        )
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            start = datetime(year, 1, 1, tzinfo=timezone.utc)
            end = datetime(year + 1, 1, 1, tzinfo=timezone.utc)
        elif day is None:
            start = datetime(year, month, 1, tzinfo=timezone.utc)
            end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=timezone.utc)
        else:
            start = datetime(year, month, day, tzinfo=timezone.utc)
            end = start + timedelta(days=1)
    except (ValueError, OverflowError):
        raise QueryError(f'{name}: "{raw}" is not a date', column, len(raw)) from None
    return start.timestamp(), end.timestamp()


_NUMBER = r"-?\d+(?:\.\d+)?"
_COMPARE = re.compile(rf"^(>=|<=|>|<|=)?({_NUMBER})$")
_RANGE = re.compile(rf"^({_NUMBER})\.\.({_NUMBER})$")


def parse_number(name: str, raw: str, column: int, value_column: int) -> NumberRange:
    value = raw.strip()
    ranged = _RANGE.match(value)
    if ranged:
        low, high = float(ranged.group(1)), float(ranged.group(2))
        if low > high:
            raise QueryError(f"{name}: the range {raw!r} is empty (low..high)", value_column, len(raw))
        return NumberRange(column, name, low, high)
    compared = _COMPARE.match(value)
    if not compared:
        raise QueryError(f"{name}: expected a number, >N, >=N, <N, <=N or LOW..HIGH, not {raw!r}", value_column, len(raw))
    op, number = compared.group(1) or "=", float(compared.group(2))
    if op == "=":
        return NumberRange(column, name, number, number)
    if op in (">", ">="):
        return NumberRange(column, name, number, None, low_open=op == ">")
    return NumberRange(column, name, None, number, high_open=op == "<")


def parse(text: str, now: datetime | None = None, default_text: bool = False) -> Query:
    """Parse a query; raises ``QueryError`` with the column of the faulty part."""
    now = now or datetime.now(timezone.utc)
    tokens = tokenize(text)
    parser = _Parser(tokens, now, default_text)
    tree = parser.parse()
    return Query(tree, parser.sort, text)


def facet_matches(names: tuple[str, ...], candidates: list[str]) -> set[str]:
    """The corpus names a facet term selects: whole names in any case, ``X*`` a prefix."""
    wanted = [n.casefold() for n in names]
    chosen: set[str] = set()
    for candidate in candidates:
        folded = candidate.casefold()
        for name in wanted:
            if (name.endswith("*") and folded.startswith(name[:-1])) or folded == name:
                chosen.add(candidate)
                break
    return chosen
