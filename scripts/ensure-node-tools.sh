#!/usr/bin/env bash
# Installs the front-end test tools from package-lock.json (axe-core, injected into pages by the
# browser tests) when they are missing or the lock file changed. Needs Node.js and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Node.js and npm from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
  else
    echo "npm is missing. Install it (Debian: sudo apt-get install -y nodejs npm) and run again." >&2
    exit 1
  fi
fi

stamp="node_modules/.portal-lock-hash"
wanted="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi
echo "Installing front-end test tools (npm ci)"
npm ci --no-audit --no-fund --silent
echo "$wanted" > "$stamp"
