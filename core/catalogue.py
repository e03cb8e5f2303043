"""The exercise catalogue in German, and the names Strong and Hevy export for its entries.

Each entry: German name, muscle group, equipment, weight step (kg), bodyweight, and the
English names the apps export for exactly that exercise (checked against the real exports in
../shared/data/exports). Names that could mean several entries ("Lateral Raise", "Seated
Row", "Bulgarian Split Squat") and weighted/assisted variants stay unmapped: an import creates
them as the lifter's own exercises, which the lifter can merge later.

``seed_catalogue`` is idempotent: the migration runs it, ``seed_demo`` and tests may run it
again (a flushed test database has lost what the migration wrote).
"""

from __future__ import annotations

from decimal import Decimal

from core.names import fold_name

# fmt: off
CATALOGUE: list[tuple[str, str, str, str, bool, list[str]]] = [
    # --- legs ---
    ("Kniebeuge (Langhantel)", "legs", "barbell", "2.5", False,
     ["Squat (Barbell)", "Squat", "Back Squat", "Barbell Squat", "Barbell Back Squat",
      "Back Squat (Barbell)"]),
    ("Frontkniebeuge (Langhantel)", "legs", "barbell", "2.5", False,
     ["Front Squat (Barbell)", "Front Squat", "Barbell Front Squat"]),
    ("Beinpresse (Maschine)", "legs", "machine", "5", False,
     ["Leg Press", "Leg Press (Machine)"]),
    ("Hackenschmidt-Kniebeuge (Maschine)", "legs", "machine", "5", False,
     ["Hack Squat (Machine)", "Hack Squat"]),
    ("Beinstrecker (Maschine)", "legs", "machine", "2.5", False,
     ["Leg Extension (Machine)", "Leg Extension"]),
    ("Beinbeuger sitzend (Maschine)", "legs", "machine", "2.5", False,
     ["Seated Leg Curl (Machine)", "Seated Leg Curl"]),
    ("Beinbeuger liegend (Maschine)", "legs", "machine", "2.5", False,
     ["Lying Leg Curl (Machine)", "Lying Leg Curl"]),
    ("Beinbeuger stehend (Maschine)", "legs", "machine", "2.5", False,
     ["Standing Leg Curl", "Standing Leg Curls", "Leg Curl Standing"]),
    ("Rumänisches Kreuzheben (Langhantel)", "legs", "barbell", "2.5", False,
     ["Romanian Deadlift (Barbell)", "Romanian Deadlift", "Barbell Romanian Deadlift", "RDL"]),
    ("Rumänisches Kreuzheben (Kurzhantel)", "legs", "dumbbell", "2", False,
     ["Romanian Deadlift (Dumbbell)", "Dumbbell Romanian Deadlift"]),
    ("Hip Thrust (Langhantel)", "legs", "barbell", "2.5", False,
     ["Hip Thrust (Barbell)", "Barbell Hip Thrust"]),
    ("Ausfallschritte (Kurzhantel)", "legs", "dumbbell", "2", False,
     ["Lunge (Dumbbell)", "Dumbbell Lunge", "Dumbbell Lunges"]),
    ("Wadenheben stehend (Maschine)", "legs", "machine", "2.5", False,
     ["Standing Calf Raise (Machine)"]),
    ("Wadenheben stehend (Langhantel)", "legs", "barbell", "2.5", False,
     ["Standing Calf Raise (Barbell)"]),
    ("Wadenheben sitzend (Maschine)", "legs", "machine", "2.5", False,
     ["Seated Calf Raise (Machine)"]),
    ("Adduktoren (Maschine)", "legs", "machine", "2.5", False,
     ["Hip Adduction (Machine)", "Hip Adductor (Machine)"]),
    ("Abduktoren (Maschine)", "legs", "machine", "2.5", False,
     ["Hip Abduction (Machine)", "Hip Abductor (Machine)"]),
    # --- back ---
    ("Kreuzheben (Langhantel)", "back", "barbell", "2.5", False,
     ["Deadlift (Barbell)", "Deadlift", "Barbell Deadlift", "Conventional Deadlift"]),
    ("Klimmzüge", "back", "bodyweight", "2.5", True,
     ["Pull Up", "Pull Ups", "Pullup", "Pullups"]),
    ("Klimmzüge im Untergriff", "back", "bodyweight", "2.5", True,
     ["Chin Up", "Chin Ups", "Chinup", "Chinups"]),
    ("Latziehen (Kabel)", "back", "cable", "2.5", False,
     ["Lat Pulldown (Cable)", "Lat Pulldown", "Lat Pulldown - Wide Grip (Cable)",
      "Wide Grip Lat Pulldown"]),
    ("Latziehen (Maschine)", "back", "machine", "2.5", False,
     ["Lat Pulldown (Machine)"]),
    ("Rudern (Kabel)", "back", "cable", "1.25", False,
     ["Seated Row (Cable)", "Seated Cable Row", "Cable Row", "Seated Cable Row - V Grip (Cable)",
      "Seated Cable Row - Bar Grip"]),
    ("Rudern sitzend (Maschine)", "back", "machine", "2.5", False,
     ["Seated Row (Machine)"]),
    ("Rudern vorgebeugt (Langhantel)", "back", "barbell", "2.5", False,
     ["Bent Over Row (Barbell)", "Barbell Row", "Barbell Bent Over Row", "Bent Over Row",
      "Bent Over Barbell Row"]),
    ("Rudern vorgebeugt (Kurzhantel)", "back", "dumbbell", "2", False,
     ["Bent Over Row (Dumbbell)", "Dumbbell Bent Over Row"]),
    ("Einarmiges Rudern (Kurzhantel)", "back", "dumbbell", "2", False,
     ["Bent Over One Arm Row (Dumbbell)", "Dumbbell Row", "One Arm Dumbbell Row",
      "Single Arm Dumbbell Row"]),
    ("T-Bar-Rudern", "back", "barbell", "2.5", False,
     ["T Bar Row"]),
    ("Rückenstrecker", "back", "bodyweight", "2.5", True,
     ["Back Extension", "Back Extension (Hyperextension)", "Hyperextension", "Hyperextensions"]),
    # --- chest ---
    ("Bankdrücken (Langhantel)", "chest", "barbell", "2.5", False,
     ["Bench Press (Barbell)", "Bench Press", "Barbell Bench Press", "Flat Bench Press"]),
    ("Bankdrücken (Kurzhantel)", "chest", "dumbbell", "2", False,
     ["Bench Press (Dumbbell)", "Dumbbell Bench Press"]),
    ("Enges Bankdrücken (Langhantel)", "chest", "barbell", "2.5", False,
     ["Bench Press - Close Grip (Barbell)", "Close Grip Bench Press"]),
    ("Schrägbankdrücken (Langhantel)", "chest", "barbell", "2.5", False,
     ["Incline Bench Press (Barbell)", "Incline Bench Press", "Barbell Incline Bench Press"]),
    ("Schrägbankdrücken (Kurzhantel)", "chest", "dumbbell", "2", False,
     ["Incline Bench Press (Dumbbell)", "Incline Dumbbell Press", "Incline Dumbbell Bench Press"]),
    ("Brustpresse (Maschine)", "chest", "machine", "2.5", False,
     ["Chest Press (Machine)"]),
    ("Butterfly (Maschine)", "chest", "machine", "2.5", False,
     ["Chest Fly (Machine)", "Pec Deck (Machine)", "Butterfly (Pec Deck)", "Pec Deck"]),
    ("Fliegende (Kabel)", "chest", "cable", "2.5", False,
     ["Cable Crossover", "Cable Fly Crossovers", "Cable Fly"]),
    ("Fliegende (Kurzhantel)", "chest", "dumbbell", "2", False,
     ["Chest Fly (Dumbbell)", "Dumbbell Fly", "Dumbbell Flyes"]),
    ("Dips", "chest", "bodyweight", "2.5", True,
     ["Chest Dip", "Triceps Dip", "Dip", "Parallel Bar Dips"]),
    ("Liegestütze", "chest", "bodyweight", "2.5", True,
     ["Push Up", "Push Ups", "Pushup", "Pushups"]),
    # --- shoulders ---
    ("Schulterdrücken (Langhantel)", "shoulders", "barbell", "2.5", False,
     ["Overhead Press (Barbell)", "Overhead Press", "Strict Military Press (Barbell)",
      "Military Press", "Barbell Overhead Press", "OHP"]),
    ("Schulterdrücken (Kurzhantel)", "shoulders", "dumbbell", "2", False,
     ["Shoulder Press (Dumbbell)", "Overhead Press (Dumbbell)", "Seated Overhead Press (Dumbbell)",
      "Seated Shoulder Press (Dumbbell)", "Dumbbell Shoulder Press"]),
    ("Schulterdrücken (Maschine)", "shoulders", "machine", "2.5", False,
     ["Shoulder Press (Machine)", "Seated Shoulder Press (Machine)"]),
    ("Arnold Press (Kurzhantel)", "shoulders", "dumbbell", "2", False,
     ["Arnold Press (Dumbbell)", "Arnold Press"]),
    ("Seitheben (Kurzhantel)", "shoulders", "dumbbell", "1", False,
     ["Lateral Raise (Dumbbell)", "Dumbbell Lateral Raise"]),
    ("Seitheben (Kabel)", "shoulders", "cable", "1.25", False,
     ["Lateral Raise (Cable)", "Cable Lateral Raise"]),
    ("Frontheben (Kurzhantel)", "shoulders", "dumbbell", "1", False,
     ["Front Raise (Dumbbell)", "Dumbbell Front Raise"]),
    ("Reverse Butterfly (Maschine)", "shoulders", "machine", "2.5", False,
     ["Rear Delt Reverse Fly (Machine)", "Reverse Fly (Machine)"]),
    ("Face Pulls (Kabel)", "shoulders", "cable", "1.25", False,
     ["Face Pull (Cable)", "Face Pull", "Facepull", "Face Pulls"]),
    ("Schulterheben (Langhantel)", "shoulders", "barbell", "2.5", False,
     ["Shrug (Barbell)", "Barbell Shrug"]),
    ("Schulterheben (Kurzhantel)", "shoulders", "dumbbell", "2", False,
     ["Shrug (Dumbbell)", "Dumbbell Shrug"]),
    # --- arms ---
    ("Bizepscurls (Kurzhantel)", "arms", "dumbbell", "2", False,
     ["Bicep Curl (Dumbbell)", "Biceps Curl (Dumbbell)", "Dumbbell Curl", "Dumbbell Bicep Curl"]),
    ("Bizepscurls (Langhantel)", "arms", "barbell", "2.5", False,
     ["Bicep Curl (Barbell)", "Biceps Curl (Barbell)", "Barbell Curl", "Barbell Bicep Curl"]),
    ("Bizepscurls (SZ-Stange)", "arms", "barbell", "2.5", False,
     ["EZ Bar Biceps Curl", "EZ Bar Curl"]),
    ("Bizepscurls (Kabel)", "arms", "cable", "1.25", False,
     ["Bicep Curl (Cable)", "Biceps Curl (Cable)", "Cable Curl"]),
    ("Hammercurls (Kurzhantel)", "arms", "dumbbell", "2", False,
     ["Hammer Curl (Dumbbell)", "Dumbbell Hammer Curl"]),
    ("Schrägbankcurls (Kurzhantel)", "arms", "dumbbell", "2", False,
     ["Incline Curl (Dumbbell)", "Seated Incline Curl (Dumbbell)", "Incline Dumbbell Curl"]),
    ("Scottcurls (Maschine)", "arms", "machine", "2.5", False,
     ["Preacher Curl (Machine)"]),
    ("Scottcurls (Kurzhantel)", "arms", "dumbbell", "2", False,
     ["Preacher Curl (Dumbbell)"]),
    ("Scottcurls (Langhantel)", "arms", "barbell", "2.5", False,
     ["Preacher Curl (Barbell)"]),
    ("Reverse Curls (Langhantel)", "arms", "barbell", "2.5", False,
     ["Reverse Curl (Barbell)"]),
    ("Trizepsdrücken (Kabel)", "arms", "cable", "2.5", False,
     ["Triceps Pushdown (Cable - Straight Bar)", "Triceps Pushdown", "Tricep Pushdown",
      "Triceps Pressdown"]),
    ("Trizepsdrücken am Seil (Kabel)", "arms", "cable", "2.5", False,
     ["Triceps Rope Pushdown", "Rope Pushdown", "Triceps Pushdown (Cable - Rope)"]),
    ("Trizepsstrecken über Kopf (Kabel)", "arms", "cable", "2.5", False,
     ["Triceps Extension (Cable)", "Overhead Triceps Extension (Cable)"]),
    ("Stirndrücken (Langhantel)", "arms", "barbell", "2.5", False,
     ["Skullcrusher (Barbell)", "Skull Crusher (Barbell)", "Skullcrushers"]),
    ("Stirndrücken (Kurzhantel)", "arms", "dumbbell", "2", False,
     ["Skullcrusher (Dumbbell)", "Skull Crusher (Dumbbell)"]),
    # --- core ---
    ("Beinheben hängend", "core", "bodyweight", "2.5", True,
     ["Hanging Leg Raise", "Hanging Leg Raises"]),
    ("Crunches (Kabel)", "core", "cable", "2.5", False,
     ["Cable Crunch", "Kneeling Cable Crunch"]),
    ("Crunches", "core", "bodyweight", "2.5", True,
     ["Crunch"]),
    # --- full_body ---
    ("Kettlebell Swing", "full_body", "kettlebell", "4", False,
     ["Kettlebell Swings"]),
]
# fmt: on


