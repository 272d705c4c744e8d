"""What the portal tells people, one small constructor per notice (saleor's ``order/events.py``
shape): each names its kind and holds its texts as message ids with their parameters, so that
``notify`` renders them in every language and shows each reader theirs (``Notification.texts``).
The services decide who hears what and when; the wording lives here only, by area:
``applications`` (submission, withdrawal), ``intake`` (acceptance, supplement notice, refusal,
lapsed pledges), ``review`` (the clock, the decision, tasks, access), ``supervision`` (cards,
pledges verified after the licence, rectifications), ``licences`` (issue, end, expiry, deemed
renewal), ``themes`` (one-thing cases); ``text`` holds ``NoticeText`` and the shared parameters.
``tests/approvals/test_notices.py`` keeps every other module of ``approvals/services/`` free of
wording of its own.
"""

from approvals.services.notices.applications import (
    notice_application_submitted,
    notice_application_withdrawn,
    notice_window_application_withdrawn,
    notice_window_new_application,
    query_code_text,
)
from approvals.services.notices.intake import (
    notice_application_accepted,
    notice_application_accepted_with_pledge,
    notice_application_deemed_accepted,
    notice_application_refused,
    notice_pledge_lapsed,
    notice_supplement_received,
    notice_supplement_requested,
    notice_window_deemed_accepted,
    notice_window_pledge_lapsed,
)
from approvals.services.notices.licences import (
    notice_licence_cancelled,
    notice_licence_expiry_reminder,
    notice_licence_issued,
    notice_licence_revoked,
    notice_renewal_deemed_granted,
)
from approvals.services.notices.review import (
    notice_access_granted,
    notice_application_approved,
    notice_application_denied,
    notice_clock_paused,
    notice_clock_resumed,
    notice_extension_decided,
    notice_extension_requested,
    notice_second_approval_needed,
    notice_task_assigned,
    notice_task_new,
    notice_time_limit_extended,
)
from approvals.services.notices.supervision import (
    notice_cards_raised,
    notice_commitment_cards_raised,
    notice_commitment_found_false,
    notice_commitment_verification_opened,
    notice_commitment_verified_true,
    notice_rectification_opened,
)
from approvals.services.notices.text import (
    NoticeText,
)
from approvals.services.notices.themes import (
    case_link,
    notice_theme_case_accepted,
    notice_theme_case_refused,
    notice_theme_case_submitted,
    notice_theme_case_supplement_received,
    notice_theme_case_supplement_requested,
    notice_theme_members_started,
    notice_theme_members_stopped,
    notice_window_theme_case_deemed_accepted,
    notice_window_theme_case_submitted,
)

__all__ = [
    "NoticeText",
    "case_link",
    "notice_access_granted",
    "notice_application_accepted",
    "notice_application_accepted_with_pledge",
    "notice_application_approved",
    "notice_application_deemed_accepted",
    "notice_application_denied",
    "notice_application_refused",
    "notice_application_submitted",
    "notice_application_withdrawn",
    "notice_cards_raised",
    "notice_clock_paused",
    "notice_clock_resumed",
    "notice_commitment_cards_raised",
    "notice_commitment_found_false",
    "notice_commitment_verification_opened",
    "notice_commitment_verified_true",
    "notice_extension_decided",
    "notice_extension_requested",
    "notice_licence_cancelled",
    "notice_licence_expiry_reminder",
    "notice_licence_issued",
    "notice_licence_revoked",
    "notice_pledge_lapsed",
    "notice_rectification_opened",
    "notice_renewal_deemed_granted",
    "notice_second_approval_needed",
    "notice_supplement_received",
    "notice_supplement_requested",
    "notice_task_assigned",
    "notice_task_new",
    "notice_theme_case_accepted",
    "notice_theme_case_refused",
    "notice_theme_case_submitted",
    "notice_theme_case_supplement_received",
    "notice_theme_case_supplement_requested",
    "notice_theme_members_started",
    "notice_theme_members_stopped",
    "notice_time_limit_extended",
    "notice_window_application_withdrawn",
    "notice_window_deemed_accepted",
    "notice_window_new_application",
    "notice_window_pledge_lapsed",
    "notice_window_theme_case_deemed_accepted",
    "notice_window_theme_case_submitted",
    "query_code_text",
]
