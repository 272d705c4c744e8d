"""The REST API under ``/api/v1/`` (issue 7): the same services, selectors and policy as the pages.

Authentication (``authentication.py``): the site's session (with CSRF; officials only after the
second factor), applicants' personal tokens, and API clients of other systems with scopes.
Every view names its permission classes (``permissions.py``); errors are RFC 9457 problem
details (``errors.py``); submission is idempotent (``idempotency.py``); status changes go out
as signed webhooks from an outbox (``approvals/services/webhooks.py``).
"""
