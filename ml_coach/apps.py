from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MlCoachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ml_coach"
    verbose_name = _("ML-Coach")
