"""The Celery application: configuration comes from Django settings (``CELERY_*``).

Two queues: ``ml`` for training (long, CPU-bound) and ``default`` for short orchestration
(nightly fan-out, cleanup). ``make worker`` consumes both; a dedicated training machine can run
``celery -A homegym worker -Q ml``.
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegym.settings")

app = Celery("homegym")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("ml"))
app.autodiscover_tasks()
