"""Exercises: the catalogue with search and filters, own exercises (create, edit, delete),
merging two exercises, and one exercise's history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.merge import MergeError, merge_exercises
from core.models import Uebung
from ml_coach import prediction_cache
from web.catalogue import EXERCISES_PER_PAGE, catalogue_entries, exercise_options, usage
from web.exercise_forms import CatalogueFilterForm, MergeForm, OwnExerciseForm
from web.history import HISTORY_TABLE_ROWS, exercise_history_data
from web.pagination import BadPage, pager, paginate
from web.units import user_unit
from web.views.common import bad_request, is_htmx


@login_required
@require_GET
def exercise_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return bad_request(request, _("Ungültiger Filter: %(e)s") % {"e": " ".join(errors)})
    entries = catalogue_entries(request.user, **form.cleaned_data)
    try:
        page = paginate(request, entries, EXERCISES_PER_PAGE)
    except BadPage as exc:
        return bad_request(request, str(exc))
    context = {"form": form, "n_found": len(entries), **pager(request, page)}
    response = render(request, "web/exercise_list.html", context)
    if is_htmx(request):
        response["HX-Push-Url"] = request.get_full_path()  # back button and links keep the search
    return response


def _own_exercise(request: HttpRequest, pk: int) -> Uebung:
    """The lifter's own exercise; catalogue entries and others' exercises answer 404."""
    return get_object_or_404(Uebung, pk=pk, owner=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def exercise_create(request: HttpRequest) -> HttpResponse:
    form = OwnExerciseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        uebung = form.save()
        messages.success(request, _("Übung „%(name)s“ angelegt.") % {"name": uebung})
        return redirect(uebung)
    status = 400 if form.errors else 200
    return render(request, "web/exercise_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def exercise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    uebung = _own_exercise(request, pk)
    form = OwnExerciseForm(request.POST or None, instance=uebung, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        transaction.on_commit(lambda: prediction_cache.invalidate(request.user.pk, uebung.pk))
        messages.success(request, _("Übung gespeichert."))
        return redirect(uebung)
    status = 400 if form.errors else 200
    context = {"form": form, "uebung": uebung}
    return render(request, "web/exercise_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def exercise_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Own exercises without sets only: sets are history, merging keeps them."""
    uebung = _own_exercise(request, pk)
    counts = usage(request.user, uebung)
    if counts["n_saetze"]:
        context = {"uebung": uebung, **counts}
        return render(request, "web/exercise_delete.html", context, status=409)
    if request.method == "POST":
        uebung.delete()
        messages.success(request, _("Übung „%(name)s“ gelöscht.") % {"name": uebung})
        return redirect("web:exercise_list")
    return render(request, "web/exercise_delete.html", {"uebung": uebung, **counts})


@login_required
@require_http_methods(["GET", "POST"])
def exercise_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Move this exercise's sets (the lifter's) onto another; an own one is deleted after."""
    source = get_object_or_404(Uebung.objects.visible_to(request.user), pk=pk)
    form = MergeForm(request.POST or None, user=request.user, source=source)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["ziel"]
        try:
            result = merge_exercises(request.user, source, target)
        except MergeError as exc:
            form.add_error("ziel", str(exc))
        else:
            user_id = request.user.pk
            transaction.on_commit(lambda: prediction_cache.invalidate(user_id, target.pk))
            messages.success(
                request,
                _("%(n)s Sätze von „%(source)s“ nach „%(target)s“ verschoben.")
                % {"n": result.sets_moved, "source": source.name, "target": target.name},
            )
            return redirect(target)
    context = {
        "source": source,
        "form": form,
        "exercise_choices": exercise_options(request.user, exclude=source.pk),
        **usage(request.user, source),
    }
    return render(request, "web/exercise_merge.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def exercise_history(request: HttpRequest, pk: int) -> HttpResponse:
    uebung = get_object_or_404(Uebung.objects.visible_to(request.user), pk=pk)
    unit = user_unit(request.user)
    data = exercise_history_data(request.user, uebung, unit)
    try:
        page = paginate(request, data.pop("sessions"), HISTORY_TABLE_ROWS)
    except BadPage as exc:
        return bad_request(request, str(exc))
    context = {
        "uebung": uebung,
        "unit": unit,
        "aliases": uebung.aliases.filter(owner__isnull=True).values_list("name", flat=True),
        "is_own": uebung.owner_id == request.user.pk,
        "sessions": page.object_list,
        **data,
        **pager(request, page),
    }
    return render(request, "web/exercise_history.html", context)
