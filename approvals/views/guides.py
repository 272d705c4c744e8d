"""Public service guides (办事指南, Art. 30): the searchable catalogue and each service's guide,
open to everyone without signing in."""

import logging
import os

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.models import Department
from approvals.domain import procedure_drawing
from approvals.domain.guide_details import visits_label_key
from approvals.domain.workflow_definition import DefinitionError, parse_definition
from approvals.models import ApplicantKind, ServiceTopic
from approvals.security.uploads import ALLOWED_TYPES
from approvals.selectors.catalogue import (
    department_names,
    get_published_guide_form,
    get_published_material,
    get_published_version,
    guide_departments,
    published_names,
    published_versions,
)
from approvals.selectors.service_search import most_used_services, search_services
from approvals.selectors.themes import theme_catalogue
from approvals.views.attachments import content_disposition, stored_file_response

logger = logging.getLogger("portal.guides")

# Templates are documents the applicant fills in or reads; anything else is sent as bytes.
TEMPLATE_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class GuideSearchForm(forms.Form):
    """The catalogue's search box and filters; a GET form, so results can be bookmarked."""

    q = forms.CharField(
        label=_("Search services"),
        help_text=_(
            "What you want to do or the service's name, in Chinese, pinyin, pinyin initials "
            "or English (e.g. 开饭店, spjy, food)."
        ),
        required=False,
        max_length=100,
    )
    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),  # set per request in __init__
        to_field_name="code",
        required=False,
        empty_label=_("All departments"),
    )
    applicant = forms.ChoiceField(
        label=_("Who is applying"),
        choices=[("", _("Anyone")), *ApplicantKind.choices],
        required=False,
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *ServiceTopic.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = guide_departments()


class HomeSearchForm(forms.Form):
    """The home page's search box: the catalogue's query alone, sent to the catalogue."""

    q = GuideSearchForm.base_fields["q"]


@require_GET
def home(request):
    """The front door: search, and the paths people think in — who is applying, which
    department, what others apply for most."""
    return render(
        request,
        "home.html",
        {
            "search_form": HomeSearchForm(),
            "person": ApplicantKind.PERSON,
            "business": ApplicantKind.BUSINESS,
            "departments": list(guide_departments()),
            "most_used": most_used_services(),
            # Browsing by life event: the 一件事 themes.
            "themes": list(theme_catalogue()),
        },
    )


@require_GET
def guide_list(request):
    form = GuideSearchForm(request.GET or None)
    filters, query = {}, ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = data["q"].strip()
        filters = {
            "department": data["department"],
            "applicant_kind": data["applicant"] or None,
            "topic": data["topic"] or None,
        }
    if form.errors:
        versions = []
    elif query:
        versions = search_services(query=query, **filters)
    else:
        versions = list(published_versions(**filters))
    return render(
        request,
        "approvals/guides/list.html",
        {
            "form": form,
            "versions": versions,
            # A life event (一件事) the search names, offered first: apply for it as one.
            "themes": list(theme_catalogue(query)) if query and not form.errors else [],
            "query": query,
            "filtered": bool(query) or any(filters.values()),
        },
    )


def _working_days(days: int) -> str:
    return ngettext("%(days)d working day", "%(days)d working days", days) % {"days": days}


def procedure(version) -> dict | None:
    """The procedure drawing (办理流程图) of ``version`` and its steps for the text equivalent;
    None when the workflow cannot be read (a published version's always can)."""
    try:
        definition = parse_definition(version.workflow_definition)
    except DefinitionError:
        return None
    codes = {branch.department for stage in definition.stages for branch in stage.branches}
    licence_step = None
    if version.item_type != "filing":
        licence_step = procedure_drawing.Step(
            kind="licence",
            title=gettext("Licence issued"),
            detail=gettext("Electronic licence, within 10 working days of the decision (Art. 44)"),
        )
    steps = procedure_drawing.procedure_steps(
        definition,
        language=get_language() or "en",
        department_names=department_names(codes),
        working_days=_working_days,
        apply_step=procedure_drawing.Step(
            kind="apply", title=gettext("You apply online or at the window")
        ),
        licence_step=licence_step,
    )
    limits = gettext(
        "Statutory time limit: %(statutory)s; promised: %(promised)s. The stages share it, "
        "counted from the day after acceptance."
    ) % {
        "statutory": _working_days(version.statutory_limit_days),
        "promised": _working_days(version.promised_limit_days),
    }
    return {"steps": steps, "drawing": procedure_drawing.layout_drawing(steps), "limits": limits}


@require_GET
def guide_detail(request, code: str):
    version = get_published_version(code)
    materials = list(version.materials.all())
    licence_names = published_names({m.reusable_licence_item_code for m in materials} - {""})
    for material in materials:
        licence = material.reusable_licence_item_code
        material.licence_name = licence_names.get(licence, licence)
    guide_forms = list(version.guide_forms.all())
    for form in guide_forms:
        try:
            form.size_bytes = form.file.size
        except OSError:  # missing from storage: the download says 404, the page still opens
            logger.error("guide form %s is missing: %s", form.pk, form.file.name)
            form.size_bytes = None
    return render(
        request,
        "approvals/guides/detail.html",
        {
            "version": version,
            "materials": materials,
            "guide_forms": guide_forms,
            "visits": visits_label_key(version.visits_needed),
            "procedure": procedure(version),
        },
    )


# The type a guide form is served as follows from its stored extension, which its upload's
# inspected content chose (approvals.security.uploads), never from what the uploader named it.
GUIDE_FORM_CONTENT_TYPES = {extension: kind for kind, extension in ALLOWED_TYPES.items()}


@require_GET
def guide_form_download(request, code: str, key: str):
    """A sample or blank form of a published service's guide, as an attachment."""
    form = get_published_guide_form(code, key)
    content_type = GUIDE_FORM_CONTENT_TYPES.get(form.extension)
    if content_type is None:
        raise Http404("This form has no file of an allowed type.")
    return stored_file_response(
        form.file, content_type=content_type, display_name=f"{form.name}.{form.extension}"
    )


@require_GET
def material_template(request, code: str, key: str):
    """A material's template or sample, as an attachment; only for published services."""
    material = get_published_material(code, key)
    if not material.template:
        raise Http404("This material has no template.")
    extension = os.path.splitext(material.template.name)[1].lower()
    try:
        handle = material.template.open("rb")
    except FileNotFoundError:
        logger.error("template of material %s is missing: %s", material.pk, material.template.name)
        raise Http404 from None
    content_type = TEMPLATE_CONTENT_TYPES.get(extension, "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    # The material's name in the reader's language makes a better file name than the stored one.
    filename = f"{material.name}{extension or '.bin'}"
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
