"""Which exercise a name means for a lifter: their own, the catalogue's, or one of their aliases.

An import hands over the names in the file ("Bench Press (Barbell)"); this module finds the
exercise each one means, so imported history lands on the German catalogue entry
("Bankdrücken (Langhantel)") instead of a second exercise beside it. Names are compared folded
(case, accents, punctuation aside, see ``core.names``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from core.models import Uebung, UebungAlias
from core.names import fold_name


class How:
    """Why a name was mapped to an exercise, in the order the rules are tried."""

    OWN = "own"  # one of the lifter's own exercises has this name
    OWN_ALIAS = "own_alias"  # the lifter mapped this name before (merge or import)
    CATALOGUE = "catalogue"  # a catalogue exercise has this name
    ALIAS = "alias"  # a catalogue alias, e.g. Strong's English name


@dataclass(frozen=True, slots=True)
class Match:
    uebung_id: int
    uebung_name: str
    how: str


def resolve(user, names: Iterable[str]) -> dict[str, Match]:
    """Name → the exercise it means for ``user``; names nothing matches are left out.

    Two queries whatever the number of names. The lifter's own names and aliases come before
    the catalogue's: after merging "Bench Press" into their own "Bankdrücken", it stays there.
    """
    wanted = {name: fold_name(name) for name in names}
    if not wanted:
        return {}
    own: dict[str, tuple[int, str]] = {}
    catalogue: dict[str, tuple[int, str]] = {}
    for pk, name, owner_id in Uebung.objects.visible_to(user).values_list("pk", "name", "owner_id"):
        table = catalogue if owner_id is None else own
        table.setdefault(fold_name(name), (pk, name))
    own_alias: dict[str, tuple[int, str]] = {}
    alias: dict[str, tuple[int, str]] = {}
    rows = UebungAlias.objects.filter(
        Q(owner__isnull=True) | Q(owner=user), key__in=set(wanted.values())
    ).values_list("key", "uebung_id", "uebung__name", "owner_id")
    for key, uebung_id, uebung_name, owner_id in rows:
        (alias if owner_id is None else own_alias)[key] = (uebung_id, uebung_name)
    rules = ((own, How.OWN), (own_alias, How.OWN_ALIAS), (catalogue, How.CATALOGUE))
    rules += ((alias, How.ALIAS),)
    found: dict[str, Match] = {}
    for name, key in wanted.items():
        for table, how in rules:
            if key in table:
                found[name] = Match(*table[key], how)
                break
    return found


def remember(user, name: str, uebung: Uebung) -> bool:
    """Map ``name`` to ``uebung`` for this lifter's future imports; False when already so."""
    key = fold_name(name)
    if not key or key == fold_name(uebung.name):
        return False
    current = resolve(user, [name]).get(name)
    if current is not None and current.uebung_id == uebung.pk:
        return False
    UebungAlias.objects.update_or_create(
        owner=user, key=key, defaults={"uebung": uebung, "name": name[:200]}
    )
    return True


def names_for_search(user, uebung_ids: Iterable[int]) -> dict[int, list[str]]:
    """Exercise id → its alias names the lifter may see (catalogue and their own)."""
    names: dict[int, list[str]] = {}
    rows = UebungAlias.objects.filter(
        Q(owner__isnull=True) | Q(owner=user), uebung_id__in=list(uebung_ids)
    ).values_list("uebung_id", "name")
    for uebung_id, name in rows:
        names.setdefault(uebung_id, []).append(name)
    return names
