"""Officials' work pages: the department queue, a task with its actions, the head's extension
approvals. Every page needs an active position with a working role (two-factor is enforced by the
middleware); a task the official may not see answers 404. A stale form answers 409 with the fresh
state ("this task has changed"); a lifecycle step that is not allowed answers 409 too."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from approvals import dynamic_forms
from approvals.domain.lifecycle import TransitionNotAllowed
from approvals.forms.work import (
    LIGHT_LABELS,
    ApproveForm,
    AssignForm,
    ExtensionDecisionForm,
    ExtensionForm,
    GrantForm,
    PauseClockForm,
    QueueFilterForm,
    RejectForm,
    ReturnToApplicantForm,
    ReturnToStageForm,
    stage_name,
)
from approvals.selectors import policy
from approvals.selectors.applications import (
    application_attachments,
    get_service_version_materials,
)
from approvals.selectors.denials import proposed_denial_rejections
from approvals.selectors.documents import application_documents
from approvals.selectors.grants import application_grantees
from approvals.selectors.licences import changes_from_licence
from approvals.selectors.supplements import supplement_notices
from approvals.selectors.tasks import (
    QueueFilters,
    application_history,
    application_tasks,
    department_queue,
    extensions_for_head,
    get_task_for_official,
    queue_summary,
)
from approvals.selectors.timeline import application_progress
from approvals.services import tasks as task_services
from approvals.services.case_files import case_file_open
from approvals.services.grants import grant_application_access, revoke_application_access
from approvals.services.supplement_items import supplement_correctable_choices
from approvals.services.tasks import StaleTask, earlier_stages
from approvals.services.workflow import workflow_definition

WORK_ROLES = ("reviewer", "approver", "department_head", "supervisor")


def official_required(*roles):
    roles = roles or WORK_ROLES

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not policy.position_roles(request.user) & set(roles):
                policy.deny(request.user, "work.open")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _conflict(request, message: str, *, task=None):
    return render(
        request, "approvals/work/conflict.html", {"message": message, "task": task}, status=409
    )


# --- Queue --------------------------------------------------------------------------------------


@official_required()
@require_http_methods(["GET"])
def queue(request):
    summary = queue_summary(request.user)  # the counts and the service filter's choices
    form = QueueFilterForm(request.GET or None, services=summary.services)
    filters = QueueFilters()
    if form.is_bound and form.is_valid():
        filters = QueueFilters(**{k: v or None for k, v in form.cleaned_data.items()})
        filters.service, filters.state = filters.service or "", filters.state or ""
        filters.light = filters.light or ""
    result = department_queue(
        request.user, filters, page=request.GET.get("page") or 1, summary=summary
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "approvals/work/queue.html",
        {
            "form": form,
            "queue": result,
            "page_obj": result.page,
            "counts": result.counts,
            "light_labels": LIGHT_LABELS,
            "query": query.urlencode(),
        },
    )


@official_required()
@require_POST
def bulk_claim(request):
    ids = [int(pk) for pk in request.POST.getlist("tasks") if pk.isdigit()]
    claimed = task_services.task_bulk_claim(actor=request.user, task_ids=ids)
    messages.success(
        request,
        _("Claimed %(count)s of %(asked)s tasks.") % {"count": len(claimed), "asked": len(ids)},
    )
    return redirect("approvals:work_queue")


# --- Task page ----------------------------------------------------------------------------------

ACTION_FORMS = {
    "approve": ApproveForm,
    "reject": RejectForm,
    "return_to_stage": ReturnToStageForm,
    "return_to_applicant": ReturnToApplicantForm,
    "pause_clock": PauseClockForm,
    "extension": ExtensionForm,
}


def _supplement_kwargs(task) -> dict:
    """What a reviewer's supplement notice may list: the service's materials and the answers
    the applicant may correct (as at the window)."""
    version = task.application.service_version
    return {
        "materials": get_service_version_materials(version),
        "fields": supplement_correctable_choices(version),
    }


def _action_forms(task, bound=None):
    initial = {"revision": task.revision}
    stages = earlier_stages(task)
    forms = {}
    for name, form_class in ACTION_FORMS.items():
        kwargs = {"initial": initial, "prefix": name}
        if name == "return_to_stage":
            kwargs["stages"] = stages
        if name == "return_to_applicant":
            kwargs.update(_supplement_kwargs(task))
        forms[name] = bound if bound is not None and bound.prefix == name else form_class(**kwargs)
    if not stages:
        forms.pop("return_to_stage")
    return forms


def _named_attachments(application) -> list:
    """The uploads in the order of the service's materials, each with its material's name in
    the page's language (a key the version no longer lists shows as itself)."""
    materials = get_service_version_materials(application.service_version)
    order = {material.key: index for index, material in enumerate(materials)}
    names = {material.key: material.name for material in materials}
    attachments = [
        attachment
        for group in application_attachments(application).values()
        for attachment in group
    ]
    for attachment in attachments:
        attachment.material_name = names.get(attachment.material_key, attachment.material_key)
    return sorted(attachments, key=lambda a: order.get(a.material_key, len(order)))


