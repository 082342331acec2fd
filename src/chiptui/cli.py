"""The ``chiptui`` command: the browser, and scriptable list/show/check/facets.

Only the browser imports Textual; the other commands load the corpus store and
print, so ``chiptui --help`` and ``chiptui list`` start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from chiptui import __version__
from chiptui.corpus.sanitize import display_path, dump_json

if TYPE_CHECKING:
    from chiptui.corpus.index import CorpusIndex
    from chiptui.corpus.models import Article
    from chiptui.corpus.store import CorpusStore

SORT_CHOICES = ("newest", "oldest", "quality", "heat", "title", "relevance")
COMMANDS = ("list", "show", "check", "facets", "index", "mark", "state", "config", "searches")
QUERY_HELP = """\
query language (terms are ANDed; any case):
  word                 fuzzy in title, provider, topics (typos from four letters)
  "exact phrase"       the phrase in the title
  -term                not: -nvidia  -"press release"  -provider:medium
  a OR b, ( ... )      alternatives and grouping: (trainium OR inferentia) -gpu
  topic:X provider:X   whole name, any case; quotes for spaces; X* a prefix; a,b either
  text:word text:"a b" full text in excerpts and bodies
  after:D before:D on:D  D = 2021, 2021-03, 2021-03-05, 7d, 2w, 3m, 1y, today, yesterday (UTC)
  quality:>100 heat:<=50 quality:50..100
  is:unread is:read is:starred   has:body has:related has:url   type:article
  sort:newest|oldest|quality|heat|title|relevance
"""
MARK_ACTIONS = ("read", "unread", "star", "unstar")
EXIT_OK, EXIT_FOUND_PROBLEMS, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
A terminal browser for a local corpus of news articles.

  chiptui [PATH ...]          open the browser (the bundled seeds when no PATH)
  chiptui list   [PATH ...]   list articles (filter, sort, --json)
  chiptui show   ARTICLE      one article with its related links and cleaned body
  chiptui check  [PATH ...]   every problem in the corpus, as PATH:LINE: severity: message
  chiptui facets [PATH ...]   topics and providers with counts
  chiptui index  [PATH ...]   build or refresh the index, with a summary
  chiptui mark   read|unread|star|unstar [PATH ...] (--id ID ... | --all) [filters]
  chiptui state  export [FILE] | import FILE   your read and starred marks as JSON lines
  chiptui config [--init]     where the config file is, and the settings in force
  chiptui searches [PATH ...] saved searches with their counts

PATH is a file or folder (read recursively). With no PATH, $CHIPTUI_CORPUS
(paths separated by '{sep}'), else the config file's 'corpus', else the bundled
seed corpus is used. Read and starred marks live in the data directory
($CHIPTUI_DATA_DIR overrides it); deleting the cache never loses them.
Every command keeps an index of the corpus in the cache directory
($CHIPTUI_CACHE_DIR overrides it); only new and changed files are read again.
Run 'chiptui COMMAND --help' for a command's options.
"""


DEFAULT_MAX_BYTES = 2 * 1024 * 1024
USAGE = "chiptui [-h] [--version] [--max-bytes N] [PATH ...]\n       chiptui COMMAND [options] [PATH ...]"


def _max_bytes_default() -> int:
    """``$CHIPTUI_MAX_BYTES``, or 2 MiB; a value that is not a positive whole number is
    reported on stderr and the default is used (a bad setting never stops chiptui)."""
    from_env = os.environ.get("CHIPTUI_MAX_BYTES", "").strip()
    if not from_env:
        return DEFAULT_MAX_BYTES
    if from_env.isdigit() and int(from_env) > 0:
        return int(from_env)
    print(
        f"chiptui: $CHIPTUI_MAX_BYTES is {from_env!r}, not a positive whole number of bytes; "
        f"using the default ({DEFAULT_MAX_BYTES:,})",
        file=sys.stderr,
    )
    return DEFAULT_MAX_BYTES


