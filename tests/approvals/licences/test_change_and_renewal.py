"""Change (变更) and renewal (延续): applications of their own, and the new licence superseding
the old one when it is issued."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import DocumentStatus, LicenceAction, LicenceStatus, ServiceVersion
from approvals.services.licences import (
    licence_follow_up_start,
    licence_revoke,
    licence_supersede_on_issue,
    licence_valid_to,
)
from audit.models import AuditEvent
from tests.approvals.licences.conftest import DecidedApplicationFactory
from tests.factories import LicenceFactory, MembershipFactory, PersonFactory
from tests.support import recorded_events


def _expiring(register, valid_to):
    register.licence.valid_to = valid_to
    register.licence.save(update_fields=["valid_to"])
    return register.licence


def test_a_change_application_names_the_licence_and_is_prefilled(register):
    # when the holder starts a change of their valid licence
    with recorded_events() as recorded:
        application = licence_follow_up_start(
            actor=register.holder, licence=register.licence, action=LicenceAction.CHANGE
        )
    # then a draft of the current published version names the licence, with the old answers
    assert application.status == "draft"
    assert application.service_version == register.version
    assert application.licence_to_supersede == register.licence
    assert application.licence_action == LicenceAction.CHANGE
    assert application.data["shop_name"] == "老福州小吃"
    # one act, one event: about the new draft, its start and the licence it changes
    audit = recorded.the_one()
    assert (audit.action, audit.object_id) == ("licence.follow_up_started", str(application.pk))
    assert audit.changes["status"] == [None, "draft"]
    assert audit.changes["licence"] == [None, register.licence.number]
    assert audit.changes["licence_action"] == [None, LicenceAction.CHANGE]
    assert audit.changes["prefilled_from_licence"] == [None, ["shop_name"]]
    assert not AuditEvent.objects.filter(action="application.started").exists()
    # and asking again returns the same draft
    again = licence_follow_up_start(
        actor=register.holder, licence=register.licence, action=LicenceAction.CHANGE
    )
    assert again.pk == application.pk


def test_a_stranger_cannot_change_someone_elses_licence(register):
    with pytest.raises(PermissionDenied):
        licence_follow_up_start(
            actor=register.stranger, licence=register.licence, action=LicenceAction.CHANGE
        )


def test_an_agent_without_may_apply_cannot_renew_the_business_licence(register, business_licence):
    licence, admin = business_licence
    agent = MembershipFactory(
        business=admin.business,
        user=PersonFactory().user,
        can_apply=False,
        sees_all_applications=True,
    ).user
    with pytest.raises(PermissionDenied):
        licence_follow_up_start(actor=agent, licence=licence, action=LicenceAction.CHANGE)
    application = licence_follow_up_start(
        actor=admin.user, licence=licence, action=LicenceAction.CHANGE
    )
    assert application.business == admin.business


@pytest.mark.parametrize(
    ("valid_to", "allowed"),
    [
        (dt.date(2026, 8, 15), False),  # 61 days ahead: not yet
        (dt.date(2026, 8, 14), True),  # 60 days: the window opens
        (dt.date(2026, 6, 15), True),  # the last day of validity
        (dt.date(2026, 6, 14), False),  # expired: a new application is needed
    ],
)
def test_renewal_only_within_its_window(register, valid_to, allowed):
    licence = _expiring(register, valid_to)
    if allowed:
        application = licence_follow_up_start(
            actor=register.holder, licence=licence, action=LicenceAction.RENEWAL
        )
        assert application.licence_action == LicenceAction.RENEWAL
    else:
        with pytest.raises(ValidationError):
            licence_follow_up_start(
                actor=register.holder, licence=licence, action=LicenceAction.RENEWAL
            )


def test_a_revoked_licence_cannot_be_changed(register):
    licence_revoke(actor=register.head, licence=register.licence, reason="x")
    with pytest.raises(ValidationError):
        licence_follow_up_start(
            actor=register.holder, licence=register.licence, action=LicenceAction.CHANGE
        )


def _issued_follow_up(register, action, *, valid_from, valid_to):
    """What ``licence_issue`` leaves: the follow-up application decided, its new licence."""
    application = DecidedApplicationFactory(
        service_version=register.version,
        person=register.holder.person,
        licence_to_supersede=register.licence,
        licence_action=action,
        decided_on=valid_from,
    )
    return LicenceFactory(application=application, valid_from=valid_from, valid_to=valid_to)


def _five_years(register):
    ServiceVersion.objects.filter(pk=register.version.pk).update(licence_valid_years=5)
    register.version.licence_valid_years = 5


def test_a_renewal_continues_from_the_day_after_the_old_licence_ends(register):
    _five_years(register)
    old = _expiring(register, dt.date(2026, 7, 31))
    new = _issued_follow_up(
        register,
        LicenceAction.RENEWAL,
        valid_from=dt.date(2026, 6, 20),
        valid_to=dt.date(2031, 6, 19),
    )
    licence_supersede_on_issue(new_licence=new, actor=register.approver)
    new.refresh_from_db()
    old.refresh_from_db()
    register.certificate.refresh_from_db()
    assert new.supersedes == old
    assert (new.valid_from, new.valid_to) == (dt.date(2026, 8, 1), dt.date(2031, 7, 31))
    assert old.status == LicenceStatus.SUPERSEDED
    assert old.effective_status() == "superseded"
    assert register.certificate.status == DocumentStatus.SUPERSEDED
    superseded = AuditEvent.objects.get(action="licence.superseded")
    assert superseded.changes["status"] == ["valid", "superseded"]
    linked = AuditEvent.objects.get(action="licence.supersedes")
    assert linked.changes["valid_from"] == ["2026-06-20", "2026-08-01"]
    # a second call changes nothing
    licence_supersede_on_issue(new_licence=new, actor=register.approver)
    assert AuditEvent.objects.filter(action="licence.superseded").count() == 1


def test_a_change_keeps_the_old_end_date(register):
    old = register.licence
    new = _issued_follow_up(
        register,
        LicenceAction.CHANGE,
        valid_from=dt.date(2026, 6, 20),
        valid_to=dt.date(2031, 6, 19),
    )
    licence_supersede_on_issue(new_licence=new, actor=None)
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.supersedes == old
    assert (new.valid_from, new.valid_to) == (dt.date(2026, 6, 20), old.valid_to)
    assert old.status == LicenceStatus.SUPERSEDED


def test_a_licence_without_follow_up_is_left_alone(register):
    licence_supersede_on_issue(new_licence=register.licence, actor=None)
    register.licence.refresh_from_db()
    assert register.licence.supersedes is None
    assert not AuditEvent.objects.filter(action__startswith="licence.").exists()


def test_superseding_a_licence_revoked_meanwhile_is_refused(register):
    new = _issued_follow_up(
        register, LicenceAction.CHANGE, valid_from=dt.date(2026, 6, 20), valid_to=None
    )
    licence_revoke(actor=register.head, licence=register.licence, reason="x")
    with pytest.raises(ValidationError):
        licence_supersede_on_issue(new_licence=new, actor=None)


def test_a_renewal_runs_its_full_term_from_the_new_start_across_a_leap_year(register):
    # given a five-year service and a licence ending 2028-03-31, renewed on 2027-12-20
    _five_years(register)
    _expiring(register, dt.date(2028, 3, 31))
    new = _issued_follow_up(
        register,
        LicenceAction.RENEWAL,
        valid_from=dt.date(2027, 12, 20),
        valid_to=licence_valid_to(dt.date(2027, 12, 20), 5),
    )
    # when the renewal's licence supersedes the old one
    licence_supersede_on_issue(new_licence=new, actor=register.approver)
    # then it runs five years from the day after the old one ends, to 31 March (not 1 April)
    new.refresh_from_db()
    assert (new.valid_from, new.valid_to) == (dt.date(2028, 4, 1), dt.date(2033, 3, 31))
    audit = AuditEvent.objects.get(action="licence.supersedes")
    assert audit.changes["valid_to"][1] == "2033-03-31"


@pytest.mark.parametrize(
    ("valid_from", "years", "valid_to"),
    [
        (dt.date(2026, 6, 15), 5, dt.date(2031, 6, 14)),
        (dt.date(2026, 1, 1), 5, dt.date(2030, 12, 31)),
        (dt.date(2028, 2, 29), 5, dt.date(2033, 2, 28)),
        (dt.date(2028, 2, 29), 4, dt.date(2032, 2, 28)),
        (dt.date(2028, 3, 1), 5, dt.date(2033, 2, 28)),
        (dt.date(2026, 6, 15), None, None),
    ],
)
def test_a_licence_ends_the_day_before_its_anniversary(valid_from, years, valid_to):
    assert licence_valid_to(valid_from, years) == valid_to
