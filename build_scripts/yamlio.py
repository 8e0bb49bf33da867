"""Strict YAML in, deterministic YAML out.

Reading: ``yaml.SafeLoader`` without the implicit timestamp resolver, so ``2023-02-30`` stays
the string it is and is judged by ``dates.parse`` (one place for dates), never a crash inside
PyYAML. Each mapping key's line is kept so problems can point at it.
Writing: keys in field-list order, long text as literal blocks, everything else quoted only
where YAML needs it. The same record always gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

_CBase: Any = getattr(yaml, "CSafeLoader", None)


class FastStrictLoader(_CBase or yaml.SafeLoader):  # type: ignore[misc]
    """A safe loader on libyaml's C parser (about 25 times faster) that keeps dates as strings.

    It only parses; ``_build`` turns the nodes into data and refuses aliases, duplicate keys,
    merge keys and unknown tags.
    """


FastStrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key: str, line: int):
        self.key, self.line = key, line
        super().__init__(f"key {key!r} appears twice (second time on line {line})")


@dataclass(frozen=True)
class Loaded:
    data: Any
    # "field" or "sections[2].heading" -> 1-based line
    lines: dict[str, int]


class YamlProblem(Exception):
    def __init__(self, message: str, line: int, key: str = "", code: str = "yaml-error",
                 hint: str = "fix the YAML syntax at that line"):
        self.line, self.key, self.code, self.hint = line, key, code, hint
        super().__init__(message)


def load(text: str) -> Loaded:
    """Parse ``text`` strictly; raise ``YamlProblem`` with a line number when it is not YAML."""
    lines: dict[str, int] = {}
    try:
        loader = FastStrictLoader(text)  # a SafeLoader: no object construction from tags
        try:
            node = loader.get_single_node()
            data = _build(loader, node, "", lines, {id(node)}) if node is not None else None
        finally:
            loader.dispose()
    except DuplicateKey as exc:
        raise YamlProblem(str(exc), exc.line, exc.key) from None
    except NumberProblem as exc:
        mark = exc.problem_mark
        raise YamlProblem(str(exc.problem), mark.line + 1 if mark else 0, _key_path(lines, mark), "bad-number",
                          exc.note or "") from None
    except RecursionError:
        raise YamlProblem("not valid YAML: nested too deeply", 0) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and exc.context and ("scanning" in exc.context or "flow" in exc.context):
            mark = exc.context_mark  # an unclosed quote or bracket: point where it was opened
        line = mark.line + 1 if mark else 0
        context = f"{exc.context} (line {exc.context_mark.line + 1}): " if exc.context and exc.context_mark else ""
        key = _key_path(lines, exc.problem_mark) if isinstance(exc, yaml.constructor.ConstructorError) else ""
        raise YamlProblem(f"not valid YAML: {context}{exc.problem or exc}", line, key) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"not valid YAML: {exc}", 0) from None
    return Loaded(data, lines)


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _build(loader: Any, node: yaml.Node, prefix: str, out: dict[str, int], seen: set[int]) -> Any:
    """The node as Python data, in one pass that also records each key's line (``out``).

    Refuses aliases (*name: the parser hands them over as a node seen twice), duplicate keys,
    keys that are not plain values, merge keys and tags other than the standard ones. Text, the
    bulk of a record, is taken as it is; other scalars go to PyYAML's safe constructor.
    """
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else _scalar(loader, node)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        items = []
        for i, child in enumerate(node.value):
            path = f"{prefix}[{i}]"
            items.append(_build(loader, child, path, out, _enter(seen, child, path, out, child.start_mark)))
        return items
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        mapping: dict[Any, Any] = {}
        for key_node, child in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(None, None, "a key must be plain text, not a list, mapping "
                                                        "or merge (<<)", key_node.start_mark)
            key = _build(loader, key_node, prefix, out, seen)
            if not isinstance(key, (str, int, float, bool, type(None))):
                raise yaml.constructor.ConstructorError(None, None, "a key must be plain text", key_node.start_mark)
            path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            out.setdefault(path, key_node.start_mark.line + 1)
            if key in mapping:
                raise DuplicateKey(str(key), key_node.start_mark.line + 1)
            mapping[key] = _build(loader, child, path, out, _enter(seen, child, path, out, key_node.start_mark))
        return mapping
    raise yaml.constructor.ConstructorError(None, None, f"the tag {node.tag} is not allowed here", node.start_mark)


_INT, _NULL, _TIMESTAMP = "tag:yaml.org,2002:int", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
MAX_INT = 2**63 - 1
"""The largest whole number a record may hold (SQLite's integers are 64-bit)."""


class NumberProblem(yaml.MarkedYAMLError):
    """A number YAML 1.1 would read as something other than what it looks like, or too large to keep."""


def _scalar(loader: Any, node: yaml.ScalarNode) -> Any:
    """A non-text scalar: numbers only in plain decimal (YAML 1.1 reads ``010`` as 8 and ``1:30`` as
    90), within 64 bits; an explicit tag whose text does not fit it (``!!int ''``, ``!!bool maybe``,
    ``!!timestamp 2020-02-30``) is an error with its line, never a crash inside PyYAML."""
    value = node.value
    if node.tag == _INT:
        if not _DECIMAL.fullmatch(value):
            raise NumberProblem(None, None, f"{value!r} is not a plain decimal number (YAML 1.1 reads 010 as 8 "
                                "and 1:30 as 90)", node.start_mark, "write the number in decimal without leading "
                                "zeros, or quote it to keep it as text")
        if len(value) > 20 or abs(int(value)) > MAX_INT:
            raise NumberProblem(None, None, f"{value[:24]}{'…' if len(value) > 24 else ''} "
                                f"is too large ({len(value.lstrip('+-'))} digits); a whole number here is at most "
                                f"{MAX_INT:,}", node.start_mark, "check it against the letter")
        return int(value)
    if node.tag == _NULL and value not in ("", "~", "null", "Null", "NULL"):
        raise yaml.constructor.ConstructorError(None, None, f"{value!r} is not null: remove the !!null tag",
                                                node.start_mark)
    if node.tag == _TIMESTAMP:
        raise yaml.constructor.ConstructorError(None, None, "dates are text written YYYY-MM-DD: remove the "
                                                "!!timestamp tag", node.start_mark)
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, KeyError, TypeError, OverflowError, IndexError):
        raise yaml.constructor.ConstructorError(None, None, f"{value!r} is not a valid {node.tag.rsplit(':', 1)[-1]} "
                                                "value: remove the tag, or quote the value as text",
                                                node.start_mark) from None


def _enter(seen: set[int], child: yaml.Node, path: str, out: dict[str, int], mark: Any) -> set[int]:
    """Note the line of ``path`` (its key's, or the item's) and refuse a node met before (an alias)."""
    out.setdefault(path, mark.line + 1)
    if id(child) in seen:
        raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed; write the value out", mark)
    seen.add(id(child))
    return seen


def _key_path(lines: dict[str, int], mark: Any) -> str:
    """The deepest key recorded on the line of ``mark`` (the field a bad value belongs to)."""
    line = mark.line + 1 if mark else 0
    on_line = [path for path, at in lines.items() if at == line]
    return max(on_line, key=len) if on_line else ""


# --- writing -------------------------------------------------------------------------------

_PLAIN_SAFE = re.compile(r"^[\w\u3000-\u9fff\uff00-\uffef][^:#\n]*$")


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def dump(data: Any) -> str:
    """Deterministic YAML for a record: insertion order kept, UTF-8 text, no line folding."""
    text: str = yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=False
    )
    return text
