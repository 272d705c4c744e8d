"""Personal data as the portal may show and record it: identifiers masked.

Below every app (``accounts``, ``approvals`` and the audit trail all mask with it) and depending
on none of them: pure functions, no Django models.
"""
