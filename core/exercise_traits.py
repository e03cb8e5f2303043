"""Equipment and muscle group guessed from an exercise's name, for exercises an import creates.

Strong and Hevy name exercises like ``Bench Press (Barbell)``; German lifters write
``Kurzhantel``/``Langhantel``. The guess only fills in defaults the lifter can edit.
"""

from __future__ import annotations

import re

from core.models import Uebung

Equipment = Uebung.Equipment
Muscle = Uebung.MuscleGroup

_EQUIPMENT_RULES: list[tuple[str, str]] = [
    (
        r"barbell|langhantel|\bbar\b|ez[ -]?bar|sz[ -]?stange|trap bar|smith|\bbb\b",
        Equipment.BARBELL,
    ),
    (r"dumbbell|kurzhantel|dambıl|\bdb\b|mancuerna|halt[eè]re|manubri", Equipment.DUMBBELL),
    (r"kettlebell|\bkb\b", Equipment.KETTLEBELL),
    (r"cable|kabel|seilzug|polea|poulie|cavo|\brope\b", Equipment.CABLE),
    (
        r"machine|maschine|m[aá]quina|leg press|beinpresse|assisted|pec deck|hack squat|pulldown",
        Equipment.MACHINE,
    ),
    (
        r"bodyweight|körpergewicht|pull[ -]?up|chin[ -]?up|push[ -]?up|\bdips?\b|klimmz[uü]g|"
        r"barfiks|liegestütz|plank|burpee|dominada|flexi[oó]n",
        Equipment.BODYWEIGHT,
    ),
]

# First match wins: "Leg Raise" is core before "leg" is legs, "Leg Curl" legs before "curl",
# "Triceps Dip" arms before "dip" chest, "Reverse Fly" shoulders before "fly" chest.
_MUSCLE_RULES: list[tuple[str, str]] = [
    (
        r"leg raise|crunch|plank|\babs?\b|sit[ -]?up|bauch|russian twist|ab wheel|hollow",
        Muscle.CORE,
    ),
    (
        r"leg curl|leg extension|leg press|squat|lunge|kniebeuge|beinpresse|beinstrecker|"
        r"beinbeuger|calf|wade|hip thrust|glute|\bleg\b|sentadilla|split squat|step[ -]?up|"
        r"adductor|abductor|rdl|romanian",
        Muscle.LEGS,
    ),
    (r"clean|snatch|thruster|burpee|kettlebell swing", Muscle.FULL_BODY),
    (
        r"curl|tricep|bicep|bizeps|trizeps|skull ?crusher|pushdown|french press|hammer",
        Muscle.ARMS,
    ),
    (
        r"overhead|shoulder|military|lateral raise|front raise|rear delt|reverse fly|face pull|"
        r"arnold|schulter|seitheben|upright row|shrug",
        Muscle.SHOULDERS,
    ),
    (
        r"bench|chest|fly|flye|crossover|push[ -]?up|\bdips?\b|brust|bankdrücken|pec|butterfly|"
        r"press de banca",
        Muscle.CHEST,
    ),
    (
        r"row|pull[ -]?up|barfiks|chin[ -]?up|pulldown|lat\b|deadlift|kreuzheben|rudern|"
        r"klimmz[uü]g|rücken|back extension|hyperextension|pullover|dominada",
        Muscle.BACK,
    ),
]


def _first(rules: list[tuple[str, str]], name: str, default: str) -> str:
    lowered = name.casefold()
    return next((value for pattern, value in rules if re.search(pattern, lowered)), default)


def guess_equipment(name: str) -> str:
    """The app's own label in brackets wins: ``Triceps Pushdown (Cable - Straight Bar)``."""
    label = re.search(r"\(([^)]*)\)", name)
    in_label = _first(_EQUIPMENT_RULES, label.group(1).split("-")[0], "") if label else ""
    return in_label or _first(_EQUIPMENT_RULES, name, Equipment.OTHER)


def guess_muscle_group(name: str) -> str:
    return _first(_MUSCLE_RULES, name, Muscle.OTHER)
