"""The training view of a workout with 10 exercises, warm cache: server-side time per page.

The lifter is the largest replayed real log (its whole exercise catalogue fills the "add an
exercise" list); today's workout holds three sets of each of their 10 busiest exercises.
Requests go through the whole Django stack (middleware, session auth, template) with
Django's test client, without a network hop.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bench.context import Context
from bench.harness import Figure, time_calls, timed_figure
from bench.serving import serving_user

LIMIT_MS = 50.0


def run(ctx: Context) -> list[Figure]:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from core.models import Satz, Trainingseinheit

    try:
        reverse("web:workout", args=[1])
    except NoReverseMatch as exc:
        return [Figure("training view, 10 exercises", None, "ms", note=f"no web view: {exc}")]
    call_command("collectstatic", interactive=False, verbosity=0)
    n = ctx.sizes.view_exercises
    user, ids = serving_user(n)
    einheit, _ = Trainingseinheit.objects.get_or_create(
        user=user,
        datum=timezone.now().replace(microsecond=0) + timedelta(days=3650),
        defaults={"name": "bench view"},
    )
    for uebung_id in ids:
        for satz_nr in (1, 2, 3):
            Satz.objects.get_or_create(
                einheit=einheit,
                uebung_id=uebung_id,
                satz_nr=satz_nr,
                defaults={"gewicht": Decimal("50"), "wiederholungen": 8},
            )
    client = Client(raise_request_exception=True)
    client.force_login(user)
    url = reverse("web:workout", args=[einheit.pk])

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    try:
        samples = time_calls(get, ctx.sizes.view_calls, warmup=3)
    finally:
        einheit.delete()
    return [
        timed_figure(
            f"training view, {len(ids)} exercises, warm cache",
            samples,
            limit=LIMIT_MS,
            note="Django test client, whole stack without network",
        )
    ]
