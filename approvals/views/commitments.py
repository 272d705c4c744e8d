"""The issuing department's verification of 告知承诺 pledges (事后核查): the queue of pledges due,
and one pledge with its finding (a false pledge revokes the licence)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from approvals.domain.china_time import china_today
from approvals.forms.licences import CommitmentVerifyForm
from approvals.models.working_calendar import sla_light_for
from approvals.selectors import policy
from approvals.selectors.commitments import (
    applicant_false_commitments,
    commitments_to_verify,
    get_commitment_for_verifier,
)
from approvals.services.commitments import commitment_verify
from approvals.views.work import official_required

QUEUE_LIMIT = 200


@official_required(*policy.LICENCE_MANAGER_ROLES)
@require_GET
def queue(request):
    today = china_today()
    rows = [
        {"commitment": c, "light": sla_light_for(today, c.verification_due_on)}
        for c in commitments_to_verify(request.user)[:QUEUE_LIMIT]
    ]
    return render(request, "approvals/work/commitments.html", {"rows": rows})


@official_required(*policy.LICENCE_MANAGER_ROLES)
@require_http_methods(["GET", "POST"])
def verify(request, pk: int):
    commitment = get_commitment_for_verifier(request.user, pk)
    form = CommitmentVerifyForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                commitment_verify(
                    actor=request.user,
                    commitment=commitment,
                    pledge_true=form.cleaned_data["outcome"] == "true",
                    finding=form.cleaned_data["finding"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The verification's finding is recorded."))
                return redirect("approvals:commitment_queue")
        status = 400
    version = commitment.application.service_version
    names = {m.key: m.name for m in version.materials.all()}
    return render(
        request,
        "approvals/work/commitment.html",
        {
            "commitment": commitment,
            "application": commitment.application,
            "replaced": [names.get(key, key) for key in commitment.replaced_materials],
            "record": applicant_false_commitments(commitment.application),
            "may_verify": commitment.status == "verifying",
            "form": form,
        },
        status=status,
    )