def _open_pauses(application) -> list:
    """The clock's pauses running now, other than a supplement notice's (the timeline has read
    the application's pauses: no query then)."""
    prefetch_related_objects([application], "pauses")
    return [
        pause
        for pause in application.pauses.all()
        if pause.ended_on is None and pause.kind != "supplement"
    ]


def _task_context(request, task, *, bound=None, grant_form=None, tasks=None):
    application = task.application
    may_manage_grants = policy.may_manage_grants(request.user, application)
    definition = workflow_definition(application)
    stage = definition.stage(task.stage_key)
    may_decide = task.status == "open"
    try:
        policy.require_task_action(request.user, task, "approve")
    except PermissionDenied:
        may_decide = False
    if tasks is None:  # read once: the task list, history and timeline
        tasks = application_tasks(application)
    history = application_history(application, tasks=tasks)
    return {
        "task": task,
        "application": application,
        "proposed_denial": proposed_denial_rejections(task),
        "drafted_rejection": task.drafted_by_id is not None and task.drafted_outcome == "rejected",
        "stage_name": stage_name(stage),
        "second_approval": stage.second_approval,
        "rows": dynamic_forms.summary_rows(
            application.service_version.form_schema, application.data
        ),
        "attachments": _named_attachments(application),
        "history": history,
        "documents": application_documents(application),
        "supplements": supplement_notices(application),
        "correct_departments": policy.document_correction_department_ids(request.user),
        "changes_from_licence": changes_from_licence(application),
        "tasks": tasks,
        "timeline": application_progress(application, tasks=tasks, history=history),
        "forms": _action_forms(task, bound) if may_decide else {},
        "may_decide": may_decide,
        "may_claim": task.status == "open"
        and task.assignee_id is None
        and policy.holds_task_position(request.user, task),
        "may_release": task.status == "open" and task.assignee_id == request.user.pk,
        "paused": _open_pauses(application),
        "light_labels": LIGHT_LABELS,
        "may_manage_grants": may_manage_grants,
        "grantees": application_grantees(application) if may_manage_grants else [],
        "grant_form": (grant_form or GrantForm(prefix="grant")) if may_manage_grants else None,
    }


@official_required()
@require_http_methods(["GET", "POST"])
def task_detail(request, pk: int):
    task = get_task_for_official(request.user, pk)
    if request.method == "GET":
        # Read once: the case file's record (the official's position), the task list, the
        # history and the timeline.
        tasks = application_tasks(task.application)
        case_file_open(actor=request.user, application=task.application, page="task", tasks=tasks)
        context = _task_context(request, task, tasks=tasks)
        return render(request, "approvals/work/task.html", context)
    action = request.POST.get("action", "")
    try:
        response = _perform(request, task, action)
    except StaleTask as stale:
        fresh = get_task_for_official(request.user, stale.task.pk)
        context = _task_context(request, fresh)
        context["stale"] = True
        return render(request, "approvals/work/task.html", context, status=409)
    except TransitionNotAllowed:
        return _conflict(
            request,
            _("The application's state does not allow this step any more."),
            task=task,
        )
    except PermissionDenied:
        raise
    except _FormInvalid as invalid:
        task.refresh_from_db()
        return render(
            request,
            "approvals/work/task.html",
            _task_context(request, task, bound=invalid.form),
            status=400,
        )
    return response


class _FormInvalid(Exception):
    def __init__(self, form):
        self.form = form


def _bind(request, task, action):
    form_class = ACTION_FORMS[action]
    kwargs = {"data": request.POST, "prefix": action}
    if action == "return_to_stage":
        kwargs["stages"] = earlier_stages(task)
    if action == "return_to_applicant":
        kwargs.update(_supplement_kwargs(task))
    form = form_class(**kwargs)
    if not form.is_valid():
        raise _FormInvalid(form)
    return form


def _add_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: beside its field, or at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _call(form, service, **kwargs):
    try:
        return service(**kwargs)
    except ValidationError as error:
        _add_errors(form, error)
        raise _FormInvalid(form) from None


def _back(request, task):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("approvals:work_task", pk=task.pk)


def _revision(request) -> int:
    try:
        return int(
            request.POST.get("revision")
            or request.POST.get(f"{request.POST.get('action')}-revision")
        )
    except (TypeError, ValueError):
        raise PermissionDenied("revision") from None


