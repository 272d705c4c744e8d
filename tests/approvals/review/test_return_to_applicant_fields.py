"""A reviewer's supplement notice during review names form answers to correct as well as
materials, exactly as the window's does (issue 13, item 5): the same items checked the same way,
the answer page reopens just those answers validated like the form, and the case keeps
before → after, on the reviewer's page too."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals.models import Application, ReviewTask, SupplementRequest
from approvals.services.intake import supplement_answer
from approvals.services.tasks import task_return_to_applicant
from approvals.services.workflow import workflow_start
from tests.factories import ApplicationFactory, ServiceVersionFactory
from tests.support import recorded_events

from .conftest import PLAN_WORKFLOW, task_of

pytestmark = pytest.mark.django_db

SCHEMA = {
    "type": "object",
    "properties": {
        "applicant_name": {
            "type": "string",
            "title": "Applicant",
            "x-title-zh": "申请人",
            "x-prefill": "person.real_name",
        },
        "site_address": {
            "type": "string",
            "title": "Site address",
            "x-title-zh": "建设地址",
            "maxLength": 200,
        },
        "floors": {
            "type": "integer",
            "title": "Floors",
            "x-title-zh": "层数",
            "minimum": 1,
            "maximum": 100,
        },
    },
    "required": ["site_address", "floors"],
}


@pytest.fixture
def under_review(demo):
    """The parallel permit with a material and form answers, under review."""
    version = ServiceVersionFactory(
        item__department=demo.natres,
        workflow_definition=PLAN_WORKFLOW,
        form_schema=SCHEMA,
        materials=[{"key": "drawings", "name_zh": "设计图纸", "name_en": "Drawings"}],
        published=True,
    )
    application = ApplicationFactory(
        service_version=version,
        accepted=True,
        data={"applicant_name": "林晓燕", "site_address": "鼓楼区东街8号", "floors": 6},
    )
    workflow_start(actor=demo.clerk, application=application)
    return application


def _return(demo, application, items):
    task = task_of(application, "housing")
    return task_return_to_applicant(
        actor=demo.reviewers["housing"], task=task, revision=task.revision, items=items
    )


def test_the_reviewer_names_a_field_as_well_as_a_material(demo, under_review):
    # when the housing reviewer sends a notice naming a material and an answer to correct
    with recorded_events() as recorded:
        request = _return(
            demo,
            under_review,
            [
                {"material": "drawings", "problem": "图纸未盖章"},
                {"field": "site_address", "problem": "与用地证明不一致"},
            ],
        )

    # then the notice lists both, as the window's would
    assert request.during_review
    assert request.items == [
        {"material": "drawings", "problem": "图纸未盖章"},
        {"material": "", "field": "site_address", "problem": "与用地证明不一致"},
    ]
    under_review.refresh_from_db()
    assert under_review.status == "review_supplement"
    event = recorded.the_one()
    assert event.action == "task.returned_to_applicant"
    assert event.changes["fields"] == [None, ["site_address"]]
    assert event.changes["materials"] == [None, ["drawings", ""]]
    # and the applicant is told each item by its name, in their language
    told = under_review.created_by.notifications.get(kind="supplement.requested")
    chinese, english = told.text_in("zh-hans")["body"], told.text_in("en")["body"]
    assert "1. 设计图纸：图纸未盖章" in chinese and "2. 建设地址：与用地证明不一致" in chinese
    assert "审查您" in chinese
    assert "2. Site address: 与用地证明不一致" in english
    assert told.link == reverse("approvals:application_supplement", args=[under_review.pk])


@pytest.mark.parametrize(
    "item",
    [
        {"field": "applicant_name", "problem": "Wrong name"},  # from the population registry
        {"field": "no_such_field", "problem": "?"},
        {"material": "no_such_material", "problem": "?"},
        {"field": "site_address", "problem": " "},
    ],
)
def test_the_reviewer_cannot_name_what_the_applicant_cannot_correct(demo, under_review, item):
    with pytest.raises(ValidationError) as error:
        _return(demo, under_review, [item])

    assert "items" in error.value.message_dict
    assert not SupplementRequest.objects.filter(application=under_review).exists()
    under_review.refresh_from_db()
    assert under_review.status == "under_review"


@pytest.fixture
def asked_in_review(demo, under_review):
    _return(demo, under_review, [{"field": "site_address", "problem": "与用地证明不一致"}])
    under_review.refresh_from_db()
    return under_review


def test_the_corrected_answer_replaces_the_old_one_and_review_resumes(demo, asked_in_review):
    applicant = asked_in_review.created_by
    with recorded_events() as recorded:
        supplement_answer(
            actor=applicant,
            application=asked_in_review,
            corrections={"site_address": "鼓楼区东街18号"},
        )

    stored = Application.objects.get(pk=asked_in_review.pk)
    assert stored.status == "under_review"
    assert stored.data["site_address"] == "鼓楼区东街18号"
    assert stored.data["floors"] == 6  # the other answers stand
    [item] = SupplementRequest.objects.get(application=stored).items
    assert (item["before"], item["after"]) == ("鼓楼区东街8号", "鼓楼区东街18号")
    event = recorded.the_one()
    assert event.changes["status"] == ["review_supplement", "under_review"]
    assert event.changes["data.site_address"] == ["鼓楼区东街8号", "鼓楼区东街18号"]
    # the review tasks stayed open for the answer
    assert ReviewTask.objects.filter(application=stored, status="open").count() == 3


def test_the_corrected_answer_is_validated_like_the_form(demo, under_review):
    _return(demo, under_review, [{"field": "floors", "problem": "层数有误"}])
    under_review.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        supplement_answer(
            actor=under_review.created_by, application=under_review, corrections={"floors": 0}
        )

    assert "floors" in error.value.message_dict
    stored = Application.objects.get(pk=under_review.pk)
    assert stored.status == "review_supplement" and stored.data["floors"] == 6


def test_the_reviewer_ticks_a_field_on_the_task_page_and_sees_before_and_after(
    demo, under_review, verified_client_factory, client
):
    reviewer = verified_client_factory(demo.reviewers["housing"])
    task = task_of(under_review, "housing")
    url = reverse("approvals:work_task", args=[task.pk])
    # the notice form lists the service's materials and the answers the applicant may correct
    page = reviewer.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'name="return_to_applicant-f-site_address"' in page
    assert 'name="return_to_applicant-m-drawings"' in page
    assert 'name="return_to_applicant-f-applicant_name"' not in page  # registry data

    # a ticked field without a problem is refused beside it
    refused = reviewer.post(
        url,
        {
            "action": "return_to_applicant",
            "return_to_applicant-revision": task.revision,
            "return_to_applicant-f-site_address": "on",
        },
    )
    assert refused.status_code == 400
    assert not SupplementRequest.objects.exists()

    sent = reviewer.post(
        url,
        {
            "action": "return_to_applicant",
            "return_to_applicant-revision": task.revision,
            "return_to_applicant-f-site_address": "on",
            "return_to_applicant-fp-site_address": "与用地证明不一致",
        },
    )
    assert sent.status_code == 302
    notice = SupplementRequest.objects.get(application=under_review)
    assert notice.items == [
        {"material": "", "field": "site_address", "problem": "与用地证明不一致"}
    ]

    # when the applicant corrects the answer on the answer page
    client.force_login(under_review.created_by)
    answer_url = reverse("approvals:application_supplement", args=[under_review.pk])
    answer_page = client.get(answer_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="data-site_address"' in answer_page
    assert "The department reviewing your application listed everything" in answer_page
    assert client.post(answer_url, {"data-site_address": ""}).status_code == 400
    assert client.post(answer_url, {"data-site_address": "鼓楼区东街18号"}).status_code == 302

    # then the reviewer's page shows the correction as before → after
    task.refresh_from_db()
    body = reviewer.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<del>鼓楼区东街8号</del> → <ins>鼓楼区东街18号</ins>" in body
    assert "建设地址: 与用地证明不一致" in body
