"""A change or renewal withdrawn because its licence was revoked reads "Licence … was revoked: …"
in its reader's language, whatever the language of the official who revoked: the withdrawal's
event keeps the facts (the official's reason, the licence), and the applicant's page, the API,
the notices, the officials' history and the admin's timeline say why in their reader's words."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import OfficialRole
from approvals.models import LicenceAction, Notification
from approvals.selectors.audit_labels import reason_display
from approvals.services.applications import application_withdraw
from approvals.services.licences import licence_revoke
from audit.chain import audit_record
from audit.models import AuditEvent
from tests.approvals.catalogue.conftest import minimal_workflow
from tests.approvals.licences.conftest import open_follow_up, pledge_found_false
from tests.factories import DepartmentFactory, OfficialFactory, ReviewTaskFactory, UserFactory

REASON = "许可条件已不具备"
OTHER = {"en": "zh-hans", "zh-hans": "en"}
LANGUAGES = tuple(OTHER)


def sentence(language: str, number: str, reason: str = REASON) -> str:
    """The sentence as each language writes it (the msgid and its msgstr)."""
    if language == "en":
        return f"Licence {number} was revoked: {reason}"
    return f"许可证{number}已被撤销：{reason}"


def revoke_in(register, language: str, captured) -> None:
    """The issuing department's approver, working in ``language``, revokes the licence."""
    with captured(execute=True), translation.override(language):
        licence_revoke(actor=register.approver, licence=register.licence, reason=REASON)


def withdrawal_event(application) -> AuditEvent:
    return AuditEvent.objects.get(action="application.withdrawn", object_id=str(application.pk))


def citizen(user, language: str, client_class=Client):
    client = client_class(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user, backend="accounts.backends.EmailOrMobileBackend")
    return client


@pytest.mark.parametrize("revoker", LANGUAGES)
def test_the_applicants_page_and_api_read_why_in_the_readers_language(
    register, django_capture_on_commit_callbacks, revoker
):
    # given the holder's change under review, withdrawn by a revocation in one language
    change = open_follow_up(register)
    revoke_in(register, revoker, django_capture_on_commit_callbacks)
    change.refresh_from_db()
    assert change.status == "withdrawn"
    number = register.licence.number
    reader = OTHER[revoker]
    # when the holder reads the application in the other language
    page = citizen(register.holder, reader).get(
        reverse("approvals:application_detail", args=[change.pk])
    )
    api = citizen(register.holder, reader, APIClient).get(f"/api/v1/applications/{change.pk}/")
    # then both say why in the reader's words, not the revoking official's
    assert page.status_code == 200
    assert sentence(reader, number) in page.text
    assert sentence(revoker, number) not in page.text
    assert api.status_code == 200
    assert api.json()["withdrawal_reason"] == sentence(reader, number)


@pytest.mark.parametrize("revoker", LANGUAGES)
def test_the_notices_say_why_in_each_language(
    register, django_capture_on_commit_callbacks, revoker
):
    # given the window's clerk and the holder's renewal under review
    window = DepartmentFactory(region_code=register.bureau.region_code, is_service_window=True)
    clerk = OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user
    renewal = open_follow_up(register, LicenceAction.RENEWAL)
    # when the licence is revoked by an official working in one language
    revoke_in(register, revoker, django_capture_on_commit_callbacks)
    number = register.licence.number
    # then the holder's notice says in each language that the department withdrew it, and why
    notice = Notification.objects.get(user=register.holder, kind="application.withdrawn")
    assert notice.application_id == renewal.pk
    for language in LANGUAGES:
        body = notice.texts[language]["body"]
        assert sentence(language, number) in body
        assert sentence(OTHER[language], number) not in body
    assert "issuing department" in notice.texts["en"]["body"]
    assert "发证部门" in notice.texts["zh-hans"]["body"]
    # and the window is not told the applicant withdrew
    window = Notification.objects.get(user=clerk, kind="intake.application_withdrawn")
    assert "applicant withdrew" not in window.texts["en"]["body"]
    assert sentence("en", number) in window.texts["en"]["body"]
    assert sentence("zh-hans", number) in window.texts["zh-hans"]["body"]
    # and the revoking official is not told as if they were the applicant
    assert not Notification.objects.filter(user=register.approver, kind="application.withdrawn")


@pytest.mark.parametrize("revoker", LANGUAGES)
def test_the_event_keeps_the_facts_and_the_history_reads_them_in_the_readers_language(
    register, django_capture_on_commit_callbacks, verified_client_factory, revoker
):
    # given a change withdrawn by a revocation in one language
    change = open_follow_up(register)
    revoke_in(register, revoker, django_capture_on_commit_callbacks)
    number = register.licence.number
    # then its event stays truthful: who withdrew it, their reason as typed, and which licence
    event = withdrawal_event(change)
    assert event.actor == register.approver
    assert event.reason == REASON
    assert event.changes["status"][1] == "withdrawn"
    assert event.changes["revoked_licence"] == [None, number]
    assert "revoked_for_false_pledge" not in event.changes
    # and every history reads it in its reader's language
    for language in LANGUAGES:
        with translation.override(language):
            assert reason_display(event) == sentence(language, number)
    # the admin's timeline of the application, in the other language
    supervisor = UserFactory(is_staff=True, is_superuser=True)
    client = verified_client_factory(supervisor)
    reader = OTHER[revoker]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = reader
    page = client.get(reverse("admin:audit_auditevent_timeline", args=[change.pk]))
    assert page.status_code == 200
    assert sentence(reader, number) in page.text
    assert sentence(revoker, number) not in page.text


