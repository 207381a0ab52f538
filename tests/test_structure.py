"""Dependencies point down (STYLE.md): forms never reach the verbs, the CLI never reaches a view,
and a view module reaches no other view module except the shared helpers."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "factcheck"


def imported_modules(path: Path) -> set[str]:
    """Every factcheck module a file imports, at the top or inside a function, as a dotted name."""
    package = "factcheck." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    if path.name == "__init__.py":
        package = package.rsplit(".", 1)[0] + ".__init__"
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: -node.level]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [f"{module}.{alias.name}" for alias in node.names]
            found.update([module, *names])
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("factcheck")}


def test_importing_the_forms_does_not_import_the_verbs():
    code = "import sys, factcheck.forms; print(any(m.startswith('factcheck.workflow') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "module, forbidden",
    [
        ("forms.py", ("factcheck.workflow", "factcheck.views", "factcheck.templating")),
        ("cli.py", ("factcheck.views",)),
        ("users.py", ("factcheck.workflow", "factcheck.views")),
        ("ratings.py", ("factcheck.workflow", "factcheck.views")),
        ("export.py", ("factcheck.views", "factcheck.workflow")),
        ("text.py", ("factcheck.workflow", "factcheck.views", "factcheck.forms")),
        ("audit.py", ("factcheck.workflow", "factcheck.views", "factcheck.forms")),
        ("clock.py", ("factcheck.models", "factcheck.workflow", "factcheck.views")),
        ("errors.py", ("factcheck.",)),
        # What audit.record and the verbs call to notify: below the verbs, like the history writer.
        ("notify.py", ("factcheck.workflow", "factcheck.views", "factcheck.forms")),
        ("mail.py", ("factcheck.models", "factcheck.workflow", "factcheck.views", "factcheck.forms")),
        ("outbox.py", ("factcheck.workflow", "factcheck.views", "factcheck.forms")),
        ("webhooks.py", ("factcheck.workflow", "factcheck.views", "factcheck.forms")),
    ],
)
def test_lower_modules_do_not_import_upwards(module, forbidden):
    imports = imported_modules(PACKAGE / module)
    upward = sorted(name for name in imports if name.startswith(forbidden))
    assert not upward, f"{module} imports {upward}"


def test_verbs_import_no_form_view_or_request():
    for path in sorted((PACKAGE / "workflow").glob("*.py")):
        imports = imported_modules(path)
        assert not [n for n in imports if n.startswith(("factcheck.forms", "factcheck.views"))], path.name
        assert "request" not in path.read_text().replace("requests", ""), path.name


def test_a_view_module_imports_no_other_view_module_but_the_helpers():
    for path in sorted((PACKAGE / "views").glob("*.py")):
        if path.name in ("__init__.py", "helpers.py"):
            continue
        others = {
            name for name in imported_modules(path)
            if name.startswith("factcheck.views.") and not name.startswith("factcheck.views.helpers")
        }
        assert not others, f"{path.name} imports {sorted(others)}"


def test_the_api_reaches_the_views_only_through_the_helpers_and_no_view_reaches_the_api():
    for path in sorted((PACKAGE / "api").glob("*.py")):
        views = {name for name in imported_modules(path) if name.startswith("factcheck.views")}
        assert all(name.startswith("factcheck.views.helpers") for name in views), f"api/{path.name} imports {sorted(views)}"
    for path in sorted((PACKAGE / "views").glob("*.py")):
        assert not [n for n in imported_modules(path) if n.startswith("factcheck.api")], path.name
    for module in ("forms.py", "tokens.py", "problems.py", "cli.py"):
        assert not [n for n in imported_modules(PACKAGE / module) if n.startswith("factcheck.api")], module
