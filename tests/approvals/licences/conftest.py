"""Licences made directly (the issuing on approval is the documents work's): a decided
application from the shared factories, its licence in the register, its certificate document;
the issuing department's officials, another department's, a supervisor, holders and strangers."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import factory
import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from accounts.models import OfficialRole
from approvals.models import Commitment, CommitmentStatus, LicenceAction
from approvals.services.commitments import commitment_verify
from tests.factories import (
    ApplicationFactory,
    CertificateFactory,
    DepartmentFactory,
    LicenceFactory,
    MembershipFactory,
    OfficialFactory,
    PersonFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)

TODAY = dt.date(2026, 6, 15)


class DecidedApplicationFactory(ApplicationFactory):
    """A person's application approved on 10 January 2026 whose licence was issued (the licence
    itself is ``LicenceFactory``'s: valid from the decision for five years). Not the ``decided``
    trait: a trait's dates win over a subclass's."""

    status = "licence_issued"
    submitted_at = factory.LazyFunction(timezone.now)
    tracking_number = factory.Sequence(lambda n: f"SPJY-20260105-{n:05d}")
    decided_on = dt.date(2026, 1, 10)


@dataclass
class Register:
    bureau: object
    other_bureau: object
    item: object
    version: object
    head: object
    approver: object
    reviewer: object
    other_head: object
    supervisor: object
    holder: object  # a citizen holding ``licence``
    stranger: object
    licence: object
    certificate: object


@pytest.fixture(autouse=True)
def _fixed_day():
    """Every test runs on ``TODAY`` (10:00 in Shanghai): validity and windows are dates."""
    with time_machine.travel(
        dt.datetime(2026, 6, 15, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def register(db):
    bureau = DepartmentFactory(code="fz-market", name_zh="福州市市场监督管理局")
    other = DepartmentFactory(code="fz-health")
    item = ServiceItemFactory(code="SPJY", department=bureau)
    version = ServiceVersionFactory(
        item=item,
        name_en="Food business licence",
        name_zh="食品经营许可",
        published=True,
        form_schema={
            "type": "object",
            "properties": {"shop_name": {"type": "string", "title": "Shop name"}},
            "x-steps": [{"key": "shop", "title": "Shop", "fields": ["shop_name"]}],
        },
    )
    holder = PersonFactory(real_name="张三丰", user__preferred_language="en").user
    application = DecidedApplicationFactory(
        service_version=version, person=holder.person, data={"shop_name": "老福州小吃"}
    )
    licence = LicenceFactory(application=application)
    return Register(
        bureau=bureau,
        other_bureau=other,
        item=item,
        version=version,
        head=OfficialFactory(department=bureau, role=OfficialRole.DEPARTMENT_HEAD).user,
        approver=OfficialFactory(department=bureau, role=OfficialRole.APPROVER).user,
        reviewer=OfficialFactory(department=bureau, role=OfficialRole.REVIEWER).user,
        other_head=OfficialFactory(department=other, role=OfficialRole.DEPARTMENT_HEAD).user,
        supervisor=OfficialFactory(department=other, role=OfficialRole.SUPERVISOR).user,
        holder=holder,
        stranger=PersonFactory().user,
        licence=licence,
        certificate=CertificateFactory(licence=licence),
    )


@pytest.fixture
def business_licence(register):
    """A licence held by a business: its administrator and an agent who filed it."""
    admin = MembershipFactory(admin=True, user=PersonFactory().user)
    application = DecidedApplicationFactory(
        service_version=register.version,
        applicant_kind="business",
        person=None,
        business=admin.business,
        created_by=admin.user,
    )
    return LicenceFactory(application=application), admin


@pytest.fixture
def official_client(verified_client_factory):
    """``official_client(user, language="en")``: an official past the second factor."""

    def make(user, language: str = "en") -> Client:
        client = verified_client_factory(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return make


def open_follow_up(register, action=LicenceAction.CHANGE, **fields):
    """A change or renewal of ``register.licence`` by its holder, submitted and under review."""
    return ApplicationFactory(
        **{
            "submitted": True,
            "status": "under_review",
            "service_version": register.version,
            "person": register.holder.person,
            "licence_to_supersede": register.licence,
            "licence_action": action,
            **fields,
        }
    )


def pledge_found_false(register, finding: str, *, verifier_language: str) -> None:
    """The licence's pledge (告知承诺) verified false by the issuing department's approver,
    working in ``verifier_language``: the licence is revoked with ``finding``."""
    commitment = Commitment.objects.create(
        application=register.licence.application,
        statement_zh="本人承诺员工均已接受消防安全培训",
        statement_en="All staff have had fire safety training",
        status=CommitmentStatus.VERIFYING,
        department=register.bureau,
        verification_days=30,
        licence=register.licence,
    )
    with translation.override(verifier_language):
        commitment_verify(
            actor=register.approver, commitment=commitment, pledge_true=False, finding=finding
        )
    register.licence.refresh_from_db()
