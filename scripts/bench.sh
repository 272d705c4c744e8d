#!/usr/bin/env bash
# `make bench`. No benchmarks exist yet; when they do, this script runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "No benchmarks exist yet: there is nothing to measure."
echo "(When benchmarks are added, scripts/bench.sh runs them and prints their results.)"
