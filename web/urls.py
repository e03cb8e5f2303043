"""Pages of the training log (German paths: the UI is German)."""

from django.urls import path

from web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("training/neu/", views.workout_start, name="workout_start"),
    path("training/<int:pk>/", views.workout, name="workout"),
    path("training/<int:pk>/uebung/", views.exercise_add, name="exercise_add"),
    path("training/<int:pk>/uebung/<int:uebung_id>/satz/", views.set_add, name="set_add"),
    path("satz/<int:pk>/bearbeiten/", views.set_edit, name="set_edit"),
    path("satz/<int:pk>/loeschen/", views.set_delete, name="set_delete"),
    path("uebungen/<int:pk>/", views.exercise_history, name="exercise_history"),
    path("import/", views.import_upload, name="import"),
    path("einstellungen/", views.user_settings, name="settings"),
    path("ml/dashboard/", views.ml_dashboard, name="ml_dashboard"),
    path("ml/modelle/<int:pk>/neu-trainieren/", views.ml_retrain, name="ml_retrain"),
]
