"""The holder's "My licences" page."""

import datetime as dt

from approvals.models import LicenceStatus
from tests.factories import CertificateFactory, LicenceFactory, MembershipFactory, PersonFactory


def test_the_holder_sees_their_licence_with_its_certificate(register, client_for):
    page = client_for(register.holder).get("/licences/")
    assert page.status_code == 200
    assert register.licence.number in page.text
    assert "Food business licence" in page.text
    assert "Sale of pre-packaged food" in page.text
    assert f"/verify/{register.certificate.verification_code}/" in page.text
    assert "Apply for a change" in page.text
    assert "Apply for renewal" not in page.text  # five years ahead: the renewal window is closed


def test_chinese_page(register, client_for):
    page = client_for(register.holder, "zh-hans").get("/licences/")
    assert "我的证照" in page.text
    assert "预包装食品销售" in page.text


def test_a_stranger_does_not_see_it(register, client_for):
    page = client_for(register.stranger).get("/licences/")
    assert register.licence.number not in page.text


def test_an_expired_licence_says_so_and_offers_nothing(register, client_for):
    register.licence.valid_to = dt.date(2026, 6, 1)
    register.licence.save(update_fields=["valid_to"])
    page = client_for(register.holder).get("/licences/")
    assert "Expired" in page.text
    assert "/change/start/" not in page.text


def test_renewal_is_offered_in_its_window(register, client_for):
    register.licence.valid_to = dt.date(2026, 7, 31)
    register.licence.save(update_fields=["valid_to"])
    page = client_for(register.holder).get("/licences/")
    assert f"/licences/{register.licence.pk}/renewal/start/" in page.text


def test_business_licences_follow_the_agent_rules(register, business_licence, client_for):
    licence, admin = business_licence
    sees_all = MembershipFactory(
        business=admin.business, user=PersonFactory().user, sees_all_applications=True
    ).user
    own_only = MembershipFactory(business=admin.business, user=PersonFactory().user).user
    assert licence.number in client_for(admin.user).get("/licences/").text
    assert licence.number in client_for(sees_all).get("/licences/").text
    assert licence.number not in client_for(own_only).get("/licences/").text


def test_an_agent_sees_the_licence_of_what_they_filed_while_a_member(register, client_for):
    membership = MembershipFactory(user=PersonFactory().user)
    licence = LicenceFactory(
        application__service_version=register.version,
        application__applicant_kind="business",
        application__person=None,
        application__business=membership.business,
        application__created_by=membership.user,
    )
    assert licence.number in client_for(membership.user).get("/licences/").text
    membership.status = "removed"
    membership.save(update_fields=["status"])
    assert licence.number not in client_for(membership.user).get("/licences/").text


def test_starting_a_change_opens_the_prefilled_form(register, client_for):
    client = client_for(register.holder)
    response = client.post(f"/licences/{register.licence.pk}/change/start/")
    assert response.status_code == 302
    step = client.get(response["Location"])
    assert step.status_code == 200
    assert "老福州小吃" in step.text


def test_a_refused_renewal_is_explained(register, client_for):
    client = client_for(register.holder)
    response = client.post(f"/licences/{register.licence.pk}/renewal/start/", follow=True)
    assert "A renewal can be applied for from 2030-11-10" in response.text


def test_a_stranger_cannot_start_a_change(register, client_for):
    response = client_for(register.stranger).post(f"/licences/{register.licence.pk}/change/start/")
    assert response.status_code == 404


def test_constant_queries(register, client_for, django_assert_max_num_queries):
    for status in (LicenceStatus.VALID, LicenceStatus.REVOKED, LicenceStatus.SUPERSEDED):
        for _ in range(3):
            CertificateFactory(
                licence=LicenceFactory(
                    application__service_version=register.version,
                    application__person=register.holder.person,
                    status=status,
                )
            )
    client = client_for(register.holder)
    client.get("/licences/")
    with django_assert_max_num_queries(10):
        page = client.get("/licences/")
    assert page.text.count("/verify/") == 10


def test_an_agent_who_may_not_apply_sees_the_licence_without_buttons(
    register, business_licence, client_for
):
    licence, admin = business_licence
    viewer = MembershipFactory(
        business=admin.business,
        user=PersonFactory().user,
        sees_all_applications=True,
        can_apply=False,
    ).user
    page = client_for(viewer).get("/licences/")
    assert licence.number in page.text
    assert f"/licences/{licence.pk}/change/start/" not in page.text
    assert f"/licences/{licence.pk}/change/start/" in client_for(admin.user).get("/licences/").text
