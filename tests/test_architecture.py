"""The package's layers, read from every module's syntax tree (imports inside functions too).

Layers, lowest first: base (``errors``, ``constants``, ``files``) < ``case`` < ``inference``
< ``analysis`` < ``views`` < ``report`` < ``app`` < ``cli``. A module may import its own layer
and lower ones; the import graph has no cycle; only ``cli.py`` imports the package's modules
inside functions.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "model"
LAYERS = ("base", "case", "inference", "analysis", "views", "report", "app", "cli")
LAZY_IMPORTS_ALLOWED = {"model.cli", "model.commands", "model.commands_library"}


def module_name(path: Path, *, package: Path = PACKAGE) -> str:
    """Dotted module name of a file inside ``package``."""
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    """Index of the layer a module belongs to (``model`` itself, the facade, is on top)."""
    parts = module.split(".")
    if len(parts) == 1:
        return len(LAYERS)
    head = parts[1]
    if head in ("errors", "constants", "files"):
        return 0
    if head in ("cli", "commands", "commands_library", "__main__"):
        return LAYERS.index("cli")
    return LAYERS.index(head)


def imports(path: Path, *, package_name: str = "model") -> list[tuple[str, int, bool]]:
    """``(imported module, line, inside a function)`` for every import of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:
                    full = f"{child.module}.{alias.name}"
                    target = full if _is_module(full, package_name) else child.module
                    found.append((target, child.lineno, in_function))
            visit(child, inner)

    visit(tree, False)
    return [f for f in found if f[0] == package_name or f[0].startswith(package_name + ".")]


def _is_module(dotted: str, package_name: str) -> bool:
    rel = Path(*dotted.split(".")[1:]) if dotted.startswith(package_name + ".") else None
    if rel is None:
        return False
    base = PACKAGE if package_name == "model" else None
    return base is not None and ((base / rel).with_suffix(".py").exists() or (base / rel).is_dir())


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Import graph of the package: module -> modules it imports (facade excluded)."""
    edges = {}
    for path in sorted(package.rglob("*.py")):
        mod = module_name(path, package=package)
        edges[mod] = {target for target, _, _ in imports(path)} - {"model"}
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def violations(package: Path = PACKAGE) -> list[str]:
    """Every upward import and every package import inside a function outside the CLI."""
    out = []
    for path in sorted(package.rglob("*.py")):
        mod = module_name(path, package=package)
        if mod == "model":
            continue
        for target, line, lazy in imports(path):
            if lazy and mod not in LAZY_IMPORTS_ALLOWED:
                out.append(f"{_rel(path)}:{line}: imports {target} inside a function")
            if target != "model" and layer(target) > layer(mod):
                out.append(
                    f"{_rel(path)}:{line}: {LAYERS[layer(mod)]} imports "
                    f"{target} ({LAYERS[layer(target)]}), a higher layer"
                )
            if target == "model":
                out.append(f"{_rel(path)}:{line}: imports the facade `model`")
    return out


def test_no_upward_or_lazy_imports():
    assert violations() == []


def test_no_import_cycle():
    assert find_cycle(graph()) is None


def test_a_planted_cycle_is_found():
    edges = graph()
    edges["model.case.schema"] = edges["model.case.schema"] | {"model.case.priors"}
    cycle = find_cycle(edges)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert "model.case.schema" in cycle and "model.case.priors" in cycle


def test_a_planted_upward_import_is_found(tmp_path):
    fake = tmp_path / "model"
    (fake / "case").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "case" / "__init__.py").write_text("")
    (fake / "case" / "bad.py").write_text(
        "from model.report.build import build_report\n\n\ndef f():\n    import model.case.x\n"
    )
    found = violations(fake)
    assert any("a higher layer" in v for v in found)
    assert any("inside a function" in v for v in found)


def test_architecture_md_lists_exactly_the_files():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`((?:model|benchmarks)/[\w/]+\.(?:py|css))`", text))
    present = {
        str(p.relative_to(ROOT))
        for pattern in ("model/**/*.py", "model/**/*.css", "benchmarks/**/*.py")
        for p in ROOT.glob(pattern)
    }
    assert listed == present, (
        f"missing from ARCHITECTURE.md: {sorted(present - listed)}; "
        f"listed but absent: {sorted(listed - present)}"
    )


MAX_MODULE_LINES = 420
"""A module longer than this is split (the developers' guide)."""


def long_modules(package: Path = PACKAGE, limit: int = MAX_MODULE_LINES) -> list[str]:
    """Every module of ``package`` over ``limit`` lines, as ``path: N lines``."""
    out = []
    for path in sorted(package.rglob("*.py")):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out.append(f"{_rel(path)}: {n} lines")
    return out


def test_every_module_stays_small():
    assert long_modules() == []


def test_a_planted_long_module_is_found(tmp_path):
    fake = tmp_path / "model"
    fake.mkdir()
    (fake / "short.py").write_text("x = 1\n")
    (fake / "long.py").write_text("x = 1\n" * (MAX_MODULE_LINES + 1))
    assert long_modules(fake) == [f"{fake / 'long.py'}: {MAX_MODULE_LINES + 1} lines"]
