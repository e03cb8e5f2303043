"""The list of all workouts: one page of them, grouped by month, with their counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.models import Trainingseinheit

WORKOUTS_PER_PAGE = 25


@dataclass
class Month:
    month: date
    n_workouts: int  # in the whole month, not only on this page
    workouts: list[Trainingseinheit]


def workouts_of(user) -> QuerySet[Trainingseinheit]:
    """The lifter's workouts, newest first, with their set and exercise counts (one query)."""
    return (
        Trainingseinheit.objects.filter(user=user)
        .annotate(n_saetze=Count("saetze"), n_uebungen=Count("saetze__uebung", distinct=True))
        .order_by("-datum", "-pk")
    )


def months_of(user, page: Page) -> list[Month]:
    """The page's workouts by month (local time), each month with its total count."""
    months: list[Month] = []
    for einheit in page.object_list:
        local = timezone.localtime(einheit.datum)
        first = date(local.year, local.month, 1)
        if not months or months[-1].month != first:
            months.append(Month(first, 0, []))
        months[-1].workouts.append(einheit)
    if months:
        counts = (
            Trainingseinheit.objects.filter(user=user)
            .annotate(m=TruncMonth("datum", tzinfo=timezone.get_current_timezone()))
            .values("m")
            .annotate(n=Count("id"))
            .values_list("m", "n")
        )
        totals = {(m.year, m.month): n for m, n in counts}
        for month in months:
            month.n_workouts = totals.get((month.month.year, month.month.month), 0)
    return months
