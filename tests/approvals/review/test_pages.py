"""The work pages: access matrix, queue counts, filters and query counts, task actions, stale
forms and refused transitions."""

import pytest
from django.urls import reverse

from approvals.models import ReviewTask
from approvals.services.tasks import task_approve, task_claim
from approvals.services.workflow import workflow_start
from tests.factories import PersonFactory
from tests.support import due_for_light, events

from .conftest import task_of

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def clients(demo, verified_client_factory, client):
    citizen = PersonFactory().user
    client.force_login(citizen, backend="accounts.backends.EmailOrMobileBackend")
    from django.test import Client

    return {
        "anonymous": Client(),
        "citizen": client,
        "reviewer": verified_client_factory(demo.reviewers["planning"]),
        "other_reviewer": verified_client_factory(demo.other_reviewer),
        "head": verified_client_factory(demo.head),
        "supervisor": verified_client_factory(demo.supervisor),
    }


# route → expected status per role (302 = sent to sign in)
MATRIX = {
    "queue": {
        "anonymous": 302,
        "citizen": 403,
        "reviewer": 200,
        "other_reviewer": 200,
        "head": 200,
        "supervisor": 200,
    },
    "task": {
        "anonymous": 302,
        "citizen": 403,
        "reviewer": 200,
        "other_reviewer": 404,
        "head": 200,
        "supervisor": 404,
    },
    "extensions": {
        "anonymous": 302,
        "citizen": 403,
        "reviewer": 403,
        "other_reviewer": 403,
        "head": 200,
        "supervisor": 403,
    },
    "task_approve": {
        "anonymous": 302,
        "citizen": 403,
        "reviewer": 302,
        "other_reviewer": 404,
        "head": 403,
        "supervisor": 404,
    },
    "bulk_claim": {
        "anonymous": 302,
        "citizen": 403,
        "reviewer": 302,
        "other_reviewer": 302,
        "head": 302,
        "supervisor": 302,
    },
}


