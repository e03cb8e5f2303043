"""Template filters of the workout log: durations as a lifter reads them."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """``1:05 h`` for an hour and more, ``45 min`` below; empty for no duration."""
    if value is None:
        return ""
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    return _("%(h)s:%(m)02d h") % {"h": minutes // 60, "m": minutes % 60}
