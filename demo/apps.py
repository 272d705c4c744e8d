from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city's data and its seeding commands (``seed_demo``, ``seed_scale``)."""

    name = "demo"
