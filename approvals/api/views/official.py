"""Officials: the window's intake queue and decisions, the department's review queue, a task and
every task action. Session with a verified second factor only (``IsIntakeClerk``,
``IsOfficial``); which applications and tasks an official reaches is the selectors' and the
policy's answer, the same as on the work pages (404 for anything else)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from approvals.api.permissions import IsIntakeClerk, IsOfficial
from approvals.api.schema import READ, WRITE, problems
from approvals.api.serializers.common import RevisionSerializer
from approvals.api.serializers.official import (
    ApproveSerializer,
    AssignSerializer,
    ExtensionSerializer,
    IntakeApplicationDetailSerializer,
    IntakeApplicationSerializer,
    PauseClockSerializer,
    PledgeSerializer,
    RefuseSerializer,
    RejectSerializer,
    ReturnToApplicantSerializer,
    ReturnToStageSerializer,
    SupplementRequestSerializer,
    TaskDetailSerializer,
    TaskSerializer,
)
from approvals.selectors.intake import get_application_for_intake, intake_queue
from approvals.selectors.tasks import QueueFilters, get_task_for_official, queue_rows
from approvals.services import intake as intake_services
from approvals.services import tasks as task_services
from approvals.services.case_files import case_file_open

TASK_EXAMPLE = {
    "id": 17,
    "application": {
        "id": 42,
        "tracking_number": "SPJY-20260615-00001",
        "service": "SPJY",
        "status": "under_review",
        "decision_due_on": "2026-07-14",
        "decision_due_provisional": False,
    },
    "stage_key": "review",
    "branch_key": "market",
    "round": 1,
    "department": "city-market",
    "role": "reviewer",
    "status": "open",
    "assignee": None,
    "due_on": "2026-06-29",
    "due_provisional": False,
    "due_note": "",
    "sla_light": "green",
    "revision": 1,
    "created_at": "2026-06-16T09:12:03+08:00",
    "completed_at": None,
}
INTAKE_EXAMPLE = {
    "id": 42,
    "tracking_number": "SPJY-20260615-00001",
    "service": "SPJY",
    "service_name": "食品经营许可",
    "applicant_kind": "person",
    "status": "submitted",
    "revision": 4,
    "submitted_at": "2026-06-15T09:30:00+08:00",
    "received_on": "2026-06-15",
    "intake_due_on": "2026-06-22",
    "intake_due_provisional": False,
    "filed_at_counter": False,
}

# --- Intake (一窗受理) ----------------------------------------------------------------------------


@extend_schema(
    tags=["official"],
    summary="Submitted applications waiting at my windows, oldest first",
    parameters=[OpenApiParameter("service", str, description="Service item code.")],
    responses={200: IntakeApplicationSerializer(many=True), **problems(*READ)},
    examples=[OpenApiExample("Waiting", response_only=True, value=INTAKE_EXAMPLE)],
)
class IntakeQueue(generics.ListAPIView):
    permission_classes = [IsIntakeClerk]
    serializer_class = IntakeApplicationSerializer

    def get_queryset(self):
        return intake_queue(
            self.request.user, item_code=self.request.query_params.get("service", "")
        )


@extend_schema(
    tags=["official"],
    summary="An application at my window, with its answers and materials",
    responses={200: IntakeApplicationDetailSerializer, **problems(*READ)},
    examples=[
        OpenApiExample(
            "At the window",
            response_only=True,
            value={**INTAKE_EXAMPLE, "data": {"shop_name": "老福州小吃"}, "attachments": []},
        )
    ],
)
class IntakeDetail(APIView):
    permission_classes = [IsIntakeClerk]

    def get(self, request, pk: int):
        application = get_application_for_intake(request.user, pk)
        case_file_open(actor=request.user, application=application, page="intake")
        return Response(IntakeApplicationDetailSerializer(application).data)


class _Action(APIView):
    """POST one action: fetch-and-authorize the object, check the input with the serializer, let
    one service decide, answer with the object as it is now."""

    serializer_class = RevisionSerializer
    fetch = None  # selector (user, pk) -> object, or 404
    answer_with = None  # serializer of the answer

    def post(self, request, pk: int):
        fetch = type(self).fetch
        target = fetch(request.user, pk)
        serializer = self.serializer_class(
            data=request.data, context=self.serializer_context(target)
        )
        serializer.is_valid(raise_exception=True)
        self.perform(request.user, target, dict(serializer.validated_data))
        return Response(self.answer(fetch(request.user, pk)))

    def serializer_context(self, target) -> dict:
        """What the input is checked against besides its shape (nothing, by default)."""
        return {}

    def answer(self, target) -> dict:
        return self.answer_with(target).data

    def perform(self, user, target, data):  # pragma: no cover - each subclass has its own
        raise NotImplementedError


class _IntakeAction(_Action):
    permission_classes = [IsIntakeClerk]
    fetch = get_application_for_intake
    answer_with = IntakeApplicationSerializer


def _action_schema(response_serializer):
    """The schema of one action: its input, an example, the object it answers with."""

    def schema(summary: str, serializer, example: dict):
        return extend_schema(
            tags=["official"],
            summary=summary,
            request=serializer,
            responses={200: response_serializer, **problems(*WRITE)},
            examples=[OpenApiExample("Request", request_only=True, value=example)],
        )

    return schema


_intake_schema = _action_schema(IntakeApplicationSerializer)


@_intake_schema("Accept (受理): review starts", RevisionSerializer, {"revision": 3})
class IntakeAccept(_IntakeAction):
    serializer_class = RevisionSerializer

    def perform(self, user, application, data):
        intake_services.intake_accept(actor=user, application=application, **data)


@_intake_schema(
    "Accept with a pledge for a minor missing material (容缺受理)",
    PledgeSerializer,
    {"revision": 3, "material_key": "lease", "due_on": "2026-06-30", "note": ""},
)
class IntakeAcceptWithPledge(_IntakeAction):
    serializer_class = PledgeSerializer

    def perform(self, user, application, data):
        intake_services.intake_accept_with_pledge(actor=user, application=application, **data)


@_intake_schema(
    "Ask once for everything missing or wrong (一次性告知); the clock pauses",
    SupplementRequestSerializer,
    {
        "revision": 3,
        "items": [{"material": "floor-plan", "problem": "Not to scale."}],
        "reply_by": "2026-06-30",
    },
)
class IntakeRequestSupplement(_IntakeAction):
    serializer_class = SupplementRequestSerializer

    def perform(self, user, application, data):
        intake_services.intake_request_supplement(
            actor=user,
            application=application,
            revision=data["revision"],
            items=[dict(item) for item in data["items"]],
            reply_by=data["reply_by"],
        )


@_intake_schema(
    "Refuse acceptance with reasons (and the competent agency)",
    RefuseSerializer,
    {"revision": 3, "reasons": "Not a matter of this agency.", "not_our_matter": False},
)
class IntakeRefuse(_IntakeAction):
    serializer_class = RefuseSerializer

    def perform(self, user, application, data):
        intake_services.intake_refuse(actor=user, application=application, **data)


# --- Review tasks -------------------------------------------------------------------------------


@extend_schema(
    tags=["official"],
    summary="The open tasks I may work, by due date",
    parameters=[
        OpenApiParameter("service", str, description="Service item code."),
        OpenApiParameter("state", str, enum=["unclaimed", "mine", "others"]),
        OpenApiParameter("light", str, enum=["green", "yellow", "red"]),
    ],
    responses={200: TaskSerializer(many=True), **problems(*READ)},
    examples=[OpenApiExample("Open task", response_only=True, value=TASK_EXAMPLE)],
)
class TaskQueue(generics.ListAPIView):
    permission_classes = [IsOfficial]
    serializer_class = TaskSerializer

    def get_queryset(self):
        params = self.request.query_params
        filters = QueueFilters(
            service=params.get("service", ""),
            state=params.get("state", ""),
            light=params.get("light", ""),
        )
        return queue_rows(self.request.user, filters)


@extend_schema(
    tags=["official"],
    summary="A task with its application's answers and materials",
    responses={200: TaskDetailSerializer, **problems(*READ)},
    examples=[
        OpenApiExample(
            "A task",
            response_only=True,
            value={
                **TASK_EXAMPLE,
                "comment": "",
                "data": {"shop_name": "老福州小吃"},
                "attachments": [],
            },
        )
    ],
)
class TaskDetail(APIView):
    permission_classes = [IsOfficial]

    def get(self, request, pk: int):
        task = get_task_for_official(request.user, pk)
        case_file_open(actor=request.user, application=task.application, page="task")
        return Response(TaskDetailSerializer(task).data)


class _TaskAction(_Action):
    permission_classes = [IsOfficial]
    fetch = get_task_for_official
    answer_with = TaskSerializer


_task_schema = _action_schema(TaskSerializer)


@_task_schema(
    "Claim an unclaimed task of my department and role", RevisionSerializer, {"revision": 1}
)
class TaskClaim(_TaskAction):
    def perform(self, user, task, data):
        task_services.task_claim(actor=user, task=task, **data)


@_task_schema("Give a claimed task back to the queue", RevisionSerializer, {"revision": 2})
class TaskRelease(_TaskAction):
    def perform(self, user, task, data):
        task_services.task_release(actor=user, task=task, **data)


@_task_schema(
    "Assign the task (the department head)", AssignSerializer, {"revision": 1, "assignee": 12}
)
class TaskAssign(_TaskAction):
    serializer_class = AssignSerializer

    def perform(self, user, task, data):
        assignee = get_object_or_404(User, pk=data.pop("assignee"), is_active=True)
        task_services.task_assign(actor=user, task=task, assignee=assignee, **data)


@_task_schema("Approve the task", ApproveSerializer, {"revision": 2, "comment": "In order."})
class TaskApprove(_TaskAction):
    serializer_class = ApproveSerializer

    def perform(self, user, task, data):
        task_services.task_approve(actor=user, task=task, **data)


@_task_schema(
    "Reject: the application is denied with the reasons",
    RejectSerializer,
    {"revision": 2, "reasons": "The premises do not meet the standard."},
)
class TaskReject(_TaskAction):
    serializer_class = RejectSerializer

    def perform(self, user, task, data):
        task_services.task_reject(actor=user, task=task, **data)


@_task_schema(
    "Return to an earlier stage",
    ReturnToStageSerializer,
    {"revision": 2, "stage_key": "review", "reason": "Check the fire report again."},
)
class TaskReturnToStage(_TaskAction):
    serializer_class = ReturnToStageSerializer

    def perform(self, user, task, data):
        task_services.task_return_to_stage(actor=user, task=task, **data)


@_task_schema(
    "Return to the applicant for a supplement (the clock pauses)",
    ReturnToApplicantSerializer,
    {"revision": 2, "items": [{"material": "floor-plan", "problem": "Illegible."}]},
)
class TaskReturnToApplicant(_TaskAction):
    serializer_class = ReturnToApplicantSerializer

    def perform(self, user, task, data):
        data["items"] = [dict(item) for item in data["items"]]
        task_services.task_return_to_applicant(actor=user, task=task, **data)


@_task_schema(
    "Pause the clock (expert review, inspection, testing, hearing)",
    PauseClockSerializer,
    {
        "revision": 2,
        "kind": "inspection",
        "reason": "On-site inspection.",
        "expected_working_days": 5,
    },
)
class TaskPauseClock(_TaskAction):
    serializer_class = PauseClockSerializer

    def perform(self, user, task, data):
        data.setdefault("expected_working_days", None)
        task_services.task_pause_clock(actor=user, task=task, **data)


@_task_schema("Resume the paused clock", RevisionSerializer, {"revision": 3})
class TaskResumeClock(_TaskAction):
    def perform(self, user, task, data):
        task_services.task_resume_clock(actor=user, task=task, **data)


@_task_schema(
    "Ask the department head for an extension (Art. 42: up to 10 more working days)",
    ExtensionSerializer,
    {"revision": 2, "working_days": 10, "reason": "Joint inspection needed."},
)
class TaskExtension(_TaskAction):
    serializer_class = ExtensionSerializer

    def perform(self, user, task, data):
        task_services.task_request_extension(actor=user, task=task, **data)
