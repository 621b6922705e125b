"""weather_core's layers: every import (function bodies included) runs down the stack
cli -> jobs -> training -> use -> models -> data -> runs -> base, never up, and no modules import
each other in a cycle. Also the size rules a newcomer relies on."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "weather_core"
PAGES = PACKAGE.parent / "pages"
LAYERS = ["base", "runs", "data", "models", "use", "training", "jobs", "cli"]  # bottom first
BASE_MODULES = {"weather_core", "weather_core.settings", "weather_core.exceptions", "weather_core.atomic"}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name: str, path: Path, known) -> set[str]:
    """The weather_core modules `name` imports anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in known else base)
    return {t for t in targets if t.split(".")[0] == "weather_core"}


def layer_of(module: str) -> int:
    if module in BASE_MODULES:
        return 0
    if module == "weather_core.__main__":
        return len(LAYERS)  # the entry point sits above the CLI
    return LAYERS.index(module.split(".")[1])


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def test_every_module_belongs_to_a_layer():
    for name in modules():
        assert name == "weather_core.__main__" or name in BASE_MODULES or name.split(".")[1] in LAYERS, name


def test_no_import_runs_up_a_layer():
    upward = [f"{module} imports {target}" for module, targets in graph().items()
              for target in targets if layer_of(target) > layer_of(module)]
    assert upward == []


def test_the_checker_sees_an_upward_import_inside_a_function(tmp_path):
    # The rule must also catch the lazy imports the code base uses to stay light.
    source = tmp_path / "fake.py"
    source.write_text("def f():\n    from ..training import TrainConfig\n")
    found = imported("weather_core.models.fake", source, set(modules()))
    assert "weather_core.training" in found
    assert layer_of("weather_core.training") > layer_of("weather_core.models.fake")


def test_no_import_cycle():
    edges = graph()
    # A package's __init__ re-exporting its own modules is not a cycle with them.
    edges = {m: {t for t in ts if t != m and not m.startswith(t + ".")} for m, ts in edges.items()}
    state, cycles = {}, []

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_sizes_a_newcomer_can_read():
    top_level = [p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()]
    assert len(top_level) <= 12, top_level
    long_files = [f"{p.relative_to(PACKAGE.parent)}: {n}" for root in (PACKAGE, PAGES)
                  for p in root.rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300]
    assert long_files == []


def test_every_subpackage_says_what_it_owns():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and 1 <= len(doc.splitlines()) <= 3, init
