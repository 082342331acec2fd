"""Front matter through PyYAML: the safe loader with a core schema (see ``frontmatter``)."""

from __future__ import annotations

import re

import yaml

from chiptui.corpus.frontmatter import FrontMatterError, Parsed, raw_float, raw_int

try:  # the C loader is several times faster; fall back when libyaml is missing
    _BaseLoader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - depends on the build of PyYAML
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]


class CorpusLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader with a core schema, raw text kept for numbers, tags reported."""

    yaml_implicit_resolvers: dict = {}
    yaml_constructors = dict(_BaseLoader.yaml_constructors)
    yaml_multi_constructors = dict(getattr(_BaseLoader, "yaml_multi_constructors", {}))

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.ignored_tags: list[tuple[str, int]] = []


def _add_resolver(tag: str, pattern: str, first: str) -> None:
    CorpusLoader.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))


_add_resolver("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_add_resolver("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789")
_add_resolver(
    "tag:yaml.org,2002:float",
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
    "-+0123456789.",
)
_add_resolver("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])  # type: ignore[arg-type]
CorpusLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


def _construct_int(loader: CorpusLoader, node: yaml.ScalarNode) -> int:
    try:
        return raw_int(node.value)
    except ValueError:
        return node.value  # type: ignore[no-any-return]


def _construct_float(loader: CorpusLoader, node: yaml.ScalarNode) -> float:
    return raw_float(node.value)


def _construct_timestamp_as_text(loader: CorpusLoader, node: yaml.ScalarNode) -> str:
    return str(node.value)


def _construct_unknown(loader: CorpusLoader, suffix: str, node: yaml.Node) -> object:
    loader.ignored_tags.append((node.tag, node.start_mark.line))
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return str(node.value)


CorpusLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
CorpusLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
CorpusLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
CorpusLoader.add_constructor(None, lambda loader, node: _construct_unknown(loader, "", node))  # type: ignore[arg-type]
CorpusLoader.add_multi_constructor("", _construct_unknown)  # type: ignore[arg-type]
CorpusLoader.add_multi_constructor("!", _construct_unknown)  # type: ignore[arg-type]
CorpusLoader.add_multi_constructor("tag:", _construct_unknown)  # type: ignore[arg-type]


_STR, _INT, _FLOAT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ, _TIMESTAMP = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class _Builder:
    """Nodes -> plain Python data, several times faster than PyYAML's generic constructor.

    It knows only the core schema; aliases resolve to the object already built for
    their anchor (so an alias "bomb" stays small), and anything unusual (merge keys)
    is handed back to PyYAML's own constructor, with the same result.
    """

    def __init__(self, loader: CorpusLoader) -> None:
        self.loader = loader
        self.built: dict[int, object] = {}

    def build(self, node: yaml.Node) -> object:
        try:
            return self._node(node)
        except _UseConstructor:
            return self.loader.construct_document(node)

    def _node(self, node: yaml.Node) -> object:
        done = self.built.get(id(node), _MISSING)
        if done is not _MISSING:
            return done
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR or tag == _TIMESTAMP:
                value: object = node.value
            elif tag == _NULL:
                value = None
            elif tag == _BOOL:
                value = node.value.lower() == "true"
            elif tag == _INT:
                value = _construct_int(self.loader, node)
            elif tag == _FLOAT:
                value = _construct_float(self.loader, node)
            elif tag == _MERGE:
                raise _UseConstructor
            else:
                value = _construct_unknown(self.loader, "", node)
            self.built[id(node)] = value
            return value
        if tag not in (_MAP, _SEQ):
            self.loader.ignored_tags.append((tag, node.start_mark.line))
        if isinstance(node, yaml.SequenceNode):
            items: list[object] = []
            self.built[id(node)] = items
            items.extend(self._node(child) for child in node.value)
            return items
        mapping: dict[object, object] = {}
        self.built[id(node)] = mapping
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise _UseConstructor
            key = self._node(key_node)
            if isinstance(key, (list, dict)):
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key)
            mapping[key] = self._node(value_node)
        return mapping


class _UseConstructor(Exception):
    pass


MAX_VALUES = 20_000  # values a card's front matter may hold once aliases are expanded
MAX_KEY = 1_000  # characters in one mapping key


def _check_bounds(root: yaml.Node, first_line: int) -> None:
    """Refuse front matter whose aliases expand beyond MAX_VALUES values, or whose keys are
    lists, mappings or huge text: a few hundred bytes of anchors can otherwise cost
    gigabytes and minutes ("billion laughs"). Sizes are summed with a memo per node, so
    the check itself is linear in the document."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes and not children_done:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = 1
            continue
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    line = key_node.start_mark.line + first_line
                    raise FrontMatterError("a key is a list or a mapping, which a card never needs", line)
                if len(key_node.value) > MAX_KEY:
                    line = key_node.start_mark.line + first_line
                    raise FrontMatterError(f"a key is longer than {MAX_KEY:,} characters", line)
            children = [n for pair in node.value for n in pair]
        else:
            children = list(node.value)
        if not children_done:
            sizes[key] = 1  # a node that refers to itself counts once (it is built once)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(child), 1) for child in children)
        if total > MAX_VALUES:
            line = node.start_mark.line + first_line
            raise FrontMatterError(
                f"front matter expands to more than {MAX_VALUES:,} values (anchors and aliases)", line
            )
        sizes[key] = total


_MISSING = object()


def parse_with_pyyaml(front: str, first_line: int) -> Parsed:
    """Parse front matter, keeping the line of every top-level key for messages."""
    loader = CorpusLoader(front)
    try:
        node = loader.get_single_node()
        if node is None:
            return Parsed(None, {}, {}, [])
        key_lines: dict[str, int] = {}
        item_lines: dict[str, list[int]] = {}
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key_lines.setdefault(key_node.value, key_node.start_mark.line + first_line)
                    if isinstance(value_node, yaml.SequenceNode):
                        item_lines[key_node.value] = [
                            item.start_mark.line + first_line for item in value_node.value
                        ]
        _check_bounds(node, first_line)
        data = _Builder(loader).build(node)
        tags = [(tag, line + first_line) for tag, line in loader.ignored_tags]
        return Parsed(data, key_lines, item_lines, tags)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        what = exc.problem or exc.context or "invalid YAML"
        raise FrontMatterError(f"front matter is not valid YAML: {what}", line) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"front matter is not valid YAML: {exc}", first_line) from None
    except RecursionError:
        raise FrontMatterError("front matter is nested too deeply to read", first_line) from None
    finally:
        loader.dispose()
