from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

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
from accounts.services.registration import business_register, person_register
from audit.chain import verify_chain
from audit.models import AuditEvent
from demo import accounts as demo_data

DEMO_PASSWORD = "demo-password-for-tests"
SEEDED_MODELS = (
    Department,
    User,
    PersonProfile,
    PopulationRecord,
    OfficialPosition,
    Business,
    BusinessMembership,
    LegalPersonRecord,
)
FUNCTIONAL_DEPARTMENTS = (
    "fz-market",
    "fz-health",
    "fz-housing",
    "fz-natres",
    "fz-ecology",
    "fz-fire",
    "fz-culture",
    "fz-gulou-market",
)


def seed(*args, **options) -> str:
    # The demo applications have their own tests (test_demo_applications.py); skipped here.
    options.setdefault("no_applications", True)
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in SEEDED_MODELS}


@pytest.mark.django_db
def test_seeding_twice_changes_nothing_the_second_time():
    # given the demo has been seeded once
    seed(password=DEMO_PASSWORD)
    first = counts()
    events = AuditEvent.objects.count()

    # when it is seeded again
    output = seed(password=DEMO_PASSWORD)

    # then no row was added, no audit event was written and the output says so
    assert counts() == first
    assert AuditEvent.objects.count() == events
    assert "nothing changed" in output
    assert first["accounts.Department"] == len(demo_data.DEPARTMENTS)
    assert first["accounts.OfficialPosition"] == len(demo_data.OFFICIALS)


@pytest.mark.django_db
def test_seeding_records_one_system_audit_event():
    # when the demo is seeded
    seed(password=DEMO_PASSWORD)

    # then exactly one system event records it, and the chain is intact
    event = AuditEvent.objects.get(action="demo.seeded")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.changes["created"][1]["accounts.department"] == len(demo_data.DEPARTMENTS)
    assert verify_chain() is None


@pytest.mark.django_db
def test_seeding_restores_a_changed_demo_row_and_records_it():
    # given a seeded demo whose market bureau someone renamed
    seed(password=DEMO_PASSWORD)
    Department.objects.filter(code="fz-market").update(name_en="Renamed")

    # when the demo is seeded again
    output = seed(password=DEMO_PASSWORD)

    # then the name is back, and the correction is audited
    market = Department.objects.get(code="fz-market")
    assert market.name_en == "Fuzhou Administration for Market Regulation"
    assert "1 updated" in output
    assert AuditEvent.objects.filter(action="demo.seeded").count() == 2


@pytest.mark.django_db
def test_departments_form_the_fuzhou_tree_and_pass_validation():
    # when the demo is seeded
    seed(password=DEMO_PASSWORD)

    # then the tree is city → district → street → community, with functional departments under
    # their government, and every department passes its own validation
    city = Department.objects.get(code="fz-gov")
    assert (city.level, city.region_code, city.parent) == (DepartmentLevel.CITY, "350100", None)
    window = Department.objects.get(code="fz-window")
    assert window.is_service_window and window.parent == city
    for code in FUNCTIONAL_DEPARTMENTS[:-1]:
        department = Department.objects.get(code=code)
        assert department.parent == city
        assert (department.level, department.region_code) == (DepartmentLevel.CITY, "350100")
        assert not department.is_service_window
    gulou = Department.objects.get(code="fz-gulou")
    assert (gulou.parent, gulou.level, gulou.region_code) == (city, "district", "350102")
    assert Department.objects.get(code="fz-gulou-window").is_service_window
    assert Department.objects.get(code="fz-gulou-market").parent == gulou
    street = Department.objects.get(code="fz-gulou-dongjie")
    assert (street.parent, street.level, street.region_code) == (gulou, "street", "350102001")
    community = Department.objects.get(parent=street)
    assert community.level == DepartmentLevel.COMMUNITY
    assert community.region_code.startswith("350102001")
    for department in Department.objects.all():
        department.full_clean()
        assert department.name_zh and department.name_en


