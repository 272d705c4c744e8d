#!/usr/bin/env bash
# Compiles the translation catalogues (locale/**/django.po -> .mo; the .mo files are not tracked).
# Up-to-date catalogues are skipped, so this is quick on the second run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d locale ]; then
  echo "No locale/ folder yet: no translations to compile."
  exit 0
fi
if ! command -v msgfmt >/dev/null 2>&1; then
  echo "msgfmt (Debian package gettext) is missing: pages will show English text only." >&2
  exit 0
fi
# compilemessages walks the whole tree; keep it out of the virtualenv and the data folder.
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var --ignore=node_modules \
  | { grep -v ' is already compiled and up to date' || true; }
