"""The layers stay apart and import only downward (design: knowledge and the small shared
modules, then understanding, replies, storage, reminders, actions, and the runtime and the
command line on top; handlers/ above all of bot/). Knowledge knows nothing of ours, bot/
nothing of Telegram, only the settings read the environment, no import goes round in a circle,
no product module is over 350 lines and none uses `assert`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGES = ("bot", "knowledge", "handlers")
# The command line starts the bot, whose composition root is in handlers/, from inside `run`.
CLI = ROOT / "bot" / "cli.py"
MAX_LINES = 350
# Each module's layer, by the longest prefix of its dotted name: a module may import from its
# own layer and lower ones only.
LAYERS = {
    "knowledge": 0,
    "bot.errors": 0,
    "bot.clock": 0,
    "bot.scopes": 0,
    "bot.settings": 0,
    "bot.logs": 0,
    "bot.commands": 0,
    "bot.languages": 0,
    "bot.translations": 0,
    "bot.metrics": 0,
    "bot.understanding": 1,
    "bot.replies": 2,
    "bot.feeds": 2,
    "bot.storage": 3,
    "bot.reminders": 4,
    "bot.actions": 5,
    "bot.runtime": 6,
    "bot.cli": 6,
    "bot.console": 6,
    "bot.__main__": 6,
    "handlers": 7,
}
# The package itself (bot/__init__.py): a layer of its own name only, so that a new module at
# bot/'s top level must be given its layer above.
PACKAGE_LAYERS = {"bot": 6}


@cache
def _tree(path: Path) -> ast.Module:
    """Each module parsed once for all the tests here."""
    return ast.parse(path.read_text(encoding="utf-8"))


@cache
def _nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of the module, walked once for all the tests here."""
    return tuple(ast.walk(_tree(path)))


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@cache
def _imported(path: Path) -> frozenset[str]:
    names: set[str] = set()
    for node in _nodes(path):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return frozenset(names)


def _where(paths: list[Path]) -> list[str]:
    """The offending modules, as paths from the project's folder."""
    return [path.relative_to(ROOT).as_posix() for path in paths]


# Each rule is one test over every module: it names every module that breaks it, in one run.


def test_knowledge_imports_nothing_of_ours_nor_telegram() -> None:
    offenders = [
        path for path in _modules("knowledge") if _imported(path) & {"bot", "handlers", "telegram"}
    ]
    assert _where(offenders) == []


def _imported_at_module_level(path: Path) -> set[str]:
    tree = _tree(path)
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_bot_imports_neither_telegram_nor_handlers() -> None:
    offenders = [
        path
        for path in _modules("bot")
        if (_imported_at_module_level(path) if path == CLI else _imported(path))
        & {"telegram", "handlers"}
    ]
    assert _where(offenders) == []


def test_only_handlers_import_telegram() -> None:
    importers = {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in _modules(package)
        if "telegram" in _imported(path)
    }
    assert importers
    assert {p for p in importers if not p.startswith("handlers/")} == set()


def test_nothing_but_the_settings_reads_the_environment() -> None:
    offenders = [
        path
        for package in PACKAGES
        for path in _modules(package)
        if path.name != "settings.py"
        and any(word in path.read_text(encoding="utf-8") for word in ("os.environ", "getenv"))
    ]
    assert _where(offenders) == []


def _name(path: Path) -> str:
    """bot/actions/chat.py → bot.actions.chat; bot/actions/__init__.py → bot.actions."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for package in PACKAGES for path in _modules(package)}


def _layer(module: str) -> int:
    if module in PACKAGE_LAYERS:
        return PACKAGE_LAYERS[module]
    prefix = max(
        (p for p in LAYERS if module == p or module.startswith(p + ".")), key=len, default=None
    )
    if prefix is None:
        raise LookupError(f"{module} is in no layer: add it to LAYERS")
    return LAYERS[prefix]


def _ours(path: Path, *, module_level: bool) -> Iterator[str]:
    """The modules of ours `path` imports (a submodule where `from package import name` names
    one); with `module_level`, only those imported when it is loaded."""
    tree = _tree(path)
    nodes = tree.body if module_level else _nodes(path)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.split(".")[0] in PACKAGES)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] not in PACKAGES:
                continue
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                yield submodule if submodule in MODULES else node.module


def test_a_module_of_bot_must_be_given_a_layer() -> None:
    with pytest.raises(LookupError):
        _layer("bot.something_new")


def _imports_by_name_or_relatively(path: Path) -> bool:
    source = path.read_text(encoding="utf-8")
    relative = any(isinstance(n, ast.ImportFrom) and n.level > 0 for n in _nodes(path))
    return relative or "importlib" in source or "__import__(" in source


def test_every_import_is_absolute_and_written_as_an_import() -> None:
    """What the layer checks read: relative imports and imports by name at run time would
    slip past them (ruff's TID252 refuses relative ones too)."""
    offenders = [
        path
        for package in PACKAGES
        for path in _modules(package)
        if _imports_by_name_or_relatively(path)
    ]
    assert _where(offenders) == []


def test_a_module_of_bot_imports_only_from_its_own_layer_or_lower_ones() -> None:
    upward = {
        f"{_name(path)} (layer {_layer(_name(path))}) imports {imported}": _layer(imported)
        for path in _modules("bot")
        for imported in _ours(path, module_level=path == CLI)
        if _layer(imported) > _layer(_name(path))
    }
    assert upward == {}


def test_the_modules_import_one_another_without_a_cycle() -> None:
    graph = {
        module: {m for m in _ours(path, module_level=True) if m in MODULES and m != module}
        for module, path in MODULES.items()
    }
    # Depth-first, colouring each module: on the path now (grey) or finished (black).
    grey: list[str] = []
    black: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        grey.append(module)
        for imported in sorted(graph[module]):
            if imported in grey:
                cycles.append([*grey[grey.index(imported) :], imported])
            elif imported not in black:
                visit(imported)
        grey.pop()
        black.add(module)

    for module in sorted(graph):
        if module not in black:
            visit(module)
    assert cycles == []


PRODUCT = [path for package in PACKAGES for path in _modules(package)]


def test_no_product_module_is_over_350_lines() -> None:
    offenders = [p for p in PRODUCT if len(p.read_text(encoding="utf-8").splitlines()) > MAX_LINES]
    assert _where(offenders) == []


def test_no_product_module_uses_assert() -> None:
    """assert vanishes under python -O: raise an error of bot.errors instead."""
    offenders = [p for p in PRODUCT if any(isinstance(n, ast.Assert) for n in _nodes(p))]
    assert _where(offenders) == []
