"""The archive path's invariants, stated as absences and read from the source (``ast``): no import
cycle through it, no private name into or out of it, no view that imports it, Dask loaded in one
module only and only when asked for, no module of the package over 500 lines. Every import counts,
at module level or inside a function: an import put off to run time still ties two modules."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "report_extract.archive"
ARCHIVE_PATH = (PACKAGE, "report_extract.batch", "report_extract.cluster", "report_extract.status",
                "report_extract.views")
EXECUTORS = {f"{PACKAGE}.local", f"{PACKAGE}.dask_client", f"{PACKAGE}.dask_worker"}


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in (SRC / "report_extract").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


MODULES = _modules()


def _in_archive_path(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in ARCHIVE_PATH)


def _imports(module: str) -> list[tuple[str, str | None, str, ast.AST]]:
    """(module imported, name taken from it or None, the name it is bound to, the node) for every
    import in ``module``; ``from package import module`` is an import of that module."""
    path, is_package = MODULES[module]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, alias.asname or alias.name.split(".")[0], node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = module.split(".") if is_package else module.split(".")[:-1]
            if node.level:
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                bound = alias.asname or alias.name
                if f"{target}.{alias.name}" in MODULES:
                    found.append((f"{target}.{alias.name}", None, bound, node))
                else:
                    found.append((target, alias.name, bound, node))
    return found


def _graph() -> dict[str, set[str]]:
    return {m: {target for target, _, _, _ in _imports(m) if target in MODULES and target != m} for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_runs_through_the_archive_path():
    assert [c for c in _cycles(_graph()) if any(_in_archive_path(m) for m in c)] == []


def test_no_private_name_goes_into_or_out_of_the_archive_path():
    taken = []  # (module, the module it takes a private name from, the name)
    for module in MODULES:
        aliases = {}
        for target, name, bound, _ in _imports(module):
            if name is None:
                if target in MODULES:
                    aliases[bound] = target
            elif name.startswith("_") and not name.startswith("__") and target != module:
                taken.append((module, target, name))
        for node in ast.walk(ast.parse(MODULES[module][0].read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases \
                    and node.attr.startswith("_") and not node.attr.startswith("__"):  # module._name
                taken.append((module, aliases[node.value.id], node.attr))
    assert [t for t in taken if _in_archive_path(t[0]) or _in_archive_path(t[1])] == []


def test_no_view_imports_the_archive_package_or_its_facades():
    views = [m for m in MODULES if m.startswith("report_extract.views")]
    assert [(view, target) for view in views for target, _, _, _ in _imports(view)
            if target.startswith((PACKAGE, "report_extract.batch", "report_extract.cluster"))] == []


def test_only_run_knows_the_executors_and_no_module_of_the_package_imports_run_or_a_facade():
    package = [m for m in MODULES if m.startswith(PACKAGE + ".")]
    graph = _graph()
    for module in package:
        imported = graph[module]
        assert f"{PACKAGE}.run" not in imported, module
        assert not imported & {"report_extract.batch", "report_extract.cluster"}, module
        if module not in EXECUTORS | {f"{PACKAGE}.run", f"{PACKAGE}.dask_client"}:
            assert not imported & EXECUTORS, module
    assert not graph[f"{PACKAGE}.local"] & EXECUTORS
    assert graph[f"{PACKAGE}.dask_client"] & EXECUTORS == {f"{PACKAGE}.dask_worker"}  # the task it submits


def test_dask_is_imported_only_in_dask_client_and_only_inside_functions():
    for module in MODULES:
        tree = ast.parse(MODULES[module][0].read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        for target, _, _, node in _imports(module):
            if target.split(".")[0] in ("dask", "distributed"):
                assert module == f"{PACKAGE}.dask_client" and id(node) not in top, module


def test_no_module_of_the_archive_path_is_over_500_lines():
    lengths = {m: len(path.read_text(encoding="utf-8").splitlines()) for m, (path, _) in MODULES.items()
               if _in_archive_path(m)}
    assert {m: n for m, n in lengths.items() if n > 500} == {}
