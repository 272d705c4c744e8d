"""The README's configuration table lists every environment variable the settings read."""

import re
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
READS = re.compile(
    r"""(?:env_(?:str|bool|int|list)\(|os\.environ\.get\(|os\.getenv\(|os\.environ\[)\s*"""
    r"""["']([A-Z][A-Z0-9_]*)["']"""
)


def _variables_read_by_settings() -> set[str]:
    names = set()
    for path in (BASE_DIR / "portal" / "settings").glob("*.py"):
        names.update(READS.findall(path.read_text(encoding="utf-8")))
    return names


def _variables_in_readme_table() -> set[str]:
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, flags=re.MULTILINE))


def test_settings_read_the_variables_this_test_looks_for():
    assert {
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
    } <= _variables_read_by_settings()


def test_every_environment_variable_is_documented_in_the_readme():
    undocumented = _variables_read_by_settings() - _variables_in_readme_table()

    assert undocumented == set(), "add these to the configuration table in README.md: " + ", ".join(
        sorted(undocumented)
    )
