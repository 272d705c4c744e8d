#!/usr/bin/env bash
# Installs the Debian packages the portal needs. Safe to run again: it installs only what is missing.
#   scripts/install-system-packages.sh            runtime packages (fonts, PDF and file-type libraries, gettext)
#   scripts/install-system-packages.sh --ci       adds PostgreSQL and Redis servers for the test suite
#   scripts/install-system-packages.sh --browser  adds Chromium for the browser journeys
#   scripts/install-system-packages.sh --broker   adds the Redis server that the broker-outage test
#                                                 starts and stops itself (make test)
#   scripts/install-system-packages.sh --docs     adds curl, jq and oathtool, which the shell
#                                                 examples of docs/api.md use (tests/docs)
#   scripts/install-system-packages.sh --stack    adds what `make stack` runs and checks (nginx,
#                                                 PostgreSQL, Redis, openssl, envsubst, systemd-analyze)
#                                                 and its smoke test uses (curl, jq, oathtool)
# A user who is not root and has no passwordless sudo is shown the apt-get command to run instead;
# the script then exits 0 so that `make run` carries on with what is there.
set -euo pipefail

packages=(fonts-noto-cjk fonts-dejavu-core libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 libmagic1 gettext poppler-utils)
for arg in "$@"; do
  case "$arg" in
    --ci) packages+=(postgresql redis-server) ;;
    --browser) packages+=(chromium) ;;
    --broker) packages+=(redis-server) ;;
    --docs) packages+=(curl jq oathtool) ;;
    --stack) packages+=(nginx postgresql redis-server openssl gettext-base systemd curl jq oathtool) ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

# Debian ships Python's venv module separately; `make` creates .venv with it.
if command -v python3.11 >/dev/null 2>&1 && ! python3.11 -c 'import ensurepip' 2>/dev/null; then
  packages+=(python3.11-venv)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Not a Debian-based system. Please install the equivalents of: ${missing[*]}" >&2
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo)
  else
    echo "These system packages are missing and this user cannot install them:" >&2
    echo "    sudo apt-get install -y ${missing[*]}" >&2
    echo "Run that command, then run make again." >&2
    exit 0
  fi
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
