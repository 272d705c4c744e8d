"""Drafting, publishing and retiring 一件事 theme versions: every check before publication, the
version before retired, a new draft copying the members, each act audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import ThemeVersion, VersionStatus
from approvals.services.themes_catalogue import (
    theme_version_draft,
    theme_version_publish,
    theme_version_retire,
)
from audit.chain import verify_chain
from audit.models import AuditEvent
from tests.approvals.catalogue.conftest import theme_schema, theme_shared_field
from tests.factories import ServiceVersionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _problems(catalogue_admin, draft) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        theme_version_publish(actor=catalogue_admin, version=draft)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    return caught.value.messages


def test_publishing_a_sound_draft_retires_the_version_before_and_audits_it(
    catalogue_admin, make_theme
):
    # given a published theme version 1 and a sound draft 2 of the same theme
    first = make_theme()
    theme_version_publish(actor=catalogue_admin, version=first)
    second = make_theme(item=first.item)

    # when the catalogue administrator publishes the draft
    theme_version_publish(actor=catalogue_admin, version=second)

    # then it is the published version, the first is retired, and both acts are audited
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (VersionStatus.RETIRED, VersionStatus.PUBLISHED)
    event = AuditEvent.objects.filter(action="theme.published").latest("sequence")
    assert event.actor == catalogue_admin
    assert event.changes["published_version"] == [1, 2]
    assert event.changes["members"] == [None, ["registration", "food"]]
    assert verify_chain() is None


def test_a_member_whose_service_is_not_published_keeps_the_theme_unpublished(
    catalogue_admin, make_theme
):
    unpublished = ServiceVersionFactory(form_schema=theme_schema(x="string"))
    draft = make_theme()
    draft.members.create(key="sign", service_item=unpublished.item, position=3)

    problems = _problems(catalogue_admin, draft)

    assert any("sign" in p and "no published version" in p for p in problems), problems


@pytest.mark.parametrize(
    ("member", "change", "expected"),
    [
        ("food", {"field_map": {"name": "no_such_field"}}, "has no field “no_such_field”"),
        ("food", {"field_map": {"nickname": "shop_name"}}, "not a shared field"),
        ("food", {"material_map": {"lease": "no_such_material"}}, "no material"),
        ("food", {"material_map": {"deed": "lease"}}, "not a shared material"),
        (
            "food",
            {"depends_on": [{"member": "registration", "cite_as": "permit"}]},
            "does not ask for",
        ),
        ("food", {"depends_on": [{"member": "nobody", "cite_as": ""}]}, "not a member"),
        ("food", {"condition": {"question": "alcohol", "equals": True}}, "undeclared question"),
        ("food", {"condition": {"question": "sign", "greater": 1}}, "unknown comparison"),
        ("registration", {"depends_on": [{"member": "food"}]}, "cycle"),
    ],
)
def test_every_mapping_is_checked_against_the_members_published_version(
    catalogue_admin, make_theme, member, change, expected
):
    # given a draft whose member maps onto something its service does not have
    draft = make_theme()
    draft.members.filter(key=member).update(**change)

    # when it is published, then it is refused with the problem named
    problems = _problems(catalogue_admin, draft)

    assert any(expected in p for p in problems), problems


def test_a_shared_field_of_another_type_than_its_target_is_refused(catalogue_admin, make_theme):
    draft = make_theme(
        shared_fields=[theme_shared_field("name", "integer"), theme_shared_field("address")]
    )

    problems = _problems(catalogue_admin, draft)

    assert any("of another type" in p and "trade_name" in p for p in problems), problems


def test_shared_field_schemas_are_checked_as_form_fields(catalogue_admin, make_theme):
    # a shared field without a Chinese title is not a valid form field
    broken = {"key": "name", "schema": {"type": "string", "title": "Name"}}
    draft = make_theme(shared_fields=[broken, theme_shared_field("address")])

    problems = _problems(catalogue_admin, draft)

    assert any(p.startswith("Shared fields:") and "x-title-zh" in p for p in problems), problems


def test_questions_need_both_languages_and_choices(catalogue_admin, make_theme):
    draft = make_theme(
        questions=[
            {"key": "sign", "kind": "yes_no", "text_zh": "招牌？", "text_en": ""},
            {"key": "kind", "kind": "choice", "text_zh": "类型", "text_en": "Kind", "choices": []},
        ],
    )

    problems = _problems(catalogue_admin, draft)

    assert any("“sign” needs its text" in p for p in problems), problems
    assert any("“kind” needs at least two choices" in p for p in problems), problems


def test_only_catalogue_administrators_publish(make_theme):
    draft = make_theme()

    with pytest.raises(PermissionDenied):
        theme_version_publish(actor=UserFactory(), version=draft)

    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_new_draft_copies_the_members_and_can_be_edited(catalogue_admin, make_theme):
    # given a published theme
    published = theme_version_publish(actor=catalogue_admin, version=make_theme())

    # when a new draft is made from it
    draft = theme_version_draft(actor=catalogue_admin, item=published.item)

    # then it has the next number, the same members (editable) and is audited
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert [(m.key, m.field_map, m.depends_on) for m in draft.members.all()] == [
        (m.key, m.field_map, m.depends_on) for m in published.members.all()
    ]
    member = draft.members.get(key="food")
    member.condition = {"question": "sign", "equals": True}
    member.save()
    assert AuditEvent.objects.filter(action="theme.drafted", object_id=str(draft.pk)).exists()
    theme_version_publish(actor=catalogue_admin, version=draft)
    assert ThemeVersion.objects.get(pk=published.pk).status == VersionStatus.RETIRED


def test_retiring_withdraws_the_theme(catalogue_admin, make_theme):
    published = theme_version_publish(actor=catalogue_admin, version=make_theme())

    theme_version_retire(actor=catalogue_admin, version=published)

    published.refresh_from_db()
    assert published.status == VersionStatus.RETIRED
    assert AuditEvent.objects.filter(action="theme.retired").count() == 1
    with pytest.raises(ValidationError):
        theme_version_retire(actor=catalogue_admin, version=published)
