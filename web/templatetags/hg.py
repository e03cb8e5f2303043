"""Template filters for weights: German decimal comma for reading, dot for inputs."""

from django import template

from web import units

register = template.Library()


@register.filter
def human(value) -> str:
    """``62.50`` → ``62,5``; empty for None."""
    return units.human(value)


@register.filter
def plain(value) -> str:
    """``62.50`` → ``62.5`` (for input values and data attributes)."""
    return units.plain(value)


@register.filter
def to_unit(value_kg, unit: str):
    """A kg figure (weight or error) in the lifter's unit; None stays None."""
    return units.from_kg(value_kg, unit)
