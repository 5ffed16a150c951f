import ast
from pathlib import Path

import pytest
from django.conf import settings

import clustermonitor
from tests.source_tree import parsed

pytestmark = [pytest.mark.any_database]

PACKAGE = Path(clustermonitor.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = parsed(path)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_it_keeps_django_out_of_the_analysis_package():
    modules = sorted((PACKAGE / "analysis").rglob("*.py"))
    assert modules, "the analysis package exists"
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            n for n in _imports(path) if n.split(".")[0] == "django"
        )
        for path in modules
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_it_detects_a_django_import(tmp_path):
    # The check above must be able to fail.
    module = tmp_path / "bad.py"
    module.write_text("from django.db import models\nimport pandas\n")
    assert "django.db" in _imports(module)


def test_it_keeps_modules_below_800_lines():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if "migrations" not in p.parts and (n := len(p.read_text("utf-8").splitlines())) > 800
    }
    assert not long, f"split these modules by concern: {long}"


def test_the_report_chapters_leave_dates_to_core_known():
    """Known on D (issue 14): a chapter never filters records by date itself; it passes
    the report's date to a selector, which applies core.known. A range lookup in a
    chapter's query is the sign of a filter of its own."""
    lookups = ("__lt", "__lte", "__gt", "__gte", "__range", "__year")
    offenders = {}
    for path in sorted((PACKAGE / "reports" / "sections").glob("*.py")):
        tree = parsed(path)
        found = sorted(
            keyword.arg
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            for keyword in node.keywords
            if keyword.arg and keyword.arg.endswith(lookups)
        )
        if found:
            offenders[path.name] = found
    assert not offenders


def _imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, by full name: `from a.b import c` names both `a.b`
    and `a.b.c` (c may be a module)."""
    tree = parsed(path)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _view_imports(path: Path) -> list[str]:
    return sorted(
        name
        for name in _imported_modules(path)
        if name.split(".")[0] == "clustermonitor" and name.split(".")[-1].startswith("views")
    )


def test_only_the_urls_modules_import_views():
    """Issue 15: views only parse the request, check access and render. What a view shows
    (figures, labels, access helpers, the upload step) lives in a module of its own that
    the view, the task, the API and the report all import; nothing but `urls*` imports a
    `views*` module, views included."""
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name.startswith("urls") or "migrations" in path.parts:
            continue
        found = _view_imports(path)
        if found:
            offenders[str(path.relative_to(PACKAGE))] = found
    assert not offenders, offenders


def test_it_detects_a_views_import(tmp_path):
    # The check above must be able to fail, whichever form the import takes.
    module = tmp_path / "bad.py"
    module.write_text(
        "from clustermonitor.registry import views_reach\n"
        "import clustermonitor.core.views\n"
        "from clustermonitor.members.views_figures import LARGEST_SHARE_WARNING\n"
        "from django.views.decorators.http import require_POST\n"
        "from clustermonitor.members import figures\n"
    )
    assert _view_imports(module) == [
        "clustermonitor.core.views",
        "clustermonitor.members.views_figures",
        "clustermonitor.registry.views_reach",
    ]


# -- Apps in layers (issue 15) -------------------------------------------------------------


def _app_imports(path: Path, package: Path = PACKAGE) -> set[str]:
    """The clustermonitor apps that module `path` imports, wherever the import stands (at
    the top, inside a function) and however it is written (absolute or relative)."""
    relative = path.relative_to(package).with_suffix("").parts
    module = ("clustermonitor", *relative)
    if module[-1] == "__init__":
        module = module[:-1]
    package_of = module if path.name == "__init__.py" else module[:-1]
    tree = parsed(path)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_of[: len(package_of) - (node.level - 1)]
                prefix = ".".join(base + ((node.module,) if node.module else ()))
                names.update(
                    [prefix] if node.module else [f"{prefix}.{alias.name}" for alias in node.names]
                )
            elif node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n.split(".")[1] for n in names if n.startswith("clustermonitor.") and "." in n}


def _apps(package: Path = PACKAGE) -> list[str]:
    return sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file())


def _app_graph(package: Path = PACKAGE) -> dict[str, dict[str, list[str]]]:
    """app -> {imported app: [modules importing it]}, migrations left out (they name
    the apps their tables depend on, as Django requires)."""
    apps = set(_apps(package))
    graph = {app: {} for app in sorted(apps)}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).parts
        if len(parts) < 2 or parts[0] not in apps or "migrations" in parts:
            continue
        for other in sorted(_app_imports(path, package) & apps - {parts[0]}):
            graph[parts[0]].setdefault(other, []).append("/".join(parts))
    return graph


def _upward(graph, layers) -> dict[str, list[str]]:
    rank = {app: i for i, app in enumerate(layers)}
    return {
        f"{app} -> {other}": modules
        for app, edges in graph.items()
        for other, modules in edges.items()
        if rank[other] > rank[app]
    }


def _cycles(graph) -> list[list[str]]:
    """The strongly connected components of more than one app (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(app):
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for other in sorted(graph[app]):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in on_stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == app:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return found


def test_every_app_has_its_place_in_the_layers():
    from clustermonitor.layers import LAYERS

    assert sorted(LAYERS) == _apps(), set(LAYERS) ^ set(_apps())
    installed = [
        app.split(".")[1]
        for app in settings.INSTALLED_APPS
        if app.startswith("clustermonitor.") and app.count(".") == 1
    ]
    assert set(installed) <= set(LAYERS)


def test_a_lower_app_never_imports_a_higher_one():
    """Issue 15: the order of clustermonitor/layers.py holds for every import, at the top
    of a module or inside a function."""
    from clustermonitor.layers import LAYERS

    upward = _upward(_app_graph(), LAYERS)
    assert not upward, upward


def test_the_apps_import_one_another_without_a_cycle():
    cycles = _cycles(_app_graph())
    assert not cycles, cycles


def test_the_layer_and_cycle_checks_can_fail(tmp_path):
    package = tmp_path / "clustermonitor"
    for app, text in {
        "core": "from clustermonitor.members import models\n",
        "members": "def f():\n    from ..core import audit\n",
        "reports": "from . import sections\n",
    }.items():
        (package / app).mkdir(parents=True)
        (package / app / "__init__.py").write_text("")
        (package / app / "thing.py").write_text(text)
    graph = _app_graph(package)
    assert graph == {
        "core": {"members": ["core/thing.py"]},
        "members": {"core": ["members/thing.py"]},
        "reports": {},
    }
    assert _upward(graph, ["core", "members", "reports"]) == {"core -> members": ["core/thing.py"]}
    assert _cycles(graph) == [["core", "members"]]