def seed_catalogue(uebung_model=None, alias_model=None) -> int:
    """Create missing catalogue entries and aliases; returns how many entries are new.

    The model classes are parameters so a migration can pass its historical models (which
    have no ``UebungAlias.save`` computing the key: the key is set here).
    """
    if uebung_model is None or alias_model is None:
        from core.models import Uebung, UebungAlias

        uebung_model, alias_model = Uebung, UebungAlias
    taken = set(alias_model.objects.filter(owner__isnull=True).values_list("key", flat=True))
    created = 0
    for name, muscle, equipment, step, bodyweight, aliases in CATALOGUE:
        uebung, was_created = uebung_model.objects.get_or_create(
            name=name,
            owner=None,
            defaults={
                "muscle_group": muscle,
                "equipment": equipment,
                "increment_kg": Decimal(step),
                "is_bodyweight": bodyweight,
            },
        )
        created += was_created
        new = []
        for alias in aliases:
            key = fold_name(alias)
            if key in taken or key == fold_name(name):
                continue
            taken.add(key)
            new.append(alias_model(uebung=uebung, name=alias, key=key, language="en"))
        alias_model.objects.bulk_create(new)
    return created


def unseed_catalogue(uebung_model, alias_model) -> None:
    """Undo ``seed_catalogue`` where nothing depends on it: used entries stay with their sets."""
    alias_model.objects.filter(owner__isnull=True, language="en").delete()
    uebung_model.objects.filter(
        owner__isnull=True,
        name__in=[entry[0] for entry in CATALOGUE],
        saetze__isnull=True,
        workout_entries__isnull=True,
        routine_entries__isnull=True,
        aliases__isnull=True,
    ).delete()
