"""Whether an application has each of the timeline's facts, read with the application itself
(``with_timeline_presence``): the right answers, and no query built for them (issue 17: the five
``Exists`` queries cost the application's page about 1 ms of CPU to build and compile)."""

import pytest
from django.db.models.sql.query import Query

from approvals.models import Application, DeadlineExtension
from approvals.selectors.timeline import with_timeline_presence
from tests.approvals.timeline.facts import add_timeline_facts

pytestmark = pytest.mark.django_db

FACTS = ("tasks", "pauses", "supplement_requests", "extensions", "pledges")


def _presence(application) -> dict[str, bool]:
    read = with_timeline_presence(Application.objects.filter(pk=application.pk)).get()
    return {fact: getattr(read, f"timeline_has_{fact}") for fact in FACTS}


def test_the_presence_is_read_per_application_and_per_fact(demo, started):
    other = Application.objects.exclude(pk=started.pk).first()
    before = _presence(started)

    add_timeline_facts(demo, started, 1)

    assert _presence(started) == dict.fromkeys(FACTS, True)
    assert before["extensions"] is False and before["pledges"] is False
    if other is not None:
        assert _presence(other)["pledges"] is False  # another application's rows do not count


def test_only_an_approved_extension_counts(demo, started):
    add_timeline_facts(demo, started, 1)
    DeadlineExtension.objects.filter(application=started).update(status="requested")

    assert _presence(started)["extensions"] is False


def test_the_application_page_compiles_one_query(monkeypatch, started):
    compiled = []
    original = Query.get_compiler

    def counting(self, *args, **kwargs):
        compiled.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Query, "get_compiler", counting)
    applications = with_timeline_presence(Application.objects.filter(pk=started.pk))
    str(applications.query)  # compiled as it is sent

    assert compiled == [Application]
