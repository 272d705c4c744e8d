"""Small helpers the tests share (fixtures shared by every package are in tests/conftest.py)."""

import datetime as dt
import io
import subprocess
import time
from contextlib import contextmanager

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.forms import CheckboxInput, MultiWidget
from django.utils import timezone
from PIL import Image

from audit.models import AuditEvent


def events(action: str, obj=None, object_id=None) -> QuerySet[AuditEvent]:
    """The audit events of ``action`` (about ``obj`` when given, or about the ``object_id`` of
    the model ``obj``, for an object deleted since), oldest first."""
    queryset = AuditEvent.objects.filter(action=action)
    if obj is not None:
        object_id = object_id if object_id is not None else obj.pk
        queryset = queryset.filter(object_type=obj._meta.label_lower, object_id=str(object_id))
    return queryset.order_by("sequence")


def in_days(days: int) -> dt.date:
    """The date ``days`` calendar days from today in China."""
    return timezone.localdate() + dt.timedelta(days=days)


def png_upload(name: str = "plan.png") -> SimpleUploadedFile:
    """A small real PNG, as a browser would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- One act, one event: the audit events one service call writes ------------------------------

# Objects an act creates or issues record their own fact (a document issued, a review task
# created, a licence issued); the act itself is one event about the application or its task.
OWN_FACT_OBJECTS = ("approvals.document", "approvals.licence")
OWN_FACT_ACTIONS = ("task.created", "task.cancelled", "document.issued")


class RecordedEvents(list):
    def of_the_act(self) -> list[AuditEvent]:
        """The events that describe the act (not the facts of objects it created)."""
        return [
            event
            for event in self
            if event.object_type not in OWN_FACT_OBJECTS and event.action not in OWN_FACT_ACTIONS
        ]

    def the_one(self) -> AuditEvent:
        """The act's one event; fails naming every event when there is not exactly one."""
        act = self.of_the_act()
        assert len(act) == 1, f"expected one event for the act, got {[e.action for e in act]}"
        return act[0]


@contextmanager
def recorded_events():
    """``with recorded_events() as recorded: service(...)``: ``recorded`` lists the events the
    block wrote, in chain order."""
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    recorded = RecordedEvents()
    yield recorded
    recorded.extend(AuditEvent.objects.filter(sequence__gt=last or 0).order_by("sequence"))


class RecordingSMSBackend:
    """An ``SMS_BACKEND`` that keeps what it was asked to send (``RecordingSMSBackend.sent``:
    ``(mobile, text)`` pairs); ``sms_outbox`` in tests/conftest.py installs and empties it."""

    sent: list[tuple[str, str]] = []

    def send(self, mobile: str, message: str) -> None:
        RecordingSMSBackend.sent.append((mobile, message))


def task_lights(today: dt.date | None = None) -> dict[int, str]:
    """The SLA light of every review task on ``today`` (the real today by default), as the
    pages derive it (``sla_light_expression``): nothing stores it."""
    from approvals.domain.china_time import china_today
    from approvals.models import ReviewTask
    from approvals.models.working_calendar import sla_light_expression

    lights = ReviewTask.objects.annotate(light=sla_light_expression(today or china_today()))
    return dict(lights.values_list("pk", "light"))


def due_for_light(light: str, today: dt.date | None = None) -> dt.date | None:
    """A due date that shows ``light`` on ``today`` (the real today by default): overdue for
    red, today for yellow, the first green day for green (and "paused", whose clock is stopped
    besides); none for "" (no light)."""
    from django.conf import settings

    from approvals.domain.china_time import china_today
    from approvals.models.working_calendar import working_calendar

    if not light:
        return None
    today = today or china_today()
    if light == "red":
        return today - dt.timedelta(days=3)
    if light == "yellow":
        return today
    bands = working_calendar().sla_bands(today, settings.SLA_WARN_WORKING_DAYS)
    return next(band.first for band in bands if band.light == "green")


# --- A Celery worker started by a test ----------------------------------------------------------

WORKER_WAIT_SECONDS = 30


def stop_process(process: subprocess.Popen) -> None:
    """Stop a worker process started by a test: politely, then for good."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_for_worker(
    condition, process, log_path, what: str, seconds: float = WORKER_WAIT_SECONDS
) -> None:
    """Wait until ``condition()`` holds while the worker ``process`` runs; else fail, with its
    log."""
    deadline = time.monotonic() + seconds
    while not condition() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert condition(), (
        f"{what} within {seconds} s (worker exit status {process.poll()}); its log:\n"
        f"{log_path.read_text(errors='replace')[-6000:]}"
    )


# --- An admin change page as the browser would send it back --------------------------------------


def _bound_field_data(bound) -> dict:
    """What the browser would send for one bound field left as it is."""
    if bound.field.disabled:
        return {}
    widget, value = bound.field.widget, bound.value()
    if isinstance(widget, MultiWidget):
        parts = widget.decompress(value)
        return {
            f"{bound.html_name}{suffix}": "" if part is None else str(part)
            for suffix, part in zip(widget.widgets_names, parts, strict=True)
        }
    if isinstance(widget, CheckboxInput):
        return {bound.html_name: "on"} if value else {}
    if isinstance(value, list | tuple):
        return {bound.html_name: [str(item) for item in value]}
    return {bound.html_name: "" if value is None else str(value)}


def _form_data(form) -> dict:
    data = {}
    for bound in form:
        data.update(_bound_field_data(bound))
    return data


def change_form_data(response) -> dict:
    """The POST data of an admin change page as rendered: the main form and its inlines."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    return data
