"""The training log: exercises, workouts, sets, and the record of trained coach models.

German model names (``Uebung``, ``Trainingseinheit``, ``Satz``) are kept on purpose: existing
deployments and their shell snippets use them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.names import fold_name
from core.validators import validate_half_step

GEWICHT_MAX_KG = Decimal("1000")
WIEDERHOLUNGEN_MAX = 200
RPE_MIN = Decimal("1")
RPE_MAX = Decimal("10")
BAR_MAX = Decimal("100")
REST_MAX_SECONDS = 900
KOERPERGEWICHT_MIN_KG = Decimal("20")
KOERPERGEWICHT_MAX_KG = Decimal("400")


class DisplayUnit(models.TextChoices):
    KG = "kg", _("Kilogramm")
    LB = "lb", _("Pfund")


class UserProfile(models.Model):
    """Per-user preferences; storage is always kg, this only changes what is shown.

    The plate set (bar and plates owned) is kept in its own unit: a lifter may read kg and
    own pound plates. Empty bar/plates mean the standard set of that unit.
    """

    class Language(models.TextChoices):
        BROWSER = "", _("Wie im Browser eingestellt")
        DE = "de", "Deutsch"
        EN = "en", "English"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_unit = models.CharField(
        _("Anzeigeeinheit"), max_length=2, choices=DisplayUnit.choices, default=DisplayUnit.KG
    )
    language = models.CharField(
        _("Sprache"), max_length=5, choices=Language.choices, default="", blank=True
    )
    plate_unit = models.CharField(
        _("Einheit der Hantelscheiben"),
        max_length=2,
        choices=DisplayUnit.choices,
        default=DisplayUnit.KG,
    )
    bar_weight = models.DecimalField(
        _("Stange"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(BAR_MAX)],
        help_text=_("Leer: 20 kg bzw. 45 lb."),
    )
    plates = models.JSONField(
        _("Hantelscheiben"),
        default=list,
        blank=True,
        help_text=_("Liste aus [Gewicht, Anzahl]; leer: Standardsatz der Einheit."),
    )
    rest_seconds_barbell = models.PositiveSmallIntegerField(
        _("Pause nach Langhantelsätzen (s)"),
        default=180,
        validators=[MaxValueValidator(REST_MAX_SECONDS)],
    )
    rest_seconds_other = models.PositiveSmallIntegerField(
        _("Pause nach anderen Sätzen (s)"),
        default=90,
        validators=[MaxValueValidator(REST_MAX_SECONDS)],
    )

    class Meta:
        verbose_name = _("Profil")
        verbose_name_plural = _("Profile")
        constraints = [
            models.CheckConstraint(
                condition=Q(rest_seconds_barbell__lte=REST_MAX_SECONDS)
                & Q(rest_seconds_other__lte=REST_MAX_SECONDS),
                name="profile_rest_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.display_unit})"


class UebungQuerySet(models.QuerySet):
    def visible_to(self, user) -> UebungQuerySet:
        """The catalogue plus ``user``'s own exercises; other lifters' exercises stay hidden."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user))


