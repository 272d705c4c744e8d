"""The language a message to someone is written in: theirs, not that of whoever caused it."""

from django.conf import settings

DEFAULT_LANGUAGE = "zh-hans"


def recipient_language(user) -> str:
    """``user``'s preferred language when the portal speaks it, else Simplified Chinese."""
    codes = {code for code, _name in settings.LANGUAGES}
    return user.preferred_language if user.preferred_language in codes else DEFAULT_LANGUAGE
