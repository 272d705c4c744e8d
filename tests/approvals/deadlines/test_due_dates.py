"""Due dates across the 2025 and 2026 Spring Festival and National Day holidays (with their
make-up working Saturdays and Sundays), as the State Council's schedules make them."""

import datetime as dt

import pytest

from approvals.models.working_calendar import working_calendar
from approvals.services.deadlines import (
    application_deadlines_refresh,
    explain_application_deadline,
    task_due_on,
)

D = dt.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Spring Festival 2025: rest 01-28..02-04; Sun 01-26 and Sat 02-08 are working days.
        (D(2025, 1, 24), 5, D(2025, 2, 7)),  # Sun 01-26 counts, the holiday does not
        (D(2025, 1, 24), 1, D(2025, 1, 26)),  # the make-up Sunday is the first working day
        (D(2025, 2, 5), 3, D(2025, 2, 8)),  # Sat 02-08 is a working day
        # National Day 2025: rest 10-01..10-08; Sun 09-28 and Sat 10-11 are working days.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 26), 5, D(2025, 10, 10)),
        (D(2025, 9, 26), 6, D(2025, 10, 11)),  # Sat 10-11 is a working day
        (D(2025, 9, 30), 20, D(2025, 11, 4)),
        # Spring Festival 2026: rest 02-15..02-23; Sat 02-14 and Sat 02-28 are working days.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 5, D(2026, 2, 27)),
        (D(2026, 2, 26), 2, D(2026, 2, 28)),
        # National Day 2026: rest 10-01..10-07; Sun 09-20 and Sat 10-10 are working days.
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
    ],
)
def test_working_days_across_the_holidays(start, n, due):
    assert working_calendar().add_working_days(start, n) == due


@pytest.mark.django_db
def test_refresh_sets_intake_statutory_and_promised_due_dates(make_application):
    # given an application received on Friday 2025-01-24 and accepted on 2025-02-05
    application = make_application(received_on=D(2025, 1, 24), accepted_on=D(2025, 2, 5))
    # when the deadlines are refreshed
    application_deadlines_refresh(application=application)
    application.refresh_from_db()
    # then intake: 5 working days -> 02-07; decision: 20 -> 03-04 (02-08 is a make-up Saturday);
    # promised: 10 -> 02-18
    assert application.intake_due_on == D(2025, 2, 7)
    assert application.decision_due_on == D(2025, 3, 4)
    assert application.promised_due_on == D(2025, 2, 18)


@pytest.mark.django_db
def test_joint_handling_has_45_working_days(make_application):
    application = make_application(
        joint=True, received_on=D(2025, 9, 26), accepted_on=D(2025, 9, 26)
    )
    application_deadlines_refresh(application=application)
    application.refresh_from_db()
    assert application.decision_due_on == working_calendar().add_working_days(D(2025, 9, 26), 45)
    assert application.decision_due_on == D(2025, 12, 4)


@pytest.mark.django_db
def test_explanation_lists_the_holiday_and_make_up_days(make_application):
    application = make_application(received_on=D(2025, 1, 24))
    due = explain_application_deadline(application)
    text = " ".join(due.explain())
    assert due.date == D(2025, 2, 7)
    assert "Spring Festival (statutory holiday" in text
    assert "2025-01-26 (Sunday): make-up working day in lieu of Spring Festival" in text


@pytest.mark.django_db
def test_task_due_on_is_capped_at_the_decision_due_date(make_application):
    application = make_application(accepted_on=D(2025, 1, 2), received_on=D(2025, 1, 2))
    application_deadlines_refresh(application=application)
    # 10-day stage from 2025-01-03 -> 01-17, within the decision due date
    assert task_due_on(application=application, stage=10, today=D(2025, 1, 3)) == D(2025, 1, 17)
    assert task_due_on(application=application, stage="review", today=D(2025, 1, 3)) == D(
        2025, 1, 17
    )
    # a stage starting late cannot run past the statutory date
    late = task_due_on(application=application, stage=10, today=D(2025, 1, 27))
    assert late == application.decision_due_on


@pytest.mark.django_db
def test_a_limit_the_guide_publishes_is_the_one_counted(make_application):
    # given a service whose regulation sets 10 working days, accepted on Friday 2025-09-26
    application = make_application(
        statutory=10, received_on=D(2025, 9, 26), accepted_on=D(2025, 9, 26)
    )

    # when its deadlines are computed
    application_deadlines_refresh(application=application)
    application.refresh_from_db()

    # then 10 working days count, across National Day: Sun 09-28 works, 10-01..08 rest, Sat 10-11
    # works — 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13, 10-14, 10-15, 10-16
    assert application.decision_due_on == D(2025, 10, 16)
