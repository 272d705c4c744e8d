import json
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from accounts.models import (
    Business,
    BusinessMembership,
    Department,
    DepartmentLevel,
    LegalPersonRecord,
    MembershipRole,
    OfficialPosition,
    OfficialRole,
    PersonProfile,
    PopulationRecord,
    User,
)
from audit.chain import audit_record, verify_chain
from audit.models import AuditEvent
from tests.factories import (
    DepartmentFactory,
    LegalPersonRecordFactory,
    MembershipFactory,
    OfficialFactory,
    PersonFactory,
    PopulationRecordFactory,
    UserFactory,
    make_id_number,
)
from tests.support import change_form_data, events


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.cn", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(superuser, verified_client_factory):
    return verified_client_factory(superuser)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# One object of every model the accounts admin shows, and one field to change on it.
def _user():
    return UserFactory()


def _person():
    return PersonFactory()


def _business():
    return MembershipFactory(admin=True).business


def _department():
    return DepartmentFactory()


def _position():
    return OfficialFactory()


def _population_record():
    return PopulationRecordFactory()


def _legal_person_record():
    return LegalPersonRecordFactory()


ADMIN_CASES = [
    (User, _user, "display_name", "新的显示名"),
    (PersonProfile, _person, "address", "福建省福州市鼓楼区新地址9号"),
    (Business, _business, "address", "福建省福州市台江区新址10号"),
    (Department, _department, "name_en", "Renamed department"),
    (OfficialPosition, _position, "role", OfficialRole.APPROVER),
    (PopulationRecord, _population_record, "address", "福建省福州市晋安区新址11号"),
    (LegalPersonRecord, _legal_person_record, "address", "福建省福州市仓山区新址12号"),
]
CASE_IDS = [model._meta.model_name for model, *_ in ADMIN_CASES]


def test_every_accounts_model_in_the_admin_is_covered_here():
    registered = {model for model in admin.site._registry if model._meta.app_label == "accounts"}
    assert registered == {model for model, *_ in ADMIN_CASES}
    assert AuditEvent in admin.site._registry


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "make", "field", "new_value"), ADMIN_CASES, ids=CASE_IDS)
def test_admin_pages_open_for_a_verified_superuser(admin_client, model, make, field, new_value):
    # given an object
    obj = make()

    # when a superuser who passed two-factor opens its list, its change page and the add page
    changelist = admin_client.get(admin_url(model, "changelist"))
    change = admin_client.get(admin_url(model, "change", obj.pk))
    add = admin_client.get(admin_url(model, "add"))

    # then they all open
    assert changelist.status_code == 200
    assert change.status_code == 200
    assert add.status_code == 200
    assert changelist.context["cl"].result_count >= 1


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "make", "field", "new_value"), ADMIN_CASES, ids=CASE_IDS)
def test_saving_in_the_admin_writes_an_audit_event_with_the_change(
    admin_client, superuser, model, make, field, new_value
):
    # given an object and its change page
    obj = make()
    old_value = getattr(obj, field)
    url = admin_url(model, "change", obj.pk)
    data = change_form_data(admin_client.get(url))

    # when the superuser changes one field and saves
    data[field] = new_value
    response = admin_client.post(url, data)

    # then it is saved, and an audit event says who changed what from what to what
    assert response.status_code == 302, response.context["adminform"].form.errors
    obj.refresh_from_db()
    assert getattr(obj, field) == new_value
    event = events("admin.change", obj).get()
    assert event.actor == superuser
    assert event.changes == {field: [old_value, new_value]}
    assert verify_chain() is None


@pytest.mark.django_db
def test_the_admin_needs_the_second_factor(client, superuser):
    # given a superuser signed in with the password only
    client.force_login(superuser, backend="accounts.backends.EmailOrMobileBackend")

    # when they open the admin, then they are sent to enrol an authenticator first
    response = client.get(admin_url(Department, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "make", "field"),
    [
        (PersonProfile, PersonFactory, "id_number"),
        (PopulationRecord, PopulationRecordFactory, "id_number"),
        (LegalPersonRecord, LegalPersonRecordFactory, "legal_representative_id_number"),
    ],
    ids=["personprofile", "populationrecord", "legalpersonrecord"],
)
def test_id_numbers_are_masked_on_admin_pages(admin_client, model, make, field):
    # given a record holding a resident ID number
    obj = make()
    id_number = getattr(obj, field)
    masked = id_number[:4] + "*" * 10 + id_number[-4:]

    # when the admin list and the change page are opened
    changelist = admin_client.get(admin_url(model, "changelist")).content.decode()
    change = admin_client.get(admin_url(model, "change", obj.pk)).content.decode()

    # then only the masked number appears
    for html in (changelist, change):
        assert id_number not in html
        assert masked in html


