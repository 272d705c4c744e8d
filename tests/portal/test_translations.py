"""Both languages are complete: every translatable string in the code and templates has a
Simplified Chinese translation that is not fuzzy and whose placeholders match the English."""

import os
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


# What makemessages reads: the project's code and templates, not tools, data or tests.
_NOT_SOURCES = {".venv", "var", "node_modules", "tests", "locale", "test-artifacts", ".git"}


def merged_catalogue(workdir: Path, extra_files: dict[str, str] | None = None) -> Path:
    """The committed catalogue merged with every string the sources contain today.

    makemessages writes into the project's own ``locale/``; so that the test never edits the real
    catalogue, it runs on a copy of the sources with a copy of the catalogue beside them.
    """
    if shutil.which("msgattrib") is None:
        pytest.fail("gettext is not installed: run scripts/install-system-packages.sh")
    base = Path(settings.BASE_DIR)
    for entry in base.iterdir():
        if entry.name in _NOT_SOURCES:
            continue
        if entry.is_dir():
            shutil.copytree(entry, workdir / entry.name, ignore=shutil.ignore_patterns("*.pyc"))
        else:
            shutil.copy(entry, workdir / entry.name)
    for name, text in (extra_files or {}).items():
        (workdir / name).write_text(text)
    target = workdir / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    target.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, target)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-location"],
        cwd=workdir,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "PORTAL_VAR_DIR": str(workdir / "var"),
        },
        check=True,
        capture_output=True,
    )
    return target


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    return merged_catalogue(tmp_path_factory.mktemp("project"))


def test_the_merge_sees_a_new_string(tmp_path):
    """The checks below can fail: a string added to the sources shows up untranslated."""
    probe = (
        "from django.utils.translation import gettext_lazy as _\n"
        "PROBE = _('A string nobody has translated yet')\n"
    )
    target = merged_catalogue(tmp_path, {"portal/probe_string.py": probe})
    assert "A string nobody has translated yet" in _messages(target, "--untranslated")


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
