"""The demo city: data and seeding for ``make run`` and the benchmarks, not product code."""
