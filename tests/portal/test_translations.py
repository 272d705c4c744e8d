"""Both languages are complete: every translatable string in the code and templates has a
Simplified Chinese translation that is not fuzzy and whose placeholders match the English."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _messages(po_path: Path, *flags: str) -> str:
    result = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", "--no-wrap", str(po_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    """The committed catalogue merged with every string the sources contain today."""
    if shutil.which("msgattrib") is None:
        pytest.fail("gettext is not installed: run scripts/install-system-packages.sh")
    locale_dir = tmp_path_factory.mktemp("locale")
    target = locale_dir / "zh_Hans" / "LC_MESSAGES" / "django.po"
    target.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, target)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "zh_Hans",
            "--ignore",
            ".venv",
            "--ignore",
            "var",
            "--ignore",
            "node_modules",
            "--ignore",
            "tests",
            "--no-location",
        ],
        cwd=settings.BASE_DIR,
        env={**_environ(), "PORTAL_LOCALE_DIR": str(locale_dir)},
        check=True,
        capture_output=True,
    )
    return target


def _environ() -> dict:
    import os

    return {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}


def test_every_string_has_a_chinese_translation(fresh_catalogue):
    untranslated = _messages(fresh_catalogue, "--untranslated")
    missing = [line for line in untranslated.splitlines() if line.startswith("msgid ")][1:]
    assert missing == [], "untranslated strings (run `make messages` and translate):\n" + "\n".join(
        missing
    )


def test_no_translation_is_fuzzy(fresh_catalogue):
    fuzzy = _messages(fresh_catalogue, "--only-fuzzy")
    entries = [line for line in fuzzy.splitlines() if line.startswith("msgid ")][1:]
    assert entries == [], "fuzzy translations:\n" + "\n".join(entries)


def test_catalogue_compiles_with_matching_placeholders(tmp_path):
    subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(CATALOGUE)],
        check=True,
        capture_output=True,
    )
