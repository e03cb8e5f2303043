"""The product's imports, read from the source with ``ast``: no cycles, and only the layers the
README allows.

Every ``import`` counts, also those inside functions: a deferred import still couples two
modules (and is how cycles hide). Migrations are left out; they are frozen history.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "ml_coach", "workers", "web", "api", "homegym")


def product_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(REPO).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def _ours(target: str, modules: dict[str, Path]) -> str | None:
    """The longest module of ours that ``target`` (``pkg.mod`` or ``pkg.mod.name``) names."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports (anywhere in the file)."""
    modules = product_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            targets.update(t for t in (_ours(n, modules) for n in names) if t)
        targets.discard(name)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def readme_layers() -> dict[str, set[str]]:
    """The "Layers" table of the README: package → what it may import besides itself."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### Layers", 1)[1].split("\n#", 1)[0]
    allowed = {}
    for package, cell in re.findall(r"^\| `(\w+)` \| (.+?) \|$", section, flags=re.MULTILINE):
        allowed[package] = set(re.findall(r"`([\w.]+)`", cell))
    return allowed


def cross_package_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {
        (source, target)
        for source, targets in graph.items()
        for target in targets
        if source.split(".")[0] != target.split(".")[0]
    }


def _allowed(target: str, entries: set[str]) -> bool:
    return any(target == entry or target.startswith(entry + ".") for entry in entries)


def test_the_graph_sees_deferred_imports_and_a_cycle_through_them(tmp_path, monkeypatch):
    for name, body in {
        "a.py": "def f():\n    from ml_coach import b\n",
        "b.py": "from ml_coach.a import f\n",
    }.items():
        (tmp_path / "ml_coach").mkdir(exist_ok=True)
        (tmp_path / "ml_coach" / name).write_text(body)
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "REPO", tmp_path)
    monkeypatch.setattr(this, "PACKAGES", ("ml_coach",))
    assert cycles(import_graph()) == [["ml_coach.a", "ml_coach.b"]]


def test_no_import_cycles_between_product_modules():
    assert cycles(import_graph()) == []


def test_the_readme_table_covers_every_product_package():
    assert set(readme_layers()) == set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_follow_the_readme_layers(package):
    allowed = readme_layers()[package]
    used = {
        (source, target)
        for source, target in cross_package_imports(import_graph())
        if source.split(".")[0] == package
    }
    forbidden = sorted(f"{s} → {t}" for s, t in used if not _allowed(t, allowed))
    assert forbidden == [], f"{package} may import only {sorted(allowed)}"
    unneeded = sorted(e for e in allowed if not any(_allowed(t, {e}) for _, t in used))
    assert unneeded == [], f"the README allows {package} imports no code makes"
