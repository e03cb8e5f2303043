"""Run in a fresh process with REDIS_URL pointing at a dead or hung Redis: log sets, open pages.

Prints one JSON line with what happened; ``test_redis_down.py`` judges it. A separate process
so the production settings, the Celery app and the cache all start against the dead Redis.
"""

import json
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegym.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.template import TemplateDoesNotExist  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Satz, Trainingseinheit, Uebung  # noqa: E402

call_command("migrate", verbosity=0)
user = get_user_model().objects.create_user("lifter", password="pw", is_staff=True)
user.is_superuser = True
user.save()
uebung = Uebung.objects.create(name="Kreuzheben")
einheit = Trainingseinheit.objects.create(user=user, datum=timezone.now())
save_ms = []
for i in range(15):
    start = time.perf_counter()
    Satz.objects.create(
        einheit=einheit, uebung=uebung, satz_nr=i + 1, gewicht=100, wiederholungen=5
    )
    save_ms.append((time.perf_counter() - start) * 1000)

client = Client()
client.force_login(user)
# Sets logged through the training page itself, like a lifter would.
web_set_ms = []
web_set_codes = []
for _ in range(5):
    try:
        url = reverse("web:set_add", args=[einheit.pk, uebung.pk])
    except NoReverseMatch:  # web not built on this branch
        break
    start = time.perf_counter()
    response = client.post(
        url, {"gewicht": "102,5", "wiederholungen": "5", "rpe": "", "set_type": "normal"}
    )
    web_set_ms.append((time.perf_counter() - start) * 1000)
    web_set_codes.append(response.status_code)
pages = {}
for name, args in [
    ("web:home", []),
    ("web:workout", [einheit.pk]),
    ("web:exercise_history", [uebung.pk]),
    ("web:ml_dashboard", []),
]:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        continue
    try:
        pages[url] = client.get(url).status_code
    except TemplateDoesNotExist:  # page not built on this branch yet
        continue
pages["/admin/core/mlpredictionmodel/"] = client.get("/admin/core/mlpredictionmodel/").status_code
start = time.perf_counter()
train = client.post("/api/ml/train/", {}, content_type="application/json")
train_ms = (time.perf_counter() - start) * 1000
print(
    json.dumps(
        {
            "saved": Satz.objects.count(),
            "web_set_codes": web_set_codes,
            "web_set_ms_max": max(web_set_ms, default=0),
            "save_ms_median": statistics.median(save_ms),
            "save_ms_max": max(save_ms),
            "pages": pages,
            "api_train": train.status_code,
            "api_train_ms": train_ms,
        }
    )
)
