"""Files -> articles and problems.

``parse_file`` handles one file and is pure (no shared state), so it can run in
worker processes and its result can be cached by the index. ``assemble`` joins the
results of a whole corpus: it gives ids, attaches scraped bodies to their cards and
links related coverage to the articles it points at.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import re
import stat as stat_module
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import BinaryIO, NamedTuple

from chiptui.corpus.models import Article, BodyRef, Entry, Problem
from chiptui.corpus.records import data_dumps, data_loads
from chiptui.corpus.sanitize import clean_line, clean_text, has_control_chars
from chiptui.corpus.workers import forked

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
_READ_CHUNK = 1 << 16  # what a file that changed while it was read is read on in
MIN_TITLE_WORDS = 3  # a scraped page is matched only on titles at least this long
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one file holds: a card, a scraped body, or nothing usable."""

    path: str
    article: Article | None = None
    scraped_words: str | None = None  # normalised words of a scraped page, for matching
    problems: tuple[Problem, ...] = ()
    page_marks: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # see ``page_marks``


@dataclass(slots=True)
class Corpus:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0


_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>()\[\]{}|]+")
_MARK_LINES = 150  # the top of a page, where its headline stands
_MARK_HEADS = 32  # short lines kept from there
_MARK_URLS = 32


def page_marks(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What joins a scraped page to its card besides the title's words: the page's URLs (as
    ``url_key``) and the short lines at its top (normalised words), where a headline stands
    on a line of its own."""
    urls: list[str] = []
    for found in _URL_IN_TEXT.findall(text):
        key = url_key(found.rstrip(".,;:!?'\""))
        if key and key not in urls:
            urls.append(key)
            if len(urls) >= _MARK_URLS:
                break
    heads: list[str] = []
    for line in text.splitlines()[:_MARK_LINES]:
        if len(line) <= 200:
            words = norm_words(line)
            if words and words.count(" ") < 16 and words not in heads:
                heads.append(words)
                if len(heads) >= _MARK_HEADS:
                    break
    return tuple(urls), tuple(heads)


def norm_words(text: str) -> str:
    """Lower-case words separated by single spaces: the form titles are matched in.

    Quotes, punctuation, case and white space differences all disappear here.
    """
    return " ".join(_WORD.findall(text.casefold()))


# ---------------------------------------------------------------------------
# discovering files


class _Walker:
    """Depth-first, sorted walk of folders; remembers folders by device and inode."""

    def __init__(self, seen: set[tuple[int, int]] | None = None) -> None:
        self.found: dict[str, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.seen: set[tuple[int, int]] = set() if seen is None else seen
        self.linked = False  # a symbolic link to a folder was followed

    def report(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, None, "error", message))

    def walk(self, directory: str) -> None:
        """Depth first, in name order (the order a recursive walk gives), with a stack of
        folder listings instead of recursion: folders nested thousands deep are fine."""
        stack = [iter(self._entries(directory))]
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
                continue
            folder = self.visit(entry)
            if folder is not None:
                stack.append(iter(self._entries(folder)))

    def _entries(self, directory: str) -> list[os.DirEntry[str]]:
        """A folder's visible entries in name order; none when it was seen or cannot be read."""
        try:
            st = os.stat(directory)
        except OSError as exc:
            self.report(directory, f"cannot open folder: {exc.strerror or exc}")
            return []
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            return []
        self.seen.add(key)
        try:
            with os.scandir(directory) as it:
                return sorted((e for e in it if e.name[0] != "."), key=lambda e: e.name)
        except OSError as exc:
            self.report(directory, f"cannot read folder: {exc.strerror or exc}")
            return []

    def visit(self, entry: os.DirEntry[str]) -> str | None:
        """One folder entry: a file is recorded, a broken link reported; a folder is returned
        for the walk to enter."""
        try:
            if entry.is_file():
                path = entry.path
                if path not in self.found:
                    st = entry.stat()
                    self.found[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            elif entry.is_dir():
                if entry.is_symlink():
                    self.linked = True
                return entry.path
            elif entry.is_symlink() and not os.path.exists(entry.path):
                self.report(entry.path, "broken symbolic link; it was skipped")
            else:
                self.report(entry.path, "not a regular file or folder (a device, socket or pipe); it was skipped")
        except OSError as exc:
            self.report(entry.path, f"cannot read: {exc.strerror or exc}")
        return None


Stat = tuple[int, int, int, int]  # size, mtime, ctime (ns), inode
STAT_BYTES = 4 * array("q").itemsize  # a Stat as ``Found`` packs it


class Found:
    """The files a scan found, packed as it crossed from the walkers: their paths, NUL-ended,
    and their stat numbers in one array, part by part in walk order. The fingerprint is taken
    from these bytes, and the dict of paths is built only when asked for: a corpus that did not
    change (the common start) never needs it."""

    def __init__(self, parts: list[tuple[bytes, bytes]], count: int) -> None:
        self.parts = parts
        self.count = count
        self._stats: dict[str, Stat] | None = None

    @classmethod
    def of(cls, stats: dict[str, Stat]) -> Found:
        found = cls([_packed(stats)] if stats else [], len(stats))
        found._stats = stats
        return found

    def __len__(self) -> int:
        return self.count

    def stats(self) -> dict[str, Stat]:
        if self._stats is None:
            stats: dict[str, Stat] = {}
            for names, packed in self.parts:
                numbers = array("q")
                numbers.frombytes(packed)
                paths = names.decode("utf-8", "surrogatepass").split("\0")[:-1]
                it = iter(numbers)
                stats.update(zip(paths, zip(it, it, it, it), strict=True))
            self._stats = stats
        return self._stats


def _packed(stats: dict[str, Stat]) -> tuple[bytes, bytes]:
    names = ("\0".join(stats) + "\0").encode("utf-8", "surrogatepass")  # (no path holds a NUL)
    return names, array("q", chain.from_iterable(stats.values())).tobytes()


def scan(paths: Iterable[str], problems: list[Problem] | None = None, *, workers: int = 1) -> dict[str, Stat]:
    """``scan_found`` as a dict of every file -> its stat numbers."""
    return scan_found(paths, problems, workers=workers).stats()


def scan_found(
    paths: Iterable[str],
    problems: list[Problem] | None = None,
    *,
    workers: int = 1,
    meanwhile: Callable[[], object] | None = None,
) -> Found:
    """Every regular file under ``paths`` -> (size, mtime, ctime in ns, inode), recursively,
    sorted, each once. As git does, the change time and inode are compared too: an edit that
    restores the size and modification time still changes them.

    Hidden files and folders are skipped. Symbolic links are followed, but a
    folder already visited (by its real path) is not entered again, so link
    loops end. The size and time are what the index compares to find changes.

    With ``workers`` > 1 the subfolders of each root are walked by that many
    forked processes (stat calls dominate a warm start); the result is the same,
    and the walk is redone in this process if a subtree followed a folder link.
    ``meanwhile`` is called while they walk (this process only waits for them then).
    """
    paths = list(paths)
    result = _scan_in_parts(paths, workers, meanwhile)
    if result is not None:
        found, found_problems = result
        if problems is not None:
            problems.extend(found_problems)
        return found
    walker = _Walker()
    for path in paths:
        try:
            st = os.stat(path)
        except OSError as exc:
            walker.report(path, f"no such file or folder ({exc.strerror or exc}); check the path")
            continue
        if stat_module.S_ISDIR(st.st_mode):
            walker.walk(path)
        elif path not in walker.found:
            walker.found[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    if problems is not None:
        problems.extend(walker.problems)
    return Found.of(walker.found)


def _walk_subtree(directory: str, root: tuple[int, int]) -> tuple[tuple[bytes, bytes] | None, list[Problem], bool]:
    """A folder of the root's (the root's device and inode): its files packed, their problems,
    and whether a folder link was followed."""
    walker = _Walker({root})
    walker.walk(directory)
    return (_packed(walker.found) if walker.found else None), walker.problems, walker.linked


def _walk_subtrees(out: BinaryIO, jobs: list[tuple[str, tuple[int, int]]]) -> None:
    """A scan worker's job: (folder, ``_walk_subtree``'s answer) for each, sent as it is walked."""
    from chiptui.corpus.workers import send

    for directory, root in jobs:
        send(out, (directory, _walk_subtree(directory, root)))


SPLIT_FROM = 4  # folders at the top of a root from which its scan is packed a part a folder


def _scan_in_parts(
    paths: list[str], workers: int, meanwhile: Callable[[], object] | None = None
) -> tuple[Found, list[Problem]] | None:
    """``scan`` of one root a part a folder at its top (and its own files between them), each
    folder walked in forked processes where this process may fork and WORKERS > 1, else
    here; None when it should not be split. The parts are the same either way: the browser's
    scan (in a process with a thread, walked here) and a command's (forked) compare with each
    other part by part (``index._compared``); packed in one part, the browser compared all
    1,000,000 files of a corpus a command had indexed last (2.7 s) to find 100 new ones."""
    import threading

    from chiptui.corpus.workers import can_fork, forked_workers, in_jobs, messages

    if len(paths) != 1:
        return None
    root = paths[0]
    try:
        st = os.stat(root)
        if not stat_module.S_ISDIR(st.st_mode):
            return None
        with os.scandir(root) as it:
            entries = sorted(it, key=lambda e: e.name)
        plain = [e for e in entries if e.name[0] != "." and e.is_dir(follow_symlinks=False)]
    except OSError:
        return None
    if len(plain) < SPLIT_FROM or any(e.is_symlink() for e in entries if e.name[0] != "."):
        return None  # few folders, or links at the top: not worth it, or not safe to split
    key = (st.st_dev, st.st_ino)
    folders = [(e.path, key) for e in plain]
    walked: dict[str, tuple[tuple[bytes, bytes] | None, list[Problem], bool]] = {}
    if workers > 1 and threading.active_count() == 1 and can_fork():
        with forked_workers(_walk_subtrees, in_jobs(folders), workers) as children:  # (a folder a job)
            if children and meanwhile is not None:
                meanwhile()
            walked = dict(message for _, message in messages({child.read_end: child for child in children}))
    for directory, root_key in folders:  # what no worker walked (none forked, or one failed): here
        if directory not in walked:
            walked[directory] = _walk_subtree(directory, root_key)
    # the root's own files, in the same order a walk of the root gives, between the subtrees
    parts: list[tuple[bytes, bytes]] = []
    problems: list[Problem] = []
    count = 0
    top = _Walker({key})
    for entry in entries:
        if entry.name[0] == ".":
            continue
        if entry.path in walked:
            part, subtree_problems, linked = walked[entry.path]
            if linked:
                return None  # a folder link could reach another subtree: walk it all in one place
            if top.found:
                parts.append(_packed(top.found))
                count += len(top.found)
                top.found = {}
            if part is not None:
                parts.append(part)
                count += len(part[1]) // STAT_BYTES
            problems.extend(top.problems)
            top.problems = []
            problems.extend(subtree_problems)
        else:
            folder = top.visit(entry)
            if folder is not None:
                top.walk(folder)
    if top.found:
        parts.append(_packed(top.found))
        count += len(top.found)
    problems.extend(top.problems)
    return Found(parts, count), problems


# ---------------------------------------------------------------------------
# reading one file


_ASCII_FINE = bytes(b for b in range(128) if b in (0x09, 0x0A, 0x0D) or 0x20 <= b < 0x7F)  # no control character


def decode(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """UTF-8 text with BOM and CR line endings removed; bad bytes replaced and reported."""
    problems: list[Problem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        problems.append(
            Problem(
                path,
                line,
                "warning",
                f"not valid UTF-8 ({bad} bad byte sequence{'s' if bad != 1 else ''}, first here); "
                "shown as \ufffd. Re-save the file as UTF-8 to fix",
            )
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # most files are ASCII with no control character: a byte table clears them (a fifth of the
    # text search's time); the rest are searched as text
    if not (data.isascii() and not data.translate(None, _ASCII_FINE)) and has_control_chars(text):
        # YAML refuses raw control characters, and no output may carry them: drop them
        # here, once, so the card still loads and every later read sees the same text
        first = next(i for i, ch in enumerate(text) if clean_text(ch) != ch)
        cleaned = clean_text(text)
        problems.append(
            Problem(
                path,
                text.count("\n", 0, first) + 1,
                "warning",
                f"{len(text) - len(cleaned)} control character(s) such as terminal escapes were removed "
                "(first here); they cannot be shown safely",
            )
        )
        text = cleaned
    return text, problems


def read_text(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str | None, list[Problem]]:
    """The decoded text of ``path``, or None with an error saying why it was skipped."""
    try:
        # os-level calls: this runs for every file of a cold index. O_NONBLOCK: a FIFO
        # swapped in for a file cannot hang us
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            st = os.fstat(fd)
            if not stat_module.S_ISREG(st.st_mode):
                return None, [Problem(path, None, "error", "not a regular file; it was skipped")]
            if st.st_size > max_bytes:
                return None, [
                    Problem(
                        path,
                        None,
                        "error",
                        f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit; it was skipped "
                        "(raise the limit with --max-bytes or CHIPTUI_MAX_BYTES if it is a real article)",
                    )
                ]
            # one byte more than the file's size: a file that grew since is seen to, and read on.
            # (Not max_bytes + 1: that allocates the limit, 2 MB, and shrinks it, for every file.)
            data = os.read(fd, st.st_size + 1)
            if len(data) != st.st_size:  # a short read, or the file changed: read to the end (or the limit)
                chunks = [data]
                read = len(data)
                while chunks[-1] and read <= max_bytes:
                    chunks.append(os.read(fd, min(_READ_CHUNK, max_bytes + 1 - read)))
                    read += len(chunks[-1])
                data = b"".join(chunks)
        finally:
            os.close(fd)
    except OSError as exc:
        return None, [Problem(path, None, "error", f"cannot read file: {exc.strerror or exc}")]
    if len(data) > max_bytes:
        return None, [Problem(path, None, "error", f"file is over the {max_bytes:,}-byte limit; it was skipped")]
    if not data or data.isspace():
        return None, [Problem(path, None, "error", "file is empty; it was skipped")]
    if data.find(b"\x00", 0, 8192) >= 0:
        return None, [Problem(path, None, "error", "binary file (it contains NUL bytes), not an article; it was skipped")]
    text, problems = decode(data, path)
    return text, problems


def _parse_with_pyyaml(front: str, first_line: int):  # type: ignore[no-untyped-def]
    """The tolerant path (PyYAML, imported on first use: most cards never need it)."""
    from chiptui.corpus.pyyaml_reader import parse_with_pyyaml

    return parse_with_pyyaml(front, first_line)


def parse_text(path: str, text: str) -> FileResult:
    """Parse decoded text: a card when it starts with a ``---`` fence, else a scraped page."""
    # imported here: a warm start never parses, and these modules cost start-up time
    from chiptui.corpus.fastyaml import fast_parse
    from chiptui.corpus.fields import build_article
    from chiptui.corpus.frontmatter import FrontMatterError, split_front_matter

    split = split_front_matter(text)
    if split.front is None:
        words = norm_words(text)
        if not words:
            return FileResult(path, problems=(Problem(path, None, "error", "file has no words; it was skipped"),))
        return FileResult(path, scraped_words=words, page_marks=page_marks(text))
    if not split.closed:
        return FileResult(
            path,
            problems=(
                Problem(
                    path,
                    split.front_line - 1,
                    "error",
                    "front matter opened with --- is never closed; add a line with --- after the last field",
                ),
            ),
        )
    try:
        parsed = fast_parse(split.front, split.front_line) or _parse_with_pyyaml(split.front, split.front_line)
    except FrontMatterError as exc:
        return FileResult(path, problems=(Problem(path, exc.line, "error", f"{exc}; the card is not listed"),))
    if not isinstance(parsed.data, dict):
        kind = "empty" if parsed.data is None else f"a {type(parsed.data).__name__}"
        return FileResult(
            path,
            problems=(
                Problem(
                    path,
                    split.front_line,
                    "error",
                    f"front matter is {kind}, not a mapping of fields; write it as  title: ...  lines",
                ),
            ),
        )
    article, problems = build_article(parsed.data, parsed, path)
    if article is not None and split.body.strip():
        article = dataclasses.replace(article, body=BodyRef(path, "card", split.body_offset))
    return FileResult(path, article=article, problems=tuple(problems))


def parse_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> FileResult:
    """Read and parse one file. Never raises: every failure becomes a Problem."""
    try:
        text, problems = read_text(path, max_bytes)
        if text is None:
            return FileResult(path, problems=tuple(problems))
        result = parse_text(path, text)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a load
        return FileResult(
            path,
            problems=(Problem(path, None, "error", f"could not be read ({type(exc).__name__}: {exc}); it was skipped"),),
        )
    if problems:
        result = dataclasses.replace(result, problems=tuple(problems) + result.problems)
    return result


# ---------------------------------------------------------------------------
# joining a corpus


_ID_OK = re.compile(r"[A-Za-z0-9._][A-Za-z0-9._-]*")
_ID_BAD = re.compile(r"[^A-Za-z0-9._-]+")


def make_id(path: str) -> str:
    name = path.rpartition(os.sep)[2]
    dot = name.rfind(".")  # os.path.splitext's stem, without its cost (100,000 ids a join)
    stem = name[:dot] if dot > 0 and name[:dot].lstrip(".") else name
    if _ID_OK.fullmatch(stem) and not stem.endswith("-"):
        return stem
    return _ID_BAD.sub("-", clean_line(stem)).strip("-") or "article"


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def url_key(url: str | None) -> str | None:
    """A URL reduced to what identifies the page: no scheme, www., fragment or final slash."""
    if not url:
        return None
    key = url.strip()
    if key.startswith("https://"):  # the common cases without a regex (100,000 keys at start)
        key = key[8:]
    elif key.startswith("http://"):
        key = key[7:]
    else:
        key = _SCHEME.sub("", key)
    key = key.split("#", 1)[0]
    host, _, rest = key.partition("/")
    host = host.lower().removeprefix("www.")
    return (host + "/" + rest).rstrip("/") or None


class FileRecord(NamedTuple):
    """What the index keeps of one file: enough to list, filter and join, not the full card."""

    path: str
    size: int
    mtime_ns: int
    card: tuple | None  # see ``card_info``
    words: str | None  # normalised words of a scraped page, for matching it to its card
    problems: tuple[Problem, ...]
    text: str  # what full-text search sees: excerpt and body of a card, or a page's text
    marks: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # a scraped page's ``page_marks``


def record_blob(record: FileRecord) -> bytes:
    """The bytes the index stores for a record: its fields as a plain tuple, which pickles
    and loads in half the time the named tuple does (110,000 of each in a cold index)."""
    return data_dumps(tuple(record))


def record_of_fields(fields: object) -> FileRecord:
    """The record whose fields ``record_blob`` stored; anything else is damage."""
    if type(fields) is not tuple or len(fields) != len(FileRecord._fields):
        raise pickle.UnpicklingError("a stored record does not have a record's fields (the index is damaged)")
    return tuple.__new__(FileRecord, fields)


def record_loads(blob: bytes) -> FileRecord:
    """A record read back from the index (see ``records.data_loads``)."""
    return record_of_fields(data_loads(blob))


# card_info fields, by position (a plain tuple pickles small and loads fast)
C_TITLE, C_PROVIDER, C_STAMP, C_TOPICS, C_QUALITY, C_HEAT, C_URL, C_URL_KEYS, C_BODY, C_RELATED, C_WORDS, C_TYPE = range(12)


def card_info(article: Article) -> tuple:
    """The light fields of a parsed card, plus what joining the corpus needs."""
    return _card_tuple(
        article.title,
        article.provider.name if article.provider else "",
        article.published.timestamp() if article.published else None,
        article.topics,
        article.quality,
        article.heat,
        article.url,
        article.urls.candidates(),
        article.body.offset if article.body else None,
        [r.url for r in article.related],
        article.type,
    )


def _card_tuple(
    title: str,
    provider: str,
    stamp: float | None,
    topics: tuple[str, ...],
    quality: int | None,
    heat: int | None,
    url: str | None,
    links: Iterable[str],
    body_offset: int | None,
    related: Iterable[str | None],
    kind: str | None,
) -> tuple:
    """The card_info tuple (fields by position, as C_TITLE... name them), from either path."""
    return (
        title,
        provider,
        stamp,
        topics,
        quality,
        heat,
        url,
        tuple(k for k in map(url_key, links) if k),
        body_offset,
        tuple(map(url_key, related)),
        norm_words(title),  # what a scraped page is matched on (computed in the worker)
        sys.intern(kind) if kind else None,
    )


def record_of(result: FileResult, size: int, mtime_ns: int, text: str | None = None) -> FileRecord:
    card = card_info(result.article) if result.article is not None else None
    if text is None:
        text = ""
    return FileRecord(
        result.path, size, mtime_ns, card, result.scraped_words, result.problems, text, result.page_marks
    )


def index_file(
    path: str, size: int, mtime_ns: int, max_bytes: int = DEFAULT_MAX_BYTES, strict: bool = True
) -> FileRecord:
    """Parse one file into its record (what worker processes run). Never raises.

    A clean card takes the strict path (``strict_card``); everything else, and every card
    when ``strict`` is off (the tests compare the two), the tolerant one."""
    try:
        text, problems = read_text(path, max_bytes)
        if text is None:
            return FileRecord(path, size, mtime_ns, None, None, tuple(problems), "")
        if strict and not problems:
            record = _strict_record(path, text, size, mtime_ns)
            if record is not None:
                return record
        result = parse_text(path, text)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a load
        return FileRecord(
            path, size, mtime_ns, None, None,
            (Problem(path, None, "error", f"could not be read ({type(exc).__name__}: {exc}); it was skipped"),), "",
        )
    if problems:
        result = dataclasses.replace(result, problems=tuple(problems) + result.problems)
    if result.article is not None:
        article = result.article
        search_text = article.excerpt or ""
        if article.body is not None:
            search_text += "\n" + text[article.body.offset :]
    elif result.scraped_words is not None:
        # full-text search sees the cleaned body, so "cookies" or "newsletter" does not find
        # every page through its footer; a page the cleaner finds nothing in keeps its text
        from chiptui.corpus.clean import clean_body

        search_text = "\n".join(clean_body(text)) or text
    else:
        search_text = ""
    return record_of(result, size, mtime_ns, search_text)


@functools.cache
def _strict_readers():  # type: ignore[no-untyped-def]
    """What ``_strict_record`` reads a card with: imported on first use (a warm start parses
    nothing, and these cost start-up time), once (an import in the function cost 1.8 us a card)."""
    from chiptui.corpus.fastyaml import plain_mapping
    from chiptui.corpus.frontmatter import split_front_matter
    from chiptui.corpus.strict_card import strict_card

    return split_front_matter, plain_mapping, strict_card


def _strict_record(path: str, text: str, size: int, mtime_ns: int) -> FileRecord | None:
    """The record of a clean card, without building its Article; None sends the file to
    the tolerant path (a page, YAML beyond the plain subset, any field with a problem).
    TEXT is as ``read_text`` returns it for a file it has nothing to say about."""
    split_front_matter, plain_mapping, strict_card = _strict_readers()
    split = split_front_matter(text)
    if split.front is None or not split.closed:
        return None
    data = plain_mapping(split.front, split.front_line, decoded=True)
    if data is None:
        return None
    card = strict_card(data)
    if card is None:
        return None
    has_body = bool(split.body.strip())
    info = _card_tuple(  # what card_info gives for the Article the tolerant path builds
        card.title,
        card.provider,
        card.stamp,
        card.topics,
        card.quality,
        card.heat,
        card.urls[0] if card.urls else None,  # every link opens: the first is the one opened
        card.urls,
        split.body_offset if has_body else None,
        card.related,
        card.kind,
    )
    search_text = card.excerpt + "\n" + text[split.body_offset :] if has_body else card.excerpt
    return FileRecord(path, size, mtime_ns, info, None, (), search_text, None)


@dataclass(slots=True)
class Assembled:
    entries: list[Entry] = field(default_factory=list)  # newest first, undated last, ties by title
    problems: list[Problem] = field(default_factory=list)
    files: int = 0


FORK_MATCH_FROM = 2000  # scraped pages from which a command matches them in a forked child


def assemble(records: Iterable[FileRecord], meanwhile: Callable[[], None] | None = None) -> Assembled:
    """Join per-file records into one corpus: ids, scraped bodies, related links.

    Matching the scraped pages to their cards is most of a large join's time. In a process
    without threads (a command) it runs in a forked child, on the core the join leaves idle,
    while this process builds the entries and runs ``meanwhile`` (the caller's own work that
    needs nothing of the join); elsewhere it runs here, after ``meanwhile``."""
    out = Assembled()
    cards: list[FileRecord] = []
    scraped: list[FileRecord] = []
    for record in records:
        out.files += 1
        out.problems.extend(record.problems)
        if record.card is not None:
            cards.append(record)
        elif record.words is not None:
            scraped.append(record)

    # ids from file names, made unique
    by_id: dict[str, list[int]] = {}
    for index, record in enumerate(cards):
        by_id.setdefault(make_id(record.path), []).append(index)
    ids = [""] * len(cards)
    for base, indexes in by_id.items():
        if len(indexes) == 1:
            ids[indexes[0]] = base
        else:
            for index in indexes:
                ids[index] = f"{base}~{_short_hash(cards[index].path)}"

    urls = _url_owners(cards)
    matching = forked(_pages_matched, cards, ids, scraped, urls) if len(scraped) >= FORK_MATCH_FROM else None
    try:
        if meanwhile is not None:
            meanwhile()
        entries = []  # in the cards' order, with their own bodies (a page's is put in below)
        for index, record in enumerate(cards):
            info = record.card
            assert info is not None
            body = (record.path, "card", info[C_BODY]) if info[C_BODY] is not None else None
            links = None
            if info[C_RELATED]:
                found = []
                for position, key in enumerate(info[C_RELATED]):
                    target = urls.get(key) if key else None
                    if target is not None and target != index:
                        found.append((position, ids[target]))
                links = tuple(found) or None
            entries.append(entry_of(record, ids[index], body, links))
        order = date_order([e.title for e in entries], [e.stamp for e in entries])
    except BaseException:
        if matching is not None:
            matching.cancel()  # (Ctrl+C: out at once, not after the child's matching)
        raise
    done, matched = matching.result() if matching is not None else (False, None)
    # (not forked, or the child failed: here)
    bodies, problems = matched if done else _pages_matched(cards, ids, scraped, urls)
    out.problems.extend(problems)
    for index in sorted(bodies):  # (in the cards' order, as the problems always came)
        entry = entries[index]
        if entry.body is None:
            entries[index] = entry._replace(body=(bodies[index], "scraped", 0))
        else:
            out.problems.append(
                Problem(
                    bodies[index],
                    None,
                    "warning",
                    f"scraped page matches {ids[index]!r}, which has its own body; the card's body is shown",
                )
            )
    out.entries = [entries[i] for i in order]
    return out


def _pages_matched(
    cards: list[FileRecord], ids: list[str], scraped: list[FileRecord], urls: dict[str, int]
) -> tuple[dict[int, str], list[Problem]]:
    """``_match_scraped``'s answer and problems (what a forked child sends back)."""
    problems: list[Problem] = []
    return _match_scraped(cards, ids, scraped, problems, urls=urls), problems


def entry_of(
    record: FileRecord, article_id: str, body: tuple[str, str, int] | None, links: tuple[tuple[int, str], ...] | None
) -> Entry:
    """A card's entry in the joined corpus, given what the join found for it."""
    info = record.card
    assert info is not None
    intern = sys.intern
    return Entry(
        article_id,
        info[C_TITLE],
        intern(info[C_PROVIDER]),
        info[C_STAMP],
        tuple(map(intern, info[C_TOPICS])),
        info[C_QUALITY],
        info[C_HEAT],
        info[C_URL],
        record.path,
        body,
        links,
        intern(info[C_TYPE]) if len(info) > C_TYPE and info[C_TYPE] else None,
        len(info[C_RELATED]),
    )


def _url_owners(cards: list[FileRecord]) -> dict[str, int]:
    """A card's links (as ``url_key``) -> the first card, in file order, with them."""
    urls: dict[str, int] = {}
    for index, record in enumerate(cards):
        for key in record.card[C_URL_KEYS]:  # type: ignore[index]
            urls.setdefault(key, index)
    return urls


def date_order(titles: Sequence[str], stamps: Sequence[float | None], newest: bool = True) -> list[int]:
    """Positions by date, newest (or oldest) first, undated last, ties by title: the order
    the index saves entries in and the store's date sorts (newest first: by ``newest_key``,
    ties in the order given)."""
    folded = [t.casefold() for t in titles]
    order = sorted(range(len(folded)), key=folded.__getitem__)
    sign = -1.0 if newest else 1.0
    keys = [(stamp is None, sign * (stamp or 0.0)) for stamp in stamps]
    order.sort(key=keys.__getitem__)  # stable: ties stay in title order
    return order


def newest_key(title: str, stamp: float | None) -> tuple[bool, float, str]:
    """Where ``date_order`` puts an entry, newest first (it sorts in two passes, for speed:
    by title, then stably by date)."""
    return (stamp is None, -(stamp or 0.0), title.casefold())


def materialize(entry: Entry, article: Article) -> Article:
    """The full article of ``entry``: its corpus id, joined body and related links."""
    related = article.related
    if entry.links:
        targets = dict(entry.links)
        related = tuple(
            dataclasses.replace(r, article_id=targets[i]) if i in targets else r for i, r in enumerate(related)
        )
    body = BodyRef(*entry.body) if entry.body else None  # type: ignore[arg-type]
    return dataclasses.replace(article, id=entry.id, body=body, related=related)


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:6]


def _match_scraped(
    cards: list[FileRecord], ids: list[str], scraped: list[FileRecord], problems: list[Problem],
    work: list[int] | None = None, urls: dict[str, int] | None = None,
) -> dict[int, str]:
    """Find, for each scraped page, the card it gives the body of.

    The evidence, strongest first: the card's title standing on a line of its own near the
    page's top (a headline), the card's URL in the page, and the title's words anywhere in
    the page (titles are compared as normalised words, so quotes, case, punctuation and white
    space may differ). Among equals the longest title wins; a page whose best two cards are
    equals (neither title part of the other) joins the first and is reported with both. A
    title under three words joins only on a headline or a URL: its words alone are too common.
    Candidates come from an index of each title's first words, so the cost grows with the
    pages' length, not with the number of cards. ``work``, when given, counts the words the
    title walks looked at (tests check that it grows linearly with the corpus).
    """
    if not scraped:
        return {}
    # candidates by the first four words of a title (three for three-word titles): a
    # page's windows of that many words are looked up, so few wrong candidates remain
    heads: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    short_heads: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    tiny: dict[str, list[int]] = {}  # titles under three words: they join on a headline line only
    if urls is None:
        urls = _url_owners(cards)
    for index, record in enumerate(cards):
        title = record.card[C_WORDS]  # type: ignore[index]
        words = title.split()
        if len(words) < MIN_TITLE_WORDS:
            if words:
                tiny.setdefault(title, []).append(index)
            continue
        table = heads if len(words) > MIN_TITLE_WORDS else short_heads
        table.setdefault(tuple(words[: MIN_TITLE_WORDS + 1]), []).append((f" {title} ", index))

    def titled(line: str) -> Iterable[int]:
        """The cards whose title is exactly this (normalised) line."""
        words = line.split()
        if len(words) < MIN_TITLE_WORDS:
            return tiny.get(line, ())
        table = heads if len(words) > MIN_TITLE_WORDS else short_heads
        padded = f" {line} "
        return [index for title, index in table.get(tuple(words[: MIN_TITLE_WORDS + 1]), ()) if title == padded]
    matched: dict[int, str] = {}
    tries: dict[tuple[str, ...], tuple[dict, int]] = {}  # head -> (trie of the rest of its titles, longest title)

    def trie_of(head: tuple[str, ...]) -> tuple[dict, int]:
        """The titles that start with ``head`` as a word trie: many titles sharing their first
        words (a series, a template) cost one walk per place the head appears, not one
        search of the page per title."""
        built = tries.get(head)
        if built is None:
            root: dict = {}
            longest = 0
            for title, index in heads[head]:
                node = root
                for word in title.split()[len(head):]:
                    node = node.setdefault(word, {})
                node.setdefault(None, []).append(index)
                longest = max(longest, len(title))
            built = tries[head] = (root, longest)
        return built

    def title_of(index: int) -> str:
        return cards[index].card[C_WORDS]  # type: ignore[index]

    for result in scraped:
        words = result.words.split() if result.words else []
        text = " " + " ".join(words) + " "
        page_urls, lines = result.marks if result.marks else ((), ())
        mentioned: set[int] = set()
        # distinct windows of the page that start some title (the loops run in C; the few that
        # do are made distinct, not all the page's windows)
        for head in set(filter(heads.__contains__, zip(words, words[1:], words[2:], words[3:], strict=False))):
            root, longest = trie_of(head)
            needle = " " + " ".join(head) + " "
            at = text.find(needle)
            while at >= 0:
                node = root
                rest = text[at + len(needle) : at + longest + 1].split()
                if work is not None:
                    work[0] += len(rest) + 1  # what this walk may look at: the measure of the join's work
                for word in [None, *rest]:
                    if word is not None:
                        node = node.get(word)
                        if node is None:
                            break
                    ends = node.get(None) if node is not None else None
                    if ends:
                        mentioned.update(ends)
                at = text.find(needle, at + 1)
        if short_heads:
            for head in set(filter(short_heads.__contains__, zip(words, words[1:], words[2:], strict=False))):
                mentioned.update(index for _, index in short_heads[head])  # a three-word title is its own head
        headlines: dict[int, int] = {}  # card -> how high its title stands as a line (the first one highest)
        for position, line in enumerate(lines):
            for index in titled(line):
                headlines.setdefault(index, len(lines) - position)
        linked = {urls[key] for key in page_urls if key in urls}
        evidence = {
            index: (headlines.get(index, 0), index in linked, len(title_of(index)), -index)
            for index in mentioned | headlines.keys() | linked
        }
        if not evidence:
            problems.append(
                Problem(
                    result.path,
                    None,
                    "error",
                    "page text without front matter, and no article's title appears in it, so it is not shown; "
                    "add the card it belongs to, or front matter with a title",
                )
            )
            continue
        ranked = sorted(evidence, key=evidence.__getitem__, reverse=True)
        index = ranked[0]
        best = evidence[index]
        best_title = f" {title_of(index)} "
        rival = next(
            (
                other
                for other in ranked[1:]
                if evidence[other][:2] == best[:2] and f" {title_of(other)} " not in best_title
            ),
            None,
        )
        if rival is not None:
            why = "the longer title" if evidence[rival][2] < best[2] else "the first in file order"
            problems.append(
                Problem(
                    result.path,
                    None,
                    "warning",
                    f"page could be the body of {ids[index]!r} or {ids[rival]!r} (both titles appear in it); "
                    f"joined to {ids[index]!r}, {why}: put the card's URL in the page, or its title on a line "
                    "of its own at the top, to settle it",
                )
            )
        if index in matched:
            problems.append(
                Problem(
                    result.path,
                    None,
                    "warning",
                    f"another page ({matched[index]}) already gives the body of {ids[index]!r}; this one is not used",
                )
            )
            continue
        matched[index] = result.path
    return matched


def load_corpus(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Corpus:
    """Every article of ``paths`` in full, read in this process, with no index.

    The browser and the commands use the index (``chiptui.corpus.index``); this is
    the plain reference path that the index must agree with.
    """
    problems: list[Problem] = []
    stats = scan(paths, problems)
    results = {path: parse_file(path, max_bytes) for path in stats}
    joined = assemble(record_of(results[path], *stats[path][:2]) for path in stats)
    articles = [materialize(entry, results[entry.path].article) for entry in joined.entries]  # type: ignore[arg-type]
    return Corpus(articles, sorted(problems + joined.problems, key=problem_order), joined.files)


def problem_order(problem: Problem) -> tuple[str, int]:
    """Problems are listed by file, then line (the order ``chiptui check`` prints)."""
    return (problem.path, problem.line or 0)
