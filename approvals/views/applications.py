"""The applicant's pages: start an application, fill it in step by step (every POST saves the
draft), attach the materials, review and submit once, see the receipt, follow applications on the
dashboard, withdraw, and read notifications.

Each view fetches and authorizes through ``approvals.selectors.applications`` (a stranger gets
404), calls one service, and renders. The services check permissions again and audit.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals import dynamic_forms
from approvals.domain.commitments import commitment_replaced_materials
from approvals.domain.lifecycle import AWAITING_SUPPLEMENT
from approvals.forms.applications import (
    ApplyAsForm,
    DiscardDraftForm,
    SubmitForm,
    WithdrawForm,
    application_step_form,
)
from approvals.models import (
    OPEN_STATUSES,
    ApplicationStatus,
    Attachment,
    DocumentKind,
)
from approvals.security.uploads import UploadRejected
from approvals.selectors import policy
from approvals.selectors.applications import (
    application_attachments,
    applications_for_applicant,
    businesses_applying_for,
    get_application_for_applicant,
    get_application_for_editing,
    get_application_page_for_applicant,
    get_business_acting_for,
    get_notification_for_user,
    notifications_for,
)
from approvals.selectors.catalogue import get_published_version
from approvals.selectors.documents import application_documents
from approvals.selectors.licences import citable_licences, get_licence
from approvals.selectors.theme_cases import theme_cases_for_applicant, theme_cases_presence
from approvals.selectors.timeline import application_progress
from approvals.selectors.withdrawals import withdrawal_reason
from approvals.services.applications import (
    MATERIALS_STEP,
    ApplicationIncomplete,
    StaleApplication,
    application_discard_draft,
    application_problems,
    application_save_step,
    application_start,
    application_submit,
    application_withdraw,
    step_keys,
)
from approvals.services.attachments import (
    attachment_cite_licence,
    attachment_delete,
    attachment_upload,
)
from approvals.services.notifications import (
    notification_mark_all_read,
    notification_mark_read,
)

REVIEW_STEP = "review"
RECEIPT_SESSION_KEY = "receipt_query_code:%s"
DASHBOARD_PAGE_SIZE = 20
NOTIFICATIONS_PAGE_SIZE = 30


# --- Steps and progress -------------------------------------------------------------------------


def _schema_steps(application):
    return dynamic_forms.steps(application.service_version.form_schema)


def _step_url(application, key: str) -> str:
    if key == REVIEW_STEP:
        return reverse("approvals:application_review", args=[application.pk])
    return reverse("approvals:application_step", args=[application.pk, key])


def _progress(application, current_key: str) -> dict:
    """The progress indicator: every step with its title, whether it can be opened, which one
    is current."""
    titles = [(step.key, step.title) for step in _schema_steps(application)]
    titles += [(MATERIALS_STEP, _("Materials")), (REVIEW_STEP, _("Check and submit"))]
    keys = [key for key, _title in titles]
    current_index = keys.index(current_key)
    items = [
        {
            "key": key,
            "title": title,
            "url": _step_url(application, key),
            "current": index == current_index,
            "done": index < application.current_step,
            # A step can be opened once every step before it has been saved.
            "reachable": index <= application.current_step,
        }
        for index, (key, title) in enumerate(titles)
    ]
    return {"items": items, "number": current_index + 1, "total": len(items)}


def _resume_url(application) -> str:
    """Where the applicant carries on: the first step not yet saved, or the review."""
    keys = [*step_keys(application.service_version), REVIEW_STEP]
    return _step_url(application, keys[min(application.current_step, len(keys) - 1)])


def _not_a_draft(request, application):
    messages.info(request, _("This application has been submitted and can no longer be changed."))
    return redirect("approvals:application_detail", pk=application.pk)


# --- Start --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request, code: str):
    """Who applies (the person or one of their businesses), then a new draft and step 1."""
    version = get_published_version(code)
    person = getattr(request.user, "person", None)
    person_allowed = version.for_persons and person is not None
    businesses = list(businesses_applying_for(request.user)) if version.for_businesses else []
    if not person_allowed and not businesses:
        return render(
            request,
            "approvals/applications/cannot_apply.html",
            {"version": version, "has_person": person is not None},
            status=403,
        )
    form = ApplyAsForm(
        request.POST if request.method == "POST" else None,
        person_allowed=person_allowed,
        businesses=businesses,
    )
    if request.method == "POST" and form.is_valid():
        business = form.chosen_business()
        if business is not None:
            # Memberships can end between the page and the click: ask again.
            business = get_business_acting_for(request.user, business.pk, to_apply=True)
            if business is None:
                raise Http404
        try:
            application = application_start(actor=request.user, version=version, business=business)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect(_resume_url(application))
    return render(
        request,
        "approvals/applications/start.html",
        {"version": version, "form": form, "materials": list(version.materials.all())},
    )


# --- Form steps ---------------------------------------------------------------------------------


def _parse_revision(request) -> int | None:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


def _render_step(request, application, step, form, *, stale=False, status=200):
    keys = step_keys(application.service_version)
    index = keys.index(step.key)
    return render(
        request,
        "approvals/applications/step.html",
        {
            "application": application,
            "version": application.service_version,
            "step": step,
            "form": form,
            "progress": _progress(application, step.key),
            "has_previous": index > 0,
            "stale": stale,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def step(request, pk: int, step_key: str):
    application = get_application_for_editing(request.user, pk)
    if application.status != ApplicationStatus.DRAFT:
        return _not_a_draft(request, application)
    if step_key == MATERIALS_STEP:
        return _materials_step(request, application)
    steps = {step.key: step for step in _schema_steps(application)}
    if step_key not in steps:
        raise Http404
    current = steps[step_key]
    if request.method == "GET":
        return _render_step(
            request, application, current, application_step_form(application, step_key)
        )

    form = application_step_form(application, step_key, data=request.POST)
    action = request.POST.get("action", "continue")
    if form.group_action is not None or action not in {"continue", "leave", "back"}:
        # "Add another" or "Remove" in a repeating group: the step is shown again with one row
        # more or less and everything typed; nothing is saved.
        return _render_step(request, application, current, form)
    valid = form.is_valid()
    values = form.cleaned_json(partial=not valid)
    if not valid:
        # Autosave what passed its checks; an answer that failed keeps its stored value.
        kept = {
            name: application.data[name]
            for name in current.fields
            if name in application.data and name not in values and _has_error(form, name)
        }
        values = kept | values
    revision = _parse_revision(request)
    try:
        application = application_save_step(
            actor=request.user,
            application=application,
            step_key=step_key,
            values=values,
            revision=revision if revision is not None else -1,
            step_complete=valid,
        )
    except StaleApplication as exc:
        return _render_step(
            request,
            exc.application,
            current,
            application_step_form(exc.application, step_key),
            stale=True,
            status=409,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("approvals:application_detail", pk=application.pk)
    if valid:
        return _after_save(request, application, step_key, action)
    if action == "leave":
        messages.warning(
            request,
            _(
                "Your draft is saved, except the answers that had problems on the page "
                "“%(step)s”. Check them when you continue."
            )
            % {"step": current.title},
        )
        return redirect("approvals:dashboard")
    # The errors stay on the page with what was typed; the form now carries the new revision.
    return _render_step(request, application, current, form)


def _has_error(form, name: str) -> bool:
    return any(key == name or key.startswith(f"{name}-") for key in form.errors)


def _after_save(request, application, step_key: str, action: str):
    keys = [*step_keys(application.service_version), REVIEW_STEP]
    index = keys.index(step_key)
    if action == "leave":
        messages.success(
            request,
            _(
                "Your draft is saved. You can continue it at any time, on any device, "
                "from My applications."
            ),
        )
        return redirect("approvals:dashboard")
    if action == "back":
        return redirect(_step_url(application, keys[max(index - 1, 0)]))
    return redirect(_step_url(application, keys[index + 1]))


# --- Materials step -----------------------------------------------------------------------------


def _material_slots(application, errors: dict | None = None, *, citable=False) -> list[dict]:
    attached = application_attachments(application)
    materials = list(application.service_version.materials.order_by("position", "pk"))
    offered = (
        citable_licences(application, {m.reusable_licence_item_code for m in materials} - {""})
        if citable
        else {}
    )
    # 告知承诺: the signed pledge stands in for these certificates
    pledged = commitment_replaced_materials(
        application.service_version.commitment_scheme, application.data
    )
    return [
        {
            "material": material,
            "attachments": attached.get(material.key, []),
            "errors": (errors or {}).get(material.key, []),
            "pledged": material.key in pledged,
            # 材料复用: the applicant's licences in force that may stand in for the upload.
            "citable_licences": offered.get(material.reusable_licence_item_code, []),
        }
        for material in materials
    ]


def _render_materials(request, application, *, errors=None, stale=False, status=200):
    keys = step_keys(application.service_version)
    return render(
        request,
        "approvals/applications/materials.html",
        {
            "application": application,
            "version": application.service_version,
            "slots": _material_slots(application, errors, citable=True),
            "progress": _progress(application, MATERIALS_STEP),
            "has_previous": len(keys) > 1,
            "stale": stale,
        },
        status=status,
    )


def _materials_step(request, application):
    if request.method == "GET":
        return _render_materials(request, application)
    action = request.POST.get("action", "continue")
    if action not in {"continue", "leave", "back"}:
        return _render_materials(request, application)
    revision = _parse_revision(request)
    try:
        application = application_save_step(
            actor=request.user,
            application=application,
            step_key=MATERIALS_STEP,
            values={},
            revision=revision if revision is not None else -1,
        )
    except StaleApplication as exc:
        return _render_materials(request, exc.application, stale=True, status=409)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("approvals:application_detail", pk=application.pk)
    return _after_save(request, application, MATERIALS_STEP, action)


@login_required
@require_POST
def material_upload(request, pk: int, material_key: str):
    application = get_application_for_editing(request.user, pk)
    if application.status != ApplicationStatus.DRAFT:
        return _not_a_draft(request, application)
    if not application.service_version.materials.filter(key=material_key).exists():
        raise Http404
    uploaded = request.FILES.get("file")
    if uploaded is None:
        errors = {material_key: [_("Choose a file to upload.")]}
        return _render_materials(request, application, errors=errors, status=400)
    try:
        attachment = attachment_upload(
            actor=request.user,
            application=application,
            material_key=material_key,
            uploaded_file=uploaded,
        )
    except UploadRejected as exc:
        return _render_materials(
            request, application, errors={material_key: [exc.message]}, status=400
        )
    messages.success(request, _("%(name)s is attached.") % {"name": attachment.display_name})
    return redirect(
        reverse("approvals:application_step", args=[application.pk, MATERIALS_STEP])
        + f"#material-{material_key}"
    )


@login_required
@require_POST
def attachment_remove(request, pk: int, attachment_pk: int):
    application = get_application_for_editing(request.user, pk)
    attachment = Attachment.objects.filter(pk=attachment_pk, application=application).first()
    if attachment is None:
        raise Http404
    if application.status != ApplicationStatus.DRAFT:
        return _not_a_draft(request, application)
    try:
        attachment_delete(actor=request.user, attachment=attachment)
    except UploadRejected as exc:
        return _render_materials(
            request, application, errors={attachment.material_key: [exc.message]}, status=400
        )
    messages.success(request, _("%(name)s is removed.") % {"name": attachment.display_name})
    return redirect(
        reverse("approvals:application_step", args=[application.pk, MATERIALS_STEP])
        + f"#material-{attachment.material_key}"
    )


@login_required
@require_POST
def material_cite(request, pk: int, material_key: str):
    """Use one of the applicant's licences instead of uploading a file for this material."""
    application = get_application_for_editing(request.user, pk)
    if application.status != ApplicationStatus.DRAFT:
        return _not_a_draft(request, application)
    material = application.service_version.materials.filter(key=material_key).first()
    if material is None:
        raise Http404
    licence = get_licence(request.POST.get("licence", ""))
    if licence is None:
        offered = citable_licences(application, {material.reusable_licence_item_code} - {""})
        error = _("Choose one of your licences.") if offered else _("You hold no such licence.")
        return _render_materials(request, application, errors={material_key: [error]}, status=400)
    try:
        attachment_cite_licence(
            actor=request.user, application=application, material_key=material_key, licence=licence
        )
    except UploadRejected as exc:
        return _render_materials(
            request, application, errors={material_key: [exc.message]}, status=400
        )
    messages.success(
        request,
        _("Licence %(number)s stands in for %(material)s.")
        % {"number": licence.number, "material": material.name},
    )
    return redirect(
        reverse("approvals:application_step", args=[application.pk, MATERIALS_STEP])
        + f"#material-{material_key}"
    )


