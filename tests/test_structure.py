"""The apps' dependencies run one way and no module imports one that imports it back.

A model looked up by name (``apps.get_model("registraties", "Registratie")``) is a dependency
an import check does not see: it counts as one on that app here."""
import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portaal", "medewerkers", "verkenning", "kbo", "berichten", "registraties",
            "partnerschappen")
# Who may not import whom (DESIGN.md): partnerschappen -> registraties -> verkenning.
FORBIDDEN = {"verkenning": ("registraties", "partnerschappen"),
             "registraties": ("partnerschappen",),
             # The register and the outbox serve the others and know none of them.
             "kbo": ("registraties", "partnerschappen"),
             "berichten": ("registraties", "partnerschappen"),
             # Staff accounts and roles serve every app's staff pages and know none of them.
             "medewerkers": ("verkenning", "kbo", "berichten", "registraties",
                             "partnerschappen")}


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every project module ``name`` imports, at the top or inside a function."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            # A package's own __init__ reached through "from . import x" is no dependency.
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def _model_lookups(path: Path) -> set[str]:
    """The apps whose models ``path`` looks up by name: ``get_model("app", "Model")`` or
    ``get_model("app.Model")``, on ``apps``, an AppConfig or a migration's state alike."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        function = node.func
        called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        label = node.args[0]
        if called == "get_model" and isinstance(label, ast.Constant) and isinstance(label.value, str):
            found.add(label.value.split(".")[0])
    return found


def _graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        graph.add_edges_from((name, target) for target in _imports(name, path, modules))
    return graph


def test_no_module_imports_one_that_imports_it_back():
    circles = [sorted(c) for c in nx.strongly_connected_components(_graph()) if len(c) > 1]
    assert circles == []


def test_apps_depend_on_each_other_in_one_direction_only():
    wrong = [(a, b) for a, b in _graph().edges
             for app, forbidden in FORBIDDEN.items()
             if a.split(".")[0] == app and b.split(".")[0] in forbidden]
    assert wrong == []


def test_models_looked_up_by_name_follow_the_same_direction():
    wrong = sorted((name, app) for name, path in _modules().items()
                   for app in _model_lookups(path)
                   if app in FORBIDDEN.get(name.split(".")[0], ()))
    assert wrong == []


def test_the_check_sees_models_looked_up_by_name(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from django.apps import apps\n\n"
                      "def f():\n"
                      "    a = apps.get_model('registraties', 'Registratie')\n"
                      "    b = apps.get_app_config('x').get_model('partnerschappen.Partnerschap')\n"
                      "    return a, b, apps.get_model(name)\n")
    assert _model_lookups(module) == {"registraties", "partnerschappen"}


def test_the_project_package_imports_no_apps_admin():
    wrong = [(a, b) for a, b in _graph().edges
             if a.startswith("portaal") and b.split(".")[0] != "portaal" and ".admin" in b]
    assert wrong == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from registraties import services\n")
    assert _imports("verkenning.m", module, {"registraties.services": module}) == {
        "registraties.services"}
