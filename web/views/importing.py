"""The import page: upload an export file and see what was imported."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from web.forms import ImportForm
from web.importing import run_import


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = run_import(request.user, form.cleaned_data)
            context["outcome"] = outcome
            status = 200 if outcome.ok else 400
        else:
            status = 400
    return render(request, "web/import.html", context, status=status)
