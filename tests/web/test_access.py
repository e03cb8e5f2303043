"""Every page needs a login and shows only the requester's data: others' ids answer 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import MLPredictionModel, Satz, Uebung
from tests.web.conftest import HTMX

pytestmark = pytest.mark.django_db


def _page_urls(einheit, satz, uebung):
    return [
        reverse("web:home"),
        reverse("web:workout_start"),
        reverse("web:workout", args=[einheit.pk]),
        reverse("web:set_edit", args=[satz.pk]),
        reverse("web:exercise_history", args=[uebung.pk]),
        reverse("web:import"),
        reverse("web:settings"),
        reverse("web:ml_dashboard"),
    ]


def test_anonymous_is_sent_to_login(client, einheit_a, satz_a, bank):
    for url in _page_urls(einheit_a, satz_a, bank):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
        assert "next=" in response["Location"]


def test_anonymous_posts_are_sent_to_login_and_change_nothing(client, einheit_a, satz_a, bank):
    posts = [
        reverse("web:set_add", args=[einheit_a.pk, bank.pk]),
        reverse("web:set_delete", args=[satz_a.pk]),
        reverse("web:exercise_add", args=[einheit_a.pk]),
    ]
    for url in posts:
        response = client.post(url, {"gewicht": "70", "wiederholungen": "5", "set_type": "normal"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert list(Satz.objects.values_list("pk", flat=True)) == [satz_a.pk]


def test_login_page_renders_in_german(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Anmelden" in response.content.decode()


def test_login_then_home(client, user_a):
    response = client.post(reverse("login"), {"username": "anna", "password": "pw-anna-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_other_users_workout_set_and_exercise_are_404(client_b, einheit_a, satz_a, bank, user_a):
    own_exercise_of_a = Uebung.objects.create(name="Annas Spezialcurl", owner=user_a)
    not_found = [
        ("get", reverse("web:workout", args=[einheit_a.pk]), {}),
        ("get", reverse("web:set_edit", args=[satz_a.pk]), {}),
        ("post", reverse("web:set_edit", args=[satz_a.pk]), {"gewicht": "1"}),
        ("post", reverse("web:set_delete", args=[satz_a.pk]), {}),
        ("post", reverse("web:exercise_add", args=[einheit_a.pk]), {"uebung": bank.pk}),
        (
            "post",
            reverse("web:set_add", args=[einheit_a.pk, bank.pk]),
            {"gewicht": "70", "wiederholungen": "5", "set_type": "normal"},
        ),
        ("get", reverse("web:exercise_history", args=[own_exercise_of_a.pk]), {}),
    ]
    for method, url, data in not_found:
        assert getattr(client_b, method)(url, data).status_code == 404, url
        assert getattr(client_b, method)(url, data, **HTMX).status_code == 404, url
    satz_a.refresh_from_db()
    assert satz_a.gewicht == 60
    assert Satz.objects.count() == 1


def test_own_exercise_of_other_user_cannot_be_logged_into_own_workout(client_b, user_a, user_b):
    from django.utils import timezone

    from core.models import Trainingseinheit

    own_exercise_of_a = Uebung.objects.create(name="Annas Spezialcurl", owner=user_a)
    einheit_b = Trainingseinheit.objects.create(user=user_b, datum=timezone.now())
    url = reverse("web:set_add", args=[einheit_b.pk, own_exercise_of_a.pk])
    response = client_b.post(url, {"gewicht": "10", "wiederholungen": "5", "set_type": "normal"})
    assert response.status_code == 404
    assert not Satz.objects.exists()


def test_catalogue_history_shows_only_own_sets(client_b, satz_a, bank):
    response = client_b.get(reverse("web:exercise_history", args=[bank.pk]))
    assert response.status_code == 200
    assert response.context["n_sessions"] == 0


def test_home_lists_only_own_workouts(client_b, einheit_a):
    response = client_b.get(reverse("web:home"))
    assert einheit_a.get_absolute_url() not in response.content.decode()


def test_dashboard_and_retrain_are_scoped(client_b, user_a, bank):
    model = MLPredictionModel.objects.create(user=user_a, uebung=bank, status="ACTIVE", r2=0.5)
    response = client_b.get(reverse("web:ml_dashboard"))
    assert response.status_code == 200
    assert f'id="model-{model.pk}"' not in response.content.decode()
    assert client_b.post(reverse("web:ml_retrain", args=[model.pk])).status_code == 403


def test_healthz_needs_no_login_and_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_reports_a_dead_database(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("db down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
