#!/usr/bin/env bash
# Creates .venv (Python 3.11) if missing and installs a requirements file into it, but only when
# the requirements files changed since the last install: a stamp in .venv records their hash.
#   scripts/ensure-venv.sh requirements.txt        what `make run` needs
#   scripts/ensure-venv.sh requirements-dev.txt    adds the test and lint tools (`make test`)
set -euo pipefail
cd "$(dirname "$0")/.."

requirements="${1:-requirements-dev.txt}"
venv=".venv"
python="${PYTHON:-python3.11}"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "$python was not found. The portal needs Python 3.11 (Debian 12: apt-get install python3)." >&2
  exit 1
fi

if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c \
  'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  echo "$venv is not a Python 3.11 environment; creating it again."
  rm -rf "$venv"
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "Creating $venv with $python"
  if ! "$python" -m venv "$venv"; then
    rm -rf "$venv"
    echo "Could not create $venv. On Debian 12 install the venv module first:" >&2
    echo "    sudo apt-get install -y python3.11-venv" >&2
    exit 1
  fi
fi

# requirements-dev.txt includes requirements.txt, so the hash covers every requirements file.
hash="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
stamp="$venv/.installed-${requirements%.txt}.sha256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  exit 0
fi

echo "Installing Python packages from $requirements"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$requirements"
echo "$hash" >"$stamp"