FINDING = "现场核查：员工未经消防安全培训"
FALSE_PLEDGE = {
    "en": "False pledge (告知承诺) found at verification: ",
    "zh-hans": "经事后核查，申请人告知承诺不实：",
}


@pytest.mark.parametrize("verifier", LANGUAGES)
def test_a_false_pledges_revocation_says_so_in_the_readers_language(
    register, django_capture_on_commit_callbacks, verifier
):
    # given the holder's change, and the licence's pledge found false by an official working in
    # one language
    change = open_follow_up(register)
    with django_capture_on_commit_callbacks(execute=True):
        pledge_found_false(register, FINDING, verifier_language=verifier)
    change.refresh_from_db()
    assert change.status == "withdrawn"
    number = register.licence.number
    # then the event keeps the finding and says a false pledge revoked the licence
    event = withdrawal_event(change)
    assert event.reason == FINDING
    assert event.changes["revoked_for_false_pledge"] == [None, True]
    # and each reader reads what revoked it in their words
    for language in LANGUAGES:
        expected = sentence(language, number, FALSE_PLEDGE[language] + FINDING)
        with translation.override(language):
            assert reason_display(event) == expected
        notice = Notification.objects.get(user=register.holder, kind="application.withdrawn")
        assert expected in notice.texts[language]["body"]


@pytest.mark.parametrize("stored_in", LANGUAGES)
@pytest.mark.parametrize("reader", LANGUAGES)
def test_a_sentence_stored_before_is_read_in_the_readers_language(register, stored_in, reader):
    # given a change withdrawn before, its event keeping the sentence in one language (events
    # are append-only: they cannot be rewritten)
    change = open_follow_up(register, status="withdrawn")
    number = register.licence.number
    audit_record(
        action="application.withdrawn",
        actor=register.approver,
        obj=change,
        reason=sentence(stored_in, number),
        changes={"status": ["under_review", "withdrawn"]},
    )
    # when it is read in either language, the sentence is the reader's
    with translation.override(reader):
        assert reason_display(withdrawal_event(change)) == sentence(reader, number)
    page = citizen(register.holder, reader).get(
        reverse("approvals:application_detail", args=[change.pk])
    )
    assert sentence(reader, number) in page.text


@pytest.mark.parametrize("stored_in", LANGUAGES)
def test_a_false_pledge_stored_before_is_read_in_the_readers_language(register, stored_in):
    # given a task cancelled with the follow-up before, its reason the sentence with the false
    # pledge's words in one language
    open_follow_up(register, status="withdrawn")
    number = register.licence.number
    stored = sentence(stored_in, number, FALSE_PLEDGE[stored_in] + FINDING)
    audit_record(
        action="task.cancelled",
        object_type="approvals.reviewtask",
        object_id="1",
        reason=stored,
        changes={"status": ["open", "cancelled"]},
    )
    event = AuditEvent.objects.get(action="task.cancelled")
    for language in LANGUAGES:
        with translation.override(language):
            expected = sentence(language, number, FALSE_PLEDGE[language] + FINDING)
            assert reason_display(event) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "不再需要",
        "Licence revoked, so no longer needed",
        "Licence JY-1 was revoked",  # no reason after it: not the portal's sentence
    ],
)
def test_an_applicants_own_reason_is_shown_as_typed(register, typed):
    # given the holder withdrawing their change with their own words
    change = open_follow_up(register)
    application_withdraw(actor=register.holder, application=change, reason=typed)
    event = withdrawal_event(change)
    assert "revoked_licence" not in event.changes
    # then every reader reads the words as typed
    for language in LANGUAGES:
        with translation.override(language):
            assert reason_display(event) == typed
        page = citizen(register.holder, language).get(
            reverse("approvals:application_detail", args=[change.pk])
        )
        assert 'data-testid="withdrawal-reason"' in page.text
        assert typed in page.text


def test_an_open_application_shows_no_withdrawal_reason(register):
    change = open_follow_up(register)
    page = citizen(register.holder, "en").get(
        reverse("approvals:application_detail", args=[change.pk])
    )
    assert page.status_code == 200
    assert 'data-testid="withdrawal-reason"' not in page.text


@pytest.mark.parametrize("revoker", LANGUAGES)
def test_the_reviewers_history_reads_why_in_the_readers_language(
    register, django_capture_on_commit_callbacks, official_client, revoker
):
    # given the holder's change in review with the department's reviewer
    # (the register's published version, given the workflow it would have been published with)
    type(register.version).objects.filter(pk=register.version.pk).update(
        workflow_definition=minimal_workflow(register.bureau.code)
    )
    change = open_follow_up(register)
    task = ReviewTaskFactory(
        application=change, stage_key="review", branch_key="review", department=register.bureau
    )
    # when the licence is revoked by an official working in one language
    revoke_in(register, revoker, django_capture_on_commit_callbacks)
    task.refresh_from_db()
    assert task.status == "cancelled"
    # then the reviewer's task page, in the other language, says why in theirs
    reader = OTHER[revoker]
    page = official_client(register.reviewer, reader).get(
        reverse("approvals:work_task", args=[task.pk])
    )
    assert page.status_code == 200
    number = register.licence.number
    assert sentence(reader, number) in page.text
    assert sentence(revoker, number) not in page.text
