"""YAML loading that remembers where every value came from.

Administrators edit flows and content by hand, so every validation error must
point at ``file:line:column``. PyYAML's ``safe_load`` forgets positions and
silently keeps the last of two duplicate keys; this loader keeps a position for
each mapping, each key and each list item, and reports duplicate keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml


@dataclass(frozen=True, slots=True)
class Position:
    """A place in a source file; line and column are 1-based, as editors show them."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Problem(Exception):
    """A located error or warning about a YAML source, written for a non-developer."""

    def __init__(self, position: Position | None, message: str, severity: str = "error"):
        super().__init__(message)
        self.position = position
        self.message = message
        self.severity = severity

    def __str__(self) -> str:
        where = f"{self.position}: " if self.position else ""
        return f"{where}{self.severity}: {self.message}"


class MarkedDict(dict):
    """A dict that knows its own position and the position of each key and value."""

    position: Position
    key_positions: dict[Any, Position]
    value_positions: dict[Any, Position]

    def at(self, key: Any) -> Position:
        """Position of the value under ``key``, or of the mapping itself when absent."""
        return self.value_positions.get(key) or self.key_positions.get(key) or self.position


class MarkedList(list):
    """A list that knows its own position and the position of each item."""

    position: Position
    item_positions: list[Position]

    def at(self, index: int) -> Position:
        if 0 <= index < len(self.item_positions):
            return self.item_positions[index]
        return self.position


def _position(file: str, node: yaml.Node) -> Position:
    return Position(file, node.start_mark.line + 1, node.start_mark.column + 1)


if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:  # libyaml's loader when it is there: 10x faster
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _MarkedLoader(_BaseLoader):
    """SafeLoader building MarkedDict/MarkedList and refusing duplicate keys."""

    source_name = "<yaml>"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> MarkedDict:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        self.flatten_mapping(node)
        mapping = MarkedDict()
        mapping.position = _position(self.source_name, node)
        mapping.key_positions = {}
        mapping.value_positions = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise Problem(
                    _position(self.source_name, key_node),
                    "a key must be a simple word or number, not a list or a mapping",
                ) from None
            if key in mapping:
                first = mapping.key_positions[key]
                raise Problem(
                    _position(self.source_name, key_node),
                    f"duplicate key '{key}' (first defined at line {first.line}); "
                    "each key may appear only once in a block: rename or merge one of them",
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_positions[key] = _position(self.source_name, key_node)
            mapping.value_positions[key] = _position(self.source_name, value_node)
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> MarkedList:
        items = MarkedList(self.construct_object(child, deep=True) for child in node.value)
        items.position = _position(self.source_name, node)
        items.item_positions = [_position(self.source_name, child) for child in node.value]
        return items


_MarkedLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _MarkedLoader.construct_mapping
)
_MarkedLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _MarkedLoader.construct_sequence
)


def load_marked(text: str, source_name: str) -> Any:
    """Parse YAML text into MarkedDict/MarkedList values; raise Problem on bad YAML."""
    loader = _MarkedLoader(text)
    loader.source_name = source_name
    try:
        return loader.get_single_data()
    except Problem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = Position(source_name, mark.line + 1, mark.column + 1) if mark else None
        detail = exc.problem or str(exc)
        hint = ""
        if "\t" in text and "tab" in detail.lower():
            hint = " (YAML indentation must use spaces, not tabs)"
        raise Problem(position, f"the file is not valid YAML: {detail}{hint}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive, PyYAML errors are marked
        raise Problem(Position(source_name, 1, 1), f"the file is not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def display_name(path: Path, root: Path | None) -> str:
    """How a file is named in messages: relative to ``root`` when it lies below it."""
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def load_marked_file(path: Path, display_root: Path | None = None) -> Any:
    """Read and parse a YAML file; positions name it relative to ``display_root``."""
    name = display_name(path, display_root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(Position(name, 1, 1), f"the file is not UTF-8 text ({exc.reason})") from None
    return load_marked(text, name)


def position_of(value: object, fallback: Position) -> Position:
    """The position of a marked value, or ``fallback`` for plain scalars."""
    return value.position if isinstance(value, MarkedDict | MarkedList) else fallback