def _corpus_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        metavar="N",
        help="skip files larger than N bytes (default 2 MiB, or $CHIPTUI_MAX_BYTES)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _corpus_options()
    parser = argparse.ArgumentParser(
        prog="chiptui",
        usage=USAGE,
        description=DESCRIPTION.format(sep=os.pathsep),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"chiptui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog="chiptui")

    p = sub.add_parser(
        "list", parents=[common], help="list articles", description="List articles, filtered and sorted.",
        epilog=QUERY_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", metavar="PATH")
    _filter_options(p)
    p.add_argument("--sort", choices=SORT_CHOICES, default=None, help="order (default: relevance with --query, else newest)")
    p.add_argument("--limit", type=_positive_int, default=None, metavar="N", help="at most N articles")
    _state_filters(p)
    p.add_argument("--saved", metavar="NAME", help="a saved search of the config file's [searches] (ANDed with --query)")
    p.add_argument(
        "--cached", action="store_true",
        help="use the index as last seen, without checking the files (fast, for scripts; a corpus never indexed is indexed)",
    )
    p.add_argument("--explain", action="store_true", help="print how the query was understood, one term per line")
    p.add_argument("--json", action="store_true", help="one JSON object per line (the indexed fields)")
    p.add_argument("--full", action="store_true", help="with --json: every field of each card (reads each file)")
    p.add_argument("--format", choices=("jsonl", "csv", "md", "html", "urls"), help="export: jsonl (as --json), csv, md, html or urls")
    p.add_argument("-o", "--output", metavar="FILE", help="with --format: write to FILE (never overwrites one) instead of standard output")

    p = sub.add_parser("show", parents=[common], help="show one article", description="Show one article in full.")
    # optional to argparse, required by main(): argparse would name PATH as required too
    p.add_argument("article", metavar="ARTICLE", nargs="?", help="an article id, or text whose best title match wins")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("check", parents=[common], help="report problems", description="Report every problem in the corpus.")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per problem, one per line")

    p = sub.add_parser("facets", parents=[common], help="topics and providers", description="Topics and providers with counts.")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help='print {"topics": [...], "providers": [...]}')

    p = sub.add_parser(
        "index", parents=[common], help="build or refresh the index",
        description="Build or refresh the corpus index and print what it did. "
        "On a terminal, a progress bar shows the rate and the time left.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument("--verify", action="store_true", help="also read every page of the index (PRAGMA quick_check) and rebuild it if damaged")
    p.add_argument(
        "--prune", action="store_true",
        help="also delete the index files of corpora not opened for 90 days (done once a run at start anyway)",
    )

    p = sub.add_parser(
        "mark", parents=[common], help="mark articles read, unread, starred or unstarred",
        description="Mark what 'chiptui list' with the same paths and filters prints, limited to the ids "
        "given; --all marks every article listed (required without --id, so nothing is marked by accident).",
    )
    p.add_argument("action", choices=MARK_ACTIONS, metavar="{read,unread,star,unstar}")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--id", dest="ids", action="append", default=[], metavar="ID", help="this article (repeat for more)")
    p.add_argument("--all", action="store_true", help="every article the filters list")
    _filter_options(p)
    _state_filters(p)

    p = sub.add_parser("state", help="export or import read and starred marks", description="Your marks as JSON lines "
                       "(key, url, title, read_at, starred_at, changed_at). Import merges: the newest change of each article wins.")
    p.add_argument("action", choices=("export", "import"))
    p.add_argument("file", nargs="?", metavar="FILE", help="export: where to write (default: standard output); import: what to read ('-': standard input)")

    p = sub.add_parser("searches", parents=[common], help="saved searches with their counts",
                       description="The saved searches of the config file's [searches], with how many articles each finds.")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per search")

    p = sub.add_parser("config", help="the config file and the settings in force",
                       description="Print the config file's path and the settings in force (with any problems in it).")
    p.add_argument("--init", action="store_true", help="write a commented default config file (never overwrites one)")
    p.add_argument("--json", action="store_true", help="print the settings as one JSON object")
    parser.set_defaults(commands=sub.choices)
    return parser


def _filter_options(p: argparse.ArgumentParser) -> None:
    """The filters 'list' and 'mark' share, so 'mark' marks exactly what 'list' prints."""
    p.add_argument("--query", "-q", default="", metavar="QUERY", help="the query language (below): words, \"phrases\", field:value, -not, OR, ( )")
    p.add_argument("--text", "-t", default="", metavar="WORDS", help="full text: every word in the excerpt or body")
    p.add_argument("--topic", action="append", default=[], metavar="NAME", help="only this topic (repeat: any of them)")
    p.add_argument("--provider", action="append", default=[], metavar="NAME", help="only this provider (repeat: any of them)")


def _state_filters(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--unread", dest="state", action="store_const", const="unread", help="only unread articles")
    group.add_argument("--read", dest="state", action="store_const", const="read", help="only read articles")
    group.add_argument("--starred", dest="state", action="store_const", const="starred", help="only starred articles")


def build_ui_parser() -> argparse.ArgumentParser:
    # the same usage line as ``chiptui --help``: a mistyped option shows one usage, not two
    parser = argparse.ArgumentParser(
        prog="chiptui", usage=USAGE, parents=[_corpus_options()], description="Open the browser.",
        epilog="Run 'chiptui --help' for the commands.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _join_query_values(args: list[str]) -> list[str]:
    """``-q -nvidia``: a query may start with '-' (a negation); argparse would take it for an
    option, so the value after -q/--query/-t/--text is joined to its option."""
    out: list[str] = []
    i = 0
    while i < len(args):
        if args[i] in ("-q", "--query", "-t", "--text") and i + 1 < len(args):
            long = {"-q": "--query", "-t": "--text"}.get(args[i], args[i])
            out.append(f"{long}={args[i + 1]}")
            i += 2
            continue
        out.append(args[i])
        i += 1
    return out


# What a command keeps to the end rather than free (see ``run``); None in process (the tests)
_SPENT: list[object] | None = None


def run() -> None:
    """The ``chiptui`` command: ``main``, then out. A command that built a large corpus in
    memory (``chiptui index`` of 100,000 files) leaves without freeing it, object by object,
    as the interpreter does at exit: the system takes the memory back at once."""
    global _SPENT
    _SPENT = []
    code = main()
    if _SPENT:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = _join_query_values(list(sys.argv[1:] if argv is None else argv))
    try:
        if args_list and args_list[0] in COMMANDS:
            # intermixed: options may come before, between or after the PATHs
            command = build_parser().get_default("commands")[args_list[0]]
            args = command.parse_intermixed_args(args_list[1:])
            args.command = args_list[0]
            if args.command == "show" and not args.article:
                command.error("the following argument is required: ARTICLE")
            if args.command == "mark" and not args.ids and not args.all:
                command.error("say which articles: --id ID (repeat for more), or --all for every article listed")
            if args.command == "state" and args.action == "import" and not args.file:
                command.error("import needs a FILE (or - for standard input)")
            if args.command == "list" and args.full and not args.json:
                command.error("--full adds fields to --json output; use --json --full")
        elif args_list and args_list[0] in ("-h", "--help", "--version"):
            args = build_parser().parse_args(args_list)
        else:
            args = build_ui_parser().parse_args(args_list)
            args.command = None
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        code = _run(args)
        sys.stdout.flush()  # inside the try: a reader that went away shows up here too
        return code
    except KeyboardInterrupt:
        if args.command is None:
            return 130
        # Ctrl-C: one line, and out at once (no waiting on workers, no traceback at exit)
        try:
            sys.stderr.write("\nchiptui: interrupted\n")
            sys.stderr.flush()
        finally:
            os._exit(130)
    except BrokenPipeError:
        # the reader went away (chiptui list | head): like cat, stop quietly
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - never a traceback at a user; CHIPTUI_DEBUG=1 shows it
        if os.environ.get("CHIPTUI_DEBUG"):
            raise
        print(f"chiptui: unexpected error: {type(exc).__name__}: {exc} (set CHIPTUI_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_FOUND_PROBLEMS


def _interrupted(signum: int, frame: object) -> None:
    try:
        os.write(2, b"\nchiptui: interrupted\n")
    finally:
        os._exit(130)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _run(args: argparse.Namespace) -> int:
    from chiptui.config import load_settings
    from chiptui.paths import corpus_paths_with_origin

    if args.command == "config":
        return cmd_config(args, sys.stdout)
    settings = load_settings()
    for problem in settings.problems:
        print(f"chiptui: config: {problem.format()}", file=sys.stderr)
    if args.command == "state":
        return cmd_state(args, sys.stdout)
    if args.command in ("list", "mark"):
        problem = _parse_query(args, settings)
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_USAGE
        if args.command == "list" and args.explain:
            for line in args.parsed.explain():
                sys.stdout.write(line + "\n")
            return EXIT_OK
        if args.command == "list" and args.output and not args.format:
            from chiptui.corpus.export import format_for

            args.format = format_for(args.output)
            if args.format is None:
                print(f"chiptui list: say --format for {args.output} (jsonl, csv, md, html or urls)", file=sys.stderr)
                return EXIT_USAGE
    paths, origin = corpus_paths_with_origin(args.paths, settings.corpus)
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        for path in missing:
            print(f"chiptui: {display_path(path)}{origin}: no such file or folder", file=sys.stderr)
        return EXIT_USAGE
    max_bytes = args.max_bytes if args.max_bytes is not None else _max_bytes_default()
    if args.command is None:
        return _run_ui(paths, max_bytes, settings)

    import gc
    import signal

    from chiptui.corpus.store import CorpusStore

    # Ctrl-C in a command: one line and out at once, wherever the work is (a pool of parse
    # workers, SQLite, a pipe); the workers die with this process. SQLite rolls back what
    # a cut transaction wrote the next time the file is opened.
    signal.signal(signal.SIGINT, _interrupted)

    # a one-shot command builds large, long-lived structures: the cycle collector would
    # rescan them again and again for nothing (reference counting still frees memory)
    gc.disable()
    out = sys.stdout
    if args.command == "index":
        return cmd_index(paths, max_bytes, args, out)
    store = CorpusStore.load(
        paths, max_bytes=max_bytes, progress=_progress_bar() if sys.stderr.isatty() else None,
        cached=getattr(args, "cached", False),
    )
    if store.status is not None and store.status.notice:
        print(f"chiptui: {store.status.notice}", file=sys.stderr)
    try:
        if args.command == "list":
            return cmd_list(store, args, out)
        if args.command == "mark":
            return cmd_mark(store, args, out)
    finally:
        # damage SQLite found while the command ran was repaired: say so
        for notice in store.index.damage_notices if store.index is not None else ():
            print(f"chiptui: {notice}", file=sys.stderr)
    if args.command == "searches":
        return cmd_searches(store, settings, args, out)
    if args.command == "show":
        return cmd_show(store, args, out)
    if args.command == "check":
        return cmd_check(store, args, out)
    return cmd_facets(store, args, out)


def _run_ui(paths: list[str], max_bytes: int, settings) -> int:  # type: ignore[no-untyped-def]
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        print("chiptui: the browser needs a terminal; use 'chiptui list' in scripts", file=sys.stderr)
        return EXIT_USAGE
    # up to 240 frames a second (Textual's default is 60, read when Textual is imported): a
    # change waits for the next frame, so a search's list and count show up to 12 ms sooner;
    # a frame is drawn only when something changed (TEXTUAL_FPS set by the user wins)
    os.environ.setdefault("TEXTUAL_FPS", "240")
    try:
        from chiptui.app import ChiptuiApp
    except ImportError as exc:
        print(f"chiptui: cannot start the browser ({exc}); reinstall chiptui with its dependencies", file=sys.stderr)
        return EXIT_USAGE
    app = ChiptuiApp(paths, max_bytes=max_bytes, settings=settings)
    app.run()
    return app.return_code or 0


# ---------------------------------------------------------------------------
# commands


def _width(out: TextIO) -> int:
    if out.isatty():
        return max(40, shutil.get_terminal_size((80, 24)).columns)
    return 80


def _summary(store: CorpusStore, shown: int) -> str:
    errors = len(store.errors)
    warnings = len(store.problems) - errors
    text = f"{shown:,} of {len(store):,} articles"
    if store.problems:
        text += f"; {errors:,} errors and {warnings:,} warnings in the corpus (run 'chiptui check')"
    return text


def resolve_facets(store: CorpusStore, kind: str, names: Sequence[str]) -> list[str]:
    """Facet names as the corpus spells them: matched case-insensitively (and a provider
    also by its domain). An unknown name is kept (it matches nothing) and gets a hint
    on stderr, with the closest names the corpus has."""
    import difflib

    facets = store.facets()
    known = [f.name for f in (facets.topics if kind == "topic" else facets.providers)]
    by_fold = {name.casefold(): name for name in known}
    resolved = []
    for name in names:
        found = by_fold.get(name.strip().casefold())
        if found is None and kind == "provider":
            found = store.provider_by_domain(name)
        if found is not None:
            resolved.append(found)
            continue
        resolved.append(name)
        close = difflib.get_close_matches(name.casefold(), list(by_fold), n=3, cutoff=0.6)
        hint = " or ".join(f'"{by_fold[c]}"' for c in close)
        print(
            f"chiptui: no {kind} named {name!r} in the corpus"
            + (f"; did you mean {hint}?" if hint else f" (see 'chiptui facets' for the {kind}s it has)"),
            file=sys.stderr,
        )
    return resolved


def _state_store():  # type: ignore[no-untyped-def]
    from chiptui.corpus.state import StateStore

    state = StateStore()
    if state.notice:
        print(f"chiptui: {state.notice}", file=sys.stderr)
    return state


def _parse_query(args: argparse.Namespace, settings) -> str | None:  # type: ignore[no-untyped-def]
    """Parse --query (with --saved, --text and --unread/--read/--starred ANDed to it) into
    args.parsed; the error message when it is not a query."""
    from chiptui.corpus.query import And, FullText, Query, QueryError, State, parse

    text = args.query
    if getattr(args, "saved", None):
        saved = settings.searches.get(args.saved)
        if saved is None:
            names = ", ".join(sorted(settings.searches)) or "none yet"
            return f"chiptui: no saved search named {args.saved!r} (saved: {names})"
        text = f"({saved}) {text}" if text.strip() else saved
    try:
        parsed = parse(text)
    except QueryError as exc:
        offset = len(text) - len(args.query) if getattr(args, "saved", None) and args.query.strip() else 0
        where = exc.column - offset if exc.column > offset else exc.column
        return f"chiptui: query: {exc.message} (column {where})"
    extra = []
    words = tuple(re.findall(r"\w+", args.text))
    if words:
        extra.append(FullText(0, words))
    if args.state is not None:
        extra.append(State(0, args.state))
    if extra:
        tree = And(0, tuple(([parsed.tree] if parsed.tree is not None else []) + extra))
        parsed = Query(tree, parsed.sort, parsed.text)
    args.parsed = parsed
    return None


def _filtered(store: CorpusStore, args: argparse.Namespace, sort: str | None, state):  # type: ignore[no-untyped-def]
    """What 'list' prints for these arguments (and what 'mark' marks)."""
    topics = resolve_facets(store, "topic", args.topic)
    providers = resolve_facets(store, "provider", args.provider)
    return store.run_query(args.parsed, state, sort, topics, providers)


def cmd_mark(store: CorpusStore, args: argparse.Namespace, out: TextIO) -> int:
    from chiptui.corpus.state import StateError, Target

    state = _state_store()
    result = _filtered(store, args, None, state)
    entries = list(result)
    if args.ids:
        wanted = set(args.ids)
        unknown = [i for i in args.ids if store.get(i) is None]
        for article_id in unknown:
            print(f"chiptui: no article with id {article_id!r} (ids are in 'chiptui list --json')", file=sys.stderr)
        entries = [e for e in entries if e.id in wanted]
        outside = [i for i in args.ids if i not in unknown and i not in {e.id for e in entries}]
        for article_id in outside:
            print(f"chiptui: {article_id} is not among the articles the filters list; not marked", file=sys.stderr)
    targets = [Target(store.state_key(e), e.url, e.title) for e in entries]
    try:
        if args.action in ("read", "unread"):
            state.set_read(targets, args.action == "read")
        else:
            state.set_starred(targets, args.action == "star")
    except StateError as exc:
        print(f"chiptui: {exc}", file=sys.stderr)
        return EXIT_FOUND_PROBLEMS
    verb = {"read": "read", "unread": "unread", "star": "starred", "unstar": "unstarred"}[args.action]
    print(f"Marked {len(targets):,} article{'' if len(targets) == 1 else 's'} {verb}", file=sys.stderr)
    return EXIT_OK if len(targets) or not args.ids else EXIT_FOUND_PROBLEMS


def cmd_state(args: argparse.Namespace, out: TextIO) -> int:
    from chiptui.corpus.state import StateError, export_lines, parse_import

    state = _state_store()
    if args.action == "export":
        lines = [line + "\n" for line in export_lines(state)]
        if args.file and args.file != "-":
            if os.path.exists(args.file):
                print(f"chiptui: {args.file} exists; not overwritten (remove it or name another file)", file=sys.stderr)
                return EXIT_USAGE
            with open(args.file, "x", encoding="utf-8") as handle:
                handle.writelines(lines)
            print(f"Wrote {len(lines):,} marks to {args.file}", file=sys.stderr)
        else:
            out.writelines(lines)
        return EXIT_OK
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"chiptui: cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return EXIT_USAGE
    marks, problems = parse_import(text.splitlines(), args.file)
    for problem in problems:
        print(f"chiptui: {problem}", file=sys.stderr)
    try:
        taken, kept = state.merge(marks)
    except StateError as exc:
        print(f"chiptui: {exc}", file=sys.stderr)
        return EXIT_FOUND_PROBLEMS
    print(f"Imported {taken:,} marks; {kept:,} kept as they were (a newer change was already here)", file=sys.stderr)
    return EXIT_FOUND_PROBLEMS if problems else EXIT_OK


def _export(store: CorpusStore, entries: list, state, args: argparse.Namespace, out: TextIO) -> int:  # type: ignore[no-untyped-def]
    from chiptui.corpus.export import write

    fmt = args.format or "jsonl"
    if not args.output or args.output == "-":
        write(fmt, store, entries, state, out)
        return EXIT_OK
    try:
        with open(args.output, "x", encoding="utf-8", newline="") as handle:
            count = write(fmt, store, entries, state, handle)
    except FileExistsError:
        print(f"chiptui: {args.output} exists; not overwritten (remove it or name another file)", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"chiptui: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Wrote {count:,} articles to {args.output} ({fmt})", file=sys.stderr)
    return EXIT_OK


def cmd_searches(store: CorpusStore, settings, args: argparse.Namespace, out: TextIO) -> int:  # type: ignore[no-untyped-def]
    from chiptui.corpus.query import QueryError, parse

    state = _state_store()
    rows = []
    for name, text in settings.searches.items():
        try:
            result = store.run_query(parse(text), state)
        except QueryError as exc:
            rows.append({"name": name, "query": text, "count": None, "unread": None, "error": str(exc)})
            continue
        keys = store.state_keys()
        unread = sum(1 for i in result.indices if keys[i] not in state.read)
        rows.append({"name": name, "query": text, "count": len(result), "unread": unread})
    for row in rows:
        if args.json:
            out.write(dump_json(row) + "\n")
        elif row["count"] is None:
            out.write(f"{row['name']}  {row['query']}  error: {row['error']}\n")
        else:
            out.write(f"{row['name']}  {row['count']:,} ({row['unread']:,} unread)  {row['query']}\n")
    if not rows:
        print("chiptui: no saved searches yet: add them under [searches] in the config file, or Ctrl+S in the browser", file=sys.stderr)
    return EXIT_OK


def cmd_config(args: argparse.Namespace, out: TextIO) -> int:
    from chiptui.config import load_settings, write_default

    if args.init:
        written, path = write_default()
        if not written:
            print(f"chiptui: {path} exists; it was left as it is (edit it, or move it away first)", file=sys.stderr)
            return EXIT_USAGE
        out.write(f"Wrote {path}\n")
        return EXIT_OK
    try:
        from chiptui.app import binding_ids

        known: set[str] | None = binding_ids()
    except ImportError:
        known = None
    settings = load_settings(known_bindings=known)
    if args.json:
        data = {"path": settings.path, "exists": settings.exists, **settings.effective(),
                "problems": [p.format() for p in settings.problems]}
        out.write(dump_json(data) + "\n")
    else:
        out.write(f"config file: {settings.path}" + ("" if settings.exists else " (not there: defaults; 'chiptui config --init' writes one)") + "\n")
        for key, value in settings.effective().items():
            if key != "keys":
                out.write(f"{key} = {json.dumps(value, ensure_ascii=False)}\n")
        out.write("[keys]" + ("" if settings.keys else "  (the defaults)") + "\n")
        for binding_id, keys in settings.keys.items():
            out.write(f'"{binding_id}" = "{keys}"\n')
        if known:
            out.write("binding ids: " + ", ".join(sorted(known)) + "\n")
    for problem in settings.problems:
        print(f"chiptui: config: {problem.format()}", file=sys.stderr)
    return EXIT_FOUND_PROBLEMS if settings.problems else EXIT_OK


def cmd_list(store: CorpusStore, args: argparse.Namespace, out: TextIO) -> int:
    from chiptui.corpus.serialize import article_json, entry_json
    from chiptui.textfmt import fit, text_width

    state = _state_store()
    result = _filtered(store, args, args.sort, state)
    entries = result[: args.limit] if args.limit else list(result)
    if not len(store):
        from chiptui.corpus.store import empty_corpus_message

        print(f"chiptui: {empty_corpus_message(store)}", file=sys.stderr)
    if args.format and args.format != "jsonl" or args.output:
        return _export(store, entries, state, args, out)
    if args.json or args.format == "jsonl":
        for entry in entries:
            article = store.article(entry) if args.full else None
            data = article_json(article) if article is not None else entry_json(entry)
            key = store.state_key(entry)
            data["read"], data["starred"] = state.is_read(key), state.is_starred(key)
            out.write(dump_json(data) + "\n")
        return EXIT_OK
    provider_width = 18
    lines = []
    if out.isatty():
        title_width = _width(out) - 10 - provider_width - 4
        for entry in entries:
            line = f"{entry.date or ' ' * 10}  {fit(entry.provider, provider_width)}  {fit(entry.title, title_width)}"
            lines.append(line.rstrip() + "\n")
    else:
        # not a terminal: never cut anything, so grep and friends see every word
        for entry in entries:
            pad = " " * max(0, provider_width - text_width(entry.provider))
            lines.append(f"{entry.date or ' ' * 10}  {entry.provider}{pad}  {entry.title}".rstrip() + "\n")
    out.write("".join(lines))
    if out.isatty() or (not entries and len(store)):
        print(_summary(store, len(result)), file=sys.stderr)
    return EXIT_OK


def cmd_show(store: CorpusStore, args: argparse.Namespace, out: TextIO) -> int:
    from chiptui.corpus.serialize import article_json

    entry = store.find(args.article)
    if entry is None:
        print(f"chiptui: no article matches {args.article!r} (try 'chiptui list --query ...')", file=sys.stderr)
        return EXIT_FOUND_PROBLEMS
    article = store.article(entry)
    if article is None:
        print(
            f"chiptui: {display_path(entry.path)} no longer holds the card {entry.id!r}; it changed while chiptui ran, try again",
            file=sys.stderr,
        )
        return EXIT_FOUND_PROBLEMS
    body = store.body(article)
    if args.json:
        state = _state_store()
        data = article_json(article, body, with_body=True)
        key = store.state_key(entry)
        data["read"], data["starred"] = state.is_read(key), state.is_starred(key)
        out.write(dump_json(data) + "\n")
        return EXIT_OK
    out.write("\n".join(render_article(store, article, body, _width(out))) + "\n")
    return EXIT_OK


def render_article(store: CorpusStore, article: Article, body: list[str] | None, width: int) -> list[str]:
    from chiptui.corpus.serialize import related_byline, score_parts
    from chiptui.textfmt import wrap

    width = min(width, 100)
    lines = wrap(article.title, width)
    meta = [article.provider_name, article.published.strftime("%Y-%m-%d %H:%M UTC") if article.published else ""]
    lines.append(" \u00b7 ".join(m for m in meta if m))
    if article.topics:
        lines.extend(wrap("Topics: " + ", ".join(article.topics), width))
    lines.append(" \u00b7 ".join([*score_parts(article), f"id {article.id}"]))
    if article.url:
        lines.append(article.url)
    elif article.urls.candidates():
        lines.append("(no http/https link; the card's links are not opened)")
    if article.excerpt:
        lines.append("")
        lines.extend(wrap(article.excerpt, width))
    if article.related:
        lines += ["", "Related"]
        for number, related in enumerate(article.related, 1):
            lines.extend(wrap(f"{number}. {related.title}", width, "  ", hanging="     "))
            lines.append("     " + related_byline(related))
            if related.url:
                lines.append("     " + related.url)
            if related.article_id:
                lines.append(f"     (in this corpus: {related.article_id})")
    lines.append("")
    if body:
        lines.append("Body")
        lines.append(f"  from {display_path(article.body.path if article.body else article.source)}")
        for paragraph in body:
            lines.append("")
            lines.extend(wrap(paragraph, width))
    else:
        lines.append("No body in the corpus.")
    return lines


def _progress_bar():  # type: ignore[no-untyped-def]
    """A progress callback that redraws one line on stderr (only used on a terminal)."""
    import time

    from chiptui.widgets.status import progress_text

    started = time.monotonic()
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if total < 200 or (done != total and now - last[0] < 0.1):
            return
        last[0] = now
        rate = done / max(now - started, 1e-6)
        end = "\n" if done == total else ""
        sys.stderr.write("\r\x1b[2K" + "Indexing " + progress_text(done, total, rate) + end)
        sys.stderr.flush()

    return show


def cmd_index(paths: list[str], max_bytes: int, args: argparse.Namespace, out: TextIO) -> int:
    from chiptui.corpus.index import CorpusIndex

    index = CorpusIndex(paths, max_bytes)
    index.keep_spent = _SPENT
    try:
        return _indexed(index, args, out)
    finally:
        index.close()  # (written to the main file now: the process may end without its teardown)


def _indexed(index: CorpusIndex, args: argparse.Namespace, out: TextIO) -> int:
    pruned = None
    if args.prune:
        from chiptui.corpus.index import prune

        pruned = prune(keep=index.db_path)
    snapshot = index.refresh(_progress_bar() if sys.stderr.isatty() else None)
    assert snapshot is not None
    verified = None
    if args.verify:
        verified = index.verify() or "ok"
        if verified != "ok":
            snapshot = index.refresh()
            assert snapshot is not None
    status = snapshot.status
    errors = sum(1 for p in snapshot.problems if p.severity == "error")
    summary = {
        "index": status.db_path,
        "files": status.files,
        "parsed": status.parsed,
        "unchanged": status.unchanged,
        "removed": status.removed,
        "articles": len(snapshot.columns.ids),
        "errors": errors,
        "warnings": len(snapshot.problems) - errors,
        "full_text": "fts5" if status.fts else "like",
        "persistent": status.persistent,
        "rebuilt": status.rebuilt,
        "seconds": round(status.seconds, 3),
        "phases": status.phases,
    }
    if verified is not None:
        summary["verified"] = verified
    if pruned is not None:
        summary["pruned"] = pruned
    if args.json:
        out.write(dump_json(summary) + "\n")
    else:
        out.write(
            f"{status.files:,} files: {status.parsed:,} parsed, {status.unchanged:,} unchanged, "
            f"{status.removed:,} removed; {len(snapshot.columns.ids):,} articles, {errors:,} errors, "
            f"{summary['warnings']:,} warnings in {status.seconds:.2f} s\n"
        )
        out.write(f"index: {status.db_path}" + ("" if status.fts else " (no FTS5: full text uses LIKE)") + "\n")
        if status.rebuilt:
            out.write(f"rebuilt because {status.rebuilt}\n")
        if verified is not None:
            out.write("verified: every page and record reads back\n" if verified == "ok" else f"verify: {verified}\n")
        if pruned is not None:
            out.write(f"pruned: {len(pruned)} index file{'' if len(pruned) == 1 else 's'} of corpora not opened for 90 days\n")
    if status.notice:
        print(f"chiptui: {status.notice}", file=sys.stderr)
    return EXIT_OK


def cmd_check(store: CorpusStore, args: argparse.Namespace, out: TextIO) -> int:
    for problem in store.problems:
        if args.json:
            out.write(dump_json(problem.to_json()) + "\n")
        else:
            out.write(problem.format() + "\n")
    errors = len(store.errors)
    warnings = len(store.problems) - errors
    out.flush()  # the problems first, when both streams go to one pipe (``2>&1 | tail``)
    print(
        f"{store.files:,} files, {len(store):,} articles, {errors:,} errors, {warnings:,} warnings",
        file=sys.stderr,
    )
    return EXIT_FOUND_PROBLEMS if errors else EXIT_OK


def cmd_facets(store: CorpusStore, args: argparse.Namespace, out: TextIO) -> int:
    from chiptui.textfmt import fit

    facets = store.facets()
    if args.json:
        data = {
            "topics": [{"name": f.name, "count": f.count} for f in facets.topics],
            "providers": [{"name": f.name, "count": f.count} for f in facets.providers],
        }
        out.write(dump_json(data) + "\n")
        return EXIT_OK
    from chiptui.textfmt import text_width

    names = [f.name for f in (*facets.topics, *facets.providers)]
    name_width = min(max([text_width(n) for n in names] + [10]), _width(out) - 12)
    for heading, entries in (("Topics", facets.topics), ("Providers", facets.providers)):
        out.write(f"{heading}\n")
        for facet in entries:
            out.write(f"  {fit(facet.name, name_width)}  {facet.count:>7,}\n")
        out.write("\n")
    return EXIT_OK
