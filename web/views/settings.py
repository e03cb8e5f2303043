"""The lifter's settings page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.models import UserProfile
from web.forms import DisplayUnitForm


@login_required
@require_http_methods(["GET", "POST"])
def user_settings(request: HttpRequest) -> HttpResponse:
    profile, _created = UserProfile.objects.get_or_create(user=request.user)
    form = DisplayUnitForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Einstellungen gespeichert."))
        return redirect("web:settings")
    return render(request, "web/settings.html", {"form": form}, status=400 if form.errors else 200)
