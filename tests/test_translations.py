"""The English catalogue: every string the code marks has a real translation, compiled.

No gettext tools at test time: messages are extracted the way ``makemessages`` sees them
(templates through Django's ``templatize``, Python through its syntax tree), the ``.po`` is
read by a small parser, and the committed ``.mo`` is loaded with the standard library.
A new ``{% translate %}`` without an English entry fails here; so does a ``.po`` edited
without compiling (``manage.py compilemessages``).
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import tokenize
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

from tests.conftest import REPO_ROOT

LOCALE = REPO_ROOT / "locale" / "en" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"
PYTHON_PACKAGES = ("homegym", "core", "ml_coach", "workers", "web", "api")
GETTEXT = {
    "_": "single",
    "gettext": "single",
    "gettext_lazy": "single",
    "gettext_noop": "single",
    "ngettext": "plural",
    "ngettext_lazy": "plural",
    "pgettext": "context",
    "pgettext_lazy": "context",
    "npgettext": "context_plural",
    "npgettext_lazy": "context_plural",
}
CALL = re.compile(r"\b(" + "|".join(sorted(GETTEXT, key=len, reverse=True)) + r")\(")

Message = tuple[str | None, str]  # (context, msgid)


def read_po(path: Path) -> dict[Message, dict]:
    """msgid (with context) → {"plural": str | None, "strs": [msgstr, ...], "fuzzy": bool}."""
    entries: dict[Message, dict] = {}
    current: dict = {}
    field = None

    def flush() -> None:
        if current.get("msgid"):
            key = (current.get("msgctxt"), current["msgid"])
            strs = [current[k] for k in sorted(k for k in current if k.startswith("msgstr"))]
            entries[key] = {
                "plural": current.get("msgid_plural"),
                "strs": strs,
                "fuzzy": current.get("fuzzy", False),
            }

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            current, field = {}, None
        elif line.startswith("#,"):
            current["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            keyword, _, value = line.partition(" ")
            field = keyword.replace("[", "_").replace("]", "")
            current[field] = ast.literal_eval(value)
    flush()
    return entries


def _strings_after(text: str, start: int, count: int) -> list[str]:
    """The first ``count`` string literals of a call whose arguments begin at ``start``."""
    found: list[str] = []
    tokens = tokenize.generate_tokens(io.StringIO(text[start:]).readline)
    for token in tokens:
        if token.type == tokenize.STRING:
            found.append(ast.literal_eval(token.string))
            if len(found) == count:
                break
        elif token.type == tokenize.OP and token.string == ",":
            continue
        else:
            break
    return found


def _message(kind: str, args: list[str]) -> Message | None:
    need = {"single": 1, "plural": 2, "context": 2, "context_plural": 3}[kind]
    if len(args) < need:
        return None
    return (args[0], args[1]) if kind.startswith("context") else (None, args[0])


def template_messages() -> dict[Message, str]:
    found: dict[Message, str] = {}
    for path in sorted((REPO_ROOT / "templates").rglob("*.html")):
        text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for match in CALL.finditer(text):
            kind = GETTEXT[match.group(1)]
            need = {"single": 1, "plural": 2, "context": 2, "context_plural": 3}[kind]
            message = _message(kind, _strings_after(text, match.end(), need))
            if message:
                found.setdefault(message, str(path.relative_to(REPO_ROOT)))
    return found


def python_messages() -> dict[Message, str]:
    found: dict[Message, str] = {}
    for package in PYTHON_PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in GETTEXT:
                    continue
                args = [a.value for a in node.args if isinstance(a, ast.Constant)]
                if not all(isinstance(a, str) for a in args):
                    continue
                message = _message(GETTEXT[name], args)
                if message:
                    found.setdefault(message, str(path.relative_to(REPO_ROOT)))
    return found


@pytest.fixture(scope="module")
def catalogue() -> dict[Message, dict]:
    assert PO.is_file(), f"{PO} is missing: run manage.py makemessages -l en"
    return read_po(PO)


def test_every_entry_has_a_real_translation(catalogue):
    empty = [msgid for (_, msgid), e in catalogue.items() if not all(e["strs"])]
    fuzzy = [msgid for (_, msgid), e in catalogue.items() if e["fuzzy"]]
    assert not empty, f"untranslated: {empty[:20]}"
    assert not fuzzy, f"fuzzy (check and remove the flag): {fuzzy[:20]}"
    # Real English, not the German copied over: most entries must differ from their msgid.
    same = [m for (_, m), e in catalogue.items() if e["strs"][0] == m]
    assert len(same) < len(catalogue) / 10, same


def test_placeholders_survive_translation(catalogue):
    pattern = re.compile(r"%\(\w+\)\d*[sd]")
    for (_, msgid), entry in catalogue.items():
        sources = [msgid, *[entry["plural"] or msgid] * (len(entry["strs"]) - 1)]
        for text, source in zip(entry["strs"], sources, strict=True):
            assert sorted(pattern.findall(text)) == sorted(pattern.findall(source)), msgid


def test_every_marked_string_is_in_the_catalogue(catalogue):
    marked = {**python_messages(), **template_messages()}
    assert len(marked) > 200  # the extraction itself works
    missing = {
        msgid: where for (ctx, msgid), where in marked.items() if (ctx, msgid) not in catalogue
    }
    assert not missing, (
        "strings without an English entry (manage.py makemessages -l en, translate, "
        f"compilemessages): {missing}"
    )


def test_the_committed_mo_is_compiled_from_the_po(catalogue):
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    for (ctx, msgid), entry in catalogue.items():
        key = f"{ctx}\x04{msgid}" if ctx else msgid
        if entry["plural"]:
            assert [compiled.get((key, n)) for n in range(len(entry["strs"]))] == entry["strs"]
        else:
            assert compiled.get(key) == entry["strs"][0], msgid
