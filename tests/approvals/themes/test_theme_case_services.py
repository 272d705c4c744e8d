"""The applicant's side of a one-thing case: start (prefilled), answers pick the members, each
shared field and material once, one submission filing each member as its own application."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from approvals.domain.themes import AnswerProblem, parse_answers
from approvals.models import (
    Application,
    ApplicationStatus,
    Attachment,
    Document,
    DocumentKind,
    Notification,
    ServiceVersion,
    ThemeCase,
    ThemeCaseAttachment,
)
from approvals.security.query_codes import query_code_matches
from approvals.security.uploads import UploadRejected
from approvals.services.attachments import attachment_delete
from approvals.services.theme_case_drafts import (
    ANSWER_PROBLEMS,
    theme_case_discard_draft,
    theme_case_save_answers,
    theme_case_save_shared,
    theme_case_start,
)
from approvals.services.theme_case_materials import theme_case_upload
from approvals.services.theme_case_outcome import theme_case_withdraw
from approvals.services.theme_case_submission import ThemeCaseIncomplete, theme_case_submit
from approvals.services.theme_intake import StaleThemeCase
from tests.approvals.themes.helpers import filled_case, pdf
from tests.approvals.uploads.files import pdf_with_javascript_open_action, upload
from tests.support import events

pytestmark = pytest.mark.django_db

CASE_NUMBER = re.compile(r"^RESTAURANT-\d{8}-\d{5}$")


def test_start_prefills_the_shared_fields_from_the_registry_and_is_audited(citizen, restaurant):
    case = theme_case_start(actor=citizen, version=restaurant)

    assert case.status == "draft"
    assert case.person == citizen.person
    assert case.data["shared"] == {"operator": citizen.person.real_name}
    [event] = events("theme_case.started", case)
    assert event.changes["prefilled"] == [None, ["operator"]]


def test_a_stranger_cannot_change_someone_elses_case(citizen, stranger, restaurant):
    case = theme_case_start(actor=citizen, version=restaurant)

    with pytest.raises(PermissionDenied):
        theme_case_save_shared(actor=stranger, case=case, values={"name": "x"}, revision=1)
    with pytest.raises(PermissionDenied):
        theme_case_upload(actor=stranger, case=case, material_key="lease", uploaded_file=pdf())


def test_answers_are_checked_by_question_kind(citizen, restaurant):
    case = theme_case_start(actor=citizen, version=restaurant)

    with pytest.raises(ValidationError) as refused:
        theme_case_save_answers(actor=citizen, case=case, answers={"sign": "perhaps"}, revision=1)

    # (the guide's own reading: "yes", "no", true and false are answers to a yes/no question)
    assert refused.value.message_dict["sign"] == [str(ANSWER_PROBLEMS[AnswerProblem.NOT_YES_NO])]
    assert ThemeCase.objects.get(pk=case.pk).answers == {}


def test_a_stale_revision_writes_nothing(citizen, restaurant):
    case = theme_case_start(actor=citizen, version=restaurant)
    theme_case_save_shared(actor=citizen, case=case, values={"name": "A"}, revision=1)

    with pytest.raises(StaleThemeCase):
        theme_case_save_shared(actor=citizen, case=case, values={"name": "B"}, revision=1)

    assert ThemeCase.objects.get(pk=case.pk).data["shared"]["name"] == "A"


def test_a_hostile_upload_is_refused_and_nothing_is_stored(citizen, restaurant):
    case = theme_case_start(actor=citizen, version=restaurant)

    with pytest.raises(UploadRejected):
        theme_case_upload(
            actor=citizen,
            case=case,
            material_key="lease",
            uploaded_file=upload(pdf_with_javascript_open_action()),
        )

    assert not ThemeCaseAttachment.objects.filter(case=case).exists()


def test_a_material_no_member_asks_for_is_refused(citizen, restaurant):
    case = theme_case_start(actor=citizen, version=restaurant)

    with pytest.raises(UploadRejected):
        theme_case_upload(
            actor=citizen, case=case, material_key="premises_proof", uploaded_file=pdf()
        )
    # The sign's own material is not asked while the answers do not need the sign.
    with pytest.raises(UploadRejected):
        theme_case_upload(
            actor=citizen,
            case=case,
            member_key="food",
            material_key="business_licence",  # cited from the registration, not uploaded
            uploaded_file=pdf(),
        )


def test_submission_files_each_applying_member_with_the_shared_answers_and_one_file(
    citizen, restaurant, window_clerk, django_capture_on_commit_callbacks
):
    case = filled_case(actor=citizen, version=restaurant, sign=True)

    with django_capture_on_commit_callbacks(execute=True):
        submitted = theme_case_submit(actor=citizen, case=case, idempotency_key="k-1")

    stored = ThemeCase.objects.get(pk=case.pk)
    assert stored.status == "submitted"
    assert CASE_NUMBER.match(stored.tracking_number)
    assert query_code_matches(submitted.query_code, stored.query_code_hash)
    members = {m.theme_member_key: m for m in Application.objects.filter(theme_case=case)}
    assert set(members) == {"registration", "food", "sign"}
    for member in members.values():
        assert member.status == ApplicationStatus.SUBMITTED
        assert member.tracking_number and member.tracking_number != stored.tracking_number
        assert member.received_on == stored.received_on
        # One query code finds every member too.
        assert query_code_matches(submitted.query_code, member.query_code_hash)
    name = citizen.person.real_name
    assert members["registration"].data == {
        "trade_name": "老王餐馆",
        "operator": name,
        "capital": "100000",
    }
    assert members["food"].data == {"shop_name": "老王餐馆", "seats": "40"}
    assert members["sign"].data == {"applicant_name": "老王餐馆"}
    # The lease was uploaded once and is every member's material, the same stored file.
    leases = Attachment.objects.filter(
        application__theme_case=case, material_key__in=["premises_proof", "lease", "site_use_proof"]
    )
    assert leases.count() == 3
    assert len({a.file.name for a in leases}) == 1
    assert not Attachment.objects.filter(
        application=members["food"], material_key="business_licence"
    ).exists()
    # One event for the case, one submission per member, one receipt, one notice each side.
    [event] = events("theme_case.submitted", stored)
    assert set(event.changes["members"][1]) == {"registration", "food", "sign"}
    assert events("application.submitted").count() == 3
    assert (
        Document.objects.filter(application__theme_case=case, kind=DocumentKind.RECEIPT).count()
        == 1
    )
    receipt = Document.objects.get(application__theme_case=case, kind=DocumentKind.RECEIPT)
    assert receipt.department == restaurant.lead_department  # the one window's receipt
    assert receipt.context["theme"]["tracking_number"] == stored.tracking_number
    assert Notification.objects.filter(user=citizen, kind="theme_case.submitted").count() == 1
    assert Notification.objects.filter(user=window_clerk, kind="intake.new_theme_case").count() == 1


def test_the_answers_leave_out_members_they_do_not_need(citizen, restaurant):
    case = filled_case(actor=citizen, version=restaurant, sign=False)

    theme_case_submit(actor=citizen, case=case, idempotency_key="k-1")

    assert set(
        Application.objects.filter(theme_case=case).values_list("theme_member_key", flat=True)
    ) == {"registration", "food"}


def test_submitting_twice_with_the_same_key_files_once(citizen, restaurant):
    case = filled_case(actor=citizen, version=restaurant)

    first = theme_case_submit(actor=citizen, case=case, idempotency_key="k-1")
    again = theme_case_submit(actor=citizen, case=case, idempotency_key="k-1")

    assert again.pk == first.pk and again.query_code is None
    assert Application.objects.filter(theme_case=case).count() == 3


def test_an_incomplete_case_is_refused_with_what_is_missing(citizen, restaurant):
    case = theme_case_start(actor=citizen, version=restaurant)
    case = theme_case_save_answers(actor=citizen, case=case, answers={"sign": False}, revision=1)

    with pytest.raises(ThemeCaseIncomplete) as refused:
        theme_case_submit(actor=citizen, case=case, idempotency_key="k-1")

    assert "shared:name" in refused.value.field_errors
    assert "registration:capital" in refused.value.field_errors
    missing = {(m, k) for m, k, _ in refused.value.missing_materials}
    assert missing == {("", "lease"), ("registration", "identity"), ("food", "kitchen_layout")}
    assert not Application.objects.filter(theme_case=case).exists()
    assert ThemeCase.objects.get(pk=case.pk).status == "draft"


def test_deleting_one_members_attachment_keeps_the_file_the_others_use(
    citizen, restaurant, django_capture_on_commit_callbacks
):
    case = filled_case(actor=citizen, version=restaurant)
    theme_case_submit(actor=citizen, case=case, idempotency_key="k-1")
    lease = Attachment.objects.get(application__theme_member_key="food", material_key="lease")
    name = lease.file.name
    # Drafts only: delete as the system would on a member whose slot is open.
    Application.objects.filter(pk=lease.application_id).update(status="draft")

    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=citizen, attachment=lease)

    assert default_storage.exists(name)
    assert Attachment.objects.filter(file=name).count() == 2


def test_withdrawing_the_case_withdraws_every_open_member(citizen, restaurant):
    case = filled_case(actor=citizen, version=restaurant)
    theme_case_submit(actor=citizen, case=case, idempotency_key="k-1")

    withdrawn = theme_case_withdraw(actor=citizen, case=case, reason="Plans changed")

    assert withdrawn.status == "withdrawn"
    assert set(Application.objects.filter(theme_case=case).values_list("status", flat=True)) == {
        ApplicationStatus.WITHDRAWN
    }
    [event] = events("theme_case.withdrawn", case)
    assert event.reason == "Plans changed"


def test_discarding_a_draft_deletes_its_files(
    citizen, restaurant, django_capture_on_commit_callbacks
):
    case = theme_case_start(actor=citizen, version=restaurant)
    stored = theme_case_upload(actor=citizen, case=case, material_key="lease", uploaded_file=pdf())
    name = stored.file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        theme_case_discard_draft(actor=citizen, case=case)

    assert not default_storage.exists(name)
    assert not ThemeCase.objects.filter(pk=case.pk).exists()


def test_a_field_filled_later_from_a_prerequisites_licence_is_not_asked_at_submission(
    citizen, restaurant
):
    from approvals.selectors.themes import MemberPlan

    case = filled_case(actor=citizen, version=restaurant, sign=False)
    food = ServiceVersion.objects.get(item=restaurant.members.get(key="food").service_item)
    schema = {**food.form_schema, "required": [*food.form_schema["required"], "licence_no"]}
    schema["properties"] = {**schema["properties"], "licence_no": {"type": "string"}}
    ServiceVersion.objects.filter(pk=food.pk).update(form_schema=schema)
    # The catalogue's plan says the field comes from the registration's licence (depends_on fill).
    original = MemberPlan.__init__

    def with_fill(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.member.key == "food":
            self.from_licence = {"licence_no": ("registration", "number")}

    MemberPlan.__init__ = with_fill
    try:
        theme_case_submit(actor=citizen, case=case, idempotency_key="k")
    finally:
        MemberPlan.__init__ = original

    assert ThemeCase.objects.get(pk=case.pk).status == "submitted"


def test_a_licence_the_applicant_holds_stands_in_for_a_members_own_material(
    citizen, stranger, restaurant
):
    from approvals.models import Material
    from approvals.services.theme_case_materials import theme_case_cite_licence
    from tests.factories import ApplicationFactory, LicenceFactory

    food = restaurant.members.get(key="food").service_item
    Material.objects.filter(version__item=food, key="kitchen_layout").update(
        reusable_licence_item_code="T-REG"
    )
    registration = restaurant.members.get(key="registration").service_item.versions.get()
    held = LicenceFactory(
        application=ApplicationFactory(
            decided=True,
            status="licence_issued",
            person=citizen.person,
            created_by=citizen,
            service_version=registration,
        )
    )
    not_mine = LicenceFactory(
        application=ApplicationFactory(
            decided=True,
            status="licence_issued",
            person=stranger.person,
            created_by=stranger,
            service_version=registration,
        )
    )
    case = theme_case_start(actor=citizen, version=restaurant)

    with pytest.raises(UploadRejected):
        theme_case_cite_licence(
            actor=citizen,
            case=case,
            member_key="food",
            material_key="kitchen_layout",
            licence=not_mine,
        )
    cited = theme_case_cite_licence(
        actor=citizen, case=case, member_key="food", material_key="kitchen_layout", licence=held
    )

    assert cited.cited_licence == held
    [event] = events("theme_case.licence_cited", case)
    assert event.changes["cited_licence"] == [None, held.pk]


def test_a_member_only_businesses_may_hold_is_filed_by_a_person_after_its_registration(
    citizen, restaurant
):
    # The food licence is for businesses only, and it waits for the registration.
    food = restaurant.members.get(key="food").service_item
    ServiceVersion.objects.filter(item=food).update(for_persons=False)
    case = filled_case(actor=citizen, version=restaurant, sign=False)

    theme_case_submit(actor=citizen, case=case, idempotency_key="k")

    assert Application.objects.filter(theme_case=case, theme_member_key="food").exists()


def test_a_member_closed_to_persons_that_waits_for_nothing_is_refused(citizen, restaurant):
    sign = restaurant.members.get(key="sign").service_item
    ServiceVersion.objects.filter(item=sign).update(for_persons=False)
    case = filled_case(actor=citizen, version=restaurant, sign=True)

    with pytest.raises(ValidationError):
        theme_case_submit(actor=citizen, case=case, idempotency_key="k")

    assert not Application.objects.filter(theme_case=case).exists()


def test_a_case_reads_its_answers_as_the_guide_does(citizen, restaurant):
    # Given answers spelled as the guide's query string spells them
    case = theme_case_start(actor=citizen, version=restaurant)
    spelled = {q["key"]: _spelled(q) for q in restaurant.questions}

    # When the case stores them
    theme_case_save_answers(actor=citizen, case=case, answers=spelled, revision=1)

    # Then they are typed as the guide types them, and the guide's plan is the case's
    stored = ThemeCase.objects.get(pk=case.pk).answers
    assert stored == parse_answers(restaurant.questions, spelled)[0]
    assert all(
        isinstance(stored[q["key"]], bool) for q in restaurant.questions if q["kind"] == "yes_no"
    )


def _spelled(question) -> str:
    if question["kind"] == "yes_no":
        return "yes"
    if question["kind"] == "number":
        return "12"
    return str(question["choices"][0]["value"])
