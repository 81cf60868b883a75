"""The layout shows the rules: dependencies point one way, (home pages) -> reports -> agreements -> mrd_ngo.

Read from the source (every `import` and `from ... import` statement, at any depth, and `apps.get_model`
calls naming an app), so a new import that breaks the direction fails here, named by file and line.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in `path`, top level or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_model"
              and node.args and isinstance(node.args[0], ast.Constant)):
            found += [(node.lineno, str(node.args[0].value).split(".")[0])]
    return found


def reaching(package: str, forbidden: tuple[str, ...], skip: tuple[str, ...] = ()) -> list[str]:
    """`file:line module` for each import in `package` of a module of `forbidden` apps."""
    hits = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if any(part in relative for part in skip):
            continue
        for line, module in imports_of(path):
            if module.split(".")[0] in forbidden:
                hits.append(f"{relative}:{line} {module}")
    return hits


def test_the_base_package_imports_no_app():
    """mrd_ngo (settings, access, roles, Khmer helpers) imports neither agreements nor reports."""
    assert reaching("mrd_ngo", ("agreements", "reports")) == []


def test_agreements_does_not_import_reports():
    assert reaching("agreements", ("reports",), skip=("/migrations/",)) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    """The test above cannot pass by not looking: an import hidden in a function is found."""
    module = tmp_path / "example.py"
    module.write_text("def view():\n    from reports.models import ProgressReport\n    apps.get_model('agreements', 'NGO')\n")
    assert imports_of(module) == [(2, "reports.models"), (3, "agreements")]


def test_report_history_and_services_do_not_import_each_other():
    """The report content types live in reports/content.py: history and services both use them."""
    history = {module for _line, module in imports_of(ROOT / "reports" / "history.py")}
    services = {module for _line, module in imports_of(ROOT / "reports" / "services.py")}
    assert "reports.services" not in history and "reports.content" in history
    assert "reports.content" in services