@pytest.mark.django_db
def test_saving_a_person_profile_keeps_its_id_number(admin_client):
    # given a person profile
    person = PersonFactory()
    id_number = person.id_number
    url = admin_url(PersonProfile, "change", person.pk)
    data = change_form_data(admin_client.get(url))
    assert not any(id_number in str(value) for value in data.values())

    # when it is saved from the change page, which never had the number in full
    data["real_name"] = "张三丰"
    response = admin_client.post(url, data)

    # then the number is unchanged
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.real_name, person.id_number) == ("张三丰", id_number)


@pytest.mark.django_db
def test_adding_a_registry_record_audits_it_with_the_id_number_masked(admin_client):
    # given a new ID number
    id_number = make_id_number(seq=517)

    # when a population record is added in the admin
    response = admin_client.post(
        admin_url(PopulationRecord, "add"),
        {
            "id_number": id_number,
            "name": "测试新人",
            "gender": "male",
            "birth_date": "1990-05-17",
            "address": "福建省福州市鼓楼区",
        },
    )

    # then it is saved, and the audit event records it without the full number
    assert response.status_code == 302
    record = PopulationRecord.objects.get(id_number=id_number)
    event = events("admin.add", record).get()
    assert event.changes["name"] == [None, "测试新人"]
    assert event.changes["id_number"] == [None, id_number[:4] + "*" * 10 + id_number[-4:]]
    assert id_number not in json.dumps(event.changes)


@pytest.mark.django_db
def test_adding_a_user_in_the_admin_hides_the_password_in_the_audit(admin_client):
    # when an administrator creates an account in the admin
    response = admin_client.post(
        admin_url(User, "add"),
        {
            "email": "New.Official@example.cn",
            "mobile": "13712345678",
            "display_name": "新同事",
            "usable_password": "true",
            "password1": "a-long-enough-password",
            "password2": "a-long-enough-password",
        },
    )

    # then the account signs in with that password, and the audit event does not show it
    assert response.status_code == 302
    user = User.objects.get(email="new.official@example.cn")
    assert user.check_password("a-long-enough-password")
    event = events("admin.add", user).get()
    assert event.changes["email"] == [None, "new.official@example.cn"]
    assert event.changes["password"] == [None, "(hidden)"]
    assert event.changes["mobile"] == [None, "137****5678"]
    assert user.password not in json.dumps(event.changes)


@pytest.mark.django_db
def test_changing_a_password_in_the_admin_is_audited(admin_client, superuser):
    # given an account
    user = UserFactory()

    # when an administrator sets a new password for it
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {
            "password1": "another-long-password",
            "password2": "another-long-password",
            "usable_password": "true",
        },
    )

    # then it works and is recorded, without the hash
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-password")
    event = events("admin.change", user).get()
    assert event.actor == superuser
    assert event.changes == {"password": ["(hidden)", "(hidden)"]}


@pytest.mark.django_db
def test_adding_a_member_in_the_business_inline_is_audited(admin_client):
    # given a business with its administrator, and another person
    business = MembershipFactory(admin=True).business
    newcomer = UserFactory()
    url = admin_url(Business, "change", business.pk)
    data = change_form_data(admin_client.get(url))

    # when an agent membership is added in the inline
    prefix = "memberships"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-{total}-user": str(newcomer.pk),
            f"{prefix}-{total}-role": MembershipRole.AGENT,
            f"{prefix}-{total}-status": "active",
            f"{prefix}-{total}-can_apply": "on",
            f"{prefix}-{total}-business": str(business.pk),
        }
    )
    response = admin_client.post(url, data)

    # then the membership exists, with what the agent may do as set in the inline, and its
    # addition is an audit event of its own
    assert response.status_code == 302
    membership = BusinessMembership.objects.get(business=business, user=newcomer)
    assert membership.can_apply and not membership.sees_all_applications
    event = events("admin.add", membership).get()
    assert event.changes["role"] == [None, "agent"]
    assert event.changes["business"] == [None, business.pk]


@pytest.mark.django_db
def test_the_department_admin_applies_the_tree_rules(admin_client):
    # given a district
    district = DepartmentFactory(level=DepartmentLevel.DISTRICT, region_code="350102")
    before = AuditEvent.objects.count()

    # when someone adds a street under it in another district's region
    response = admin_client.post(
        admin_url(Department, "add"),
        {
            "code": "wrong-street",
            "name_zh": "错误街道",
            "name_en": "Wrong street",
            "level": DepartmentLevel.STREET,
            "region_code": "350103001",
            "parent": str(district.pk),
            "is_active": "on",
        },
    )

    # then it is refused with the reason, and nothing is saved or recorded
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "region_code" in errors
    assert not Department.objects.filter(code="wrong-street").exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_deleting_in_the_admin_is_audited(admin_client):
    # given a department
    department = DepartmentFactory(code="to-be-deleted")
    pk = department.pk

    # when it is deleted in the admin
    response = admin_client.post(admin_url(Department, "delete", pk), {"post": "yes"})

    # then it is gone and the event keeps what it was
    assert response.status_code == 302
    assert not Department.objects.filter(pk=pk).exists()
    event = events("admin.delete", Department, pk).get()
    assert event.changes["code"] == ["to-be-deleted", None]


