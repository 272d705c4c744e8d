"""Benchmarks run by ``make bench`` (scripts/bench.sh)."""
