"""The applicant's pages for a one-thing case: who applies, the guiding questions, the shared
fields once, each member's own fields, the materials once, review and submit once; then the case
page (every member's state, department and due date on one timeline), the certificates as one
set, one rating, withdrawal.

Each view fetches and authorizes through ``approvals.selectors.theme_cases`` (a stranger gets
404), calls one service, and renders. The services check permissions again and audit.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals import dynamic_forms
from approvals.domain.lifecycle import AWAITING_SUPPLEMENT
from approvals.forms.applications import ApplyAsForm, SubmitForm, WithdrawForm
from approvals.forms.supervision import RatingForm
from approvals.forms.theme_cases import QuestionsForm, member_step_form, shared_step_form
from approvals.models import ThemeCaseAttachment, ThemeCaseStatus
from approvals.security.uploads import UploadRejected
from approvals.selectors.applications import businesses_applying_for, get_business_acting_for
from approvals.selectors.licences import citable_licences, get_licence
from approvals.selectors.theme_cases import (
    case_attachments,
    case_certificates,
    case_cited_licences,
    case_delivery_ready,
    case_material_slots,
    case_members,
    case_ratable,
    case_receipt,
    case_stop_reasons,
    get_theme_case_for_applicant,
    get_theme_case_for_editing,
    member_data,
    shared_values,
)
from approvals.selectors.theme_intake import case_theme_members, member_prerequisites
from approvals.selectors.themes import get_published_theme, theme_plan
from approvals.selectors.timeline import application_progress
from approvals.services.theme_case_drafts import (
    theme_case_discard_draft,
    theme_case_save_answers,
    theme_case_save_member_step,
    theme_case_save_shared,
    theme_case_start,
)
from approvals.services.theme_case_materials import (
    theme_case_cite_licence,
    theme_case_remove_material,
    theme_case_upload,
)
from approvals.services.theme_case_outcome import (
    theme_case_certificates_zip,
    theme_case_rate,
    theme_case_withdraw,
)
from approvals.services.theme_case_submission import (
    ThemeCaseIncomplete,
    theme_case_problems,
    theme_case_submit,
)
from approvals.services.theme_intake import StaleThemeCase

QUESTIONS, SHARED, MATERIALS, REVIEW = "questions", "shared", "materials", "review"
RECEIPT_SESSION_KEY = "theme_receipt_query_code:%s"


# --- Steps --------------------------------------------------------------------------------------


def member_step_title(member, step_title: str) -> str:
    """A member's step named with its service (in Chinese with a full-width colon)."""
    return _("%(service)s: %(step)s") % {"service": member.version.name, "step": step_title}


def case_steps(plan) -> list[dict]:
    """Every step of the case's form in order: the questions, the shared fields (when the plan
    needs any), each member's own steps, the materials, the review."""
    steps = [{"key": QUESTIONS, "title": _("What applies to you")}]
    if plan.shared_fields:
        steps.append({"key": SHARED, "title": _("Shared details")})
    for member in plan.members:
        schema_steps = {s.key: s for s in dynamic_forms.steps(member.version.form_schema)}
        for step_key in member.own_fields:
            steps.append(
                {
                    "key": f"{member.key}/{step_key}",
                    "member": member.key,
                    "step": step_key,
                    "title": member_step_title(member, schema_steps[step_key].title),
                }
            )
    steps.append({"key": MATERIALS, "title": _("Materials")})
    steps.append({"key": REVIEW, "title": _("Check and submit")})
    return steps


def step_url(case, step: dict) -> str:
    if step["key"] == QUESTIONS:
        return reverse("approvals:theme_case_questions", args=[case.pk])
    if step["key"] == SHARED:
        return reverse("approvals:theme_case_shared", args=[case.pk])
    if step["key"] == MATERIALS:
        return reverse("approvals:theme_case_materials", args=[case.pk])
    if step["key"] == REVIEW:
        return reverse("approvals:theme_case_review", args=[case.pk])
    return reverse("approvals:theme_case_member_step", args=[case.pk, step["member"], step["step"]])


def _neighbour(case, plan, current: str, offset: int) -> str:
    steps = case_steps(plan)
    keys = [s["key"] for s in steps]
    index = keys.index(current) if current in keys else 0
    return step_url(case, steps[min(max(index + offset, 0), len(steps) - 1)])


def _progress(case, plan, current: str) -> list[dict]:
    return [
        {"title": s["title"], "url": step_url(case, s), "current": s["key"] == current}
        for s in case_steps(plan)
    ]


def _draft_or_detail(request, pk: int):
    case = get_theme_case_for_editing(request.user, pk)
    if case.status != ThemeCaseStatus.DRAFT:
        return case, redirect("approvals:theme_case_detail", pk=case.pk)
    return case, None


