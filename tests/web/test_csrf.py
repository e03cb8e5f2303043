"""CSRF on every form and every state-changing endpoint, with Django's checks enforced.

The POST routes come from the access-control table, so a new form is covered as soon as it is
classified there. Each POST without a token must be refused (403) and change nothing; the same
POST with the token from the rendered page must get through (the test can tell the two apart).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from core.models import MLPredictionModel, Satz, Trainingseinheit, Uebung
from tests.web.test_access_control import ROUTES, fill, payload, world  # noqa: F401

pytestmark = pytest.mark.django_db

POST_ROUTES = sorted(
    route
    for route, spec in ROUTES.items()
    if any(call.method == "post" and call.owner < 400 for call in spec.calls)
)
FORM_RE = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _snapshot() -> tuple:
    return (
        Satz.objects.count(),
        Trainingseinheit.objects.count(),
        Uebung.objects.count(),
        MLPredictionModel.objects.count(),
        list(Satz.objects.order_by("pk").values_list("gewicht", flat=True)),
    )


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_post_routes_are_found():
    assert len(POST_ROUTES) >= 8, POST_ROUTES


@pytest.mark.parametrize("route", POST_ROUTES)
def test_post_without_token_is_refused(route, world):  # noqa: F811
    spec = ROUTES[route]
    call = next(c for c in spec.calls if c.method == "post" and c.owner < 400)
    user = world["users"]["staff" if call.staff is not None else "a"]
    url = fill(route, spec.params, world)
    client = _csrf_client(user)
    before = _snapshot()
    data = payload(call.payload, world, user)
    if url.startswith("/api/"):
        response = client.post(url, data, content_type="application/json")
    else:
        response = client.post(url, data)
    assert response.status_code == 403, (url, response.status_code)
    assert _snapshot() == before

    # With the token the same request is accepted: the refusal above was the CSRF check.
    client.get("/")
    token = client.cookies["csrftoken"].value
    data = payload(call.payload, world, user)
    if url.startswith("/api/"):
        response = client.post(url, data, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    else:
        response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == (call.staff or call.owner), (url, response.status_code)


def test_login_form_needs_the_token(world):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "anna", "password": "pw-anna-123"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_admin_post_needs_the_token(world):  # noqa: F811
    client = _csrf_client(world["users"]["staff"])
    model = world["objects"]["model"]
    response = client.post(
        "/admin/core/mlpredictionmodel/",
        {"action": "delete_selected", "_selected_action": [model], "post": "yes"},
    )
    assert response.status_code == 403
    assert MLPredictionModel.objects.filter(pk=model).exists()


def test_token_authenticated_api_client_needs_no_csrf(world):  # noqa: F811
    """API clients with a token are not browsers: no ambient credentials, no CSRF needed."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world["users"]["b"])
    client = Client(enforce_csrf_checks=True)
    response = client.get(
        f"/api/ml/predict/{world['objects']['uebung']}/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 404  # authenticated (not 401/403), and A's id is not B's


def test_every_rendered_post_form_carries_the_token(world):  # noqa: F811
    client = _csrf_client(world["users"]["staff"])
    owner = _csrf_client(world["users"]["a"])
    pages = [
        (owner, "/"),
        (owner, "/training/neu/"),
        (owner, fill("training/<int:pk>/", {"pk": "einheit"}, world)),
        (owner, fill("satz/<int:pk>/bearbeiten/", {"pk": "satz"}, world)),
        (owner, "/import/"),
        (owner, "/einstellungen/"),
        (client, "/ml/dashboard/"),
        (Client(enforce_csrf_checks=True), "/login/"),
    ]
    post_forms = 0
    for who, url in pages:
        response = who.get(url)
        assert response.status_code == 200, url
        for form in FORM_RE.findall(response.content.decode()):
            if re.search(r'method="post"', form, re.I):
                post_forms += 1
                assert TOKEN_RE.search(form), (url, form[:200])
    assert post_forms >= 6
