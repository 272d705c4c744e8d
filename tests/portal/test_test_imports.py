"""No test module imports from another test module: what tests share is defined once, in the
conftest or the support module of the level that shares it (tests/support.py,
tests/browser_support.py, a directory's conftest.py or support.py). A test module imported by
another runs its module-level code twice and hides where a helper lives."""

import ast
from pathlib import Path

from django.conf import settings

TESTS = Path(settings.BASE_DIR) / "tests"


def _is_test_module(dotted: str) -> bool:
    return dotted.rsplit(".", 1)[-1].startswith("test_")


def imports_of_test_modules(source: str) -> list[str]:
    """The test modules ``source`` imports from (``from tests.x.test_y import z``, ``from
    tests.x import test_y``, ``import tests.x.test_y``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests"):
            if _is_test_module(node.module):
                found.append(node.module)
            found += [f"{node.module}.{a.name}" for a in node.names if _is_test_module(a.name)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("tests.")]
            found += [name for name in names if _is_test_module(name)]
    return found


def test_the_guard_sees_each_way_of_importing_a_test_module():
    assert imports_of_test_modules("from tests.a.test_b import C") == ["tests.a.test_b"]
    assert imports_of_test_modules("from tests.a import test_b as b") == ["tests.a.test_b"]
    assert imports_of_test_modules("def f():\n    import tests.a.test_b") == ["tests.a.test_b"]
    shared = "from tests.a.conftest import c\nfrom tests.support import e"
    assert imports_of_test_modules(shared) == []


def test_no_test_module_imports_another():
    offenders = {
        str(path.relative_to(TESTS)): imported
        for path in sorted(TESTS.rglob("*.py"))
        if (imported := imports_of_test_modules(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