# --- Review and submit --------------------------------------------------------------------------


def _review_sections(application, rows=None) -> list[dict]:
    """The answers, step by step, each step with its "Change" link."""
    schema = application.service_version.form_schema
    if rows is None:
        rows = dynamic_forms.summary_rows(schema, application.data)
    return [
        {
            "step": step,
            "rows": [row for row in rows if row["step"] == step.key],
            "change_url": _step_url(application, step.key),
        }
        for step in dynamic_forms.steps(schema)
    ]


def _render_review(request, application, form, *, problems=None, status=200):
    if problems is None:
        problems = application_problems(application)
    step_of_field = {
        field: step.key for step in _schema_steps(application) for field in step.fields
    }
    rows = dynamic_forms.summary_rows(application.service_version.form_schema, application.data)
    labels = {row["name"]: row["label"] for row in rows}
    field_problems = [
        {
            "field": field,
            "label": labels.get(field, field),
            "messages": field_messages,
            "url": _step_url(application, step_of_field.get(field, MATERIALS_STEP)),
        }
        for field, field_messages in (problems.field_errors.items() if problems else [])
    ]
    return render(
        request,
        "approvals/applications/review.html",
        {
            "application": application,
            "version": application.service_version,
            "sections": _review_sections(application, rows),
            "slots": _material_slots(application),
            "progress": _progress(application, REVIEW_STEP),
            "problems": problems,
            "field_problems": field_problems,
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def review(request, pk: int):
    application = get_application_for_editing(request.user, pk)
    if application.status != ApplicationStatus.DRAFT:
        return _not_a_draft(request, application)
    # A fresh key each time the page is shown: a double click or a retried POST of this page
    # repeats the key, and the service answers with the application it already submitted.
    form = SubmitForm(initial={"idempotency_key": uuid.uuid4().hex})
    return _render_review(request, application, form)


@login_required
@require_POST
def submit(request, pk: int):
    application = get_application_for_editing(request.user, pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        if application.status != ApplicationStatus.DRAFT:
            return _not_a_draft(request, application)
        return _render_review(request, application, form, status=400)
    try:
        submitted = application_submit(
            actor=request.user,
            application=application,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ApplicationIncomplete as exc:
        return _render_review(request, application, form, problems=exc, status=400)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
        return redirect("approvals:application_detail", pk=application.pk)
    if submitted.query_code:
        request.session[RECEIPT_SESSION_KEY % submitted.pk] = submitted.query_code
    return redirect("approvals:application_receipt", pk=submitted.pk)


@login_required
@require_GET
def receipt(request, pk: int):
    application = get_application_for_applicant(request.user, pk)
    if application.status == ApplicationStatus.DRAFT:
        return redirect("approvals:application_review", pk=application.pk)
    # Shown once: the session forgets it now, and only its hash is stored.
    query_code = request.session.pop(RECEIPT_SESSION_KEY % application.pk, None)
    response = render(
        request,
        "approvals/applications/receipt.html",
        {
            "application": application,
            "version": application.service_version,
            "query_code": query_code,
            "receipt_document": next(
                (d for d in application_documents(application) if d.kind == DocumentKind.RECEIPT),
                None,
            ),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- One application ----------------------------------------------------------------------------


@login_required
@require_GET
def detail(request, pk: int):
    application = get_application_page_for_applicant(request.user, pk)
    is_draft = application.status == ApplicationStatus.DRAFT
    return render(
        request,
        "approvals/applications/detail.html",
        {
            "application": application,
            "version": application.service_version,
            "row": _dashboard_row(application),
            "sections": _review_sections(application),
            "slots": _material_slots(application),
            "is_draft": is_draft,
            "can_withdraw": application.status in OPEN_STATUSES,
            "resume_url": _resume_url(application) if is_draft else "",
            "documents": [] if is_draft else application_documents(application),
            "commitment": getattr(application, "commitment", None),  # read with it
            "timeline": application_progress(application),
            "withdrawal_reason": withdrawal_reason(application),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    application = get_application_for_editing(request.user, pk)
    if application.status not in OPEN_STATUSES:
        messages.info(request, _("This application can no longer be withdrawn."))
        return redirect("approvals:application_detail", pk=application.pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Application %(number)s is withdrawn.") % {"number": application.tracking_number},
            )
            return redirect("approvals:application_detail", pk=application.pk)
    return render(
        request,
        "approvals/applications/withdraw.html",
        {"application": application, "version": application.service_version, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def discard(request, pk: int):
    application = get_application_for_editing(request.user, pk)
    if application.status != ApplicationStatus.DRAFT:
        return _not_a_draft(request, application)
    form = DiscardDraftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application_discard_draft(actor=request.user, application=application)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The draft is deleted."))
        return redirect("approvals:dashboard")
    return render(
        request,
        "approvals/applications/discard.html",
        {"application": application, "version": application.service_version, "form": form},
    )


# --- Dashboard ----------------------------------------------------------------------------------


def _dashboard_row(application) -> dict:
    """What the dashboard says about one application: where it is and what the applicant must
    do next. Uses only what the list query loaded."""
    status = application.status
    version = application.service_version
    row = {
        "application": application,
        "where": "",
        "next": "",
        "next_url": "",
        "can_withdraw": status in OPEN_STATUSES,
    }
    if status == ApplicationStatus.DRAFT:
        steps = [step.title for step in dynamic_forms.steps(version.form_schema)]
        steps += [_("Materials"), _("Check and submit")]
        index = min(application.current_step, len(steps) - 1)
        row["where"] = _("Step %(number)s of %(total)s: %(title)s") % {
            "number": index + 1,
            "total": len(steps),
            "title": steps[index],
        }
        row["next"] = _("Continue the application and submit it")
        row["next_url"] = _resume_url(application)
    elif status == ApplicationStatus.SUBMITTED:
        row["where"] = _("Service window")
        row["next"] = _("Nothing for now: the service window is checking that it is complete")
    elif status in AWAITING_SUPPLEMENT:
        row["where"] = _("Service window")
        row["next"] = _("Provide the missing items listed in the supplement notice")
        row["next_url"] = reverse("approvals:application_supplement", args=[application.pk])
    elif status in {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.ACCEPTED_WITH_PLEDGE,
        ApplicationStatus.UNDER_REVIEW,
    }:
        row["where"] = version.item.department.name
        row["next"] = _("Nothing for now: the department is reviewing it")
    else:
        row["next"] = _("Nothing: this application is finished")
    return row


@login_required
@require_GET
def dashboard(request):
    """My applications and those of my businesses, optionally for one of them only."""
    # The businesses as the policy read them (its memberships, once per request).
    businesses = [membership.business for membership in policy.active_memberships(request.user)]
    acting = request.GET.get("acting", "")
    business = None
    if acting and acting != "person":
        business = get_business_acting_for(request.user, acting)
        if business is None:
            acting = ""
    person_only = acting == "person"
    # 一件事: whether there is a case at all is asked by the statement that counts the page's
    # applications, so that a citizen without one spends no statement on them.
    has_cases = theme_cases_presence(request.user, business=business, person_only=person_only)
    queryset = applications_for_applicant(
        request.user, business=business, person_only=person_only, presence=has_cases
    )
    page = Paginator(queryset, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    # Each case one row, its members inside (first page only).
    cases = (
        theme_cases_for_applicant(
            request.user, business=business, person_only=person_only, presence=has_cases
        )
        if page.number == 1
        else []
    )
    return render(
        request,
        "approvals/applications/dashboard.html",
        {
            "page": page,
            "rows": [_dashboard_row(application) for application in page.object_list],
            "theme_cases": cases,
            "businesses": businesses,
            "acting": acting,
            "acting_business": business,
            "has_person": getattr(request.user, "person", None) is not None,
        },
    )


# --- Notifications ------------------------------------------------------------------------------


@login_required
@require_GET
def notifications(request):
    page = Paginator(
        notifications_for(request.user).select_related("application"), NOTIFICATIONS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "approvals/applications/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark the notification read and go to what it is about."""
    notification = get_notification_for_user(request.user, pk)
    notification_mark_read(actor=request.user, notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return redirect("approvals:notifications")


@login_required
@require_POST
def notifications_mark_all_read(request):
    notification_mark_all_read(actor=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("approvals:notifications")
