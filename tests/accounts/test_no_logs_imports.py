"""accounts is below logs: it imports nothing of logs, not even inside a function; a
guardian's token reaches logs through accounts.signals (R-GUAR-02, issue 8)."""

import ast
from pathlib import Path

ACCOUNTS = Path(__file__).resolve().parents[2] / "accounts"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_accounts_imports_nothing_of_logs():
    offenders = {
        str(path.relative_to(ACCOUNTS.parent)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] == "logs"
        )
        for path in ACCOUNTS.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
