"""No import circles in `app/`: a small static walk of every `import` statement, those inside
functions included (a circle hidden in a function-level import is still a circle), those
under `if TYPE_CHECKING:` left out (they never run)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Packages allowed to import each other: none. The web application's factory (`app.web`)
# sits above both the API and the console it mounts, so the console's pages can call the
# API's edge functions without the API importing the console back.
KNOWN_PACKAGE_PAIRS: set[frozenset[str]] = set()


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path, package: str = "app") -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted((root / package).rglob("*.py"))}


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, except the bodies of `if TYPE_CHECKING:` blocks."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of `known` that `path` imports: `from a import b` counts as importing
    `a.b` when that is a module, else `a`."""

    def owner(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in known
                else node.module
                for alias in node.names
            ]
        found.update(module for name in names if (module := owner(name)) is not None)
    return found


def graph(root: Path) -> dict[str, set[str]]:
    known = modules(root)
    return {name: imports(path, known) - {name} for name, path in known.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def package_graph(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for module, targets in edges.items():
        mine = package_of(module)
        packages.setdefault(mine, set()).update(
            package_of(target) for target in targets if package_of(target) != mine
        )
    return packages


def test_no_module_of_app_imports_itself_through_others() -> None:
    assert circles(graph(ROOT)) == []


def test_no_new_circle_between_app_packages() -> None:
    found = circles(package_graph(graph(ROOT)))
    pairs = {frozenset(component) for component in found}

    assert all(len(component) == 2 for component in found), found
    assert pairs <= KNOWN_PACKAGE_PAIRS, found


def test_the_walk_finds_a_circle_hidden_in_a_function(tmp_path: Path) -> None:
    package = tmp_path / "app"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "inner" / "__init__.py").write_text("")
    (package / "one.py").write_text("from app.inner import two\n")
    (package / "inner" / "two.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from app import three\n"
        "def f():\n    from app import one\n"
    )
    (package / "three.py").write_text("import app.inner.two\n")

    edges = graph(tmp_path)

    assert circles(edges) == [["app.inner.two", "app.one"]]
    assert edges["app.three"] == {"app.inner.two"}
    assert circles(package_graph(edges)) == [["app.inner", "app.one"]]
