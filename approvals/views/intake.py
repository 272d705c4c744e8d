"""The service window's pages (一窗受理): the intake queue, one application with the four intake
decisions, and counter filing for a walk-in applicant.

Every page needs an active intake-clerk position at a service window (two-factor is enforced by
the middleware); an application outside the clerk's windows answers 404. A stale form answers
409 with the fresh application ("this application has changed"); a decision the lifecycle no
longer allows answers 409 ("no longer at that step").
"""

from __future__ import annotations

from functools import wraps
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import identifiers
from accounts.models import Business, PersonProfile
from accounts.registries import population_registry
from approvals import dynamic_forms
from approvals.domain.china_time import china_today
from approvals.domain.commitments import commitment_chosen, commitment_replaced_materials
from approvals.domain.lifecycle import TransitionNotAllowed
from approvals.forms.intake import (
    AcceptForm,
    CounterIdentityForm,
    PledgeForm,
    RefuseForm,
    SupplementRequestForm,
)
from approvals.models import ApplicationStatus, ServiceVersion, VersionStatus
from approvals.security.uploads import UploadRejected
from approvals.selectors import policy
from approvals.selectors.applications import application_attachments
from approvals.selectors.branches import CappedPaginator
from approvals.selectors.commitments import applicant_false_commitments
from approvals.selectors.documents import application_documents
from approvals.selectors.intake import (
    WAITING_COUNT_CAP,
    application_history,
    get_application_for_intake,
    intake_light,
    intake_page_rows,
    intake_services,
)
from approvals.selectors.supplements import supplement_notices
from approvals.selectors.theme_intake import theme_intake_queue
from approvals.selectors.timeline import application_progress
from approvals.services import intake as intake_services_module
from approvals.services.applications import ApplicationIncomplete, StaleApplication
from approvals.services.case_files import case_file_open
from approvals.services.supplement_items import supplement_correctable_choices

QUEUE_PAGE_SIZE = 50
COUNTER_SESSION_KEY = "intake_counter_identity"
# The query code of a counter filing, shown once on the next page (only its hash is stored).
COUNTER_CODE_SESSION_KEY = "intake_counter_query_code"


def intake_clerk_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        # Read once for the request: the queue and the menu's "Window" link use them too.
        request.intake_windows = policy.intake_windows(request.user)
        if not request.intake_windows:
            policy.deny(request.user, "intake.open")
        return view(request, *args, **kwargs)

    return wrapper


# --- Queue --------------------------------------------------------------------------------------


@intake_clerk_required
@require_GET
def queue(request):
    item_code = request.GET.get("service", "")
    # The departments the clerk's windows serve, read once for the filter and both lists.
    department_ids = policy.intake_department_ids(request.user, windows=request.intake_windows)
    services = list(intake_services(request.user, department_ids=department_ids))
    if item_code not in {item.code for item in services}:
        item_code = ""
    today = china_today()
    waiting = intake_page_rows(request.user, item_code=item_code, department_ids=department_ids)
    page = CappedPaginator(waiting, QUEUE_PAGE_SIZE, cap=WAITING_COUNT_CAP).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "application": application,
            "light": intake_light(application, today),
            "applicant": _applicant_label(application),
        }
        for application in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "approvals/intake/queue.html",
        {
            # 一件事: each one-thing case once, above the single applications (one query).
            "cases": list(
                theme_intake_queue(request.user, department_ids=department_ids)[:QUEUE_PAGE_SIZE]
            ),
            "rows": rows,
            "page_obj": page,
            "waiting": page.paginator.count,
            "more_than": WAITING_COUNT_CAP if page.paginator.count > WAITING_COUNT_CAP else None,
            "query": query.urlencode(),
            "services": services,
            "selected": item_code,
        },
    )


def _applicant_label(application) -> str:
    if application.business_id is not None:
        return application.business.name
    if application.person_id is not None:
        return f"{application.person.real_name} ({application.person.masked_id_number})"
    return ""


# --- One application at the window -------------------------------------------------------------


def _forms(application, bound: dict | None = None) -> dict:
    materials = list(application.service_version.materials.order_by("position", "pk"))
    initial = {"revision": application.revision}
    forms = {
        "accept": AcceptForm(initial=initial, auto_id="accept-%s"),
        "pledge": PledgeForm(initial=initial, materials=materials, auto_id="pledge-%s"),
        "supplement": SupplementRequestForm(
            initial=initial,
            materials=materials,
            fields=supplement_correctable_choices(application.service_version),
            auto_id="supplement-%s",
        ),
        "refuse": RefuseForm(initial=initial, auto_id="refuse-%s"),
    }
    forms.update(bound or {})
    return forms


