"""Every URL pattern of the project, walked as anonymous, the owner (A), another lifter (B), staff.

``ROUTES`` classifies each pattern explicitly (the admin site is one rule, checked for every one
of its patterns); a pattern missing from the table fails ``test_every_url_pattern_is_classified``
so a new page cannot skip the check. Path parameters are filled with ids of A's objects:
B must get 404 for them, anonymous a login redirect (pages) or 401/403 (API), staff-only
actions refuse non-staff. A's private names are markers that must never appear in what B sees.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from core.models import (
    ImportDraft,
    Koerpergewicht,
    MLPredictionModel,
    ModelStatus,
    Routine,
    RoutineExercise,
    Satz,
    Trainingseinheit,
    Uebung,
)

pytestmark = pytest.mark.django_db

LOGIN = "login"  # anonymous: 302 to the login page (with ?next=)
API_DENIED = "api-denied"  # anonymous: 401 or 403
MARK_EXERCISE = "Annas Geheimübung Q7"
MARK_WORKOUT = "Annas Training Q7"
MARK_ROUTINE = "Annas Routine Q7"
MARK_TARGET = "Annas Zielübung Q7"
ADMIN_PREFIX = "admin/"


@dataclass(frozen=True)
class Call:
    """One request: method, which payload, and what each role gets.

    ``owner``/``other``/``staff`` are the expected status codes of A, B and a staff user;
    ``other=None`` means "same as owner" (pages without ids: B sees his own data).
    """

    method: str
    owner: int
    other: int | None = 404
    staff: int | None = None
    payload: str | None = None
    anon: str | int = LOGIN


@dataclass(frozen=True)
class Route:
    kind: str  # public | login | owned | staff
    calls: tuple[Call, ...]
    params: dict[str, str] = field(default_factory=dict)  # path parameter -> object key
    example: str | None = None  # a concrete path for regex patterns


PUBLIC, LOGIN_ONLY, OWNED, STAFF = "public", "login", "owned", "staff"
SETTINGS_POST = {
    "display_unit": "lb",
    "language": "",
    "rest_seconds_barbell": "180",
    "rest_seconds_other": "90",
    "plate_unit": "kg",
    "bar_weight": "",
    "plates_text": "",
}

# The one table. Keys are the full route strings as Django reports them.
ROUTES: dict[str, Route] = {
    # --- auth -----------------------------------------------------------------------------------
    "login/": Route(
        PUBLIC,
        (
            Call("get", 200, other=None, anon=200),
            Call("post", 302, other=None, payload="login", anon=302),
        ),
    ),
    "logout/": Route(
        PUBLIC,
        (Call("get", 405, other=None, anon=405), Call("post", 302, other=None, anon=302)),
    ),
    "healthz": Route(PUBLIC, (Call("get", 200, other=None, anon=200),)),
    # --- pages without ids: own data only ---------------------------------------------------
    "": Route(LOGIN_ONLY, (Call("get", 200, other=None), Call("post", 405, other=None))),
    "training/neu/": Route(
        LOGIN_ONLY,
        (Call("get", 200, other=None), Call("post", 302, other=None, payload="workout_start")),
    ),
    "import/": Route(
        LOGIN_ONLY, (Call("get", 200, other=None), Call("post", 302, other=None, payload="import"))
    ),
    "einstellungen/": Route(
        LOGIN_ONLY,
        (Call("get", 200, other=None), Call("post", 302, other=None, payload="settings")),
    ),
    "ml/dashboard/": Route(LOGIN_ONLY, (Call("get", 200, other=None),)),
    "koerpergewicht/": Route(
        LOGIN_ONLY,
        (Call("get", 200, other=None), Call("post", 302, other=None, payload="bodyweight")),
    ),
    "scheiben/": Route(LOGIN_ONLY, (Call("get", 200, other=None), Call("post", 405, other=None))),
    # Exports: B downloads B's own data (the leak check reads the streamed body).
    "export/strong.csv": Route(
        LOGIN_ONLY, (Call("get", 200, other=None), Call("post", 405, other=None))
    ),
    "export/homegym.json": Route(
        LOGIN_ONLY, (Call("get", 200, other=None), Call("post", 405, other=None))
    ),
    # --- the workout log (issue 12a): lists and new things are the requester's own ----------
    "training/": Route(LOGIN_ONLY, (Call("get", 200, other=None), Call("post", 405, other=None))),
    "routinen/": Route(LOGIN_ONLY, (Call("get", 200, other=None),)),
    "routinen/neu/": Route(
        LOGIN_ONLY,
        (Call("get", 200, other=None), Call("post", 302, other=None, payload="routine_name")),
    ),
    "uebungen/": Route(LOGIN_ONLY, (Call("get", 200, other=None),)),
    "uebungen/neu/": Route(
        LOGIN_ONLY,
        (Call("get", 200, other=None), Call("post", 302, other=None, payload="own_exercise")),
    ),
    # --- pages with A's ids -----------------------------------------------------------------------
    "training/<int:pk>/": Route(
        OWNED, (Call("get", 200), Call("post", 405, other=405)), {"pk": "einheit"}
    ),
    "training/<int:pk>/uebung/": Route(
        OWNED, (Call("post", 302, payload="exercise_add"),), {"pk": "einheit"}
    ),
    "training/<int:pk>/uebung/<int:uebung_id>/satz/": Route(
        OWNED,
        (Call("get", 405, other=405), Call("post", 302, payload="set")),
        {"pk": "einheit", "uebung_id": "uebung"},
    ),
    "satz/<int:pk>/bearbeiten/": Route(
        OWNED, (Call("get", 200), Call("post", 302, payload="set")), {"pk": "satz"}
    ),
    "satz/<int:pk>/loeschen/": Route(OWNED, (Call("get", 200), Call("post", 302)), {"pk": "satz"}),
    "koerpergewicht/<int:pk>/loeschen/": Route(
        OWNED, (Call("get", 200), Call("post", 302)), {"pk": "koerpergewicht"}
    ),
    "uebungen/<int:pk>/": Route(OWNED, (Call("get", 200),), {"pk": "uebung"}),
    # --- the workout log (issue 12a): A's workouts, routines, own exercises, import drafts ---
    "training/<int:pk>/bearbeiten/": Route(
        OWNED, (Call("get", 200), Call("post", 302, payload="workout_edit")), {"pk": "einheit"}
    ),
    "training/<int:pk>/beenden/": Route(
        OWNED, (Call("get", 405, other=405), Call("post", 302)), {"pk": "einheit"}
    ),
    "training/<int:pk>/loeschen/": Route(
        OWNED, (Call("get", 200), Call("post", 302)), {"pk": "einheit"}
    ),
    "training/<int:pk>/wiederholen/": Route(
        OWNED, (Call("get", 405, other=405), Call("post", 302)), {"pk": "einheit"}
    ),
    "training/<int:pk>/als-routine/": Route(
        OWNED, (Call("get", 200), Call("post", 302, payload="routine_name")), {"pk": "einheit"}
    ),
    "training/<int:pk>/uebung/<int:uebung_id>/notiz/": Route(
        OWNED, (Call("post", 302, payload="notes"),), {"pk": "einheit", "uebung_id": "uebung"}
    ),
    "training/<int:pk>/uebung/<int:uebung_id>/verschieben/": Route(
        OWNED, (Call("post", 302, payload="move"),), {"pk": "einheit", "uebung_id": "uebung"}
    ),
    "training/<int:pk>/uebung/<int:uebung_id>/entfernen/": Route(
        OWNED, (Call("post", 302),), {"pk": "einheit", "uebung_id": "uebung"}
    ),
    "routinen/<int:pk>/": Route(
        OWNED, (Call("get", 200), Call("post", 302, payload="routine")), {"pk": "routine"}
    ),
    "routinen/<int:pk>/starten/": Route(
        OWNED, (Call("get", 405, other=405), Call("post", 302)), {"pk": "routine"}
    ),
    "routinen/<int:pk>/loeschen/": Route(
        OWNED, (Call("get", 200), Call("post", 302)), {"pk": "routine"}
    ),
    "uebungen/<int:pk>/bearbeiten/": Route(
        OWNED, (Call("get", 200), Call("post", 302, payload="own_exercise")), {"pk": "uebung"}
    ),
    # A's exercise has sets: deleting it is refused (merge instead), for A too.
    "uebungen/<int:pk>/loeschen/": Route(
        OWNED, (Call("get", 409), Call("post", 409)), {"pk": "uebung"}
    ),
    "uebungen/<int:pk>/zusammenfuehren/": Route(
        OWNED, (Call("get", 200), Call("post", 302, payload="merge")), {"pk": "uebung"}
    ),
    "import/<int:pk>/": Route(
        OWNED, (Call("get", 200), Call("post", 200, payload="import_confirm")), {"pk": "draft"}
    ),
    # --- staff-only page actions ---------------------------------------------------------------
    "ml/modelle/<int:pk>/neu-trainieren/": Route(
        STAFF, (Call("post", 403, other=403, staff=302),), {"pk": "model"}
    ),
    # --- API ----------------------------------------------------------------------------------
    "api/openapi.json": Route(PUBLIC, (Call("get", 200, other=None, anon=200),)),
    "api/ml/train/": Route(
        OWNED,
        (
            Call("post", 202, payload="train", anon=API_DENIED),
            Call("get", 405, other=405, anon=API_DENIED),
        ),
    ),
    # The workout is in the body: B sending A's workout id gets 404, nothing is saved.
    "api/saetze/": Route(
        OWNED,
        (
            Call("post", 201, payload="api_set", anon=API_DENIED),
            Call("get", 405, other=405, anon=API_DENIED),
        ),
    ),
    "api/^.*$": Route(
        PUBLIC, (Call("get", 404, other=None, anon=404),), example="/api/gibt-es-nicht/-1/"
    ),
    "api/ml/predict/<int:uebung_id>/": Route(
        OWNED, (Call("get", 200, anon=API_DENIED),), {"uebung_id": "uebung"}
    ),
    "api/ml/tasks/<str:task_id>/": Route(
        OWNED, (Call("get", 200, anon=API_DENIED),), {"task_id": "task_id"}
    ),
}


# --- walking the URLconf ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str | None
    regex: re.Pattern


def all_patterns() -> list[Pattern]:
    """Every leaf pattern, recursively through include() and namespaces."""
    found: list[Pattern] = []

    def walk(patterns, prefix: str, prefix_regex: str, namespace: str | None) -> None:
        for p in patterns:
            regex = prefix_regex + p.pattern.regex.pattern.lstrip("^")
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), regex.rstrip("$"), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                found.append(Pattern(prefix + str(p.pattern), name, re.compile("^" + regex)))

    walk(get_resolver().url_patterns, "", "", None)
    return found


def _is_admin(route: str) -> bool:
    return route.startswith(ADMIN_PREFIX)


def test_every_url_pattern_is_classified():
    routes = {p.route for p in all_patterns() if not _is_admin(p.route)}
    unclassified = sorted(routes - set(ROUTES))
    assert not unclassified, f"classify these URL patterns in ROUTES: {unclassified}"
    stale = sorted(set(ROUTES) - routes)
    assert not stale, f"ROUTES names patterns that no longer exist: {stale}"


# --- the world: two lifters and a staff user ---------------------------------------------------


@pytest.fixture
def world(user_a, user_b, django_user_model):
    """A's private exercise with enough sets for a model, a workout, a set, a model and a job."""
    staff = django_user_model.objects.create_superuser("chef", password="pw-chef-123")
    uebung = Uebung.objects.create(name=MARK_EXERCISE, owner=user_a)
    start = timezone.now() - timedelta(days=30)
    einheiten = [
        Trainingseinheit.objects.create(user=user_a, datum=start + timedelta(days=3 * i))
        for i in range(4)
    ]
    einheiten[-1].name = MARK_WORKOUT
    einheiten[-1].save()
    Satz.objects.bulk_create(
        Satz(
            einheit=einheiten[i // 3],
            uebung=uebung,
            satz_nr=i % 3 + 1,
            gewicht=Decimal(50 + 2.5 * (i // 3)),
            wiederholungen=8,
        )
        for i in range(12)
    )
    satz = Satz.objects.filter(einheit=einheiten[-1]).first()
    reading = Koerpergewicht.objects.create(user=user_a, datum=start.date(), gewicht=81)
    model = MLPredictionModel.objects.create(user=user_a, uebung=uebung, status=ModelStatus.ACTIVE)
    from workers.models import TrainingJob

    job = TrainingJob.objects.create(
        task_id="a" * 36, requested_by=user_a, user=user_a, uebung=uebung, task_name="x"
    )
    routine = Routine.objects.create(user=user_a, name=MARK_ROUTINE)
    RoutineExercise.objects.create(routine=routine, uebung=uebung, sets=3, target_reps=8)
    Uebung.objects.create(name=MARK_TARGET, owner=user_a)
    draft = ImportDraft.objects.create(
        user=user_a,
        filename="annas.csv",
        format="auto",
        data=b"date,workout,exercise,set_order,weight_kg,reps,rpe,set_type\n"
        b"2024-01-02T10:00:00,W,Kniebeuge,1,100,5,,normal\n",
    )
    return {
        "users": {"a": user_a, "b": user_b, "staff": staff},
        "objects": {
            "einheit": einheiten[-1].pk,
            "uebung": uebung.pk,
            "satz": satz.pk,
            "model": model.pk,
            "task_id": job.task_id,
            "koerpergewicht": reading.pk,
            "routine": routine.pk,
            "draft": draft.pk,
        },
    }


@pytest.fixture(autouse=True)
def _no_leftover_messages():
    """Fresh throttle history; tasks queued here must not reach a later test's worker."""
    from django.core.cache import cache

    cache.clear()
    yield
    from homegym.celery import app

    with contextlib.suppress(Exception):  # broker unreachable: then nothing was queued
        app.control.purge()


def payload(key: str | None, world: dict, user) -> dict:
    if key is None:
        return {}
    uebung = world["objects"]["uebung"]
    now = timezone.localtime() + timedelta(minutes=user.pk)
    data = {
        "login": {"username": "anna", "password": "pw-anna-123"},
        "workout_start": {"name": "Neu", "datum": now.strftime("%Y-%m-%dT%H:%M")},
        "settings": SETTINGS_POST,
        "bodyweight": {"datum": "2024-01-02", "gewicht": "80,5"},
        "exercise_add": {"neue_uebung": f"Eigene Übung {user.pk}"},
        "set": {"gewicht": "70", "wiederholungen": "5", "set_type": "normal"},
        "train": {"uebung_id": uebung},
        "api_set": {
            "einheit_id": world["objects"]["einheit"],
            "uebung_id": uebung,
            "gewicht": 60,
            "wiederholungen": 5,
        },
        "workout_edit": {"name": "Umbenannt", "datum": now.strftime("%Y-%m-%dT%H:%M")},
        "routine_name": {"name": f"Routine {user.pk}"},
        "notes": {"notes": "Sitz Stufe 4"},
        "move": {"richtung": "hoch"},
        "routine": {
            "name": f"Routine {user.pk}",
            "notes": "",
            "exercises-TOTAL_FORMS": "0",
            "exercises-INITIAL_FORMS": "0",
        },
        "own_exercise": {
            "name": f"Eigene Übung {user.pk}",
            "muscle_group": "legs",
            "equipment": "barbell",
            "increment_kg": "2,5",
        },
        "merge": {"ziel": MARK_TARGET},
        "import_confirm": {"ziel_0": ""},
        "import": {
            "format": "normalized",
            "datei": io.BytesIO(
                b"date,workout,exercise,set_order,weight_kg,reps,rpe,set_type\n"
                b"2024-01-02T10:00:00,W,Kniebeuge,1,100,5,,normal\n"
            ),
        },
    }[key]
    if key == "import":
        data["datei"].name = "log.csv"
    return data


def fill(route: str, params: dict[str, str], world: dict, example: str | None = None) -> str:
    if example is not None:
        return example
    url = "/" + route
    for name, key in params.items():
        url = re.sub(rf"<(\w+:)?{name}>", str(world["objects"][key]), url)
    assert "<" not in url, f"unfilled parameter in {url}"
    return url


def request(client: Client, call: Call, url: str, world: dict, user) -> object:
    data = payload(call.payload, world, user)
    if url.startswith("/api/") and call.method == "post":
        return client.post(url, data, content_type="application/json")
    return getattr(client, call.method)(url, data)


def assert_login_redirect(response, url: str) -> None:
    assert response.status_code == 302, (url, response.status_code)
    location = urlsplit(response["Location"])
    assert location.path == "/login/" and "next=" in location.query, (url, response["Location"])


def leaks(response) -> list[str]:
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    body = raw.decode(errors="replace") if raw else ""
    return [m for m in (MARK_EXERCISE, MARK_WORKOUT, MARK_ROUTINE, MARK_TARGET) if m in body]


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_route_access(route, world):
    spec = ROUTES[route]
    if route not in {p.route for p in all_patterns()}:
        pytest.fail(f"{route} is in ROUTES but not in the URLconf")
    url = fill(route, spec.params, world, spec.example)
    users = world["users"]
    for call in spec.calls:
        anon = Client()
        response = request(anon, call, url, world, users["b"])
        if call.anon == LOGIN:
            assert_login_redirect(response, url)
        elif call.anon == API_DENIED:
            assert response.status_code in (401, 403), (url, call, response.status_code)
        else:
            assert response.status_code == call.anon, (url, call, response.status_code)
        assert not leaks(response)

        # Order: B and staff first, the owner last (the owner's POST may delete the object).
        other = Client()
        other.force_login(users["b"])
        response = request(other, call, url, world, users["b"])
        expected_other = call.owner if call.other is None else call.other
        assert response.status_code == expected_other, (url, call, "B", response.status_code)
        assert not leaks(response), (url, call, "B sees A's data")

        if call.staff is not None:
            staff = Client()
            staff.force_login(users["staff"])
            response = request(staff, call, url, world, users["staff"])
            assert response.status_code == call.staff, (url, call, "staff", response.status_code)

        owner = Client()
        owner.force_login(users["a"])
        response = request(owner, call, url, world, users["a"])
        assert response.status_code == call.owner, (url, call, "A", response.status_code)
        if spec.kind == STAFF:
            assert not users["a"].is_staff


def test_owner_page_really_shows_the_markers(world):
    """The leak check above can fail: A's own pages do contain the markers."""
    owner = Client()
    owner.force_login(world["users"]["a"])
    response = owner.get(fill("training/<int:pk>/", {"pk": "einheit"}, world))
    assert MARK_WORKOUT in response.content.decode()
    response = owner.get(fill("uebungen/<int:pk>/", {"pk": "uebung"}, world))
    assert MARK_EXERCISE in response.content.decode()


def test_staff_retrain_of_a_foreign_model_is_for_staff_only(world):
    """Non-staff never reach another lifter's model, not even their own through the staff action."""
    url = fill("ml/modelle/<int:pk>/neu-trainieren/", {"pk": "model"}, world)
    for who in ("a", "b"):
        client = Client()
        client.force_login(world["users"][who])
        assert client.post(url).status_code == 403


def test_train_endpoint_refuses_training_another_users_models(world):
    """``user_id`` of someone else: 404 for non-staff (no job is created)."""
    from workers.models import TrainingJob

    before = TrainingJob.objects.count()
    client = Client()
    client.force_login(world["users"]["b"])
    response = client.post(
        "/api/ml/train/", {"user_id": world["users"]["a"].pk}, content_type="application/json"
    )
    assert response.status_code == 404
    assert TrainingJob.objects.count() == before


def test_predict_for_another_lifters_workout_is_404(world):
    """``?einheit=`` names a workout: A's answers A, and is 404 for B even for an exercise
    B may see (a catalogue one); anonymous is refused before anything is looked up."""
    catalogue = Uebung.objects.create(name="Katalogübung")
    url = f"/api/ml/predict/{catalogue.pk}/?einheit={world['objects']['einheit']}"
    assert Client().get(url).status_code in (401, 403)
    other = Client()
    other.force_login(world["users"]["b"])
    response = other.get(url)
    assert response.status_code == 404
    assert not leaks(response)
    owner = Client()
    owner.force_login(world["users"]["a"])
    response = owner.get(url)
    assert response.status_code == 200
    assert "set_number" in response.json()


# --- the admin site: one rule for all of its patterns ---------------------------------------


def _admin_object_id(name: str | None) -> tuple[str, bool]:
    """(id, exists) of an object for ``admin:<app>_<model>_<action>`` patterns."""
    if name:
        for model in admin_site._registry:
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
            if name.startswith(prefix):
                obj = model._default_manager.order_by("pk").first()
                if obj is not None:
                    return str(obj.pk), True
    return "999999", False


def _admin_url(pattern: Pattern, world: dict) -> tuple[str, bool]:
    """A URL matching the admin pattern, and whether it names an existing object."""
    from django.contrib.contenttypes.models import ContentType

    route = pattern.route
    if pattern.name == "admin:view_on_site":
        ct = ContentType.objects.get_for_model(Trainingseinheit)
        return f"/admin/r/{ct.pk}/{world['objects']['einheit']}/", True
    if pattern.name == "admin:app_list":
        return "/admin/core/", True
    if pattern.name is None and "(?P<url>" in route:
        return "/admin/does-not-exist/", False
    if pattern.name is None:  # the old-style "<object_id>/" redirect of each model
        model_route = route.rsplit("<", 1)[0]
        names = [p.name for p in all_patterns() if p.route == model_route and p.name]
        object_id, exists = _admin_object_id(names[0] if names else None)
        return "/" + model_route + object_id + "/", exists
    object_id, exists = _admin_object_id(pattern.name)
    url = "/" + re.sub(r"<path:object_id>|<id>", object_id, route)
    assert "<" not in url, url
    return url, exists or "<" not in route


def test_admin_site_is_staff_only(world):
    """Every admin pattern: anonymous and non-staff are sent to the admin login, staff gets in."""
    staff = Client()
    staff.force_login(world["users"]["staff"])
    lifter = Client()
    lifter.force_login(world["users"]["a"])
    checked = 0
    for pattern in all_patterns():
        if not _is_admin(pattern.route):
            continue
        url, exists = _admin_url(pattern, world)
        assert pattern.regex.match(url.lstrip("/")), (pattern.route, url)
        for client in (Client(), lifter):
            response = client.get(url)
            if pattern.name == "admin:login":
                assert response.status_code == 200
                continue
            assert response.status_code == 302, (url, response.status_code)
            assert urlsplit(response["Location"]).path.startswith("/admin/"), url
        response = staff.get(url)
        # 403: the autocomplete endpoint without its query parameters.
        assert response.status_code in (200, 301, 302, 403, 404, 405), (url, response.status_code)
        if exists and pattern.name and pattern.name.endswith(("_changelist", "_change")):
            assert response.status_code == 200, (url, response.status_code)
        checked += 1
    assert checked > 50  # every registered model contributes its patterns


def test_admin_actions_are_refused_to_non_staff(world):
    """Admin POSTs (actions such as retraining) from a non-staff lifter change nothing."""
    lifter = Client()
    lifter.force_login(world["users"]["a"])
    model = MLPredictionModel.objects.get(pk=world["objects"]["model"])
    response = lifter.post(
        "/admin/core/mlpredictionmodel/",
        {"action": "delete_selected", "_selected_action": [model.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert MLPredictionModel.objects.filter(pk=model.pk).exists()
    user_model = get_user_model()
    response = lifter.post(
        f"/admin/auth/user/{world['users']['a'].pk}/change/",
        {"username": "anna", "is_staff": "on", "is_superuser": "on"},
    )
    assert response.status_code == 302
    assert not user_model.objects.get(pk=world["users"]["a"].pk).is_staff