@pytest.mark.parametrize("role", MATRIX["queue"].keys())
@pytest.mark.parametrize("route", MATRIX.keys())
def test_access_matrix(clients, started, route, role):
    task = task_of(started, "planning")
    url = {
        "queue": reverse("approvals:work_queue"),
        "task": reverse("approvals:work_task", args=[task.pk]),
        "extensions": reverse("approvals:work_extensions"),
        "bulk_claim": reverse("approvals:work_bulk_claim"),
        "task_approve": reverse("approvals:work_task", args=[task.pk]),
    }[route]
    if route == "task_approve":
        response = clients[role].post(url, {"action": "approve", "approve-revision": task.revision})
    elif route == "bulk_claim":
        response = clients[role].post(url, {"tasks": [task.pk]})
    else:
        response = clients[role].get(url)
    assert response.status_code == MATRIX[route][role]
    if response.status_code == 302 and role == "anonymous":
        assert "login" in response["Location"] or "sign" in response["Location"]
    task.refresh_from_db()
    # only the planning reviewer holds the task's department and role: only they can claim it
    assert (task.assignee_id is not None) == (route == "bulk_claim" and role == "reviewer")
    assert (task.status == "approved") == (route == "task_approve" and role == "reviewer")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_queue_shows_counts_lights_and_tasks(demo, clients, started, language):
    response = clients["reviewer"].get(
        reverse("approvals:work_queue"), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert started.tracking_number in page
    assert response.context["counts"]["total"] == 1
    assert response.context["counts"]["unclaimed"] == 1
    assert 'class="sla sla-green"' in page
    # the other reviewer sees nothing of it
    other = clients["other_reviewer"].get(reverse("approvals:work_queue"))
    assert started.tracking_number not in other.content.decode()


def test_queue_filters(demo, clients, started, make_accepted):
    second = make_accepted()
    workflow_start(actor=demo.clerk, application=second)
    planning = task_of(second, "planning")
    task_claim(actor=demo.reviewers["planning"], task=planning, revision=planning.revision)
    ReviewTask.objects.filter(pk=task_of(started, "planning").pk).update(
        due_on=due_for_light("red")
    )
    url = reverse("approvals:work_queue")
    reviewer = clients["reviewer"]
    mine = reviewer.get(url, {"state": "mine"}).context["page_obj"].object_list
    assert [t.application_id for t in mine] == [second.pk]
    red = reviewer.get(url, {"light": "red"}).context["page_obj"].object_list
    assert [t.application_id for t in red] == [started.pk]
    unclaimed = reviewer.get(url, {"state": "unclaimed"}).context["page_obj"].object_list
    assert [t.application_id for t in unclaimed] == [started.pk]


def test_queue_and_task_pages_run_constant_queries(demo, clients, make_accepted):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    head = clients["head"]

    def measure():
        task = ReviewTask.objects.filter(department=demo.natres).order_by("pk").first()
        with CaptureQueriesContext(connection) as queue_queries:
            response = head.get(reverse("approvals:work_queue"))
        total = response.context["counts"]["total"]
        with CaptureQueriesContext(connection) as task_queries:
            assert head.get(reverse("approvals:work_task", args=[task.pk])).status_code == 200
        return total, len(queue_queries), len(task_queries)

    # given 3 applications under review, then 30
    for _ in range(3):
        workflow_start(actor=demo.clerk, application=make_accepted())
    few = measure()
    for _ in range(27):
        workflow_start(actor=demo.clerk, application=make_accepted())
    many = measure()
    # then the pages cost the same number of queries
    assert (few[0], many[0]) == (3, 30)
    assert few[1:] == many[1:]
    # the task page (a head's): 26 with the case file's record, its savepoints and the
    # timeline's fixed reads (docs/performance.md, "Pages' statements, fourth round"; was 50);
    # the head's queue: 11, its service filter read with its counts (was 12; "The department
    # head's queue, fifth round")
    assert few[1] <= 11 and few[2] <= 26


def test_approve_from_the_task_page(demo, clients, started):
    task = task_of(started, "planning")
    response = clients["reviewer"].post(
        reverse("approvals:work_task", args=[task.pk]),
        {"action": "approve", "approve-revision": task.revision, "approve-comment": "fine"},
        **ENGLISH,
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "approved" and task.comment == "fine"
    assert events("task.approved", task).count() == 1


def test_reject_without_reasons_shows_the_error(demo, clients, started):
    task = task_of(started, "planning")
    response = clients["reviewer"].post(
        reverse("approvals:work_task", args=[task.pk]),
        {"action": "reject", "reject-revision": task.revision, "reject-reasons": ""},
        **ENGLISH,
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "open"


def test_stale_form_gets_409_with_the_fresh_state(demo, clients, started):
    task = task_of(started, "planning")
    old_revision = task.revision
    task_claim(actor=demo.reviewers["planning"], task=task, revision=old_revision)
    response = clients["reviewer"].post(
        reverse("approvals:work_task", args=[task.pk]),
        {"action": "reject", "reject-revision": old_revision, "reject-reasons": "no"},
        **ENGLISH,
    )
    assert response.status_code == 409
    assert "This task has changed" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "open"
    assert not events("task.rejected").exists()


def test_transition_not_allowed_gets_409(demo, clients, started, verified_client_factory):
    for branch, user in demo.reviewers.items():
        task = task_of(started, branch)
        task_approve(actor=user, task=task, revision=task.revision)
    decision = task_of(started, "decision")
    task_approve(actor=demo.approver, task=decision, revision=decision.revision)
    decision.refresh_from_db()
    type(started).objects.filter(pk=started.pk).update(status="withdrawn")
    response = verified_client_factory(demo.approver2).post(
        reverse("approvals:work_task", args=[decision.pk]),
        {"action": "approve", "approve-revision": decision.revision},
        **ENGLISH,
    )
    assert response.status_code == 409
    decision.refresh_from_db()
    assert decision.status == "open"


def test_bulk_claim_and_release(demo, clients, started, make_accepted):
    second = make_accepted()
    workflow_start(actor=demo.clerk, application=second)
    ids = [task_of(app, "planning").pk for app in (started, second)]
    ids.append(task_of(started, "fire").pk)  # not the planning reviewer's
    response = clients["reviewer"].post(reverse("approvals:work_bulk_claim"), {"tasks": ids})
    assert response.status_code == 302
    claimed = ReviewTask.objects.filter(assignee=demo.reviewers["planning"])
    assert sorted(claimed.values_list("pk", flat=True)) == sorted(ids[:2])
    assert events("task.claimed").count() == 2
    task = claimed.first()
    clients["reviewer"].post(
        reverse("approvals:work_task", args=[task.pk]),
        {"action": "release", "revision": task.revision},
    )
    task.refresh_from_db()
    assert task.assignee is None
    assert events("task.released", task).count() == 1


def test_head_assigns_from_the_queue(demo, clients, started):
    from tests.factories import OfficialFactory

    colleague = OfficialFactory(department=demo.natres).user
    task = task_of(started, "planning")
    page = clients["head"].get(reverse("approvals:work_queue")).content.decode()
    assert f'value="{colleague.pk}"' in page
    clients["head"].post(
        reverse("approvals:work_task", args=[task.pk]),
        {"action": "assign", "revision": task.revision, "assignee": colleague.pk},
    )
    task.refresh_from_db()
    assert task.assignee == colleague
    assert events("task.assigned", task).count() == 1
    assert colleague.notifications.filter(kind="task.assigned").exists()


def _pdf_attachment(application, material_key: str, name: str):
    from django.core.files.base import ContentFile

    from approvals.models import Attachment

    content = b"%PDF-1.4 test"
    return Attachment.objects.create(
        application=application,
        material_key=material_key,
        file=ContentFile(content, name=name),
        display_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256="0" * 64,
        scan_result="clean",
        uploaded_by=application.created_by,
    )


def test_official_downloads_an_attachment_of_a_visible_task(demo, clients, started):
    attachment = _pdf_attachment(started, "plan", "plan.pdf")
    url = reverse("approvals:attachment_download", args=[attachment.pk])
    assert clients["reviewer"].get(url).status_code == 200
    assert clients["other_reviewer"].get(url).status_code == 404


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_task_page_shows_application_history_due_dates_and_actions(
    demo, clients, started, language
):
    task = task_of(started, "planning")
    response = clients["reviewer"].get(
        reverse("approvals:work_task", args=[task.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert started.tracking_number in page
    assert 'name="action" value="approve"' in page
    assert 'name="action" value="reject"' in page
    assert 'name="action" value="return_to_applicant"' in page
    assert 'name="action" value="pause_clock"' in page
    assert 'name="action" value="extension"' in page
    # history: the workflow start and the three tasks, newest first
    actions = [event.action for event in response.context["history"]]
    assert "workflow.started" in actions and actions.count("task.created") == 3
    sequences = [event.sequence for event in response.context["history"]]
    assert sequences == sorted(sequences, reverse=True)
    # the reviewer of the joint stage has no earlier review stage to return to
    assert "return_to_stage" not in response.context["forms"]


def test_my_work_link_shows_for_officials_only(demo, clients, started):
    queue_url = reverse("approvals:work_queue")
    reviewer_page = clients["reviewer"].get(reverse("approvals:dashboard")).content.decode()
    assert f'href="{queue_url}"' in reviewer_page
    citizen_page = clients["citizen"].get(reverse("approvals:dashboard")).content.decode()
    assert f'href="{queue_url}"' not in citizen_page


def test_queue_of_a_new_department_from_the_factory(verified_client_factory):
    from tests.factories import OfficialFactory, ReviewTaskFactory

    task = ReviewTaskFactory(light="yellow")
    ReviewTaskFactory()  # another department's
    reviewer = OfficialFactory(department=task.department).user
    response = verified_client_factory(reviewer).get(
        reverse("approvals:work_queue"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.context["counts"]["total"] == 1
    assert response.context["counts"]["yellow"] == 1
    assert "Yellow: due soon" in response.content.decode()


def test_a_bulk_claim_reads_in_the_pages_language(demo, clients, started, make_accepted):
    second = make_accepted()
    workflow_start(actor=demo.clerk, application=second)
    clients["reviewer"].post(
        reverse("approvals:work_bulk_claim"),
        {"tasks": [task_of(app, "planning").pk for app in (started, second)]},
    )
    task = ReviewTask.objects.get(application=started, branch_key="planning", status="open")

    page = clients["reviewer"].get(
        reverse("approvals:work_task", args=[task.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    history = page.content.decode().split('id="history-heading"', 1)[1]
    assert "bulk claim" not in history
    assert "认领" in history
    assert events("task.claimed", task).get().changes["bulk"] == [None, True]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_task_page_names_each_material_not_its_key(demo, clients, started, language):
    from approvals.models import Material

    material = Material(
        version=started.service_version,
        key="application_form",
        name_zh="申请书",
        name_en="Application form",
    )
    Material.objects.bulk_create([material])  # beside a published version, as the seed does
    _pdf_attachment(started, material.key, "form.pdf")
    task = task_of(started, "planning")

    page = clients["reviewer"].get(
        reverse("approvals:work_task", args=[task.pk]), HTTP_ACCEPT_LANGUAGE=language
    )

    section = page.content.decode().split('id="attachments-heading"', 1)[1].split("</section>")[0]
    name = material.name_zh if language == "zh-hans" else material.name_en
    assert name in section
    assert f"({material.key}" not in section and f"{material.key}," not in section


def test_task_states_read_as_states_and_a_review_as_a_recommendation(demo, clients, started):
    planning = task_of(started, "planning")
    task_approve(actor=demo.reviewers["planning"], task=planning, revision=planning.revision)

    page = clients["reviewer"].get(
        reverse("approvals:work_task", args=[planning.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    tasks = page.content.decode().split('id="tasks-heading"', 1)[1].split("</section>")[0]
    assert "打开" not in tasks and "已批准" not in tasks
    assert "办理中" in tasks and "同意" in tasks


def test_the_heads_drop_downs_select_each_rows_assignee_and_escape_emails(
    demo, clients, started, make_accepted
):
    """The queue's "Assign to" options are drawn once a page and shared by the rows of a
    department and role: each row still selects its own assignee (none when unclaimed), and an
    official's address is escaped."""
    from tests.factories import OfficialFactory

    odd = OfficialFactory(department=demo.natres).user
    odd.email = 'o"dd<b>@example.cn'
    odd.save(update_fields=["email"])
    second = make_accepted()
    workflow_start(actor=demo.clerk, application=second)
    claimed = task_of(second, "planning")
    task_claim(actor=demo.reviewers["planning"], task=claimed, revision=claimed.revision)
    unclaimed = task_of(started, "planning")

    page = clients["head"].get(reverse("approvals:work_queue")).content.decode()

    def options(task):
        start = page.index(f'<select name="assignee" id="assign-{task.pk}">')
        return page[start : page.index("</select>", start)]

    reviewer = demo.reviewers["planning"]
    assert f'<option value="{reviewer.pk}" selected>' in options(claimed)
    assert " selected" not in options(unclaimed)
    assert f'<option value="{reviewer.pk}">' in options(unclaimed)
    assert f'<option value="{odd.pk}">o&quot;dd&lt;b&gt;@example.cn</option>' in options(claimed)
    assert "<b>" not in page


def test_each_row_shows_its_own_light(demo, clients, started, make_accepted):
    """The rows' lights are drawn once a page for each light and reused: a red row and a green
    row still show their own."""
    second = make_accepted()
    workflow_start(actor=demo.clerk, application=second)
    red, green = task_of(started, "planning"), task_of(second, "planning")
    ReviewTask.objects.filter(pk=red.pk).update(due_on=due_for_light("red"))
    ReviewTask.objects.filter(pk=green.pk).update(due_on=due_for_light("green"))

    page = clients["reviewer"].get(reverse("approvals:work_queue")).content.decode()

    def row(task):
        start = page.index(f'id="select-{task.pk}"')
        return page[start : page.index("</tr>", start)]

    assert 'class="sla sla-red"' in row(red) and "sla-green" not in row(red)
    assert 'class="sla sla-green"' in row(green) and "sla-red" not in row(green)