def _perform(request, task, action):
    user = request.user
    if action in ("claim", "release"):
        service = task_services.task_claim if action == "claim" else task_services.task_release
        try:
            service(actor=user, task=task, revision=_revision(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _back(request, task)
        messages.success(request, _("Task claimed.") if action == "claim" else _("Task released."))
        return _back(request, task)
    if action == "assign":
        form = AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whom to assign the task to."))
            return _back(request, task)
        assignee = get_object_or_404(User, pk=form.cleaned_data["assignee"])
        try:
            task_services.task_assign(
                actor=user, task=task, assignee=assignee, revision=form.cleaned_data["revision"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _back(request, task)
        messages.success(request, _("Task assigned."))
        return _back(request, task)
    if action == "resume_clock":
        try:
            task_services.task_resume_clock(actor=user, task=task, revision=_revision(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return _back(request, task)
    if action not in ACTION_FORMS:
        raise PermissionDenied("unknown action")
    form = _bind(request, task, action)
    data = form.cleaned_data
    common = {"actor": user, "task": task, "revision": data["revision"]}
    confirming = task.confirms_denial_id is not None
    if action == "approve":
        _call(form, task_services.task_approve, comment=data["comment"], **common)
        done = _("Confirmation of the denial recorded.") if confirming else _("Approval recorded.")
    elif action == "reject":
        _call(form, task_services.task_reject, reasons=data["reasons"], **common)
        done = (
            _("The proposed denial is overruled.")
            if confirming
            else _(
                "Rejection recorded. The applicant is told the reasons once the denial is "
                "confirmed."
            )
        )
    elif action == "return_to_stage":
        _call(
            form,
            task_services.task_return_to_stage,
            stage_key=data["stage_key"],
            reason=data["reason"],
            **common,
        )
        done = _("The application went back to the earlier stage.")
    elif action == "return_to_applicant":
        _call(
            form,
            task_services.task_return_to_applicant,
            items=form.items(),
            reply_by=data["reply_by"],
            **common,
        )
        done = _("The supplement notice was sent; the clock is paused.")
    elif action == "pause_clock":
        _call(
            form,
            task_services.task_pause_clock,
            kind=data["kind"],
            reason=data["reason"],
            expected_working_days=data["expected_working_days"],
            **common,
        )
        done = _("The clock is paused; the applicant is told.")
    else:
        _call(
            form,
            task_services.task_request_extension,
            working_days=data["working_days"],
            reason=data["reason"],
            **common,
        )
        done = _("The extension request went to the department head.")
    messages.success(request, done)
    return redirect("approvals:work_task", pk=task.pk)


# --- Per-application access grants (heads) ------------------------------------------------------


def _grant_manager_task(request, pk: int):
    """The task (404 when the official may not see it) if they may manage the application's
    grants (403 otherwise)."""
    task = get_task_for_official(request.user, pk)
    if not policy.may_manage_grants(request.user, task.application):
        policy.deny(request.user, "application.grant", task.application)
    return task


@official_required()
@require_POST
def task_grant(request, pk: int):
    task = _grant_manager_task(request, pk)
    form = GrantForm(request.POST, prefix="grant")
    if form.is_valid():
        try:
            grant_application_access(
                actor=request.user,
                application=task.application,
                user=form.official,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(who)s may now see this application.") % {"who": form.official},
            )
            return redirect("approvals:work_task", pk=task.pk)
    context = _task_context(request, task, grant_form=form)
    return render(request, "approvals/work/task.html", context, status=400)


@official_required()
@require_POST
def task_grant_revoke(request, pk: int, user_pk: int):
    task = _grant_manager_task(request, pk)
    grantee = next(
        (user for user in application_grantees(task.application) if user.pk == user_pk), None
    )
    if grantee is None:
        raise Http404
    revoke_application_access(actor=request.user, application=task.application, user=grantee)
    messages.success(request, _("%(who)s may no longer see this application.") % {"who": grantee})
    return redirect("approvals:work_task", pk=task.pk)


# --- Extensions (heads) -------------------------------------------------------------------------


@official_required("department_head")
@require_http_methods(["GET", "POST"])
def extensions(request):
    from approvals.services.deadlines import extension_decide

    if request.method == "POST":
        extension = get_object_or_404(
            extensions_for_head(request.user), pk=request.POST.get("extension") or 0
        )
        form = ExtensionDecisionForm(request.POST)
        if form.is_valid():
            try:
                extension_decide(
                    actor=request.user,
                    extension=extension,
                    approve=form.cleaned_data["decision"] == "approve",
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Decision recorded; the applicant is told."))
        return redirect("approvals:work_extensions")
    return render(
        request,
        "approvals/work/extensions.html",
        {"extensions": list(extensions_for_head(request.user))},
    )
