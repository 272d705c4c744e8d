"""Change (变更) starts from the licence (issue 13, item 8): the form carries the licence's data
over, and the official reviewing the change sees what differs."""

import datetime as dt

from django.urls import reverse

from approvals.dynamic_forms import summary_differences
from approvals.models import LicenceAction, ServiceVersion, VersionStatus
from approvals.services.licence_issue import licence_issue
from approvals.services.licences import licence_follow_up_start
from demo.catalogue import seed_catalogue
from demo.management.commands.seed_demo import DemoSeeder
from tests.approvals.licences.conftest import DecidedApplicationFactory, open_follow_up
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    ReviewTaskFactory,
)

SCHEMA = {
    "type": "object",
    "properties": {
        "shop_name": {"type": "string", "title": "Shop name"},
        "address": {"type": "string", "title": "Address"},
        "seats": {"type": "integer", "title": "Seats"},
    },
    "x-steps": [{"key": "s", "title": "S", "fields": ["shop_name", "address", "seats"]}],
}


def test_summary_differences_lists_only_what_changed(english):
    before = {"shop_name": "老福州小吃", "address": "东街88号", "seats": 20}
    after = {"shop_name": "老福州小吃", "address": "西街9号"}
    assert summary_differences(SCHEMA, before, after) == [
        {"name": "address", "label": "Address", "before": "东街88号", "after": "西街9号"},
        {"name": "seats", "label": "Seats", "before": "20", "after": "Not provided"},
    ]


def test_the_reviewer_sees_what_the_change_alters(register, official_client):
    workflow = {
        "stages": [
            {
                "key": "review",
                "name": {"en": "Review", "zh": "审查"},
                "branches": [{"key": "main", "department": "fz-market", "role": "reviewer"}],
                "join": "all_approve",
                "limit_working_days": 10,
            }
        ]
    }
    ServiceVersion.objects.filter(pk=register.version.pk).update(workflow_definition=workflow)
    change = open_follow_up(register, data={"shop_name": "新福州小吃"})
    task = ReviewTaskFactory(application=change, department=register.bureau, role="reviewer")
    for language, heading in (("en", "what differs from licence"), ("zh-hans", "的不同之处")):
        page = official_client(register.reviewer, language).get(
            reverse("approvals:work_task", args=[task.pk])
        )
        assert page.status_code == 200
        text = page.content.decode()
        assert heading in text and register.licence.number in text
        section = text.split('id="licence-changes"')[1].split("</section>")[0]
        assert "<del>老福州小吃</del>" in section and "<ins>新福州小吃</ins>" in section


def test_a_change_of_a_demo_food_licence_opens_with_the_licences_answers(db, client):
    # given a food business licence issued on the demo catalogue's form
    DemoSeeder(password="unused", reset_passwords=False).seed_departments()
    seed_catalogue()
    version = ServiceVersion.objects.get(item__code="FOOD-LIC", status=VersionStatus.PUBLISHED)
    admin = MembershipFactory(admin=True, user=PersonFactory().user)
    application = DecidedApplicationFactory(
        service_version=version,
        applicant_kind="business",
        business=admin.business,
        person=None,
        created_by=admin.user,
        status="approved",
        decided_on=dt.date(2026, 6, 15),
        data={
            "shop_name": "老福州小吃",
            "premises_address": "福州市鼓楼区东街88号",
            "category": "retail",
            "food_items": ["prepackaged"],
            "floor_area": 45,
        },
    )
    licence = licence_issue(application=application, actor=None)
    holder = admin.user
    # when the holder applies for a change
    change = licence_follow_up_start(actor=holder, licence=licence, action=LicenceAction.CHANGE)
    # then every step opens with the licence's answers, to edit only what changes
    client.force_login(holder, backend="accounts.backends.EmailOrMobileBackend")
    first = client.get(reverse("approvals:application_step", args=[change.pk, "business"]))
    text = first.content.decode()
    assert 'value="老福州小吃"' in text and 'value="福州市鼓楼区东街88号"' in text
    premises = client.get(reverse("approvals:application_step", args=[change.pk, "premises"]))
    assert 'value="45"' in premises.content.decode()
