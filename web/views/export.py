"""Downloads of the requester's own data: Strong's CSV and HomeGym's JSON, streamed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.exporters.homegym_json import json_chunks
from core.exporters.strong import strong_lines


def _download(chunks, content_type: str, stem: str, extension: str) -> StreamingHttpResponse:
    """``homegym-strong-2026-11-29.csv``: what it is and from when, to keep several apart."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    filename = f"homegym-{stem}-{stamp}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def strong_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every set of the requester in Strong's CSV format (kg)."""
    return _download(strong_lines(request.user), "text/csv; charset=utf-8", "strong", "csv")


@login_required
@require_GET
def homegym_json(request: HttpRequest) -> StreamingHttpResponse:
    """Everything the requester owns, HomeGym JSON schema version 1."""
    return _download(json_chunks(request.user), "application/json", "export", "json")