def _slots(application) -> list[dict]:
    attachments = application_attachments(application)
    version = application.service_version
    # 告知承诺: the signed pledge stands in for these certificates
    replaced = commitment_replaced_materials(version.commitment_scheme, application.data)
    return [
        {
            "material": material,
            "attachments": attachments.get(material.key, []),
            "pledged": material.key in replaced,
        }
        for material in version.materials.order_by("position", "pk")
    ]


def _page(request, application, *, forms=None, status=200, stale=False, conflict="", query_code=""):
    schema = application.service_version.form_schema
    context = {
        "application": application,
        "version": application.service_version,
        "applicant": _applicant_label(application),
        "rows": dynamic_forms.summary_rows(schema, application.data),
        "slots": _slots(application),
        "history": list(application_history(application)),
        "timeline": application_progress(application),
        "pledges": list(application.pledges.all()),
        "supplements": supplement_notices(application),
        "commitment_chosen": commitment_chosen(
            application.service_version.commitment_scheme, application.data
        ),
        "false_pledges": applicant_false_commitments(application),
        "documents": application_documents(application),
        "forms": forms or _forms(application),
        "can_decide": application.status == ApplicationStatus.SUBMITTED,
        "stale": stale,
        "conflict": conflict,
        "query_code": query_code,
    }
    return render(request, "approvals/intake/application.html", context, status=status)


@intake_clerk_required
@require_GET
def application_page(request, pk: int):
    application = get_application_for_intake(request.user, pk)
    case_file_open(actor=request.user, application=application, page="intake")
    return _page(request, application, query_code=_counter_query_code(request, application))


def _counter_query_code(request, application) -> str:
    """The query code of the counter filing just made, once: the walk-in applicant may have no
    e-mail, so the clerk tells it (it is printed on the receipt too)."""
    stored = request.session.get(COUNTER_CODE_SESSION_KEY)
    if not stored or stored.get("application") != application.pk:
        return ""
    del request.session[COUNTER_CODE_SESSION_KEY]
    return stored.get("code") or ""


ACTIONS = {
    "accept": (AcceptForm, False),
    "pledge": (PledgeForm, True),
    "supplement": (SupplementRequestForm, True),
    "refuse": (RefuseForm, False),
}


def _run(action: str, *, actor, application, form):
    data = form.cleaned_data
    common = {"actor": actor, "application": application, "revision": data["revision"]}
    if action == "accept":
        intake_services_module.intake_accept(**common)
        return _("The application is accepted and has gone to review.")
    if action == "pledge":
        intake_services_module.intake_accept_with_pledge(
            **common,
            material_key=data["material_key"],
            due_on=data["due_on"],
            note=data["note"],
        )
        return _("The application is accepted with a pledge and has gone to review.")
    if action == "supplement":
        intake_services_module.intake_request_supplement(
            **common, items=form.items(), reply_by=data["reply_by"]
        )
        return _("The supplement notice is sent; the time limit is paused.")
    intake_services_module.intake_refuse(
        **common,
        reasons=data["reasons"],
        competent_agency=data["competent_agency"],
        not_our_matter=data["not_our_matter"],
    )
    return _("The application is not accepted; the applicant is told why.")


