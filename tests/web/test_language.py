"""German by default, English from the browser's Accept-Language, the profile's choice wins."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.models import UserProfile

pytestmark = pytest.mark.django_db


def lang(response) -> str:
    html = response.content.decode()
    return html[html.index('<html lang="') + 12 :].split('"', 1)[0]


@pytest.mark.parametrize(
    ("header", "chosen", "expected"),
    [
        (None, "", "de"),
        ("en-US,en;q=0.9", "", "en"),
        ("fr-FR,fr;q=0.9", "", "de"),  # not offered: the default
        ("en-US,en;q=0.9", "de", "de"),  # the setting wins over the browser
        (None, "en", "en"),
    ],
)
def test_language_from_browser_and_setting(client_a, user_a, header, chosen, expected):
    UserProfile.objects.filter(user=user_a).update(language=chosen)
    extra = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    response = client_a.get(reverse("web:settings"), **extra)
    assert lang(response) == expected
    assert response["Content-Language"] == expected


def test_the_login_page_follows_the_browser(client):
    assert lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")) == "en"
    assert lang(client.get(reverse("login"))) == "de"


PAGES_WITHOUT_USER_DATA = [
    "/",
    "/einstellungen/",
    "/koerpergewicht/",
    "/scheiben/?gewicht=100",
    "/import/",
    "/ml/dashboard/",
    "/training/neu/",
    "/training/",
    "/routinen/",
    "/routinen/neu/",
]


@pytest.mark.parametrize("url", PAGES_WITHOUT_USER_DATA)
def test_english_pages_have_no_german_left(client_a, url):
    html = client_a.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.findall(r"\S*[äöüÄÖÜß]\S*", text)
    for german in ("Einstellungen", "Training starten", "Speichern", "Gewicht"):
        assert german not in text, german


def test_english_settings_page(client_a):
    html = client_a.get(reverse("web:settings"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for english in ("<h1>Settings</h1>", "Rest timer", "Bar and plates", "Export"):
        assert english in html
