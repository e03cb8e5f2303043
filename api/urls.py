"""JSON API and its OpenAPI schema."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from api import views

app_name = "api"

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("saetze/", views.SetCreateView.as_view(), name="set-create"),
    path("ml/train/", views.TrainView.as_view(), name="ml-train"),
    path("ml/predict/<int:uebung_id>/", views.PredictView.as_view(), name="ml-predict"),
    path("ml/tasks/<str:task_id>/", views.TaskStateView.as_view(), name="ml-task"),
    # Anything else below /api/ (e.g. a negative id the int converter refuses): JSON 404.
    re_path(r"^.*$", views.not_found, name="not-found"),
]
