"""The themes' supervision page reads indexes (in the style of tests/approvals/test_index_use.py):
on 30,000 single applications and 3,000 one-thing cases of three members each over more than a
year, analyzed, PostgreSQL's plan for every query of the page over a period of weeks or months
has no sequential scan of applications or cases."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.explain import analyze, assert_no_seq_scan, captured_selects, requires_postgresql
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, requires_postgresql]

BIG_TABLES = ["approvals_application", "approvals_themecase"]
TODAY = dt.date(2026, 6, 15)


def _fill(theme, citizen, members):
    """30,000 single applications and 3,000 cases (each with three members) received over 400
    days, most decided within 30 days."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO approvals_application (
              applicant_kind, filed_at_counter, status, data, current_step, tracking_number,
              query_code_hash, submitted_at, revision, created_at, updated_at, created_by_id,
              person_id, service_version_id, current_stage_key, deemed_accepted, workflow_round,
              licence_action, received_on, accepted_on, decided_on, decision_due_on,
              theme_member_key)
            SELECT 'person', false, (ARRAY['under_review', 'approved', 'denied'])[1 + g %% 3],
              '{}'::jsonb, 0, 'ONE-' || g, '', now(), 1, now(), now(), %(user)s, %(person)s,
              %(version)s, '', false, 1, '', %(today)s::date - (g %% 400),
              %(today)s::date - (g %% 400) + 1,
              CASE WHEN g %% 3 = 0 THEN NULL ELSE %(today)s::date - (g %% 400) + 1 + g %% 30 END,
              %(today)s::date - (g %% 400) + 21, ''
            FROM generate_series(1, 30000) AS g
            """,
            {
                "user": citizen.pk,
                "person": citizen.person.pk,
                "version": members["registration"],
                "today": TODAY,
            },
        )
        cursor.execute(
            """
            INSERT INTO approvals_themecase (
              version_id, applicant_kind, person_id, created_by_id, status, answers, data,
              current_step, delivery, tracking_number, query_code_hash, submitted_at,
              received_on, revision, created_at, updated_at)
            SELECT %(theme)s, 'person', %(person)s, %(user)s, 'submitted',
              '{"sign": true}'::jsonb, '{}'::jsonb, 0, 'together', 'CASE-' || g, '', now(),
              %(today)s::date - (g %% 400), 1, now(), now()
            FROM generate_series(1, 3000) AS g
            """,
            {
                "theme": theme.pk,
                "user": citizen.pk,
                "person": citizen.person.pk,
                "today": TODAY,
            },
        )
        for key, version in members.items():
            cursor.execute(
                """
                INSERT INTO approvals_application (
                  applicant_kind, filed_at_counter, status, data, current_step, tracking_number,
                  query_code_hash, submitted_at, revision, created_at, updated_at,
                  created_by_id, person_id, service_version_id, current_stage_key,
                  deemed_accepted, workflow_round, licence_action, received_on, accepted_on,
                  decided_on, decision_due_on, theme_case_id, theme_member_key)
                SELECT 'person', false, 'approved', '{}'::jsonb, 0,
                  'M-' || %(key)s || '-' || c.id, '', now(), 1, now(), now(), %(user)s,
                  %(person)s, %(version)s, '', false, 1, '', c.received_on,
                  c.received_on + 1, c.received_on + (2 + c.id %% 20)::int, c.received_on + 21,
                  c.id, %(key)s
                FROM approvals_themecase c WHERE c.tracking_number LIKE 'CASE-%%'
                """,
                {"key": key, "version": version, "user": citizen.pk, "person": citizen.person.pk},
            )
    analyze(*BIG_TABLES)


def test_the_themes_page_reads_indexes(city, restaurant, verified_client_factory):
    citizen = PersonFactory().user
    members = {
        m.key: m.service_item.versions.get(status="published").pk
        for m in restaurant.members.select_related("service_item")
    }
    _fill(restaurant, citizen, members)
    client = verified_client_factory(city.supervisor)
    url = reverse("approvals:supervision_themes")
    # A period of weeks or months (a whole year reads most cases: a full scan is right there).
    for query in ("", "?start=2026-03-01&end=2026-03-31", "?start=2026-01-01&end=2026-03-31"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url + query)
        assert response.status_code == 200
        assert "RESTAURANT" in response.content.decode()
        for sql in captured_selects(captured):
            assert_no_seq_scan(sql, BIG_TABLES)
