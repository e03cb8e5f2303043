"""Fixtures for the page tests: a workout with a set, logged-in clients."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Satz, Trainingseinheit


@pytest.fixture
def einheit_a(user_a):
    return Trainingseinheit.objects.create(
        user=user_a, datum=timezone.now() - timedelta(hours=1), name="Push A"
    )


@pytest.fixture
def satz_a(einheit_a, bank):
    return Satz.objects.create(
        einheit=einheit_a, uebung=bank, satz_nr=1, gewicht=Decimal("60"), wiederholungen=8
    )


@pytest.fixture
def client_a(client, user_a):
    client.force_login(user_a)
    return client


@pytest.fixture
def client_b(client, user_b):
    client.force_login(user_b)
    return client


HTMX = {"HTTP_HX_REQUEST": "true"}


def import_file(client, content: bytes, name: str = "log.csv", **fields):
    """Upload → preview → confirm with what the preview proposes (as a browser submits it).

    Returns the confirm response, or the upload's when the file was refused there.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    data = {"datei": SimpleUploadedFile(name, content, content_type="text/csv")}
    data.update({"format": "auto", "unit": ""} | fields)
    upload = client.post(reverse("web:import"), data)
    if upload.status_code != 302:
        return upload
    preview = client.get(upload["Location"])
    assert preview.status_code == 200, preview.content.decode()[-800:]
    form = preview.context["form"]
    proposed = {key: value for key, value in form.initial.items() if value is not None}
    return client.post(upload["Location"], proposed)
