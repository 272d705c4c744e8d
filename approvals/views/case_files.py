"""An official's explicit request to see an applicant's full ID number (audited). The number is
never on the case-file pages themselves; this POST shows it once, on a page that is not cached."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from approvals.selectors.case_files import get_case_file_for_official
from approvals.services.case_files import id_number_reveal


@login_required
@require_POST
def id_number(request, pk: int):
    application = get_case_file_for_official(request.user, pk)
    try:
        number = id_number_reveal(actor=request.user, application=application)
    except ValidationError as error:
        return render(
            request,
            "approvals/work/id_number.html",
            {"application": application, "error": error.messages[0], "back": _back(request)},
            status=400,
        )
    response = render(
        request,
        "approvals/work/id_number.html",
        {"application": application, "number": number, "back": _back(request)},
    )
    add_never_cache_headers(response)
    return response


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""
