"""A licence revoked for a false pledge (告知承诺) reads "false pledge found at verification" in
its reader's language, whatever the language of the official who verified: the licence stores the
finding alone, and the register page, the admin, the holder's notice and the written decision
name it in their reader's words."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from approvals.models import Document, DocumentKind, Notification
from approvals.selectors.licences import licence_status_reason
from approvals.services.documents import document_html
from approvals.services.licences import licence_revoke
from tests.approvals.licences.conftest import pledge_found_false
from tests.factories import UserFactory

FINDING = "现场核查：员工未经消防安全培训"
PREFIX = {
    "en": "False pledge (告知承诺) found at verification: ",
    "zh-hans": "经事后核查，申请人告知承诺不实：",
}
OTHER = {"en": "zh-hans", "zh-hans": "en"}


def found_false(register, *, verifier_language: str):
    pledge_found_false(register, FINDING, verifier_language=verifier_language)


@pytest.mark.parametrize("verifier", ["en", "zh-hans"])
def test_the_register_page_reads_the_false_pledge_in_the_readers_language(
    register, official_client, verifier
):
    # given a pledge found false by an official working in one language
    found_false(register, verifier_language=verifier)
    # then the licence keeps the finding alone
    assert register.licence.status == "revoked"
    assert register.licence.status_reason == FINDING
    # and an official reading the register in the other language reads it in theirs
    reader = OTHER[verifier]
    url = reverse("approvals:licence_register_detail", args=[register.licence.pk])
    page = official_client(register.head, reader).get(url)
    assert page.status_code == 200
    assert PREFIX[reader] + FINDING in page.text
    assert PREFIX[verifier] not in page.text


@pytest.mark.parametrize("verifier", ["en", "zh-hans"])
def test_the_holders_notice_names_the_false_pledge_in_each_language(
    register, django_capture_on_commit_callbacks, verifier
):
    with django_capture_on_commit_callbacks(execute=True):
        found_false(register, verifier_language=verifier)
    notice = Notification.objects.get(user=register.holder, kind="licence.revoked")
    for language, prefix in PREFIX.items():
        assert prefix + FINDING in notice.texts[language]["body"]
        assert PREFIX[OTHER[language]] not in notice.texts[language]["body"]


@pytest.mark.parametrize("verifier", ["en", "zh-hans"])
def test_the_written_decision_names_the_false_pledge_in_both_of_its_languages(register, verifier):
    found_false(register, verifier_language=verifier)
    decision = Document.objects.get(
        application=register.licence.application, kind=DocumentKind.REVOCATION_DECISION
    )
    html = document_html(decision)
    chinese, english = html.split("Reasons for the revocation:")
    assert f"撤销理由：{PREFIX['zh-hans']}{FINDING}" in chinese
    assert PREFIX["en"] not in chinese
    assert f" {PREFIX['en']}{FINDING}" in english
    assert PREFIX["zh-hans"] not in english


@pytest.mark.parametrize("verifier", ["en", "zh-hans"])
def test_the_admin_reads_the_licence_and_its_certificate_in_the_readers_language(
    register, official_client, verifier
):
    found_false(register, verifier_language=verifier)
    register.certificate.refresh_from_db()
    assert register.certificate.status == "revoked"
    assert register.certificate.status_reason == FINDING
    reader = OTHER[verifier]
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_licence", "view_document"])
    )
    client = official_client(user, reader)
    for url in (
        reverse("admin:approvals_licence_change", args=[register.licence.pk]),
        reverse("admin:approvals_document_change", args=[register.certificate.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert PREFIX[reader] + FINDING in page.text
        assert PREFIX[verifier] not in page.text


def test_a_reason_typed_by_the_department_is_shown_as_typed(register, official_client):
    # given a licence revoked by the department itself, no pledge involved
    licence_revoke(actor=register.head, licence=register.licence, reason="以欺骗手段取得")
    url = reverse("approvals:licence_register_detail", args=[register.licence.pk])
    for language in PREFIX:
        page = official_client(register.head, language).get(url)
        assert "以欺骗手段取得" in page.text
        assert PREFIX[language] not in page.text


def test_licences_revoked_before_keep_the_finding_alone(register):
    # given a licence revoked for a false pledge before, its reason stored with English words
    found_false(register, verifier_language="en")
    stored = PREFIX["en"] + FINDING
    register.licence.__class__.objects.filter(pk=register.licence.pk).update(status_reason=stored)
    Document.objects.filter(pk=register.certificate.pk).update(status_reason=stored)
    # when the migration runs
    migration = importlib.import_module("approvals.migrations.0035_false_pledge_reason_finding")
    migration.keep_the_finding(django_apps, None)
    # then both keep the finding, read in each reader's language
    register.licence.refresh_from_db()
    register.certificate.refresh_from_db()
    assert register.licence.status_reason == FINDING
    assert register.certificate.status_reason == FINDING
    with translation.override("zh-hans"):
        assert licence_status_reason(register.licence) == PREFIX["zh-hans"] + FINDING
