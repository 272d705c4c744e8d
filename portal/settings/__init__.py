"""Settings, split by purpose: ``base`` (shared), ``dev`` (``make run``), ``test``, ``prod``.

Every value that differs between installations comes from an environment variable; the README's
configuration table lists them all.
"""
