"""Forms of the window's page of a one-thing case. They reuse the single application's intake
forms, with the case's materials (each shared material once, then each member's own) and each
member's correctable answers as their choices; the services in
``approvals.services.theme_intake`` and ``theme_supplement`` decide."""

from __future__ import annotations

from dataclasses import dataclass

from approvals.dynamic_forms.labels import title_of
from approvals.forms.intake import PledgeForm, SupplementRequestForm
from approvals.selectors.theme_intake import supplement_targets
from approvals.services.supplement_items import supplement_correctable_fields


@dataclass(frozen=True)
class Choice:
    """A material or answer as the forms list it: ``key`` (``<member>:<key>`` or
    ``shared:<key>``) and its label."""

    key: str
    name: str


def case_choices(case, members) -> tuple[list[Choice], list[Choice], list[tuple[str, str]]]:
    """What the window may name in its decisions on the case, for the page's forms and the API
    alike: the notice's materials (each shared one once, then each member's own), the materials a
    pledge may cover (``<member>:<material>``), and each member's correctable answers
    (``<member>:<field>``, with its label)."""
    materials = [Choice(t.key, t.name) for t in supplement_targets(case, members)]
    pledgeable = [
        Choice(
            f"{m.theme_member_key}:{material.key}", f"{m.service_version.name} — {material.name}"
        )
        for m in members
        for material in m.service_version.materials.all()
    ]
    fields = [
        (f"{m.theme_member_key}:{name}", f"{m.service_version.name} — {title_of(prop)}")
        for m in members
        for name, prop in supplement_correctable_fields(m.service_version).items()
    ]
    return materials, pledgeable, fields


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
