"""Admin for the training log's models.

``MLPredictionModel``'s admin is registered by ``workers.admin``: its page is where operators
queue retrains, and queueing is the workers' job. Registering it there, rather than here and
replaced from there, keeps the layers one-way (workers use core; core knows nothing of them).
"""

from django.contrib import admin

from core.models import (
    ImportDraft,
    Koerpergewicht,
    MLPopulationModel,
    Routine,
    RoutineExercise,
    Satz,
    Trainingseinheit,
    Uebung,
    UebungAlias,
    UserProfile,
    WorkoutExercise,
)

# Where a model's file is and how it was made is written by the trainer, never by hand.
ARTIFACT_READONLY_FIELDS = (
    "artifact_path",
    "artifact_sha256",
    "library_versions",
    "created_at",
    "updated_at",
)


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_unit", "language", "plate_unit", "bar_weight")
    list_filter = ("display_unit", "language", "plate_unit")
    search_fields = ("user__username",)


@admin.register(Koerpergewicht)
class KoerpergewichtAdmin(admin.ModelAdmin):
    list_display = ("datum", "user", "gewicht")
    list_filter = ("datum",)
    search_fields = ("user__username",)
    date_hierarchy = "datum"
    list_select_related = ("user",)


class UebungAliasInline(admin.TabularInline):
    model = UebungAlias
    extra = 0
    fields = ("name", "language", "owner")
    raw_id_fields = ("owner",)


@admin.register(Uebung)
class UebungAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "muscle_group", "equipment", "increment_kg", "is_bodyweight")
    list_filter = (
        "muscle_group",
        "equipment",
        "is_bodyweight",
        ("owner", admin.EmptyFieldListFilter),
    )
    search_fields = ("name", "owner__username", "aliases__name")
    list_select_related = ("owner",)
    inlines = [UebungAliasInline]


class SatzInline(admin.TabularInline):
    model = Satz
    extra = 0
    autocomplete_fields = ("uebung",)


@admin.register(Trainingseinheit)
class TrainingseinheitAdmin(admin.ModelAdmin):
    list_display = ("datum", "user", "name", "duration")
    list_filter = ("datum",)
    search_fields = ("name", "user__username", "notes")
    date_hierarchy = "datum"
    list_select_related = ("user",)
    inlines = [SatzInline]


@admin.register(Satz)
class SatzAdmin(admin.ModelAdmin):
    list_display = ("einheit", "uebung", "satz_nr", "gewicht", "wiederholungen", "rpe", "set_type")
    list_filter = ("set_type", "uebung__muscle_group")
    search_fields = ("uebung__name", "einheit__user__username", "einheit__name")
    list_select_related = ("einheit", "einheit__user", "uebung")
    autocomplete_fields = ("uebung",)
    raw_id_fields = ("einheit",)


@admin.register(MLPopulationModel)
class MLPopulationModelAdmin(admin.ModelAdmin):
    list_display = ("pk", "status", "n_users", "n_samples", "mae", "baseline_mae", "trained_at")
    list_filter = ("status",)
    search_fields = ("algorithm", "error_text")
    readonly_fields = ARTIFACT_READONLY_FIELDS


@admin.register(UebungAlias)
class UebungAliasAdmin(admin.ModelAdmin):
    list_display = ("name", "uebung", "language", "owner")
    list_filter = ("language", ("owner", admin.EmptyFieldListFilter))
    search_fields = ("name", "key", "uebung__name", "owner__username")
    list_select_related = ("uebung", "owner")
    autocomplete_fields = ("uebung",)
    raw_id_fields = ("owner",)


@admin.register(WorkoutExercise)
class WorkoutExerciseAdmin(admin.ModelAdmin):
    list_display = ("einheit", "position", "uebung", "planned_sets", "target_reps")
    search_fields = ("uebung__name", "einheit__name", "einheit__user__username", "notes")
    list_select_related = ("einheit", "einheit__user", "uebung")
    autocomplete_fields = ("uebung",)
    raw_id_fields = ("einheit",)


class RoutineExerciseInline(admin.TabularInline):
    model = RoutineExercise
    extra = 0
    autocomplete_fields = ("uebung",)


@admin.register(Routine)
class RoutineAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "updated_at")
    search_fields = ("name", "user__username")
    list_select_related = ("user",)
    inlines = [RoutineExerciseInline]


@admin.register(RoutineExercise)
class RoutineExerciseAdmin(admin.ModelAdmin):
    list_display = ("routine", "position", "uebung", "sets", "target_reps")
    search_fields = ("routine__name", "routine__user__username", "uebung__name")
    list_select_related = ("routine", "uebung")
    autocomplete_fields = ("uebung",)
    raw_id_fields = ("routine",)


@admin.register(ImportDraft)
class ImportDraftAdmin(admin.ModelAdmin):
    """Read-only: a draft is the lifter's upload, waiting for their confirmation."""

    list_display = ("filename", "user", "format", "created_at")
    search_fields = ("filename", "user__username")
    list_select_related = ("user",)
    exclude = ("data",)
    readonly_fields = ("user", "filename", "format", "created_at")

    def has_add_permission(self, request) -> bool:
        return False