@pytest.mark.django_db
def test_every_role_is_held_where_the_workflow_needs_it():
    # when the demo is seeded
    seed(password=DEMO_PASSWORD)

    # then the window has intake clerks, each functional department a reviewer, an approver and
    # a head, and the city government a supervisor
    positions = OfficialPosition.objects.filter(is_active=True)
    assert positions.filter(
        role=OfficialRole.INTAKE_CLERK,
        department__code="fz-window",
        user__email="clerk@demo.gov.cn",
    ).exists()
    assert positions.filter(role=OfficialRole.INTAKE_CLERK, department__code="fz-gulou-window")
    for code in FUNCTIONAL_DEPARTMENTS:
        roles = set(positions.filter(department__code=code).values_list("role", flat=True))
        assert {OfficialRole.REVIEWER, OfficialRole.APPROVER, OfficialRole.DEPARTMENT_HEAD} <= roles
    for prefix in ("market.reviewer", "market.approver", "market.head"):
        assert positions.filter(
            user__email=f"{prefix}@demo.gov.cn", department__code="fz-market"
        ).exists()
    supervisor = positions.get(role=OfficialRole.SUPERVISOR)
    assert supervisor.department.code == "fz-gov"
    assert supervisor.user.email == "supervisor@demo.gov.cn"
    assert set(OfficialRole.values) == set(positions.values_list("role", flat=True))


@pytest.mark.django_db
def test_only_the_supervisor_and_the_administrator_reach_the_admin():
    # when the demo is seeded
    seed(password=DEMO_PASSWORD)

    # then only they are staff; the administrator is a superuser; every official must use 2FA
    assert set(User.objects.filter(is_staff=True).values_list("email", flat=True)) == {
        "supervisor@demo.gov.cn",
        "admin@demo.gov.cn",
    }
    assert User.objects.get(email="admin@demo.gov.cn").is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(email="admin@demo.gov.cn").exists()
    supervisor = User.objects.get(email="supervisor@demo.gov.cn")
    assert supervisor.has_perm("audit.view_auditevent")
    assert not supervisor.has_perm("audit.change_auditevent")
    for position in OfficialPosition.objects.select_related("user"):
        assert position.user.requires_second_factor


@pytest.mark.django_db
def test_every_identifier_is_valid_and_every_profile_matches_the_registry():
    # when the demo is seeded
    seed(password=DEMO_PASSWORD)

    # then ID numbers and credit codes carry correct check characters, and every official and
    # citizen is in the population registry under the same name
    for record in PopulationRecord.objects.all():
        assert identifiers.is_valid_id_number(record.id_number), record.id_number
        assert identifiers.id_number_gender(record.id_number) == record.gender
        assert identifiers.id_number_birth_date(record.id_number) == record.birth_date
    for profile in PersonProfile.objects.all():
        profile.full_clean()
        assert PopulationRecord.objects.filter(
            id_number=profile.id_number, name=profile.real_name
        ).exists()
    for record in LegalPersonRecord.objects.all():
        assert identifiers.is_valid_uscc(record.uscc), record.uscc
        assert identifiers.is_valid_id_number(record.legal_representative_id_number)
    for business in Business.objects.all():
        business.full_clean()
    officials = User.objects.filter(positions__isnull=False).distinct()
    assert officials.count() == len(demo_data.OFFICIALS)
    assert not officials.filter(person__isnull=True).exists()
    citizens = User.objects.filter(email__endswith="@demo.cn")
    assert citizens.count() == 3
    assert not citizens.filter(person__isnull=True).exists()
    assert User.objects.get(email="citizen1@demo.cn").person.real_name == "张伟"
    assert User.objects.get(mobile="+8613800000001").email == "citizen1@demo.cn"


@pytest.mark.django_db
def test_businesses_have_their_representative_as_admin_and_an_agent():
    # when the demo is seeded
    seed(password=DEMO_PASSWORD)

    # then each registered business is run by the person the registry names, helped by an agent
    assert set(Business.objects.values_list("name", flat=True)) == {
        "福州榕城餐饮管理有限公司",
        "福建闽江建设工程有限公司",
    }
    for business in Business.objects.all():
        record = LegalPersonRecord.objects.get(uscc=business.uscc)
        memberships = business.memberships.filter(status=MembershipStatus.ACTIVE)
        admin = memberships.get(role=MembershipRole.ADMIN)
        assert admin.user.person.id_number == record.legal_representative_id_number
        assert memberships.filter(role=MembershipRole.AGENT).exclude(user=admin.user).exists()
    # and one registry entry has no business yet
    assert LegalPersonRecord.objects.exclude(uscc__in=Business.objects.values("uscc")).count() == 1