@intake_clerk_required
@require_POST
def decide(request, pk: int, action: str):
    application = get_application_for_intake(request.user, pk)
    if action not in ACTIONS:
        return _page(request, application, status=404)
    form_class, needs_materials = ACTIONS[action]
    kwargs = {}
    if needs_materials:
        kwargs["materials"] = application.service_version.materials.order_by("position", "pk")
    if action == "supplement":
        kwargs["fields"] = supplement_correctable_choices(application.service_version)
    form = form_class(request.POST, auto_id=f"{action}-%s", **kwargs)
    if form.is_valid():
        try:
            done = _run(action, actor=request.user, application=application, form=form)
        except StaleApplication as exc:
            return _page(request, exc.application, status=409, stale=True)
        except TransitionNotAllowed:
            application.refresh_from_db()
            return _page(
                request,
                application,
                status=409,
                conflict=_("This application is no longer at that step: see its status below."),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect("approvals:intake_queue")
    return _page(request, application, forms=_forms(application, {action: form}), status=400)


# --- Counter filing -----------------------------------------------------------------------------


def _counter_services(user):
    versions = ServiceVersion.objects.filter(
        status=VersionStatus.PUBLISHED, item__in=intake_services(user)
    )
    return list(versions.select_related("item").order_by("item__code"))


def _applicant_preview(form: CounterIdentityForm):
    """The applicant as the form will prefill it, from the registries (nothing is saved), or
    ``None`` with errors on ``form``."""
    data = form.cleaned_data
    id_number = identifiers.normalize_id_number(data["id_number"])
    if not identifiers.is_valid_id_number(id_number):
        form.add_error("id_number", _("Enter a valid resident ID number."))
        return None
    record = population_registry().lookup_person(id_number)
    if record is None or record.is_deceased:
        form.add_error(
            "id_number", _("The population registry has no living person with this ID number.")
        )
        return None
    if record.name != data["real_name"].strip():
        form.add_error(
            "real_name", _("The name does not match the population registry for this ID number.")
        )
        return None
    profile = PersonProfile.objects.select_related("user").filter(id_number=id_number).first()
    if profile is None:
        account = SimpleNamespace(mobile="", email=data.get("email") or "")
        profile = SimpleNamespace(
            real_name=record.name, id_number=id_number, address=record.address, user=account
        )
    uscc = (data.get("business_uscc") or "").strip().upper()
    business = Business.objects.filter(uscc=uscc).first() if uscc else None
    return profile, business


def _step_forms(version, *, data=None, prefill=None):
    return [
        dynamic_forms.build_step_form(
            version.form_schema, step.key, data=data, prefill=prefill, on_behalf=True
        )
        for step in dynamic_forms.steps(version.form_schema)
    ]


@intake_clerk_required
@require_http_methods(["GET", "POST"])
def counter(request):
    services = _counter_services(request.user)
    posted = request.method == "POST"
    stage_two = posted and request.POST.get("stage") == "form"
    if stage_two:
        # The identity checked on the first step waits in the session, not in the page, so that
        # the full ID number never travels back to the browser.
        stored = request.session.get(COUNTER_SESSION_KEY)
        if not stored:
            messages.info(request, _("Start the counter filing again."))
            return redirect("approvals:intake_counter")
        identity = CounterIdentityForm(stored, services=services)
    else:
        identity = CounterIdentityForm(request.POST if posted else None, services=services)
    if not (posted and identity.is_valid()):
        return render(
            request,
            "approvals/intake/counter.html",
            {"identity": identity, "stage": "identity"},
            status=400 if posted else 200,
        )
    version = next(v for v in services if str(v.pk) == identity.cleaned_data["service"])
    preview = _applicant_preview(identity)
    if preview is None:
        return render(
            request,
            "approvals/intake/counter.html",
            {"identity": identity, "stage": "identity"},
            status=400,
        )
    person, business = preview
    prefill = dynamic_forms.prefill_values(
        version.form_schema, user=None, person=person, business=business
    )
    context = {
        "identity": identity,
        "stage": "form",
        "version": version,
        "person": person,
        "masked_id": identifiers.mask_id_number(person.id_number),
        "business": business,
        "materials": list(version.materials.order_by("position", "pk")),
    }
    if not stage_two:
        request.session[COUNTER_SESSION_KEY] = {
            name: identity.cleaned_data.get(name) or "" for name in identity.fields
        }
        context["step_forms"] = _step_forms(version, prefill=prefill)
        return render(request, "approvals/intake/counter.html", context)

    step_forms = _step_forms(version, data=request.POST, prefill=prefill)
    context["step_forms"] = step_forms
    valid = [form.is_valid() for form in step_forms]  # every step's errors at once
    if not all(valid):
        return render(request, "approvals/intake/counter.html", context, status=400)
    answers = {}
    for form in step_forms:
        answers = form.merge_into(answers)
    files = {
        material.key: request.FILES[f"material-{material.key}"]
        for material in context["materials"]
        if f"material-{material.key}" in request.FILES
    }
    try:
        application = intake_services_module.counter_file(
            actor=request.user,
            service_version=version,
            id_number=person.id_number,
            real_name=person.real_name,
            business_uscc=identity.cleaned_data.get("business_uscc") or None,
            email=identity.cleaned_data.get("email") or "",
            data=answers,
            files=files,
        )
    except ApplicationIncomplete as exc:
        context["errors"] = [
            _("Material missing: %(name)s") % {"name": material.name}
            for material in exc.missing_materials
        ] + [message for messages_ in exc.field_errors.values() for message in messages_]
        return render(request, "approvals/intake/counter.html", context, status=400)
    except ValidationError as exc:
        context["errors"] = _service_messages(exc)
        return render(request, "approvals/intake/counter.html", context, status=400)
    except UploadRejected as exc:
        context["errors"] = [exc.message]
        return render(request, "approvals/intake/counter.html", context, status=400)
    request.session.pop(COUNTER_SESSION_KEY, None)
    request.session[COUNTER_CODE_SESSION_KEY] = {
        "application": application.pk,
        "code": application.query_code,
    }
    messages.success(
        request,
        _("Filed at the counter and submitted: %(number)s, received %(date)s.")
        % {
            "number": application.tracking_number,
            "date": china_today().isoformat(),
        },
    )
    return redirect("approvals:intake_application", pk=application.pk)


def _service_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)
