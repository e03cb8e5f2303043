"""Exercise names compared the way a lifter means them: case, accents and punctuation aside.

``Bankdrücken``, ``bankdrucken`` and ``BANKDRÜCKEN`` are one name; ``Pull-Up`` and ``pull up``
too. Search also accepts the ASCII spelling of umlauts (``Bankdruecken``), see ``search_forms``.
No database access here, so models, importers and pages can all use it.
"""

from __future__ import annotations

import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_WORD = re.compile(r"[\W_]+")


def _strip(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", plain).strip()


def fold_name(name: str) -> str:
    """The key two spellings of one name share: ``Bankdrücken (LH)`` → ``bankdrucken lh``."""
    return _strip(name.casefold().replace("ß", "ss"))


def search_forms(name: str) -> tuple[str, str]:
    """The folded name with umlauts dropped and spelled out (``drucken`` / ``druecken``)."""
    lowered = name.casefold()
    return _strip(lowered.replace("ß", "ss")), _strip(lowered.translate(_UMLAUTS))


def matches(query: str, *names: str) -> bool:
    """Whether every word of ``query`` occurs in one of ``names`` (case/umlaut-insensitive)."""
    words = fold_name(query).split()
    if not words:
        return True
    for name in names:
        forms = search_forms(name)
        if all(any(word in form for form in forms) for word in words):
            return True
    return False
