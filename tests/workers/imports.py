"""The import page's confirm step, as a browser submits it (test client or HTTP)."""

from __future__ import annotations

import html
import re


def confirm_fields(preview_html: str) -> dict[str, str]:
    """The mapping the preview proposes, as a browser submits it unchanged."""
    fields = re.findall(r'name="(ziel_\d+)"[^>]*?value="([^"]*)"', preview_html, re.S)
    assert fields, "no mapping fields in the preview"
    return {name: html.unescape(value) for name, value in fields}
