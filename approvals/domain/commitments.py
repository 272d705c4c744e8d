"""告知承诺制, the pure part: whether an application's answers choose the pledge, and which
certificates (materials) it then replaces. ``scheme`` is the service version's
``commitment_scheme``; empty means the service does not allow the pledge."""

from __future__ import annotations


def commitment_chosen(scheme: dict | None, data: dict | None) -> bool:
    """The applicant chose the pledge procedure and ticked the pledge itself."""
    if not scheme or not scheme.get("replaces"):
        return False
    data = data or {}
    chose = data.get(scheme.get("choice_field")) == scheme.get("choice_value")
    signed = not scheme.get("pledge_field") or data.get(scheme["pledge_field"]) is True
    return chose and signed


def commitment_replaced_materials(scheme: dict | None, data: dict | None) -> frozenset[str]:
    """The material keys the pledge stands in for, or nothing when it was not chosen."""
    if not commitment_chosen(scheme, data):
        return frozenset()
    return frozenset(scheme["replaces"])
