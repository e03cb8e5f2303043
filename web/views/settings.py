"""The lifter's settings page: units, language, rest timer, plates; links to export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from web.lifting import profile_of
from web.settings_forms import ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def user_settings(request: HttpRequest) -> HttpResponse:
    profile = profile_of(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = form.save()
        # The confirmation already speaks the language just chosen.
        translation.activate(profile.language or translation.get_language_from_request(request))
        messages.success(request, _("Einstellungen gespeichert."))
        return redirect("web:settings")
    return render(request, "web/settings.html", {"form": form}, status=400 if form.errors else 200)
