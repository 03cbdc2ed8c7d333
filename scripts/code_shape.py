"""The shape of the product code: its longest functions, widest signatures and largest modules.

    .venv/bin/python scripts/code_shape.py [CHECKOUT]     # default: this checkout

A function's length runs from `def` to its last line, docstring included; its parameters leave
out self and cls and count *args and **kwargs one each. tests/test_architecture.py holds every
product function to MAX_LINES and MAX_PARAMETERS with these same counts. Prints Markdown tables.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROWS = 10
MAX_LINES = 40
MAX_PARAMETERS = 6


def line_count(node: ast.FunctionDef) -> int:
    return node.end_lineno - node.lineno + 1


def parameter_count(node: ast.FunctionDef) -> int:
    args = node.args
    named = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg not in ("self", "cls")]
    return len(named) + bool(args.vararg) + bool(args.kwarg)


def main(checkout: Path) -> None:
    functions, modules = [], []
    for path in sorted((checkout / "summarize").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(checkout))
        modules.append((len(text.splitlines()), name))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append((line_count(node), parameter_count(node), f"{name}:{node.lineno} {node.name}"))
    print("| longest functions | lines | parameters |\n|---|---|---|")
    for lines, parameters, where in sorted(functions, reverse=True)[:ROWS]:
        print(f"| {where} | {lines} | {parameters} |")
    print("\n| widest signatures | parameters | lines |\n|---|---|---|")
    for lines, parameters, where in sorted(functions, key=lambda f: (-f[1], -f[0]))[:ROWS]:
        print(f"| {where} | {parameters} | {lines} |")
    print("\n| largest modules | lines |\n|---|---|")
    for lines, name in sorted(modules, reverse=True)[:ROWS]:
        print(f"| {name} | {lines} |")
    over = sum(lines > MAX_LINES for lines, _, _ in functions), sum(parameters > MAX_PARAMETERS for _, parameters, _ in functions)
    print(f"\n{len(functions)} functions, {over[0]} over {MAX_LINES} lines, {over[1]} over {MAX_PARAMETERS} parameters; "
          f"{sum(lines for lines, _ in modules)} lines in {len(modules)} modules")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
