"""The package's structure: imports go one way down the data flow, no cycle, no private reach-ins.

Independent of the code it checks: the imports are read from the source files with ``ast``
(function-level imports included), not from the running modules.
"""

import ast
from pathlib import Path

import pytest

import duoreport
from duoreport.settings import LAYERS

PACKAGE = Path(duoreport.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def resolve(current: str, package: bool, level: int, module: str | None) -> str:
    """The absolute module name of a (possibly relative) import."""
    if level == 0:
        return module or ""
    base = current.split(".") if package else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def modules() -> dict:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(path: Path) -> list:
    """(imported module, names taken from it, line) for every import in the file."""
    name = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = resolve(name, is_package(path), node.level, node.module)
            out.append((target, [a.name for a in node.names], node.lineno))
    return out


def internal_edges() -> dict:
    """module -> {imported duoreport module: line}; ``from pkg import mod`` counts as importing pkg.mod."""
    known = modules()
    edges = {}
    for name, path in known.items():
        deps = {}
        for target, names, line in imports_of(path):
            if not target.startswith("duoreport"):
                continue
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
            for dep in subs or [target]:
                if dep != name:
                    deps.setdefault(dep, line)
        edges[name] = deps
    return edges


def layer(module: str) -> int:
    parts = module.split(".")
    room = parts[1] if len(parts) > 1 else "__init__"
    if room in ("__init__", "__main__"):
        return -1  # the package's front door (version, ``python -m``): outside the flow
    return LAYERS.index(room)


def test_every_module_belongs_to_a_layer():
    rooms = {m.split(".")[1] for m in modules() if "." in m} - {"__init__", "__main__"}
    assert rooms <= set(LAYERS), f"modules outside the declared layers: {sorted(rooms - set(LAYERS))}"


def test_imports_never_go_up_the_data_flow():
    upward = []
    for module, deps in internal_edges().items():
        if layer(module) < 0:
            continue
        for dep, line in deps.items():
            if layer(dep) > layer(module):
                upward.append(f"{module}:{line} imports {dep}")
    assert not upward, "\n".join(upward)


def test_the_import_graph_has_no_cycle():
    edges = internal_edges()
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for dep in edges.get(node, {}):
            if dep not in edges:
                continue
            if state.get(dep) == "open":
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    # a package importing its own submodules in __init__ is not a cycle of the flow
    real = [c for c in cycles if not all(c[0].startswith(m) or m.startswith(c[0]) for m in c)]
    assert not real, "\n".join(" -> ".join(c) for c in real)


def test_no_module_takes_another_modules_private_names():
    known = modules()
    reach_ins = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = resolve(name, is_package(path), node.level, node.module)
                if not target.startswith("duoreport"):
                    continue
                for a in node.names:
                    full = f"{target}.{a.name}"
                    if full in known:
                        aliases[a.asname or a.name] = full
                    elif a.name.startswith("_") and not a.name.startswith("__") and target != name:
                        reach_ins.append(f"{name}:{node.lineno} imports {target}.{a.name}")
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("duoreport"):
                        aliases[a.asname or a.name] = a.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                reach_ins.append(f"{name}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    assert not reach_ins, "\n".join(reach_ins)


def test_layers_follow_the_data_flow():
    assert layer("duoreport.settings") < layer("duoreport.data.views") < layer("duoreport.stats.disclosure") \
        < layer("duoreport.report.edition") < layer("duoreport.explorer.cube") < layer("duoreport.publish.stage") \
        < layer("duoreport.cli")


@pytest.mark.parametrize("source, expected", [
    ("from ..settings import X", "duoreport.settings"),
    ("from . import contract", "duoreport.data"),
    ("from .contract import X", "duoreport.data.contract"),
])
def test_relative_imports_are_resolved(source, expected):
    node = ast.parse(source).body[0]
    assert resolve("duoreport.data.views", False, node.level, node.module) == expected
