"""The import page in two steps: upload → preview (unit, mapping; changeable) → import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.models import ImportDraft
from web.catalogue import exercise_options
from web.forms import ImportForm
from web.import_forms import ImportConfirmForm
from web.importing import ImportFailed, ImportOutcome, confirm, preview, stage_upload
from web.views.common import bad_request

UNITS = ("kg", "lb")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft, _parsed = stage_upload(request.user, form.cleaned_data)
        except ImportFailed as exc:
            outcome = ImportOutcome(ok=False, errors=exc.errors)
            return render(
                request, "web/import.html", {"form": form, "outcome": outcome}, status=400
            )
        return redirect("web:import_preview", pk=draft.pk)
    status = 400 if form.errors else 200
    return render(request, "web/import.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what would be imported. POST: with ``aktion=vorschau`` show it again in another
    unit; otherwise import with the unit and mapping the lifter confirmed."""
    draft = get_object_or_404(ImportDraft, pk=pk, user=request.user)
    unit = request.POST.get("einheit") or request.GET.get("einheit") or None
    if unit is not None and unit not in UNITS:
        return bad_request(request, _("Einheit muss kg oder lb sein."))
    try:
        shown = preview(request.user, draft, unit)
    except ImportFailed as exc:
        outcome = ImportOutcome(ok=False, errors=exc.errors)
        return render(
            request, "web/import.html", {"form": ImportForm(), "outcome": outcome}, status=400
        )
    again = request.POST.get("aktion") == "vorschau"
    data = request.POST if request.method == "POST" and not again else None
    form = ImportConfirmForm(data, user=request.user, preview=shown)
    if data is not None and form.is_valid():
        outcome = confirm(request.user, draft, form.unit(), form.cleaned_data["mapping"])
        status = 200 if outcome.ok else 400
        return render(
            request, "web/import.html", {"form": ImportForm(), "outcome": outcome}, status=status
        )
    context = {
        "draft": draft,
        "preview": shown,
        "form": form,
        "rows": [(item, form.target_field(item.index)) for item in shown.rows],
        "exercise_choices": exercise_options(request.user),
    }
    return render(request, "web/import_preview.html", context, status=400 if form.errors else 200)
