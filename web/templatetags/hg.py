"""Template filters for weights and charts: the lifter's unit, precision and decimal mark."""

from django import template

from web import units
from web.svg_chart import stepped_svg

register = template.Library()


@register.filter
def human(value) -> str:
    """``62.50`` → ``62,5`` (German) / ``62.5`` (English); empty for None."""
    return units.human(value)


@register.filter
def plain(value) -> str:
    """``62.50`` → ``62.5`` (for URLs and data attributes)."""
    return units.plain(value)


@register.filter
def to_unit(value_kg, unit: str):
    """A kg figure (an error, a limit) in the lifter's unit; None stays None."""
    return units.from_kg(value_kg, unit)


@register.filter
def weight(value_kg, unit: str) -> str:
    """A stored weight as the lifter reads it: ``70`` kg → ``154,5`` for lb lifters."""
    return units.human_weight(value_kg, unit)


@register.filter
def svg_chart(spec, title: str):
    """The server-side stepped SVG of a chart spec (shown until Chart.js takes over)."""
    return stepped_svg(spec, title=str(title))