@pytest.mark.django_db
def test_deleting_selected_records_audits_each(admin_client):
    # given two registry records
    records = LegalPersonRecordFactory.create_batch(2)

    # when both are deleted with the "delete selected" action
    response = admin_client.post(
        admin_url(LegalPersonRecord, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(r.pk) for r in records],
            "post": "yes",
        },
    )

    # then each deletion is recorded, with the representative's ID number masked
    assert response.status_code == 302
    assert not LegalPersonRecord.objects.exists()
    for record in records:
        event = events("admin.delete", LegalPersonRecord, record.pk).get()
        assert event.changes["uscc"] == [record.uscc, None]
        assert record.legal_representative_id_number not in json.dumps(event.changes)


@pytest.mark.django_db
def test_official_position_admin_filters_by_department_and_role(admin_client):
    # given positions in two departments
    market = OfficialFactory(role=OfficialRole.REVIEWER).department
    OfficialFactory(role=OfficialRole.APPROVER)

    # when the list is filtered by the first department and role
    response = admin_client.get(
        admin_url(OfficialPosition, "changelist"),
        {"department__id__exact": market.pk, "role": OfficialRole.REVIEWER},
    )

    # then only that position is listed
    assert response.status_code == 200
    assert [p.department for p in response.context["cl"].result_list] == [market]


# --- The audit trail in the admin -----------------------------------------------------------------


@pytest.fixture
def audit_event(db):
    return audit_record(action="test.event", object_type="demo", object_id="1")


@pytest.mark.django_db
def test_the_audit_trail_is_listed_and_opens_read_only(admin_client, audit_event):
    changelist = admin_client.get(admin_url(AuditEvent, "changelist"))
    change = admin_client.get(admin_url(AuditEvent, "change", audit_event.pk))

    assert changelist.status_code == 200
    assert "test.event" in changelist.content.decode()
    assert change.status_code == 200
    assert not change.context["has_change_permission"]
    assert audit_event.hash in change.content.decode()


@pytest.mark.django_db
def test_the_audit_trail_cannot_be_added_to_changed_or_deleted_in_the_admin(
    admin_client, audit_event
):
    # given an audit event and a superuser who passed two-factor
    before = AuditEvent.objects.count()

    # when they try to add, change or delete audit events through the admin
    responses = [
        admin_client.get(admin_url(AuditEvent, "add")),
        admin_client.post(admin_url(AuditEvent, "add"), {"action": "forged"}),
        admin_client.post(admin_url(AuditEvent, "change", audit_event.pk), {"action": "rewritten"}),
        admin_client.get(admin_url(AuditEvent, "delete", audit_event.pk)),
        admin_client.post(admin_url(AuditEvent, "delete", audit_event.pk), {"post": "yes"}),
    ]
    bulk = admin_client.post(
        admin_url(AuditEvent, "changelist"),
        {"action": "delete_selected", "_selected_action": [str(audit_event.pk)], "post": "yes"},
    )

    # then every attempt is refused and the trail is as it was
    assert [r.status_code for r in responses] == [403] * 5
    assert bulk.status_code in (200, 302)  # no such action: the list is shown again
    assert AuditEvent.objects.count() == before
    audit_event.refresh_from_db()
    assert audit_event.action == "test.event"
    assert verify_chain() is None


@pytest.mark.django_db
def test_the_seeded_supervisor_can_read_the_audit_trail_but_not_edit_accounts(
    verified_client_factory, audit_event
):
    # given the supervisor from the demo data
    call_command("seed_demo", password="demo-password-for-tests", stdout=StringIO())
    supervisor = User.objects.get(email="supervisor@demo.gov.cn")
    client = verified_client_factory(supervisor)

    # when they open the audit trail and a person profile
    trail = client.get(admin_url(AuditEvent, "changelist"))
    profile = client.get(admin_url(PersonProfile, "changelist"))

    # then they read the trail but cannot see personal records
    assert trail.status_code == 200
    assert profile.status_code == 403


def test_the_admin_index_names_the_packages_models_in_chinese(superuser, verified_client_factory):
    import re

    page = verified_client_factory(superuser).get(
        reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    html = page.content.decode()
    for english in (
        "Access attempts",
        "Access logs",
        "TOTP devices",
        "Static devices",
        "Otp_Totp",
        "Model name",
        "Add link",
        "Change or view list link",
    ):
        assert english not in html, english
    assert "登录尝试" in html and "身份验证器应用" in html
    # Every caption and row name of the app list has Chinese in it.
    names = re.findall(r'<th scope="row"[^>]*>\s*(?:<a [^>]*>)?([^<]+)', html)
    assert names and all(re.search(r"[\u4e00-\u9fff]", name) for name in names), names
