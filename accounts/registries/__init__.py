"""Base registries (一数一源): applicant data comes from the population and legal-person registries
and is not typed again.

The portal talks to them through two small interfaces; ``settings.POPULATION_REGISTRY`` and
``settings.LEGAL_PERSON_REGISTRY`` name the adapter classes. The defaults read local reference
tables; a real registry (an HTTP service of the data-sharing platform) is plugged in by writing an
adapter with the same methods and naming it in the settings.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.registries.base import (
    BusinessRecord,
    LegalPersonRegistry,
    PersonRecord,
    PopulationRegistry,
    RegistryUnavailable,
)

__all__ = [
    "BusinessRecord",
    "LegalPersonRegistry",
    "PersonRecord",
    "PopulationRegistry",
    "RegistryUnavailable",
    "legal_person_registry",
    "population_registry",
]


@cache
def _load(dotted_path: str):
    return import_string(dotted_path)()


def population_registry() -> PopulationRegistry:
    return _load(settings.POPULATION_REGISTRY)


def legal_person_registry() -> LegalPersonRegistry:
    return _load(settings.LEGAL_PERSON_REGISTRY)
