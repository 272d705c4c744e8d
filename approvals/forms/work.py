"""Forms of the officials' work pages (queue filters and task actions). Each action form carries
the task's ``revision`` so that a stale form is caught."""

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.forms.intake import SupplementItemsForm
from approvals.models.pauses import PauseKind
from approvals.selectors.tasks import LIGHTS

LIGHT_LABELS = {
    "green": _("Green (on time)"),
    "yellow": _("Yellow (due soon)"),
    "red": _("Red (overdue)"),
    "paused": _("Paused (clock stopped)"),
}
STATE_CHOICES = [
    ("", _("Any")),
    ("unclaimed", _("Unclaimed")),
    ("mine", _("Claimed by me")),
    ("others", _("Claimed by others")),
]


class QueueFilterForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), required=False)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("Due until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    light = forms.ChoiceField(
        label=_("SLA light"),
        required=False,
        choices=[("", _("Any"))] + [(light, LIGHT_LABELS[light]) for light in LIGHTS],
    )

    def __init__(self, *args, services=(), **kwargs):
        """``services``: the codes of the services the official's open tasks belong to."""
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Any"))] + [(code, code) for code in services]


class RevisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ApproveForm(RevisionForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(RevisionForm):
    reasons = forms.CharField(
        label=_("Reasons for rejection"),
        help_text=_("The applicant is told these reasons."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReturnToStageForm(RevisionForm):
    stage_key = forms.ChoiceField(label=_("Return to stage"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage_key"].choices = [(stage.key, stage_name(stage)) for stage in stages]


class ReturnToApplicantForm(SupplementItemsForm, RevisionForm):
    """A reviewer's one-time notice during review: the same items as the window's (materials,
    answers to correct, other problems), the reply date optional."""

    reply_by = forms.DateField(
        label=_("Reply by"),
        required=False,
        help_text=_("Leave empty for 10 working days from today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class PauseClockForm(RevisionForm):
    kind = forms.ChoiceField(
        label=_("Pause for"),
        choices=[(kind.value, kind.label) for kind in PauseKind if kind != PauseKind.SUPPLEMENT],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_working_days = forms.IntegerField(
        label=_("Expected working days"), min_value=1, max_value=365, required=False
    )


class ExtensionForm(RevisionForm):
    working_days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=15)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(RevisionForm):
    assignee = forms.IntegerField(label=_("Assign to"))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])


def stage_name(stage) -> str:
    from django.utils.translation import get_language

    return stage.name_zh if (get_language() or "").startswith("zh") else stage.name_en


class GrantForm(forms.Form):
    """Give an official outside the task's department and role access to this application."""

    email = forms.EmailField(
        label=_("Official's email address"),
        help_text=_("The person must hold an active official position."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Recorded in the application's history."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_email(self):
        from accounts.models import User

        email = self.cleaned_data["email"].strip().lower()
        user = (
            User.objects.filter(email__iexact=email, is_active=True, positions__is_active=True)
            .distinct()
            .first()
        )
        if user is None:
            raise forms.ValidationError(
                _("No active official has this email address."), code="unknown_official"
            )
        self.official = user
        return email
