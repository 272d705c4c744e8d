"""Benchmark seeding at a province's scale (``manage.py seed_scale``)."""
