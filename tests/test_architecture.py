"""The shape the code keeps: short product functions with few parameters, imports that only go
down the layers, stages that import no other stage, a benchmark that reads no test module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scripts.code_shape import MAX_LINES, MAX_PARAMETERS, line_count, parameter_count
from summarize.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "summarize"
# Lower layers first; a module may import from its own layer and the ones before it.
LAYERS = (
    ("summarize.errors",),
    ("summarize.settings",),
    ("summarize.types",),
    ("summarize.nlp",),
    ("summarize.stages",),
    ("summarize.runtime",),
    ("summarize.config",),
    ("summarize.__main__", "summarize.prepare", "summarize.bench", "summarize"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    """The rank of a module's layer: a package prefix holds its submodules ("summarize" only itself)."""
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or (prefix != "summarize" and module.startswith(prefix + ".")):
                return rank
    raise AssertionError(f"{module} is in no layer")


def product_modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}


def imported(tree: ast.Module, module: str) -> set[str]:
    """Every summarize module `tree` imports, lazily inside a function too."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if node.level == 0 else module.rsplit(".", node.level)[0] + "." + node.module
            names.add(base)
    return {n for n in names if n == "summarize" or n.startswith("summarize.")}


def functions(tree: ast.Module):
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


@pytest.mark.parametrize("module", sorted(product_modules()))
def test_functions_are_short_and_narrow(module):
    tree = product_modules()[module]
    long = [f"{f.name} ({line_count(f)} lines)" for f in functions(tree) if line_count(f) > MAX_LINES]
    wide = [f"{f.name} ({parameter_count(f)} parameters)" for f in functions(tree) if parameter_count(f) > MAX_PARAMETERS]
    assert not long and not wide, (long, wide)


@pytest.mark.parametrize("module", sorted(product_modules()))
def test_imports_go_down_the_layers(module):
    tree = product_modules()[module]
    upward = [name for name in imported(tree, module) if layer(name) > layer(module)]
    assert not upward, f"{module} imports {upward} from a higher layer"


@pytest.mark.parametrize("module", sorted(m for m in product_modules() if m.startswith("summarize.stages.")))
def test_no_stage_imports_another(module):
    others = [name for name in imported(product_modules()[module], module) if name.startswith("summarize.stages") and name != module]
    assert not others, others


def test_the_benchmark_reads_no_test_module():
    test_modules = {p.stem for p in (PROJECT_ROOT / "tests").glob("*.py")}
    for path in sorted((PROJECT_ROOT / "bench").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "sys.path" not in text, f"{path.name} changes the import path"
        for node in ast.walk(ast.parse(text)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not {n.split(".")[0] for n in names} & test_modules, f"{path.name} imports a test module"


def test_the_layer_check_sees_an_upward_import():
    """The check above cannot pass vacuously: a stage importing the runner is caught."""
    tree = ast.parse("def f():\n    from summarize.runtime.runner import STAGES\n")
    assert [n for n in imported(tree, "summarize.stages.write") if layer(n) > layer("summarize.stages.write")] == ["summarize.runtime.runner"]
