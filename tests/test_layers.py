"""weather_core's layers: every import (function bodies included) runs down the stack
cli -> jobs -> training -> use -> models -> {data, runs} -> base, never up nor sideways (data and
runs are siblings: neither imports the other), and no modules import each other in a cycle. Pages
use a subpackage's public names only, nothing is imported by a string, and no private name is used
outside its module. Also the size rules a newcomer relies on."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "weather_core"
PAGES = PACKAGE.parent / "pages"
# Each subpackage's rank: a module imports only lower ranks (or its own subpackage). Equal ranks
# are siblings that never import each other. The README's diagram draws this table.
RANK = {"base": 0, "runs": 1, "data": 1, "models": 2, "use": 3, "training": 4, "jobs": 5, "cli": 6}
LAYERS = list(RANK)
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


def subpackage(module: str) -> str:
    if module in BASE_MODULES:
        return "base"
    if module == "weather_core.__main__":
        return "main"
    return module.split(".")[1]


def layer_of(module: str) -> int:
    if module == "weather_core.__main__":
        return max(RANK.values()) + 1  # the entry point sits above the CLI
    return RANK[subpackage(module)]


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def test_every_module_belongs_to_a_layer():
    for name in modules():
        assert name == "weather_core.__main__" or name in BASE_MODULES or name.split(".")[1] in LAYERS, name


def test_no_import_runs_up_a_layer_or_sideways():
    wrong = [f"{module} imports {target}" for module, targets in graph().items() for target in targets
             if subpackage(target) != subpackage(module) and layer_of(target) >= layer_of(module)]
    assert wrong == []


def test_the_readme_draws_the_layers_as_they_are():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    drawn = readme.split("```mermaid", 1)[1].split("```", 1)[0]
    arrows = {tuple(part.strip().split()[0] for part in line.split("-->"))
              for line in drawn.splitlines() if "-->" in line and line.count("-->") == 1}
    wanted = {(a, b) for a in RANK for b in RANK if RANK[a] == RANK[b] + 1}
    assert arrows == wanted


def python_files():
    for root in (PACKAGE, PAGES):
        yield from root.rglob("*.py")
    yield PACKAGE.parent / "app.py"


def public_names(package: str) -> set[str]:
    init = PACKAGE.parent / package.replace(".", "/") / "__init__.py"
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def test_pages_use_only_a_subpackages_public_names():
    wrong = []
    for path in [*PAGES.rglob("*.py"), PACKAGE.parent / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                wrong += [f"{path.name}: import {a.name}" for a in node.names
                          if a.name.startswith("weather_core.") and a.name not in BASE_MODULES]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("weather_core."):
                if node.module in BASE_MODULES:
                    continue
                if node.module.count(".") != 1:
                    wrong.append(f"{path.name}: from {node.module} (past the subpackage)")
                    continue
                wrong += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                          if a.name not in public_names(node.module)]
    assert wrong == []


def test_nothing_is_imported_by_a_string():
    found = [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}" for path in python_files()
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and (getattr(node.func, "attr", None) == "import_module"
                                                or getattr(node.func, "id", None) == "__import__")]
    assert found == []


def test_no_private_name_is_used_outside_its_module():
    found = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ours = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and (
            n.level or (n.module or "").split(".")[0] in ("weather_core", "pages"))]
        ours += [n for n in ast.walk(tree) if isinstance(n, ast.Import)
                 and any(a.name.split(".")[0] in ("weather_core", "pages") for a in n.names)]
        modules_here = {a.asname or a.name.split(".")[0] for n in ours for a in n.names}  # our modules
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                found += [f"{path.name}: from {node.module} import {a.name}" for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__")]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in modules_here and node.attr.startswith("_") \
                    and not node.attr.startswith("__"):
                found.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    assert found == []


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


# Imported where they are used, because importing them costs: TensorFlow and what loads it (our two
# Keras modules), pandas and plotly (the chart modules of pages/ui), and optional or rare packages.
SLOW_TO_IMPORT = {"keras", "tensorflow", "tensorboard", "imagehash", "ray", "authlib", "onnx", "tf2onnx", "pandas",
                  "plotly", "augment_layers", "callback", "charts", "live_charts", "compare_charts",
                  "leaderboard_chart", "model_charts", "lever_chart", "scipy", "keras_tuner"}


def test_only_slow_imports_wait_inside_functions():
    """A reader finds a module's dependencies at its top; only what is slow to import waits (and
    Streamlit internals that differ between versions, looked up where they are patched)."""
    inside = []
    for path in python_files():
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    parts = {part for a in node.names for part in a.name.split(".")}
                elif isinstance(node, ast.ImportFrom):
                    parts = {*(node.module or "").split("."), *(a.name for a in node.names)}
                else:
                    continue
                internal = isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit.runtime")
                if not parts & SLOW_TO_IMPORT and not internal:
                    inside.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert inside == []
