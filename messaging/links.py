"""Links in messages that leave the portal (emails, text messages) are absolute."""

from django.conf import settings


def absolute_link(link: str) -> str:
    """``link`` on the portal's public address (``PORTAL_BASE_URL``); a full URL as it is."""
    if not link or "://" in link:
        return link
    return settings.PORTAL_BASE_URL.rstrip("/") + link
