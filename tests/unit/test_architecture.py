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
    "bot.understanding": 1,
    "bot.replies": 2,
    "bot.storage": 3,
    "bot.reminders": 4,
    "bot.actions": 5,
    "bot.runtime": 6,
    "bot.cli": 6,
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


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", _modules("knowledge"), ids=lambda p: p.name)
def test_knowledge_imports_nothing_of_ours_nor_telegram(path: Path) -> None:
    assert _imported(path) & {"bot", "handlers", "telegram"} == set()


def _imported_at_module_level(path: Path) -> set[str]:
    tree = _tree(path)
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", _modules("bot"), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_bot_imports_neither_telegram_nor_handlers(path: Path) -> None:
    imported = _imported_at_module_level(path) if path == CLI else _imported(path)
    assert imported & {"telegram", "handlers"} == set()


def test_only_handlers_import_telegram() -> None:
    importers = {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in _modules(package)
        if "telegram" in _imported(path)
    }
    assert importers
    assert {p for p in importers if not p.startswith("handlers/")} == set()


@pytest.mark.parametrize(
    "path", [p for package in PACKAGES for p in _modules(package)], ids=lambda p: p.name
)
def test_nothing_but_the_settings_reads_the_environment(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    if path.name != "settings.py":
        assert "os.environ" not in source
        assert "getenv" not in source


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
    nodes = tree.body if module_level else list(ast.walk(tree))
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


@pytest.mark.parametrize(
    "path", [p for package in PACKAGES for p in _modules(package)], ids=lambda p: p.name
)
def test_every_import_is_absolute_and_written_as_an_import(path: Path) -> None:
    """What the layer checks read: relative imports and imports by name at run time would
    slip past them (ruff's TID252 refuses relative ones too)."""
    tree = _tree(path)
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0]
    source = path.read_text(encoding="utf-8")
    assert "importlib" not in source
    assert "__import__(" not in source


@pytest.mark.parametrize("path", _modules("bot"), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_module_of_bot_imports_only_from_its_own_layer_or_lower_ones(path: Path) -> None:
    module = _name(path)
    upward = {
        imported
        for imported in _ours(path, module_level=path == CLI)
        if _layer(imported) > _layer(module)
    }
    assert upward == set(), f"{module} (layer {_layer(module)}) imports from higher layers"


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


@pytest.mark.parametrize("path", PRODUCT, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_product_module_is_over_350_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", PRODUCT, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_product_module_uses_assert(path: Path) -> None:
    tree = _tree(path)
    lines = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    assert lines == [], "assert vanishes under python -O: raise an error of bot.errors instead"
