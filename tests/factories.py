"""Factories for the test suite. Every identifier they make is valid (checksums included)."""

import datetime
import itertools

import factory
from django.utils import timezone

from accounts import identifiers
from accounts.models import (
    Business,
    BusinessMembership,
    Department,
    DepartmentLevel,
    LegalPersonRecord,
    MembershipRole,
    MembershipStatus,
    OfficialPosition,
    OfficialRole,
    PersonProfile,
    PopulationRecord,
    User,
)
from tests.support import due_for_light

DEFAULT_PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def make_id_number(
    *, region: str = "350102", birth_date=datetime.date(1990, 5, 17), seq=None
) -> str:
    seq = next(_sequence) if seq is None else seq
    first17 = f"{region}{birth_date:%Y%m%d}{seq % 1000:03d}"
    return first17 + identifiers.id_number_check_character(first17)


def make_uscc(seq=None) -> str:
    seq = next(_sequence) if seq is None else seq
    first17 = f"91350100MA{seq:07d}"[:17]
    first17 = first17.replace("I", "1").replace("O", "0")
    return first17 + identifiers.uscc_check_character(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PopulationRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationRecord

    id_number = factory.LazyFunction(make_id_number)
    name = factory.Sequence(lambda n: f"测试{n}")
    gender = factory.LazyAttribute(lambda o: identifiers.id_number_gender(o.id_number))
    birth_date = factory.LazyAttribute(lambda o: identifiers.id_number_birth_date(o.id_number))
    address = "福建省福州市鼓楼区五四路1号"


class PersonFactory(factory.django.DjangoModelFactory):
    """A verified citizen: user, profile and the matching population registry record."""

    class Meta:
        model = PersonProfile

    user = factory.SubFactory(UserFactory)
    record = factory.SubFactory(PopulationRecordFactory)
    real_name = factory.LazyAttribute(lambda o: o.record.name)
    id_number = factory.LazyAttribute(lambda o: o.record.id_number)
    gender = factory.LazyAttribute(lambda o: o.record.gender)
    birth_date = factory.LazyAttribute(lambda o: o.record.birth_date)
    address = factory.LazyAttribute(lambda o: o.record.address)
    verified_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.pop("record", None)
        return super()._create(model_class, *args, **kwargs)


class LegalPersonRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalPersonRecord

    uscc = factory.LazyFunction(make_uscc)
    name = factory.Sequence(lambda n: f"福州测试餐饮有限公司{n}")
    legal_representative = "测试法人"
    legal_representative_id_number = factory.LazyFunction(make_id_number)
    address = "福建省福州市台江区测试路8号"
    established_on = datetime.date(2015, 3, 1)


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    uscc = factory.LazyFunction(make_uscc)
    name = factory.Sequence(lambda n: f"测试企业{n}")
    legal_representative = "测试法人"
    verified_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessMembership

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.AGENT
    status = MembershipStatus.ACTIVE

    class Params:
        admin = factory.Trait(role=MembershipRole.ADMIN)
        invited = factory.Trait(status=MembershipStatus.INVITED)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept-{n}")
    name_zh = factory.Sequence(lambda n: f"测试部门{n}")
    name_en = factory.Sequence(lambda n: f"Test department {n}")
    level = DepartmentLevel.CITY
    region_code = "350100"


class OfficialFactory(factory.django.DjangoModelFactory):
    """An official position; the user is a plain account holding it."""

    class Meta:
        model = OfficialPosition

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = OfficialRole.REVIEWER


# --- Catalogue and applications -----------------------------------------------------------------


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.ServiceItem"

    code = factory.Sequence(lambda n: f"TEST{n:04d}")
    department = factory.SubFactory(DepartmentFactory)
    topic = "business"


class ServiceVersionFactory(factory.django.DjangoModelFactory):
    """A draft version; ``materials=[{...}, ...]`` adds materials (while it is a draft) and
    ``published=True`` then publishes it."""

    class Meta:
        model = "approvals.ServiceVersion"
        skip_postgeneration_save = True

    item = factory.SubFactory(ServiceItemFactory)
    number = factory.LazyAttribute(lambda o: o.item.versions.count() + 1)
    name_zh = factory.Sequence(lambda n: f"测试事项{n}")
    name_en = factory.Sequence(lambda n: f"Test service {n}")
    item_type = "licence"
    legal_basis_zh = "《中华人民共和国行政许可法》"
    legal_basis_en = "Administrative Licensing Law of the PRC"
    conditions_zh = "符合条件。"
    conditions_en = "Meets the conditions."
    statutory_limit_days = 20
    promised_limit_days = 10
    form_schema = factory.LazyFunction(dict)

    @factory.post_generation
    def materials(obj, create, extracted, **kwargs):
        for position, fields in enumerate(extracted or []):
            MaterialFactory(version=obj, position=position, **fields)

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.status = "published"
            obj.published_at = timezone.now()
            obj.save(update_fields=["status", "published_at"])
            # As service_version_publish does: the search words are computed on publishing.
            from approvals.models import ServiceSearchDocument
            from approvals.services.catalogue import version_search_entries

            ServiceSearchDocument.objects.create(version=obj, entries=version_search_entries(obj))


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.Material"

    version = factory.SubFactory(ServiceVersionFactory)
    key = factory.Sequence(lambda n: f"material-{n}")
    name_zh = factory.Sequence(lambda n: f"材料{n}")
    name_en = factory.Sequence(lambda n: f"Material {n}")
    required = True


def _yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A person's draft, or an application in a later state, one trait per state, each implying
    the ones before it: ``submitted`` (a tracking number, received), ``accepted`` (received
    yesterday, accepted today), ``under_review``, ``decided`` (approved today) and ``licensed``
    (its licence in the register). Dates given as arguments win over the trait's."""

    class Meta:
        model = "approvals.Application"
        skip_postgeneration_save = True  # the licence of ``licensed`` needs no second save

    service_version = factory.SubFactory(ServiceVersionFactory, published=True)
    applicant_kind = "person"
    person = factory.SubFactory(PersonFactory)
    created_by = factory.LazyAttribute(lambda o: o.person.user)
    status = "draft"
    data = factory.LazyFunction(dict)

    class Params:
        submitted = factory.Trait(
            status="submitted",
            tracking_number=factory.Sequence(lambda n: f"TEST-20250101-{n:05d}"),
            submitted_at=factory.LazyFunction(timezone.now),
        )
        accepted = factory.Trait(
            submitted=True,
            status="accepted",
            received_on=factory.LazyFunction(_yesterday),
            accepted_on=factory.LazyFunction(timezone.localdate),
        )
        under_review = factory.Trait(accepted=True, status="under_review")
        decided = factory.Trait(
            under_review=True,
            status="approved",
            decided_on=factory.LazyFunction(timezone.localdate),
        )
        licensed = factory.Trait(
            decided=True,
            status="licence_issued",
            licence=factory.RelatedFactory("tests.factories.LicenceFactory", "application"),
        )


def _five_years_on(day: datetime.date) -> datetime.date:
    """The last day of five years starting on ``day`` (a 29 February starts on 1 March)."""
    if day.month == 2 and day.day == 29:
        day = day + datetime.timedelta(days=1)
    return day.replace(year=day.year + 5) - datetime.timedelta(days=1)


class LicenceFactory(factory.django.DjangoModelFactory):
    """A valid licence of a decided application (valid five years from the decision); the
    holder follows the application."""

    class Meta:
        model = "approvals.Licence"

    application = factory.SubFactory(ApplicationFactory, decided=True, status="licence_issued")
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
    valid_from = factory.LazyAttribute(lambda o: o.application.decided_on)
    valid_to = factory.LazyAttribute(lambda o: _five_years_on(o.valid_from))


class CertificateFactory(factory.django.DjangoModelFactory):
    """The certificate document of a licence."""

    class Meta:
        model = "approvals.Document"

    licence = factory.SubFactory(LicenceFactory)
    application = factory.LazyAttribute(lambda o: o.licence.application)
    department = factory.LazyAttribute(lambda o: o.licence.department)
    kind = "licence_certificate"
    number = factory.Sequence(lambda n: f"CERT-{n:06d}")


class ClockPauseFactory(factory.django.DjangoModelFactory):
    """A stopped clock (Art. 45), open since today."""

    class Meta:
        model = "approvals.ClockPause"

    application = factory.SubFactory(ApplicationFactory, under_review=True)
    kind = "testing"
    reason = "Laboratory tests"
    started_on = factory.LazyFunction(timezone.localdate)


class ReviewTaskFactory(factory.django.DjangoModelFactory):
    """An open review task of a submitted application, for the reviewers of a new department.
    ``light``: the SLA light it shows today, by its due date (nothing stores a light): green by
    default; "paused" stops its application's clock too; "" gives it no due date."""

    class Meta:
        model = "approvals.ReviewTask"
        skip_postgeneration_save = True

    class Params:
        light = "green"

    application = factory.SubFactory(ApplicationFactory, under_review=True)
    stage_key = "review"
    branch_key = "main"
    department = factory.SubFactory(DepartmentFactory)
    role = "reviewer"
    due_on = factory.LazyAttribute(lambda o: due_for_light(o.light))
    clock_pause = factory.Maybe(
        factory.LazyAttribute(lambda o: o.light == "paused"),
        yes_declaration=factory.RelatedFactory(
            ClockPauseFactory, application=factory.SelfAttribute("..application")
        ),
        no_declaration=None,
    )


# --- 一件事 themes -----------------------------------------------------------------------------


class ThemeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.ThemeItem"

    code = factory.Sequence(lambda n: f"THEME{n:04d}")


class ThemeVersionFactory(factory.django.DjangoModelFactory):
    """A draft theme version; ``members=[{"key": ..., "service_item": item, ...}, ...]`` adds
    members (while it is a draft) and ``published=True`` then publishes it."""

    class Meta:
        model = "approvals.ThemeVersion"
        skip_postgeneration_save = True

    item = factory.SubFactory(ThemeItemFactory)
    number = factory.LazyAttribute(lambda o: o.item.versions.count() + 1)
    name_zh = factory.Sequence(lambda n: f"测试一件事{n}")
    name_en = factory.Sequence(lambda n: f"Test theme {n}")
    lead_department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        for position, fields in enumerate(extracted or []):
            ThemeMemberFactory(version=obj, position=position, **fields)

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.status = "published"
            obj.published_at = timezone.now()
            obj.save(update_fields=["status", "published_at"])


class ThemeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.ThemeMember"

    version = factory.SubFactory(ThemeVersionFactory)
    key = factory.Sequence(lambda n: f"member-{n}")
    service_item = factory.SubFactory(ServiceItemFactory)
    field_map = factory.LazyFunction(dict)


class ThemeCaseFactory(factory.django.DjangoModelFactory):
    """A person's draft case; ``submitted=True`` gives it a tracking number and makes each member
    whose condition holds for ``answers`` a submitted application of its item's published
    version (as the submission does, without its checks, receipts and notices)."""

    class Meta:
        model = "approvals.ThemeCase"
        skip_postgeneration_save = True

    version = factory.SubFactory(ThemeVersionFactory, published=True)
    applicant_kind = "person"
    person = factory.SubFactory(PersonFactory)
    created_by = factory.LazyAttribute(lambda o: o.person.user)
    status = "draft"
    answers = factory.LazyFunction(dict)
    data = factory.LazyFunction(dict)

    class Params:
        submitted = factory.Trait(
            status="submitted",
            tracking_number=factory.Sequence(lambda n: f"THEME-20250101-{n:05d}"),
            submitted_at=factory.LazyFunction(timezone.now),
            received_on=factory.LazyFunction(timezone.localdate),
        )

    @factory.post_generation
    def with_members(obj, create, extracted, **kwargs):
        if not (create and obj.status == "submitted"):
            return
        from approvals.domain import themes

        members = list(obj.version.members.select_related("service_item"))
        applying = themes.members_applying(
            [themes.Member(key=m.key, condition=m.condition) for m in members], obj.answers
        )
        for member in members:
            if member.key not in applying:
                continue
            ApplicationFactory(
                submitted=True,
                service_version=member.service_item.versions.get(status="published"),
                applicant_kind=obj.applicant_kind,
                person=obj.person,
                business=obj.business,
                created_by=obj.created_by,
                received_on=obj.received_on,
                theme_case=obj,
                theme_member_key=member.key,
            )
