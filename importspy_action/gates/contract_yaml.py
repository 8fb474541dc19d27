"""Read a contract's YAML safely and remember where each key is.

Two jobs, both before the engine ever sees the file:

* Refuse what would hurt the engine: anchors and aliases (an alias bomb expands
  exponentially and hangs ruamel's loader), oversize files and non-UTF-8 bytes. The check
  walks PyYAML's event stream, which never expands aliases, so it is linear in file size.
* Keep a map from key paths (``("classes", 0, "methods", 1, "name")``) to line numbers, so
  violations the engine reports without a line -- a missing function, a runtime or
  dependency rule -- point at the contract line that asked for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KeyPath = tuple[str | int, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's C parser when PyYAML was built with it (its wheels are): ~10x faster than the
pure-Python one, which would otherwise dominate the gate's cost per contract."""


class ContractProblem(Exception):
    """The contract cannot be used; `line` is 1-based and points at the cause."""

    def __init__(self, code: str, message: str, line: int = 1, column: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = max(1, line)
        self.column = column


@dataclass(frozen=True)
class Requirement:
    """One structural requirement the engine walks, with its key path and enclosing scope."""

    name: str
    path: KeyPath
    context: str | None  # e.g. "class `Plugin`", "function `run`", "method `Plugin.run`"


@dataclass
class ContractDoc:
    """A parsed contract: its key-to-line map and the requirements in engine order."""

    path: Path
    lines: dict[KeyPath, int] = field(default_factory=dict)
    data: object = None

    def line_of(self, key_path: KeyPath) -> int:
        """Line of the deepest existing key on `key_path` (1 when nothing matches)."""
        probe = tuple(key_path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return 1

    def has(self, key_path: KeyPath) -> bool:
        return tuple(key_path) in self.lines

    def requirements(self) -> list[Requirement]:
        """Named requirements in the order importspy's evaluate_structure visits them."""
        data = self.data if isinstance(self.data, dict) else {}
        found = [
            Requirement(variable, ("variables", index, "name"), None)
            for index, variable in _named(data.get("variables"))
        ]
        for index, function in _items(data.get("functions")):
            found.extend(_function_requirements(index, function))
        for index, klass in _items(data.get("classes")):
            found.extend(_class_requirements(index, klass))
        return found


def _function_requirements(index: int, function: dict[str, object]) -> list[Requirement]:
    """A top-level function, then its arguments (scoped to the function)."""
    name = _name(function)
    if name is None:
        return []
    found = [Requirement(name, ("functions", index, "name"), None)]
    for arg_index, argument in _named(function.get("arguments")):
        path: KeyPath = ("functions", index, "arguments", arg_index, "name")
        found.append(Requirement(argument, path, f"function `{name}`"))
    return found


def _class_requirements(index: int, klass: dict[str, object]) -> list[Requirement]:
    """A class, then its attributes, methods (with their arguments) and superclasses.

    Attributes and methods are listed twice, bare and as `Class.name`, so a violation whose
    subject uses either form finds its contract line.
    """
    class_name = _name(klass)
    if class_name is None:
        return []
    found = [Requirement(class_name, ("classes", index, "name"), None)]
    scope = f"class `{class_name}`"
    for attr_index, attribute in _items(klass.get("attributes")):
        attr_name = _name(attribute)
        if attr_name is None:
            continue
        path: KeyPath = ("classes", index, "attributes", attr_index, "name")
        found.append(Requirement(attr_name, path, scope))
        found.append(Requirement(f"{class_name}.{attr_name}", path, scope))
    for method_index, method in _items(klass.get("methods")):
        method_name = _name(method)
        if method_name is None:
            continue
        path = ("classes", index, "methods", method_index, "name")
        found.append(Requirement(method_name, path, scope))
        found.append(Requirement(f"{class_name}.{method_name}", path, scope))
        method_scope = f"method `{class_name}.{method_name}`"
        for arg_index, argument in _named(method.get("arguments")):
            arg_path: KeyPath = (*path[:-1], "arguments", arg_index, "name")
            found.append(Requirement(argument, arg_path, method_scope))
    for base_index, base in _named(klass.get("superclasses")):
        base_path: KeyPath = ("classes", index, "superclasses", base_index, "name")
        found.append(Requirement(base, base_path, scope))
    return found


def _items(value: object) -> Iterator[tuple[int, dict[str, object]]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def _name(item: dict[str, object]) -> str | None:
    name = item.get("name")
    return name if isinstance(name, str) else None


def _named(value: object) -> Iterator[tuple[int, str]]:
    for index, item in _items(value):
        name = _name(item)
        if name is not None:
            yield index, name


def read_contract(path: Path, max_size: int) -> ContractDoc:
    """Parse `path` into a ContractDoc or raise ContractProblem with the offending line."""
    try:
        size = path.stat().st_size
        if size > max_size:
            raise ContractProblem(
                "ISPYA-C103",
                f"Contract is {size} bytes; the limit is {max_size} bytes.",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ContractProblem("ISPY-C101", f"Cannot read contract: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContractProblem(
            "ISPY-C101", f"Contract is not UTF-8 (byte {exc.start} on line {line}).", line
        ) from None
    _refuse_anchors(text)
    try:
        root, data = _compose_and_construct(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        detail = (exc.problem or exc.context or "invalid YAML").strip()
        raise ContractProblem(
            "ISPY-C101", f"Contract is not valid YAML: {detail} (line {line}).", line
        ) from None
    except yaml.reader.ReaderError as exc:  # a control character YAML does not allow
        line = text[: exc.position].count("\n") + 1
        raise ContractProblem(
            "ISPY-C101",
            f"Contract contains character {exc.character!r}, which YAML does not allow "
            f"(line {line}).",
            line,
        ) from None
    except yaml.YAMLError as exc:
        raise ContractProblem("ISPY-C101", f"Contract is not valid YAML: {exc}") from None
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1 if root is not None else 1
        kind = "empty" if root is None else f"a {_node_kind(root)}"
        raise ContractProblem(
            "ISPY-C101",
            f"Contract must be a YAML mapping of contract fields, but it is {kind}.",
            line,
        )
    doc = ContractDoc(path=path, data=data)
    _index(root, (), doc.lines)
    return doc


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, object]:
    """One parse for both the node tree (lines) and the Python data (requirements)."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return root, data


def _node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if isinstance(node, yaml.ScalarNode):
        return "scalar value"
    return "mapping"


def _refuse_anchors(text: str) -> None:
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                if mark is None:
                    raise ContractProblem("ISPYA-C102", "Contract uses YAML anchors or aliases.")
                raise ContractProblem(
                    "ISPYA-C102",
                    "Contract uses YAML anchors or aliases, which are refused: they can "
                    "expand into an alias bomb. Write the values out in full.",
                    mark.line + 1,
                    mark.column + 1,
                )
    except yaml.YAMLError:
        return  # syntax errors are reported with their line by the full parse


def _index(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            child = (*path, str(key_node.value))
            lines.setdefault(child, key_node.start_mark.line + 1)
            _index(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines.setdefault(child, item.start_mark.line + 1)
            _index(item, child, lines)
