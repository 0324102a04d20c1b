"""The whole package's rules, read from the code (issue 19; tests/test_architecture.py has the archive path's):
no import cycle between the package's modules,
no module importing another module's private name, no module over 500 lines, no view importing an
executor. Parsed with ast: nothing is imported or run."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "report_extract"
MAX_LINES = 500
EXECUTORS = ("report_extract.archive.local", "report_extract.archive.dask", "report_extract.cluster",
             "report_extract.batch")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, str | None, int]]:
    """(module imported, name imported from it or None, line) for every import of the package's own
    modules, wherever it stands (top level or inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("report_extract"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in modules:  # from . import batch: a module
                    found.append((sub, None, node.lineno))
                else:
                    found.append((target, alias.name, node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("report_extract"):
                    found.append((alias.name, None, node.lineno))
    return found


def test_no_module_imports_another_modules_private_name():
    modules = _modules()
    private = []
    for name, path in modules.items():
        for target, imported, line in _imports(name, path, modules):
            if imported and imported.startswith("_") and not imported.startswith("__") and target != name:
                private.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}.{imported}")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):  # module._private through an imported module
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and isinstance(node.value, ast.Name) and node.value.id in _module_names(name, path, modules):
                private.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert private == []


def _module_names(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The local names that stand for the package's modules in a module (``from . import batch``)."""
    names = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if any(m.endswith("." + alias.name) for m in modules):
                    names.add(alias.asname or alias.name)
    return names


def test_no_import_cycle():
    modules = _modules()
    graph = {name: {t for t, _, _ in _imports(name, path, modules) if t in modules and t != name
                    and not name.startswith(t + ".")}  # a package's __init__ is imported by its modules
             for name, path in modules.items()}
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_module_over_500_lines():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_view_imports_an_executor():
    modules = _modules()
    wrong = [f"{name} imports {target}" for name, path in modules.items() if name.startswith("report_extract.views")
             for target, _, _ in _imports(name, path, modules) if target.startswith(EXECUTORS)]
    assert wrong == []
