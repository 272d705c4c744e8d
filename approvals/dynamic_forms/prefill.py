"""Prefill (一数一源): answers taken from the applicant's verified profile and the base registries
instead of being typed again.

Values that come from a registry — names, the resident ID number, the credit code — are shown
read-only and the server always uses them, whatever a request says. Contact details (mobile,
email, address) are only suggestions the applicant may change.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.identifiers import display_mobile

# Sources whose value the applicant cannot change on the form.
LOCKED_SOURCES = frozenset(
    {
        "person.real_name",
        "person.id_number",
        "business.name",
        "business.uscc",
        "business.legal_representative",
    }
)
MASKED_SOURCES = frozenset({"person.id_number"})


def source_values(*, user, person=None, business=None) -> dict[str, str]:
    """The value of every prefill source that has one, for this applicant.

    ``person`` defaults to the user's own profile; contact details come from the person's own
    account, so that an application filed at the counter for someone carries their details,
    not the clerk's.
    """
    if person is None:
        person = getattr(user, "person", None) if user is not None else None
    account = person.user if person is not None else user
    values = {}
    if person is not None:
        values["person.real_name"] = person.real_name
        values["person.id_number"] = person.id_number
        values["person.address"] = person.address
    if account is not None:
        values["person.mobile"] = display_mobile(account.mobile or "")
        values["person.email"] = account.email or ""
    if business is not None:
        values["business.name"] = business.name
        values["business.uscc"] = business.uscc
        values["business.legal_representative"] = business.legal_representative
        values["business.address"] = business.address
    return {source: value for source, value in values.items() if value}


def prefill_values(schema: dict, *, user, person=None, business=None) -> dict:
    """``{field name: value}`` for every field with an ``x-prefill`` source that has a value."""
    sources = source_values(user=user, person=person, business=business)
    return {
        name: sources[prop["x-prefill"]]
        for name, prop in schema.get("properties", {}).items()
        if prop.get("x-prefill") in sources
    }


def source_note(source: str, *, on_behalf: bool = False) -> str:
    """Where a read-only prefilled value comes from, for the hint beside it. ``on_behalf``: a
    clerk fills the form for the applicant (a counter filing), so it is not "your" identity."""
    if source.startswith("business."):
        return _("From the legal person registry; it cannot be changed here.")
    if on_behalf:
        return _(
            "From the applicant's identity in the population registry; it cannot be changed here."
        )
    return _("From your verified identity; it cannot be changed here.")
