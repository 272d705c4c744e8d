"""Licences made directly (the issuing on approval is the documents work's): a decided
application from the shared factories, its licence in the register, its certificate document;
the issuing department's officials, another department's, a supervisor, holders and strangers."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import factory
import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from accounts.models import OfficialRole
from approvals.models import Document, DocumentKind, Licence, LicenceAction
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    MembershipFactory,
    OfficialFactory,
    PersonFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)

TODAY = dt.date(2026, 6, 15)


class DecidedApplicationFactory(ApplicationFactory):
    """A person's application that was approved and got its licence."""

    status = "licence_issued"
    tracking_number = factory.Sequence(lambda n: f"SPJY-20260105-{n:05d}")
    submitted_at = factory.LazyFunction(timezone.now)
    decided_on = dt.date(2026, 1, 10)


class LicenceFactory(factory.django.DjangoModelFactory):
    """A valid licence of a decided application; the holder follows the application."""

    class Meta:
        model = Licence

    application = factory.SubFactory(DecidedApplicationFactory)
    number = factory.Sequence(lambda n: f"JY135010{n:06d}")
    item = factory.LazyAttribute(lambda o: o.application.service_version.item)
    department = factory.LazyAttribute(lambda o: o.application.service_version.item.department)
    holder_kind = factory.LazyAttribute(lambda o: o.application.applicant_kind)
    person = factory.LazyAttribute(
        lambda o: o.application.person if o.application.applicant_kind == "person" else None
    )
    business = factory.LazyAttribute(lambda o: o.application.business)
    holder_name = factory.LazyAttribute(
        lambda o: (
            o.application.business.name
            if o.application.business_id
            else o.application.person.real_name
        )
    )
    scope_zh = "预包装食品销售"
    scope_en = "Sale of pre-packaged food"
    valid_from = dt.date(2026, 1, 10)
    valid_to = dt.date(2031, 1, 9)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    licence = factory.SubFactory(LicenceFactory)
    application = factory.LazyAttribute(lambda o: o.licence.application)
    department = factory.LazyAttribute(lambda o: o.licence.department)
    kind = DocumentKind.LICENCE_CERTIFICATE
    number = factory.Sequence(lambda n: f"CERT-{n:06d}")


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


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


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
def client_for():
    def make(user, language: str = "en") -> Client:
        client = Client(headers={"accept-language": language})
        client.force_login(user, backend="accounts.backends.EmailOrMobileBackend")
        return client

    return make


@pytest.fixture
def official_client(verified_client_factory):
    """``official_client(user, language="en")``: an official past the second factor."""

    def make(user, language: str = "en") -> Client:
        client = verified_client_factory(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return make


@pytest.fixture
def english():
    with translation.override("en"):
        yield


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
