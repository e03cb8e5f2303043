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
    routines,
    sets,
    settings,
    workouts,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # workouts
    path("training/", workouts.workout_list, name="workout_list"),
    path("training/neu/", workouts.workout_start, name="workout_start"),
    path("training/<int:pk>/", workouts.workout, name="workout"),
    path("training/<int:pk>/bearbeiten/", workouts.workout_edit, name="workout_edit"),
    path("training/<int:pk>/beenden/", workouts.workout_finish, name="workout_finish"),
    path("training/<int:pk>/loeschen/", workouts.workout_delete, name="workout_delete"),
    path("training/<int:pk>/wiederholen/", workouts.workout_repeat, name="workout_repeat"),
    path(
        "training/<int:pk>/als-routine/", routines.routine_from_workout, name="routine_from_workout"
    ),
    path("training/<int:pk>/uebung/", workouts.exercise_add, name="exercise_add"),
    path(
        "training/<int:pk>/uebung/<int:uebung_id>/notiz/",
        workouts.exercise_notes,
        name="exercise_notes",
    ),
    path(
        "training/<int:pk>/uebung/<int:uebung_id>/verschieben/",
        workouts.exercise_move,
        name="exercise_move",
    ),
    path(
        "training/<int:pk>/uebung/<int:uebung_id>/entfernen/",
        workouts.exercise_remove,
        name="exercise_remove",
    ),
    path("training/<int:pk>/uebung/<int:uebung_id>/satz/", sets.set_add, name="set_add"),
    path("satz/<int:pk>/bearbeiten/", sets.set_edit, name="set_edit"),
    path("satz/<int:pk>/loeschen/", sets.set_delete, name="set_delete"),
    # routines
    path("routinen/", routines.routine_list, name="routine_list"),
    path("routinen/neu/", routines.routine_new, name="routine_new"),
    path("routinen/<int:pk>/", routines.routine, name="routine"),
    path("routinen/<int:pk>/starten/", routines.routine_start, name="routine_start"),
    path("routinen/<int:pk>/loeschen/", routines.routine_delete, name="routine_delete"),
    # exercises
    path("uebungen/", exercises.exercise_list, name="exercise_list"),
    path("uebungen/neu/", exercises.exercise_create, name="exercise_create"),
    path("uebungen/<int:pk>/", exercises.exercise_history, name="exercise_history"),
    path("uebungen/<int:pk>/bearbeiten/", exercises.exercise_edit, name="exercise_edit"),
    path("uebungen/<int:pk>/loeschen/", exercises.exercise_delete, name="exercise_delete"),
    path("uebungen/<int:pk>/zusammenfuehren/", exercises.exercise_merge, name="exercise_merge"),
    # import
    path("import/", importing.import_upload, name="import"),
    path("import/<int:pk>/", importing.import_preview, name="import_preview"),
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
