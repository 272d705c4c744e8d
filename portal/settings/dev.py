"""`make run`: the embedded single-machine mode, for a developer or a demo."""

from portal.settings.base import *  # noqa: F403
from portal.settings.env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
