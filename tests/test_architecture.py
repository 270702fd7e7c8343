"""The shape of the code: layers that must not leak into each other (docs/architecture.md).

These read the source (with ``ast``), so that a shortcut between layers fails here, with
the module and the line, before it becomes a habit.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

BOT = PROJECT_ROOT / "bot"
FEATURES = ("bot.knowledge", "bot.qa", "bot.broadcast", "bot.admin")
SQL = re.compile(r"\b(SELECT|INSERT INTO|DELETE FROM|CREATE TABLE|PRAGMA|UPDATE \w+ SET)\b")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in BOT.rglob("*.py")}


def imports(path: Path, with_type_checking: bool = False) -> list[tuple[str, int]]:
    """(module, line) of every import of a file, in functions too; not TYPE_CHECKING ones."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if not with_type_checking:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped |= {id(sub) for sub in ast.walk(node)}
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            found.append((base, node.lineno))
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def graph() -> dict[str, set[str]]:
    return {name: {target for target, _ in imports(path) if target in MODULES and target != name}
            for name, path in MODULES.items()}


def test_no_import_cycle_in_bot_counting_imports_inside_functions():
    edges = graph()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_the_engine_knows_no_feature_and_no_network():
    for name, path in MODULES.items():
        if not name.startswith("bot.engine"):
            continue
        for target, line in imports(path, with_type_checking=True):
            assert not target.startswith((*FEATURES, "bot.channels", "telegram", "nio")), \
                f"{path.relative_to(PROJECT_ROOT)}:{line} imports {target}"


def test_channels_know_nothing_of_ess():
    for name, path in MODULES.items():
        if not name.startswith("bot.channels"):
            continue
        for target, line in imports(path, with_type_checking=True):
            assert not target.startswith(FEATURES), \
                f"{path.relative_to(PROJECT_ROOT)}:{line} imports {target}"


def test_sql_lives_only_in_the_storage_layer():
    for name, path in MODULES.items():
        if name.startswith("bot.store") or ".storage" in name:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and SQL.search(node.value):
                pytest.fail(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}: SQL outside "
                            "bot/store and the features' storage modules")


def test_no_private_internals_of_python_telegram_bot():
    source = (BOT / "channels" / "telegram.py").read_text(encoding="utf-8")
    for pattern in ("DEFAULT_NONE", "RequestData", "BaseRequest", "sys.modules", "._"):
        if pattern == "._":
            private = re.findall(r"\b(?:telegram|PTBBot|self\.bot)\.(_\w+)", source)
            assert not private, private
        else:
            assert pattern not in source, pattern
    for _name, path in MODULES.items():
        for target, line in imports(path, with_type_checking=True):
            assert not any(part.startswith("_") for part in target.split(".")[1:]
                           if target.startswith("telegram")), \
                f"{path.relative_to(PROJECT_ROOT)}:{line} imports {target}"
