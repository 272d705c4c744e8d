"""The house's walls (issue 17): dependencies point one way, the approvals root holds only the
app's entry points, and the product never imports the demo."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = {"__init__.py", "apps.py", "urls.py", "tasks.py"}
PACKAGES_AT_THE_ROOT = {"admin", "models"}  # the admin's and the models' package faces


def test_the_import_contracts_hold():
    # given the contracts of pyproject.toml (layers of approvals and accounts, demo kept outside)
    # when import-linter checks every import, function-level ones included (in its own process:
    # its command configures logging with every existing logger disabled)
    result = subprocess.run(
        [Path(sys.executable).parent / "lint-imports", "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    # then none runs upward
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_approvals_root_holds_only_the_apps_entry_points():
    loose = sorted(
        path.name
        for path in (ROOT / "approvals").iterdir()
        if path.suffix == ".py" and path.name not in ENTRY_POINTS
    )
    assert loose == [], f"move these into the layer they serve: {loose}"
    assert (ROOT / "approvals/admin/__init__.py").exists()
    assert (ROOT / "approvals/models/__init__.py").exists()


def _imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value  # dotted paths in strings: import_string, mock.patch, settings


def _names_demo_code(module: str) -> bool:
    parts = module.split(".")
    if parts[0] != "demo":
        return False
    # "demo.seeded" is an audit action's name; "demo.catalogue" is the demo's code
    return len(parts) == 1 or any(
        (ROOT / "demo" / parts[1]).with_suffix(suffix).exists() for suffix in (".py", "")
    )


def test_nothing_in_the_product_imports_the_demo():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for package in ("approvals", "accounts")
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in _imported_modules(path)
        if _names_demo_code(module)
    ]
    assert offenders == []