class Uebung(models.Model):
    """An exercise: from the global catalogue (``owner`` empty) or created by a lifter."""

    class MuscleGroup(models.TextChoices):
        CHEST = "chest", _("Brust")
        BACK = "back", _("Rücken")
        LEGS = "legs", _("Beine")
        SHOULDERS = "shoulders", _("Schultern")
        ARMS = "arms", _("Arme")
        CORE = "core", _("Rumpf")
        FULL_BODY = "full_body", _("Ganzkörper")
        OTHER = "other", _("Sonstige")

    class Equipment(models.TextChoices):
        BARBELL = "barbell", _("Langhantel")
        DUMBBELL = "dumbbell", _("Kurzhantel")
        MACHINE = "machine", _("Maschine")
        CABLE = "cable", _("Kabelzug")
        KETTLEBELL = "kettlebell", _("Kettlebell")
        BODYWEIGHT = "bodyweight", _("Körpergewicht")
        OTHER = "other", _("Sonstiges")

    name = models.CharField(_("Name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Besitzer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="eigene_uebungen",
        help_text=_("Leer: Übung aus dem allgemeinen Katalog."),
    )
    muscle_group = models.CharField(
        _("Muskelgruppe"), max_length=20, choices=MuscleGroup.choices, default=MuscleGroup.OTHER
    )
    equipment = models.CharField(
        _("Ausrüstung"), max_length=20, choices=Equipment.choices, default=Equipment.OTHER
    )
    increment_kg = models.DecimalField(
        _("Gewichtsschritt (kg)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("2.5"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("50"))],
    )
    is_bodyweight = models.BooleanField(_("Körpergewichtsübung"), default=False)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    objects = UebungQuerySet.as_manager()

    class Meta:
        verbose_name = _("Übung")
        verbose_name_plural = _("Übungen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="uebung_unique_name_per_owner"),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(owner__isnull=True),
                name="uebung_unique_catalogue_name",
            ),
            models.CheckConstraint(
                condition=Q(increment_kg__gt=0) & Q(increment_kg__lte=50),
                name="uebung_increment_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:exercise_history", args=[self.pk])


class Trainingseinheit(models.Model):
    """One workout of one lifter."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.CASCADE,
        related_name="trainingseinheiten",
    )
    datum = models.DateTimeField(_("Datum"))
    name = models.CharField(_("Name"), max_length=200, blank=True)
    notes = models.TextField(_("Notizen"), blank=True)
    duration = models.DurationField(_("Dauer"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Trainingseinheit")
        verbose_name_plural = _("Trainingseinheiten")
        ordering = ["-datum"]
        constraints = [
            # A workout is identified by its start: this makes re-imports idempotent.
            models.UniqueConstraint(fields=["user", "datum"], name="einheit_unique_user_datum"),
        ]

    def __str__(self) -> str:
        # Local time, as every page shows it (the database keeps UTC).
        return f"{self.name or _('Training')} ({timezone.localtime(self.datum):%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("web:workout", args=[self.pk])


class Satz(models.Model):
    """One logged set. Weights are stored in kg, whatever unit the lifter sees."""

    class SetType(models.TextChoices):
        NORMAL = "normal", _("Normal")
        WARMUP = "warmup", _("Aufwärmen")
        DROPSET = "dropset", _("Dropsatz")
        FAILURE = "failure", _("Bis zum Versagen")

    einheit = models.ForeignKey(
        Trainingseinheit,
        verbose_name=_("Trainingseinheit"),
        on_delete=models.CASCADE,
        related_name="saetze",
    )
    uebung = models.ForeignKey(
        Uebung, verbose_name=_("Übung"), on_delete=models.PROTECT, related_name="saetze"
    )
    satz_nr = models.PositiveSmallIntegerField(
        _("Satz-Nr."),
        blank=True,
        help_text=_("Leer: die nächste Nummer dieser Übung in der Trainingseinheit."),
    )
    gewicht = models.DecimalField(
        _("Gewicht (kg)"),
        max_digits=7,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(GEWICHT_MAX_KG)],
    )
    # Empty: not logged (an imported hold or cardio row); typed sets always have 1 or more.
    wiederholungen = models.PositiveSmallIntegerField(
        _("Wiederholungen"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(WIEDERHOLUNGEN_MAX)],
    )
    rpe = models.DecimalField(
        _("RPE"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(RPE_MIN), MaxValueValidator(RPE_MAX), validate_half_step],
    )
    set_type = models.CharField(
        _("Satzart"), max_length=10, choices=SetType.choices, default=SetType.NORMAL
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Satz")
        verbose_name_plural = _("Sätze")
        ordering = ["einheit__datum", "satz_nr"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gewicht__gte=0) & Q(gewicht__lte=GEWICHT_MAX_KG),
                name="satz_gewicht_range",
            ),
            models.CheckConstraint(
                condition=Q(wiederholungen__isnull=True)
                | (Q(wiederholungen__gte=1) & Q(wiederholungen__lte=WIEDERHOLUNGEN_MAX)),
                name="satz_wiederholungen_1_200",
            ),
            models.CheckConstraint(
                condition=Q(rpe__isnull=True) | (Q(rpe__gte=RPE_MIN) & Q(rpe__lte=RPE_MAX)),
                name="satz_rpe_range",
            ),
            models.UniqueConstraint(
                fields=["einheit", "uebung", "satz_nr"], name="satz_unique_position"
            ),
        ]
        indexes = [
            # "All sets of this user for this exercise, ordered by time" joins through einheit:
            # (uebung, einheit) narrows to the exercise; the (user, datum) index orders by time.
            models.Index(fields=["uebung", "einheit", "satz_nr"], name="satz_uebung_einheit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.uebung}: {self.gewicht} kg × {self.wiederholungen or '–'}"

    def save(self, *args, **kwargs) -> None:
        """A set saved without a number becomes the next set of its exercise in the workout."""
        if self.satz_nr is None:
            last = Satz.objects.filter(einheit_id=self.einheit_id, uebung_id=self.uebung_id)
            self.satz_nr = (last.aggregate(m=Max("satz_nr"))["m"] or 0) + 1
        super().save(*args, **kwargs)


# Warm-ups teach the coach nothing: every other set is a working set.
WORKING_SETS = ~Q(set_type=Satz.SetType.WARMUP)


class Koerpergewicht(models.Model):
    """One body-weight reading of a lifter: one per day, in kg like every stored weight."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.CASCADE,
        related_name="koerpergewichte",
    )
    datum = models.DateField(_("Datum"))
    gewicht = models.DecimalField(
        _("Gewicht (kg)"),
        max_digits=6,
        decimal_places=3,
        validators=[
            MinValueValidator(KOERPERGEWICHT_MIN_KG),
            MaxValueValidator(KOERPERGEWICHT_MAX_KG),
        ],
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Körpergewicht")
        verbose_name_plural = _("Körpergewichte")
        ordering = ["-datum"]
        constraints = [
            models.UniqueConstraint(fields=["user", "datum"], name="koerpergewicht_one_per_day"),
            models.CheckConstraint(
                condition=Q(gewicht__gte=KOERPERGEWICHT_MIN_KG)
                & Q(gewicht__lte=KOERPERGEWICHT_MAX_KG),
                name="koerpergewicht_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.datum:%Y-%m-%d} · {self.gewicht} kg"


class ModelStatus(models.TextChoices):
    TRAINING = "TRAINING", _("Training läuft")
    ACTIVE = "ACTIVE", _("Aktiv")
    OUTDATED = "OUTDATED", _("Veraltet")
    FAILED = "FAILED", _("Fehlgeschlagen")


class TrainedArtifact(models.Model):
    """What every trained model records: where its file is, its hash and how it was made."""

    status = models.CharField(
        _("Status"), max_length=10, choices=ModelStatus.choices, default=ModelStatus.TRAINING
    )
    artifact_path = models.CharField(
        _("Artefakt-Pfad"), max_length=500, blank=True, help_text=_("Relativ zu ML_MODEL_ROOT.")
    )
    artifact_sha256 = models.CharField(_("Artefakt-SHA256"), max_length=64, blank=True)
    algorithm = models.CharField(_("Algorithmus"), max_length=100, blank=True)
    parameters = models.JSONField(_("Parameter"), default=dict, blank=True)
    feature_version = models.PositiveSmallIntegerField(_("Feature-Version"), default=1)
    library_versions = models.JSONField(_("Bibliotheksversionen"), default=dict, blank=True)
    n_samples = models.PositiveIntegerField(_("Trainingsbeispiele"), default=0)
    mae = models.FloatField(_("MAE (kg)"), null=True, blank=True)
    baseline_mae = models.FloatField(_("Baseline-MAE (kg)"), null=True, blank=True)
    trained_at = models.DateTimeField(_("trainiert am"), null=True, blank=True)
    training_seconds = models.FloatField(_("Trainingsdauer (s)"), null=True, blank=True)
    error_text = models.TextField(_("Fehler"), blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        abstract = True


class MLPredictionModel(TrainedArtifact):
    """One trained coach model for one lifter and one exercise."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.CASCADE,
        related_name="ml_models",
    )
    uebung = models.ForeignKey(
        Uebung,
        verbose_name=_("Übung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ml_models",
        help_text=_("Leer, wenn die Übung gelöscht wurde; die Aufräumaufgabe entfernt das Modell."),
    )
    samples_at_training = models.PositiveIntegerField(
        _("Sätze beim Training"),
        default=0,
        help_text=_("Anzahl der Sätze dieser Übung beim Training: mehr heißt neu trainieren."),
    )
    r2 = models.FloatField(_("R²"), null=True, blank=True)
    uses_model = models.BooleanField(
        _("Modell im Einsatz"),
        default=False,
        help_text=_("Nur wenn das Modell die Baseline (letztes Gewicht) schlägt."),
    )
    validation = models.JSONField(
        _("Validierung"),
        default=dict,
        blank=True,
        help_text=_("Zeitlich geordnete Validierung: Datum, Ist, Modell, Baseline."),
    )

    class Meta:
        verbose_name = _("ML-Vorhersagemodell")
        verbose_name_plural = _("ML-Vorhersagemodelle")
        ordering = ["-trained_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "uebung"],
                condition=Q(status="ACTIVE"),
                name="mlmodel_one_active_per_user_uebung",
            ),
        ]
        indexes = [models.Index(fields=["user", "uebung", "status"], name="mlmodel_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.uebung} · {self.status}"


class MLPopulationModel(TrainedArtifact):
    """The cross-lifter model: learned from every lifter on this instance, trained nightly."""

    n_users = models.PositiveIntegerField(_("Lifter"), default=0)

    class Meta:
        verbose_name = _("ML-Populationsmodell")
        verbose_name_plural = _("ML-Populationsmodelle")
        ordering = ["-trained_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="ACTIVE"),
                name="mlpopulation_one_active",
            ),
        ]

    def __str__(self) -> str:
        label = _("Populationsmodell")  # outside the f-string: makemessages finds it there
        return f"{label} #{self.pk} · {self.status}"


# --- the log around the sets: order and plan of a workout, routines, aliases, import drafts ---

PLANNED_SETS_MAX = 20
NOTES_MAX = 2000


class WorkoutExercise(models.Model):
    """An exercise's place in one workout, its planned sets and the lifter's note on it.

    Kept in the database, not the browser session: an exercise added before its first set and
    the order of the exercises are the same on every device and after every login.
    """

    einheit = models.ForeignKey(
        Trainingseinheit,
        verbose_name=_("Trainingseinheit"),
        on_delete=models.CASCADE,
        related_name="workout_exercises",
    )
    uebung = models.ForeignKey(
        Uebung, verbose_name=_("Übung"), on_delete=models.CASCADE, related_name="workout_entries"
    )
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    planned_sets = models.PositiveSmallIntegerField(
        _("geplante Sätze"), default=0, validators=[MaxValueValidator(PLANNED_SETS_MAX)]
    )
    target_reps = models.PositiveSmallIntegerField(
        _("Ziel-Wiederholungen"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(WIEDERHOLUNGEN_MAX)],
    )
    notes = models.TextField(_("Notiz"), blank=True, max_length=NOTES_MAX)

    class Meta:
        verbose_name = _("Übung im Training")
        verbose_name_plural = _("Übungen im Training")
        ordering = ["einheit", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["einheit", "uebung"], name="workoutexercise_unique"),
            models.CheckConstraint(
                condition=Q(planned_sets__lte=PLANNED_SETS_MAX), name="workoutexercise_sets_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.einheit} · {self.position}. {self.uebung}"


class Routine(models.Model):
    """A saved workout plan: exercises in order with their set count and target reps."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.CASCADE,
        related_name="routines",
    )
    name = models.CharField(_("Name"), max_length=200)
    notes = models.TextField(_("Notizen"), blank=True, max_length=NOTES_MAX)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Routine")
        verbose_name_plural = _("Routinen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="routine_unique_name_per_user")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:routine", args=[self.pk])


class RoutineExercise(models.Model):
    """One exercise of a routine: where it comes, how many sets, how many reps to aim for."""

    routine = models.ForeignKey(
        Routine, verbose_name=_("Routine"), on_delete=models.CASCADE, related_name="exercises"
    )
    uebung = models.ForeignKey(
        Uebung, verbose_name=_("Übung"), on_delete=models.CASCADE, related_name="routine_entries"
    )
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    sets = models.PositiveSmallIntegerField(
        _("Sätze"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(PLANNED_SETS_MAX)],
    )
    target_reps = models.PositiveSmallIntegerField(
        _("Ziel-Wiederholungen"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(WIEDERHOLUNGEN_MAX)],
    )

    class Meta:
        verbose_name = _("Übung der Routine")
        verbose_name_plural = _("Übungen der Routine")
        ordering = ["routine", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["routine", "uebung"], name="routineexercise_unique"),
            models.CheckConstraint(
                condition=Q(sets__gte=1) & Q(sets__lte=PLANNED_SETS_MAX),
                name="routineexercise_sets_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.routine}: {self.uebung} {self.sets}×{self.target_reps or '?'}"


class UebungAlias(models.Model):
    """Another name of an exercise, e.g. Strong's English ``Bench Press (Barbell)``.

    Imports map a file's exercise names onto exercises through these. Catalogue aliases
    (``owner`` empty) serve everyone; a lifter's own (from merging an exercise) only them.
    """

    uebung = models.ForeignKey(
        Uebung, verbose_name=_("Übung"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("Name"), max_length=200)
    key = models.CharField(_("Suchschlüssel"), max_length=200, editable=False, db_index=True)
    language = models.CharField(_("Sprache"), max_length=10, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Besitzer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exercise_aliases",
        help_text=_("Leer: gilt für alle (Katalog)."),
    )

    class Meta:
        verbose_name = _("Übungsalias")
        verbose_name_plural = _("Übungsaliase")
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="alias_unique_per_owner"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(owner__isnull=True), name="alias_unique_catalogue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.uebung}"

    def save(self, *args, **kwargs) -> None:
        self.key = fold_name(self.name)
        super().save(*args, **kwargs)


class ImportDraft(models.Model):
    """An uploaded export between the import preview and the lifter's confirmation.

    The bytes stay in the database (not a temp file) so any web process can finish the import;
    drafts older than a day are removed when the next one is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.CASCADE,
        related_name="import_drafts",
    )
    filename = models.CharField(_("Dateiname"), max_length=255)
    data = models.BinaryField(_("Inhalt"))
    format = models.CharField(_("Format"), max_length=20, default="auto")
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Import-Entwurf")
        verbose_name_plural = _("Import-Entwürfe")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.filename}"
