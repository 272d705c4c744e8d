"""Supervision tests: a signing key per test, a city bureau with its window, officials and a
supervisor who may read the admin, and helpers to read the audit trail; the statements the admin's
audit timeline may take; March 2026 made by hand for the statistics, the trends and the one-thing
cases."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission

from accounts.models import OfficialRole
from approvals.models import Application, ServiceRating
from approvals.selectors.supervision import Period
from demo.accounts import SUPERVISOR_VIEW_PERMISSIONS
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    OfficialFactory,
    PersonFactory,
    ReviewTaskFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
    ThemeCaseFactory,
    ThemeVersionFactory,
)

WORKFLOW = {
    "stages": [
        {
            "key": "review",
            "name": {"en": "Review", "zh": "审查"},
            "branches": [{"key": "main", "department": "city-market", "role": "reviewer"}],
            "limit_working_days": 10,
        }
    ]
}

# A Wednesday in 2026 that is a working day (the official calendar covers 2026).
A_WORKING_DAY = dt.datetime(2026, 6, 17, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path):
    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "audit-signing-key.pem"


def grant_supervisor_view(user) -> None:
    for dotted in SUPERVISOR_VIEW_PERMISSIONS:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


@dataclass
class City:
    window: object
    bureau: object
    other: object
    clerk: object
    reviewer: object
    head: object
    other_reviewer: object
    supervisor: object
    version: object
    citizen: object


@pytest.fixture
def city(db):
    government = DepartmentFactory(code="city-gov", region_code="350100", name_en="City")
    window = DepartmentFactory(
        code="city-window", region_code="350100", parent=government, is_service_window=True
    )
    bureau = DepartmentFactory(
        code="city-market", region_code="350100", parent=government, name_en="Market bureau"
    )
    other = DepartmentFactory(code="city-health", region_code="350100", name_en="Health bureau")
    supervisor = OfficialFactory(
        department=government, role=OfficialRole.SUPERVISOR, user__is_staff=True
    ).user
    grant_supervisor_view(supervisor)
    item = ServiceItemFactory(code="SPJY", department=bureau, topic="food_health")
    version = ServiceVersionFactory(
        item=item,
        name_en="Food business licence",
        name_zh="食品经营许可",
        workflow_definition=WORKFLOW,
        published=True,
    )
    return City(
        window=window,
        bureau=bureau,
        other=other,
        clerk=OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user,
        reviewer=OfficialFactory(department=bureau, role=OfficialRole.REVIEWER).user,
        head=OfficialFactory(department=bureau, role=OfficialRole.DEPARTMENT_HEAD).user,
        other_reviewer=OfficialFactory(department=other, role=OfficialRole.REVIEWER).user,
        supervisor=supervisor,
        version=version,
        citizen=PersonFactory(record__name="王芳", record__id_number="11010519491231002X").user,
    )


@pytest.fixture
def under_review(city):
    """An application of the citizen under review, with its open task at the bureau."""
    application = ApplicationFactory(
        service_version=city.version,
        person=city.citizen.person,
        created_by=city.citizen,
        under_review=True,
    )
    task = ReviewTaskFactory(application=application, department=city.bureau)
    return task


# What the admin's audit timeline of an application may take, whatever its length: the session,
# the user, the second factor, the user's and groups' permissions and the
# supervisor's position (asked once, not once a model of the menu); the application; the
# case-file opening (its check and position, then the chained event); the related objects' ids
# (one UNION ALL); the events; the session's save.
TIMELINE_STATEMENTS = 21


# --- Hand-made months: March 2026 for the statistics, the trends and the one-thing cases -----

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def day(d: int, month: int = 3) -> dt.date:
    return dt.date(2026, month, d)


@pytest.fixture
def health_version(city):
    item = ServiceItemFactory(code="YLJG", department=city.other, topic="food_health")
    return ServiceVersionFactory(item=item, name_en="Clinic permit", published=True)


def march_application(version, received, accepted=None, decided=None, due=None, status="submitted"):
    """An application of ``version`` received, accepted, decided and due on the days given."""
    return ApplicationFactory(
        service_version=version,
        submitted=True,
        status=status,
        received_on=received,
        accepted_on=accepted,
        decided_on=decided,
        decision_due_on=due,
    )


@pytest.fixture
def trend_march(city, health_version):
    """Market bureau: A approved on time (decided Tue 10th), B denied late (decided Tue 17th,
    due the 16th), C licence issued on time (Mon 9th), D still at the window (received 20th),
    E approved late (decided Thu 26th, due the 24th); F is April's. Health bureau: G approved on
    time (Wed 4th). Ratings: A 5 on the 11th, C 2 on the 12th (market bureau)."""

    market = city.version
    cases = {
        "A": march_application(market, day(2), day(3), day(10), day(31), "approved"),
        "B": march_application(market, day(2), day(3), day(17), day(16), "denied"),
        "C": march_application(market, day(5), day(6), day(9), day(31), "licence_issued"),
        "D": march_application(market, day(20)),
        "E": march_application(market, day(23), day(24), day(26), day(24), "approved"),
        "F": march_application(market, day(1, 4), day(2, 4), day(3, 4), day(30, 4), "approved"),
        "G": march_application(health_version, day(2), day(3), day(4), day(31), "approved"),
    }
    for name, grade, on in (("A", 5, day(11)), ("C", 2, day(12))):
        rating = ServiceRating.objects.create(
            application=cases[name], department=city.bureau, grade=grade, rater=city.citizen
        )
        # Noon in Shanghai, the rating's local day.
        noon = dt.datetime.combine(on, dt.time(12), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        ServiceRating.objects.filter(pk=rating.pk).update(created_at=noon)
    return cases


@pytest.fixture
def restaurant(city):
    """Registration (3 days) → food licence (20 days, waits for it); a sign permit (20 days)
    beside them when there is a sign."""
    registration = ServiceVersionFactory(
        published=True, statutory_limit_days=3, promised_limit_days=1
    )
    food = ServiceVersionFactory(published=True, statutory_limit_days=20, promised_limit_days=10)
    sign = ServiceVersionFactory(published=True, statutory_limit_days=20, promised_limit_days=5)
    return ThemeVersionFactory(
        published=True,
        item__code="RESTAURANT",
        name_zh="我要开餐馆",
        name_en="Open a restaurant",
        lead_department=city.window,
        questions=[{"key": "sign", "kind": "yes_no"}],
        members=[
            {"key": "registration", "service_item": registration.item},
            {
                "key": "food",
                "service_item": food.item,
                "depends_on": [{"member": "registration", "cite_as": ""}],
            },
            {
                "key": "sign",
                "service_item": sign.item,
                "condition": {"question": "sign", "equals": True},
            },
        ],
    )


def theme_case_decided(theme, *, sign: bool, received: dt.date, decisions: dict):
    """A case received on ``received``; ``decisions``: member key → (decided, due, status)."""
    case = ThemeCaseFactory(
        version=theme, submitted=True, answers={"sign": sign}, received_on=received
    )
    for key, (decided, due, status) in decisions.items():
        Application.objects.filter(theme_case=case, theme_member_key=key).update(
            status=status, decided_on=decided, decision_due_on=due, accepted_on=received
        )
    return case


@pytest.fixture
def march_cases(restaurant):
    # A: with a sign; received Mon 2nd, the last decision (food) Fri 13th: 9 working days; the
    # sign decided late.
    a = theme_case_decided(
        restaurant,
        sign=True,
        received=day(2),
        decisions={
            "registration": (day(4), day(5), "approved"),
            "food": (day(13), day(20), "licence_issued"),
            "sign": (day(11), day(10), "approved"),
        },
    )
    # B: no sign; the registration denied Wed 4th, the food licence stopped: completed the 4th.
    b = theme_case_decided(
        restaurant,
        sign=False,
        received=day(2),
        decisions={
            "registration": (day(4), day(5), "denied"),
            "food": (None, None, "stopped"),
        },
    )
    # C: still running (the food licence under review).
    c = theme_case_decided(
        restaurant,
        sign=False,
        received=day(9),
        decisions={
            "registration": (day(10), day(12), "approved"),
            "food": (None, None, "under_review"),
        },
    )
    # D: received in February, completed in March.
    d = theme_case_decided(
        restaurant,
        sign=False,
        received=day(25, 2),
        decisions={
            "registration": (day(26, 2), day(27, 2), "approved"),
            "food": (day(3), day(20), "approved"),
        },
    )
    assert Application.objects.filter(theme_case__isnull=False).count() == 9
    return {"a": a, "b": b, "c": c, "d": d}
