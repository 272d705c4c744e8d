#!/usr/bin/env bash
# `make bench`: the benchmarks, with their figures printed (docs/performance.md explains them).
set -euo pipefail
cd "$(dirname "$0")/.."

# Render + seal of a one-page decision (WeasyPrint with a warm FontConfiguration, pyhanko).
.venv/bin/python -m benchmarks.pdf "$@"
