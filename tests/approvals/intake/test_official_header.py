"""Officials see an official's header: their work, their window and their notifications, not
the citizen's "My applications" with a badge counting cases they did not file."""

import re

import pytest
from django.urls import reverse

from approvals.services.notifications import notify

pytestmark = pytest.mark.django_db


def _header(response) -> str:
    return re.search(r"<header.*?</header>", response.content.decode(), re.S).group(0)


def test_a_clerk_sees_the_window_and_their_notifications_not_my_applications(
    clerk, verified_client_factory
):
    notify(user=clerk, kind="intake.new_application", title="New application", body="Check it.")

    header = _header(verified_client_factory(clerk).get(reverse("approvals:intake_queue")))

    assert reverse("approvals:intake_queue") in header
    assert reverse("approvals:dashboard") not in header
    assert reverse("approvals:my_licences") not in header
    notifications = re.search(
        rf'<a href="{reverse("approvals:notifications")}"[^>]*>(.*?)</a>', header, re.S
    )
    assert notifications is not None
    assert '<span class="nav-badge">1<' in notifications.group(1)


def test_a_reviewer_sees_my_work_and_no_citizen_menu(reviewer, verified_client_factory):
    header = _header(verified_client_factory(reviewer).get(reverse("approvals:work_queue")))

    assert reverse("approvals:work_queue") in header
    assert reverse("approvals:notifications") in header
    assert reverse("approvals:dashboard") not in header


def test_a_citizen_keeps_my_applications_with_the_badge(citizen, client):
    notify(user=citizen, kind="test", title="Received", body="B")
    client.force_login(citizen, backend="accounts.backends.EmailOrMobileBackend")

    header = _header(client.get(reverse("approvals:guide_list")))

    assert reverse("approvals:dashboard") in header
    assert reverse("approvals:my_licences") in header
    assert reverse("approvals:work_queue") not in header
    assert '<span class="nav-badge">1<' in header
