"""The language a signed-in lifter chose in the settings wins over the browser's.

``LocaleMiddleware`` (before authentication) picks the language from Accept-Language; this
one runs after authentication and switches to the profile's language when one is set.
"""

from __future__ import annotations

from django.utils import translation

from core.models import UserProfile


class ProfileLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._chosen(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)

    @staticmethod
    def _chosen(request) -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        try:
            return user.profile.language
        except UserProfile.DoesNotExist:
            return ""
