"""The house's walls (issue 17): dependencies point one way, the approvals root holds only the
app's entry points, and the product never imports the demo."""

import ast
import subprocess
import sys
import tomllib
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
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
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


# The apps from the top down (pyproject.toml's "apps-layers" contract); a package imports only
# those after it.
APPS_FROM_THE_TOP = ("demo", "approvals", "accounts", "audit", "messaging", "personal_data")


def _names_code_of(module: str, package: str) -> bool:
    parts = module.split(".")
    return parts[0] == package and (
        len(parts) == 1
        or any((ROOT / package / parts[1]).with_suffix(suffix).exists() for suffix in (".py", ""))
    )


def test_no_app_names_an_app_above_it():
    # given each app's modules, and the dotted paths in their strings (a task queued by name, a
    # setting's default, a mock's target: dependencies import-linter does not see)
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for position, package in enumerate(APPS_FROM_THE_TOP)
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for module in _imported_modules(path)
        for above in APPS_FROM_THE_TOP[:position]
        if _names_code_of(module, above)
    ]

    # then none names an app above it: the audit trail and the shared helpers are below both
    # accounts and approvals, and accounts below approvals (issue 17: no loop between packages)
    assert offenders == []


def test_the_apps_layers_contract_lists_the_apps_from_the_top():
    # the contract that import-linter runs is the one this file's checks describe
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    apps_layers = next(
        contract
        for contract in contracts["tool"]["importlinter"]["contracts"]
        if contract["id"] == "apps-layers"
    )
    layers = [name.strip() for layer in apps_layers["layers"] for name in layer.split(":")]
    assert tuple(name for name in layers if not name.startswith("portal.")) == APPS_FROM_THE_TOP
    # the project's package: its shell above every app, its foundation below them, and every
    # module of it in one of the two (a new module must be placed)
    shell, foundation = set(layers[: layers.index("demo")]), set(layers[layers.index("audit") :])
    assert all(name.startswith("portal.") for name in shell)
    modules = {
        f"portal.{path.relative_to(ROOT / 'portal').parts[0].removesuffix('.py')}"
        for path in (ROOT / "portal").glob("*")
        if (path.suffix == ".py" or (path / "__init__.py").exists())
        and path.name not in ("__init__.py", "settings")
    }
    assert modules == shell | (foundation & modules)


def test_the_apps_use_only_the_foundation_of_the_project_package():
    # given the project's foundation (the last layer of the apps' contract)
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    apps_layers = next(
        contract
        for contract in contracts["tool"]["importlinter"]["contracts"]
        if contract["id"] == "apps-layers"
    )
    foundation = {name.strip() for name in apps_layers["layers"][-1].split(":")}

    # when each app's modules name the project's package (imports, and dotted paths in strings)
    named = [
        (f"{path.relative_to(ROOT)}", module)
        for package in APPS_FROM_THE_TOP
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for module in _imported_modules(path)
        if module.startswith("portal.") and _names_code_of(module, "portal")  # not a logger's name
    ]

    # then only its foundation (the shell, above them, wires them together: no loop)
    assert named
    offenders = [
        (path, module)
        for path, module in named
        if not any(module == name or module.startswith(f"{name}.") for name in foundation)
    ]
    assert offenders == []
