"""The exercise catalogue page's list: search over names and aliases, filters, set counts.

Filtering by text happens in Python over the lifter's visible exercises (the catalogue plus
their own, a few hundred at most): case and umlauts are ignored and aliases match too, which
a database ``icontains`` cannot do the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from core.aliases import names_for_search
from core.models import Satz, Uebung
from core.names import matches

EXERCISES_PER_PAGE = 30


@dataclass
class CatalogueEntry:
    uebung: Uebung
    aliases: list[str]
    n_saetze: int

    @property
    def is_own(self) -> bool:
        return self.uebung.owner_id is not None


def catalogue_entries(user, q: str = "", muskel: str = "", geraet: str = "", herkunft: str = ""):
    """The visible exercises matching search and filters, by name; three queries."""
    exercises = Uebung.objects.visible_to(user).order_by("name")
    if muskel:
        exercises = exercises.filter(muscle_group=muskel)
    if geraet:
        exercises = exercises.filter(equipment=geraet)
    if herkunft == "eigene":
        exercises = exercises.filter(owner=user)
    elif herkunft == "katalog":
        exercises = exercises.filter(owner__isnull=True)
    exercises = list(exercises)
    aliases = names_for_search(user, [u.pk for u in exercises])
    if q.strip():
        exercises = [u for u in exercises if matches(q, u.name, *aliases.get(u.pk, []))]
    counts = dict(
        Satz.objects.filter(einheit__user=user, uebung__in=[u.pk for u in exercises])
        .values("uebung")
        .annotate(n=Count("id"))
        .values_list("uebung", "n")
    )
    return [CatalogueEntry(u, aliases.get(u.pk, []), counts.get(u.pk, 0)) for u in exercises]


def usage(user, uebung: Uebung) -> dict:
    """How much of the lifter's log uses an exercise (for delete and merge pages)."""
    sets = Satz.objects.filter(einheit__user=user, uebung=uebung)
    return sets.aggregate(n_saetze=Count("id"), n_trainings=Count("einheit", distinct=True))


@dataclass(frozen=True, slots=True)
class ExerciseOption:
    """One ``<option>`` of the exercise picker's datalist: typed name and what it also matches."""

    name: str
    label: str


def exercise_options(user, exclude: int | None = None) -> list[ExerciseOption]:
    """Every exercise the lifter may pick, by name, labelled with its aliases (two queries):
    typing "bench" finds "Bankdrücken (Langhantel)" in the browser's list."""
    exercises = list(
        Uebung.objects.visible_to(user).exclude(pk=exclude).only("id", "name").order_by("name")
    )
    aliases = names_for_search(user, [u.pk for u in exercises])
    return [ExerciseOption(u.name, " · ".join(aliases.get(u.pk, []))) for u in exercises]
