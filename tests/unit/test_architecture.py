"""The layers stay apart: knowledge knows nothing of ours, the engine nothing of Telegram, and
only the settings read the environment."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGES = ("bot", "knowledge", "handlers")
# The command line starts the bot, whose composition root is in handlers/, from inside `run`.
CLI = ROOT / "bot" / "cli.py"


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", _modules("knowledge"), ids=lambda p: p.name)
def test_knowledge_imports_nothing_of_ours_nor_telegram(path: Path) -> None:
    assert _imported(path) & {"bot", "handlers", "telegram"} == set()


def _imported_at_module_level(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
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


def test_asking_a_question_does_not_load_telegram() -> None:
    probe = (
        "import sys, io\n"
        "from bot.cli import main\n"
        "sys.stdout = io.StringIO()\n"
        "main(['ask', 'who trains Swansea?'])\n"
        "sys.stdout = sys.__stdout__\n"
        "print('telegram' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"
