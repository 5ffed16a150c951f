import ast
from pathlib import Path

import clustermonitor

PACKAGE = Path(clustermonitor.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
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
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
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
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
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


#: Issue 15: the apps above programmes (its set-up is what they hang on).
ABOVE_PROGRAMMES = (
    "members",
    "activities",
    "collaborations",
    "surveys",
    "monitoring",
    "reports",
    "demodata",
    "maturity",
    "accountmanagement",
)


def test_programmes_imports_no_app_above_it():
    """Issue 15: programmes keeps the set-up (programmes, calls, clusters, targets);
    maturity, account management and the reference loaders of the other apps import it,
    never the other way round, not even inside a function."""
    offenders = {}
    for path in sorted((PACKAGE / "programmes").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:  # relative: from the package the module is in
                    package = ["clustermonitor", *path.relative_to(PACKAGE).parent.parts]
                    base = package[: len(package) - node.level + 1]
                    module = ".".join(base + ([module] if module else []))
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
        bad = sorted(
            n
            for n in found
            if n.split(".")[:2] in (["clustermonitor", a] for a in ABOVE_PROGRAMMES)
        )
        if bad:
            offenders[str(path.relative_to(PACKAGE))] = bad
    assert not offenders, offenders
