"""Forms of the window's page of a one-thing case. They reuse the single application's intake
forms, with the case's materials (each shared material once, then each member's own) and each
member's correctable answers as their choices; the services in
``approvals.services.theme_intake`` and ``theme_supplement`` decide."""

from __future__ import annotations

from dataclasses import dataclass

from approvals.forms.intake import PledgeForm, SupplementRequestForm


@dataclass(frozen=True)
class Choice:
    """A material or answer as the forms list it: ``key`` (``<member>:<key>`` or
    ``shared:<key>``) and its label."""

    key: str
    name: str


def split_key(key: str) -> tuple[str, str]:
    member, _sep, name = key.partition(":")
    return member, name


class CaseSupplementRequestForm(SupplementRequestForm):
    def case_items(self) -> list[dict]:
        """The items for ``theme_case_request_supplement``: a field item names its member."""
        items = []
        for item in self.items():
            if item.get("field"):
                member, field = split_key(item["field"])
                items.append({"member": member, "field": field, "problem": item["problem"]})
            else:
                items.append(item)
        return items


class CasePledgeForm(PledgeForm):
    def pledges(self) -> list[dict]:
        member, material = split_key(self.cleaned_data["material_key"])
        return [{"member": member, "material": material}]