@pytest.mark.django_db
def test_the_printed_sign_up_example_can_actually_sign_up_and_register_its_business():
    # given the demo is seeded, and the output names someone to try sign-up with
    output = seed(password=DEMO_PASSWORD)
    line = next(line for line in output.splitlines() if line.startswith("Try sign-up with"))
    name = line.split(": ", 1)[1].split(",")[0]
    id_number = line.split("ID number ", 1)[1].split()[0]
    assert not PersonProfile.objects.filter(id_number=id_number).exists()
    assert PopulationRecord.objects.filter(id_number=id_number).count() == 1
    uscc = next(line for line in output.splitlines() if "USCC" in line).split("USCC ")[1][:18]

    # when that person signs up and registers the printed business
    user = person_register(
        email="new.person@example.cn",
        mobile="13600000001",
        password=DEMO_PASSWORD,
        real_name=name,
        id_number=id_number,
    )
    business = business_register(user=user, uscc=uscc)

    # then both succeed against the seeded registries
    assert user.person.real_name == name
    assert business.memberships.get().user == user


@pytest.mark.django_db
def test_the_login_table_lists_every_account_and_the_second_factor_rule():
    # when the demo is seeded
    output = seed(password=DEMO_PASSWORD)

    # then every login is listed with its role and where it works
    lines = output.splitlines()
    for official in demo_data.OFFICIALS:
        row = next(line for line in lines if line.startswith(official.email + " "))
        with translation.override("en"):
            assert str(OfficialRole(official.role).label) in row
        assert f"[{official.department}]" in row
    admin_row = next(line for line in lines if line.startswith("admin@demo.gov.cn "))
    assert "superuser" in admin_row
    citizen_rows = [line for line in lines if line.startswith("citizen1@demo.cn ")]
    assert any(
        "Business administrator" in row and "福州榕城餐饮管理有限公司" in row
        for row in citizen_rows
    )
    assert "authenticator app (TOTP) at their first sign-in" in output
    # and the password is not echoed
    assert DEMO_PASSWORD not in output
    assert "--show-password" in output


@pytest.mark.django_db
def test_show_password_prints_it():
    output = seed(password=DEMO_PASSWORD, show_password=True)

    assert f"Password for every demo account: {DEMO_PASSWORD}" in output


@pytest.mark.django_db
def test_accounts_sign_in_with_the_given_password(monkeypatch, client):
    # given the password comes from the environment
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)

    # when the demo is seeded without --password
    seed()

    # then a citizen signs in with it
    response = client.post(
        "/accounts/login/", {"username": "citizen1@demo.cn", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/accounts/").wsgi_request.user.email == "citizen1@demo.cn"


@pytest.mark.django_db
def test_a_second_run_keeps_changed_passwords_unless_asked_to_reset():
    # given a seeded demo whose citizen changed their password
    seed(password=DEMO_PASSWORD)
    citizen = User.objects.get(email="citizen1@demo.cn")
    citizen.set_password("my-own-new-password")
    citizen.save()

    # when seeded again, then the citizen's password is kept
    seed(password=DEMO_PASSWORD)
    citizen.refresh_from_db()
    assert citizen.check_password("my-own-new-password")

    # when seeded with --reset-passwords, then it is the demo password again
    seed(password=DEMO_PASSWORD, reset_passwords=True)
    citizen.refresh_from_db()
    assert citizen.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_a_password_is_required(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="--password or DEMO_PASSWORD"):
        seed()
    assert not Department.objects.exists()


@pytest.mark.django_db
def test_a_weak_password_is_refused():
    with pytest.raises(CommandError, match="at least 12 characters"):
        seed(password="short-pw")
    assert not Department.objects.exists()
