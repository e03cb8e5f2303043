"""Pages of the training log (German paths: the UI is German)."""

from django.urls import path

from web.views import (
    bodyweight,
    dashboard,
    exercises,
    export,
    health,
    home,
    importing,
    plates,
    sets,
    settings,
    workouts,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("training/neu/", workouts.workout_start, name="workout_start"),
    path("training/<int:pk>/", workouts.workout, name="workout"),
    path("training/<int:pk>/uebung/", workouts.exercise_add, name="exercise_add"),
    path("training/<int:pk>/uebung/<int:uebung_id>/satz/", sets.set_add, name="set_add"),
    path("satz/<int:pk>/bearbeiten/", sets.set_edit, name="set_edit"),
    path("satz/<int:pk>/loeschen/", sets.set_delete, name="set_delete"),
    path("uebungen/<int:pk>/", exercises.exercise_history, name="exercise_history"),
    path("import/", importing.import_upload, name="import"),
    path("einstellungen/", settings.user_settings, name="settings"),
    path("koerpergewicht/", bodyweight.bodyweight, name="bodyweight"),
    path(
        "koerpergewicht/<int:pk>/loeschen/",
        bodyweight.bodyweight_delete,
        name="bodyweight_delete",
    ),
    path("scheiben/", plates.plates, name="plates"),
    path("export/strong.csv", export.strong_csv, name="export_strong"),
    path("export/homegym.json", export.homegym_json, name="export_json"),
    path("ml/dashboard/", dashboard.ml_dashboard, name="ml_dashboard"),
    path("ml/modelle/<int:pk>/neu-trainieren/", dashboard.ml_retrain, name="ml_retrain"),
]
