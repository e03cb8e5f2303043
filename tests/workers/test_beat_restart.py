"""celery beat restarted (cleanly or by a power cut): the nightly run is sent once, schedules and
admin edits survive. Real ``celery beat`` processes with the DatabaseScheduler, a Redis on a
spare port as broker; the test counts what beat put on the queue.

Complements tests/workers/test_beat_and_cleanup.py (schedules from the migration, an admin
edit surviving a scheduler re-init in-process).
"""

from __future__ import annotations

import json
import signal
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from tests.workers.fault_stack import make_stack, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

NIGHTLY = "workers.tasks.nightly_full_retrain"


@pytest.fixture
def stack(tmp_path):
    stack = make_stack(tmp_path)
    yield stack
    stack.close()


@pytest.fixture
def schedules(db):
    """The migration's rows (transactional tests flush them): re-applied, nightly overdue."""
    call_command("migrate", "workers", "0001", verbosity=0)
    call_command("migrate", "workers", verbosity=0)
    now = timezone.now()
    # django-celery-beat only loads crontabs within two hours of the current hour: the nightly
    # run is moved to five minutes ago (server time), so it is overdue whenever the test runs.
    due = timezone.localtime(now, ZoneInfo("Europe/Berlin")) - timedelta(minutes=5)
    crontab = CrontabSchedule.objects.create(
        minute=str(due.minute), hour=str(due.hour), day_of_week="*", day_of_month="*",
        month_of_year="*", timezone="Europe/Berlin",
    )  # fmt: skip
    PeriodicTask.objects.filter(name="nightly_full_retrain").update(
        crontab=crontab, last_run_at=now - timedelta(days=1)
    )
    PeriodicTask.objects.filter(name="cleanup_stale_models").update(last_run_at=now)
    return PeriodicTask.objects.get(name="nightly_full_retrain")


def sent(stack, task: str) -> int:
    """Messages of ``task`` waiting on the broker's default queue."""
    messages = stack.redis.client(10).lrange("default", 0, -1)
    return sum(1 for raw in messages if json.loads(raw)["headers"]["task"] == task)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["clean", "power-cut"])
def test_beat_restart_sends_the_overdue_nightly_run_once(stack, schedules, tmp_path, how):
    beat = stack.beat(tmp_path)
    try:
        wait_for(lambda: sent(stack, NIGHTLY) == 1, timeout=30)
    except AssertionError:
        raise AssertionError(beat.log()[-3000:]) from None
    # A power cut right after sending; a clean stop after a few ticks.
    time.sleep(0 if how == signal.SIGKILL else 1.5)
    beat.stop(how)

    again = stack.beat(tmp_path)
    wait_for(lambda: "beat: Starting" in again.log() or again.proc.poll() is not None, 30)
    time.sleep(4)  # several ticks of --max-interval 1
    assert again.proc.poll() is None, again.log()[-2000:]
    assert sent(stack, NIGHTLY) == 1, again.log()[-2000:]
    schedules.refresh_from_db()
    assert schedules.last_run_at > timezone.now() - timedelta(minutes=5)
    assert schedules.total_run_count >= 1


def test_schedules_and_admin_edits_survive_beat_restarts(stack, schedules, tmp_path):
    # An admin moves the nightly run to 02:15 and pauses the cleanup.
    edited = CrontabSchedule.objects.create(
        minute="15", hour="2", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/Berlin",
    )  # fmt: skip
    PeriodicTask.objects.filter(pk=schedules.pk).update(
        crontab=edited, description="vom Admin verschoben", last_run_at=timezone.now()
    )
    PeriodicTask.objects.filter(name="cleanup_stale_models").update(enabled=False)
    for _ in range(2):
        beat = stack.beat(tmp_path)
        wait_for(lambda beat=beat: "beat: Starting" in beat.log(), timeout=30)
        time.sleep(2)
        beat.stop(signal.SIGTERM)
    nightly = PeriodicTask.objects.get(name="nightly_full_retrain")
    assert (nightly.crontab.hour, nightly.crontab.minute) == ("2", "15")
    assert nightly.description == "vom Admin verschoben"
    assert nightly.enabled
    assert not PeriodicTask.objects.get(name="cleanup_stale_models").enabled
    assert (
        PeriodicTask.objects.filter(
            name__in=["nightly_full_retrain", "cleanup_stale_models"]
        ).count()
        == 2
    )
    assert sent(stack, NIGHTLY) == 0  # not due: nothing sent by either start
