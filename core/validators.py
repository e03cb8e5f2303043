"""Field validators shared by forms, the API and the importers."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_half_step(value: Decimal | None) -> None:
    """RPE is logged in half steps (7, 7.5, 8 …)."""
    if value is not None and (Decimal(value) * 2) % 1 != 0:
        raise ValidationError(_("RPE in halben Schritten angeben (z. B. 7 oder 7,5)."))
