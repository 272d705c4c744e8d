"""Text messages through a pluggable backend, chosen by the ``SMS_BACKEND`` setting.

A real gateway (a provincial SMS platform, a cloud provider) is a class with the same ``send``
method, named by its dotted path in ``SMS_BACKEND``. The default writes to the log instead of
sending, as Django's console email backend does.
"""

import functools
import logging

from django.conf import settings
from django.utils.module_loading import import_string

from personal_data.masking import mask_mobile

logger = logging.getLogger("portal.sms")


class SMSBackend:
    """What a backend must do: send ``message`` to the mainland mobile number ``mobile``."""

    def send(self, mobile: str, message: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(SMSBackend):
    """Logs that a message was sent, to a masked number; nothing leaves the machine.

    Never the text: messages carry query codes and other secrets, and web logs are read by many
    (``grep 查询码为`` must find nothing). Developers read the text in the email, which the
    console email backend prints, or in a test's own backend.
    """

    def send(self, mobile: str, message: str) -> None:
        logger.info("SMS sent to %s (%d characters)", mask_mobile(mobile), len(message))


@functools.cache
def _backend(path: str) -> SMSBackend:
    return import_string(path)()


def get_sms_backend() -> SMSBackend:
    """The configured backend, built once per process (per dotted path, so that a test that
    overrides ``SMS_BACKEND`` gets its own)."""
    return _backend(settings.SMS_BACKEND)
