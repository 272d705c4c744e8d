"""Start Django in a process made by ``multiprocessing``'s spawn method.

A pool's initializer: it must import nothing that needs the app registry, since it is unpickled
in the new process before Django is set up. The parent passes its database settings, so that the
worker reaches the same database (a test database's name included)."""

from __future__ import annotations


def start_django(databases: dict) -> None:
    import django
    from django.conf import settings

    settings.DATABASES = databases
    django.setup()
