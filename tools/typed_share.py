"""The share of our functions that are fully typed: `make typed-share`.

A function counts as typed when it has a return annotation and every parameter is annotated
(`self` and `cls` excepted, as mypy infers them). Tests and migrations are left out: the first
are checked loosely, the second are generated. `--untyped` lists the ones still missing.
"""

import argparse
import ast
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "node_modules", "tests", "migrations", "static", "var", "staticfiles"}


def source_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*.py")
        if not SKIP_DIRS.intersection(path.relative_to(root).parts[:-1])
    )


def is_typed(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    # The first parameter of a method is `self` or `cls`; mypy types it without help.
    if positional and positional[0].arg in {"self", "cls"}:
        positional = positional[1:]
    params = [*positional, *args.kwonlyargs]
    params += [a for a in (args.vararg, args.kwarg) if a is not None]
    return func.returns is not None and all(p.annotation is not None for p in params)


def functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--untyped", action="store_true", help="list the untyped functions")
    options = parser.parse_args(argv)
    total: Counter[str] = Counter()
    typed: Counter[str] = Counter()
    for path in source_files(ROOT):
        relative = path.relative_to(ROOT)
        app = relative.parts[0] if len(relative.parts) > 1 else "."
        for func in functions(path):
            total[app] += 1
            if is_typed(func):
                typed[app] += 1
            elif options.untyped:
                print(f"{relative}:{func.lineno}: {func.name}")
    for app in sorted(total):
        print(f"{app:<16} {typed[app]:>4} / {total[app]:>4}  {typed[app] / total[app]:6.1%}")
    all_total, all_typed = sum(total.values()), sum(typed.values())
    print(f"{'all':<16} {all_typed:>4} / {all_total:>4}  {all_typed / max(all_total, 1):6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