def _revision(request) -> int:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def _after_save(request, case, plan, current: str):
    action = request.POST.get("action", "continue")
    if action == "leave":
        messages.success(
            request,
            _(
                "Your draft is saved. You can continue it at any time, on any device, "
                "from My applications."
            ),
        )
        return redirect("approvals:dashboard")
    return redirect(_neighbour(case, plan, current, -1 if action == "back" else 1))


def _render(request, template, case, plan, current, context, status=200):
    return render(
        request,
        f"approvals/themes/{template}",
        {
            "case": case,
            "version": case.version,
            "plan": plan,
            "progress": _progress(case, plan, current),
            "has_previous": current != QUESTIONS,
            **context,
        },
        status=status,
    )


# --- Start --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request, code: str):
    """Who applies (the person or one of their businesses), then a new draft case."""
    version = get_published_theme(code)
    person = getattr(request.user, "person", None)
    person_allowed = version.for_persons and person is not None
    businesses = list(businesses_applying_for(request.user)) if version.for_businesses else []
    if not person_allowed and not businesses:
        return render(
            request,
            "approvals/themes/case_cannot_apply.html",
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
            business = get_business_acting_for(request.user, business.pk, to_apply=True)
            if business is None:
                raise Http404
        try:
            case = theme_case_start(actor=request.user, version=version, business=business)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("approvals:theme_case_questions", pk=case.pk)
    return render(request, "approvals/themes/case_start.html", {"version": version, "form": form})


# --- The questions, the shared fields, the members' own fields -----------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def questions(request, pk: int):
    case, elsewhere = _draft_or_detail(request, pk)
    if elsewhere:
        return elsewhere
    data = request.POST if request.method == "POST" else None
    form = QuestionsForm(
        data,
        questions=case.version.questions,
        answers=case.answers,
        initial={"delivery": case.delivery},
    )
    status = 200
    if data is not None:
        if form.is_valid():
            try:
                case = theme_case_save_answers(
                    actor=request.user,
                    case=case,
                    answers=form.answers(),
                    delivery=form.cleaned_data["delivery"],
                    revision=_revision(request),
                )
            except StaleThemeCase as exc:
                case, status = exc.case, 409
                form.add_error(None, _("This application was changed in another window."))
            except ValidationError as exc:
                form.add_service_errors(exc)
                status = 400
            else:
                plan = theme_plan(case.version, case.answers)
                return _after_save(request, case, plan, QUESTIONS)
        else:
            status = 400
    plan = theme_plan(case.version, case.answers)
    return _render(request, "case_questions.html", case, plan, QUESTIONS, {"form": form}, status)


def _form_step(request, case, plan, current, form, title, save):
    """A step of fields: GET shows it; POST saves what is valid (autosave) and moves on."""
    status = 200
    if request.method == "POST" and form.group_action is None:
        valid = form.is_valid()
        try:
            case = save(form.cleaned_json(partial=not valid))
        except StaleThemeCase as exc:
            case, status = exc.case, 409
            form.add_error(None, _("This application was changed in another window."))
        else:
            if valid:
                return _after_save(request, case, plan, current)
            status = 400
    return _render(
        request, "case_step.html", case, plan, current, {"form": form, "title": title}, status
    )


@login_required
@require_http_methods(["GET", "POST"])
def shared(request, pk: int):
    case, elsewhere = _draft_or_detail(request, pk)
    if elsewhere:
        return elsewhere
    plan = theme_plan(case.version, case.answers)
    form = shared_step_form(case, plan, data=request.POST if request.method == "POST" else None)

    def save(values):
        return theme_case_save_shared(
            actor=request.user, case=case, values=values, revision=_revision(request)
        )

    return _form_step(request, case, plan, SHARED, form, _("Shared details"), save)


@login_required
@require_http_methods(["GET", "POST"])
def member_step(request, pk: int, member_key: str, step_key: str):
    case, elsewhere = _draft_or_detail(request, pk)
    if elsewhere:
        return elsewhere
    plan = theme_plan(case.version, case.answers)
    member = next((m for m in plan.members if m.key == member_key), None)
    if member is None or step_key not in member.own_fields:
        raise Http404
    form = member_step_form(
        case, member, step_key, data=request.POST if request.method == "POST" else None
    )

    def save(values):
        return theme_case_save_member_step(
            actor=request.user,
            case=case,
            member_key=member_key,
            step_key=step_key,
            values=values,
            revision=_revision(request),
        )

    title = member_step_title(member, form.step_title)
    return _form_step(request, case, plan, f"{member_key}/{step_key}", form, title, save)


# --- Materials, once ----------------------------------------------------------------------------


def _slots(case, plan, errors=None) -> list[dict]:
    attached = case_attachments(case)
    slots = case_material_slots(plan)
    codes = {s.reusable_licence_item_code for s in slots.values()} - {""}
    offered = citable_licences(case, codes) if codes else {}
    names = {m.key: m.version.name for m in plan.members}
    return [
        {
            "slot": slot,
            "id": f"{slot.member_key or 'shared'}-{slot.key}",
            "attachment": attached.get(key),
            "members": [names[m] for m in slot.members if m in names],
            "errors": (errors or {}).get(key, []),
            "citable_licences": offered.get(slot.reusable_licence_item_code, []),
        }
        for key, slot in slots.items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def materials(request, pk: int, errors=None, status=200):
    case, elsewhere = _draft_or_detail(request, pk)
    if elsewhere:
        return elsewhere
    plan = theme_plan(case.version, case.answers)
    if request.method == "POST" and errors is None:
        return _after_save(request, case, plan, MATERIALS)
    return _render(
        request,
        "case_materials.html",
        case,
        plan,
        MATERIALS,
        {"slots": _slots(case, plan, errors)},
        status,
    )


def _fill_slot(request, pk: int, fill):
    """Upload into, or cite a licence for, the slot the form names; its problem is shown on the
    materials page beside the slot."""
    case, elsewhere = _draft_or_detail(request, pk)
    if elsewhere:
        return elsewhere
    slot = {
        "member_key": request.POST.get("member", ""),
        "material_key": request.POST.get("material", ""),
    }
    try:
        fill(case=case, **slot)
    except UploadRejected as exc:
        errors = {(slot["member_key"], slot["material_key"]): [exc.message]}
        return materials(request, pk, errors=errors, status=400)
    return redirect(reverse("approvals:theme_case_materials", args=[case.pk]))


@login_required
@require_POST
def material_upload(request, pk: int):
    uploaded = request.FILES.get("file")

    def fill(**slot):
        if uploaded is None:
            raise UploadRejected("no_file", _("Choose a file to upload."))
        theme_case_upload(actor=request.user, uploaded_file=uploaded, **slot)

    return _fill_slot(request, pk, fill)


@login_required
@require_POST
def material_cite(request, pk: int):
    licence = get_licence(request.POST.get("licence", ""))

    def fill(**slot):
        if licence is None:
            raise UploadRejected("licence_not_citable", _("Choose one of your licences."))
        theme_case_cite_licence(actor=request.user, licence=licence, **slot)

    return _fill_slot(request, pk, fill)


@login_required
@require_POST
def material_remove(request, pk: int, attachment_pk: int):
    case, elsewhere = _draft_or_detail(request, pk)
    if elsewhere:
        return elsewhere
    attachment = ThemeCaseAttachment.objects.filter(pk=attachment_pk, case=case).first()
    if attachment is None:
        raise Http404
    try:
        theme_case_remove_material(actor=request.user, attachment=attachment)
    except UploadRejected as exc:
        messages.error(request, exc.message)
    return redirect(reverse("approvals:theme_case_materials", args=[case.pk]))


# --- Review and submit --------------------------------------------------------------------------


def _review_rows(case, plan) -> list[dict]:
    """What will be filed: the shared answers once, then each member's own answers."""
    from approvals.selectors.theme_cases import shared_schema

    rows = [
        {
            "title": _("Shared details"),
            "url": reverse("approvals:theme_case_shared", args=[case.pk]),
            "rows": dynamic_forms.summary_rows(
                shared_schema(plan.shared_fields), shared_values(case)
            ),
        }
    ]
    for member in plan.members:
        data = member_data(case, member)
        own = {name for names in member.own_fields.values() for name in names}
        first_step = next(iter(member.own_fields), None)
        rows.append(
            {
                "title": member.version.name,
                "url": reverse(
                    "approvals:theme_case_member_step", args=[case.pk, member.key, first_step]
                )
                if first_step
                else "",
                "rows": [
                    row
                    for row in dynamic_forms.summary_rows(member.version.form_schema, data)
                    if row["name"] in own
                ],
            }
        )
    return rows


def _problem_list(case, plan, problems: ThemeCaseIncomplete | None) -> list[dict]:
    if problems is None:
        return []
    items = []
    for key, texts in problems.field_errors.items():
        scope, _sep, name = key.partition(":")
        if scope == "question":
            url = reverse("approvals:theme_case_questions", args=[case.pk])
        elif scope == "shared":
            url = reverse("approvals:theme_case_shared", args=[case.pk]) + f"#id_{name}"
        else:
            member = next((m for m in plan.members if m.key == scope), None)
            step = next(
                (s for s, names in (member.own_fields if member else {}).items() if name in names),
                None,
            )
            url = (
                reverse("approvals:theme_case_member_step", args=[case.pk, scope, step])
                if step
                else reverse("approvals:theme_case_review", args=[case.pk])
            )
        items += [{"url": url, "text": text, "field": name} for text in texts]
    for member_key, key, name in problems.missing_materials:
        items.append(
            {
                "url": reverse("approvals:theme_case_materials", args=[case.pk])
                + f"#material-{member_key or 'shared'}-{key}",
                "text": _("Attach %(name)s: it is required.") % {"name": name},
                "field": key,
            }
        )
    return items


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    case, elsewhere = _draft_or_detail(request, pk)
    if elsewhere:
        return elsewhere
    plan = theme_plan(case.version, case.answers)
    form = SubmitForm(
        request.POST if request.method == "POST" else None,
        initial={"idempotency_key": uuid.uuid4().hex},
    )
    status = 200
    problems = None
    if request.method == "POST":
        if form.is_valid():
            try:
                submitted = theme_case_submit(
                    actor=request.user,
                    case=case,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ThemeCaseIncomplete as exc:
                problems, status = exc, 400
            except ValidationError as exc:
                form.add_error(None, exc.messages)
                status = 400
            else:
                if submitted.query_code:
                    request.session[RECEIPT_SESSION_KEY % submitted.pk] = submitted.query_code
                messages.success(request, _("Your application has been submitted."))
                return redirect("approvals:theme_case_detail", pk=submitted.pk)
        else:
            status = 400
    if problems is None and request.method == "GET":
        problems = theme_case_problems(case, plan)
    return _render(
        request,
        "case_review.html",
        case,
        plan,
        REVIEW,
        {
            "form": form,
            "sections": _review_rows(case, plan),
            "problems": _problem_list(case, plan, problems),
            "slots": _slots(case, plan),
        },
        status,
    )


@login_required
@require_POST
def discard(request, pk: int):
    case, elsewhere = _draft_or_detail(request, pk)
    if elsewhere:
        return elsewhere
    theme_case_discard_draft(actor=request.user, case=case)
    messages.success(request, _("The draft has been deleted."))
    return redirect("approvals:dashboard")


# --- The case page ------------------------------------------------------------------------------


@login_required
@require_GET
def detail(request, pk: int):
    case = get_theme_case_for_applicant(request.user, pk)
    if case.status == ThemeCaseStatus.DRAFT:
        return redirect("approvals:theme_case_questions", pk=case.pk)
    members = case_members(case)
    cited = case_cited_licences(case)
    stopped = case_stop_reasons(members, member_prerequisites(members, case_theme_members(case)))
    # A constant number of queries per member (the timeline's own), none per row beyond it.
    rows = [
        {
            "application": m,
            "timeline": application_progress(m),
            "citations": cited.get(m.pk, []),
            "stop_reason": stopped.get(m.pk, ""),
        }
        for m in members
    ]
    certificates = case_certificates(case)
    ready = case_delivery_ready(case, members)
    return render(
        request,
        "approvals/themes/case_detail.html",
        {
            "case": case,
            "version": case.version,
            "rows": rows,
            "certificates": certificates if ready else [],
            "delivery_ready": ready and bool(certificates),
            "ratable": case_ratable(case, members),
            "receipt": case_receipt(case),
            "withdrawable": case.status == ThemeCaseStatus.SUBMITTED
            and any(m.status in _open_statuses() for m in members),
            "query_code": request.session.pop(RECEIPT_SESSION_KEY % case.pk, ""),
            # One supplement notice for the whole case (the window's page answers it once).
            "awaiting_supplement": any(m.status in AWAITING_SUPPLEMENT for m in members),
        },
    )


def _open_statuses():
    from approvals.models import OPEN_STATUSES

    return OPEN_STATUSES


@login_required
@require_GET
def certificates(request, pk: int):
    """一窗出件: every issued certificate and decision of the case as one ZIP."""
    case = get_theme_case_for_applicant(request.user, pk)
    try:
        archive = theme_case_certificates_zip(actor=request.user, case=case)
    except ValidationError:
        raise Http404 from None
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{case.tracking_number}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, pk: int):
    case = get_theme_case_for_editing(request.user, pk)
    if not case_ratable(case, case_members(case)):
        return redirect("approvals:theme_case_detail", pk=case.pk)
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            theme_case_rate(
                actor=request.user,
                case=case,
                grade=form.cleaned_data["grade"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Thank you. Your rating is recorded."))
            return redirect("approvals:theme_case_detail", pk=case.pk)
    return render(
        request,
        "approvals/themes/case_rate.html",
        {"case": case, "version": case.version, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    case = get_theme_case_for_editing(request.user, pk)
    if case.status != ThemeCaseStatus.SUBMITTED:
        return redirect("approvals:theme_case_detail", pk=case.pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            theme_case_withdraw(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The application has been withdrawn."))
            return redirect("approvals:theme_case_detail", pk=case.pk)
    return render(
        request,
        "approvals/themes/case_withdraw.html",
        {"case": case, "version": case.version, "form": form},
        status=400 if form.is_bound else 200,
    )
