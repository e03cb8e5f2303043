"""JSON API and its OpenAPI schema."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from api import views

app_name = "api"

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("ml/train/", views.TrainView.as_view(), name="ml-train"),
    path("ml/predict/<int:uebung_id>/", views.PredictView.as_view(), name="ml-predict"),
    path("ml/tasks/<str:task_id>/", views.TaskStateView.as_view(), name="ml-task"),
]
