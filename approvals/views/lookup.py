"""Public progress lookup: tracking number and query code, no sign-in, no personal data.

A wrong pair gets one message whichever part was wrong, and each client address has a limited
number of tries, so that the codes cannot be guessed by trying them all.
"""

import logging

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from approvals.forms.applications import TrackLookupForm
from approvals.selectors.applications import find_application_by_tracking
from approvals.selectors.theme_cases import case_members, find_theme_case_by_tracking
from approvals.selectors.timeline import application_progress
from portal.ratelimit import RateLimit
from portal.request_context import client_ip

logger = logging.getLogger("portal.track")

# Ten tries per client address in each ten-minute window.
LOOKUP_LIMIT = RateLimit("track", limit=10, period=10 * 60)


def _rate_limited(request):
    return render(request, "approvals/lookup/rate_limited.html", status=429)


@require_http_methods(["GET", "POST"])
def track(request):
    ip = client_ip(request) or "unknown"
    if request.method == "GET":
        return render(request, "approvals/lookup/track.html", {"form": TrackLookupForm()})
    if not LOOKUP_LIMIT.hit(ip):
        logger.warning("track lookup refused: rate limit reached ip=%s", ip)
        return _rate_limited(request)
    form = TrackLookupForm(request.POST)
    if not form.is_valid():
        return render(request, "approvals/lookup/track.html", {"form": form}, status=400)
    application = find_application_by_tracking(
        form.cleaned_data["tracking_number"], form.cleaned_data["query_code"]
    )
    if application is None:
        # 一件事: the case's own number and its one query code show every member.
        case = find_theme_case_by_tracking(
            form.cleaned_data["tracking_number"], form.cleaned_data["query_code"]
        )
        if case is not None:
            response = render(
                request,
                "approvals/themes/case_track.html",
                {"case": case, "version": case.version, "members": case_members(case)},
            )
            response["Cache-Control"] = "private, no-store"
            return response
    if application is None:
        logger.warning("track lookup failed ip=%s", ip)
        form.add_error(
            None,
            _(
                "No application matches this tracking number and query code. Check both against "
                "your receipt and try again."
            ),
        )
        return render(request, "approvals/lookup/track.html", {"form": form}, status=404)
    response = render(
        request,
        "approvals/lookup/result.html",
        {
            "application": application,
            "version": application.service_version,
            "timeline": application_progress(application),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
