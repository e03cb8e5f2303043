"""celery beat's scheduler: django-celery-beat's, but a sent entry's last run is saved at once.

The stock DatabaseScheduler writes ``last_run_at`` only every few minutes (and at a clean
shutdown). A beat killed right after sending the nightly run (power cut, OOM) then sends it
again when it comes back: a second full retrain of every model. Saving at reservation, just
before the message goes out, turns that into at most one run.
"""

from __future__ import annotations

from django_celery_beat import schedulers


class DatabaseScheduler(schedulers.DatabaseScheduler):
    def reserve(self, entry):
        new_entry = super().reserve(entry)
        self.sync()
        return new_entry
