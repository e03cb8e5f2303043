"""Forms of the workout pages: start (free, from a routine), add an exercise, edit, notes,
routines. Exercises are picked by name (``web.exercise_forms``), never from a long select.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exercise_traits import guess_equipment, guess_muscle_group
from core.models import (
    NOTES_MAX,
    PLANNED_SETS_MAX,
    Routine,
    RoutineExercise,
    Trainingseinheit,
    Uebung,
)
from core.names import fold_name
from core.routines import plan_of_routine
from core.workout_plan import PlannedExercise
from web.exercise_forms import (
    ExerciseNameField,
    ExerciseNamesField,
    exercises_named,
    unknown_error,
)

DURATION_MAX_MINUTES = 24 * 60
DATUM_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
DATUM_TAKEN = _("Zu diesem Zeitpunkt beginnt schon ein Training von dir.")


def _datum_field() -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("Beginn"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=DATUM_FORMATS,
        error_messages={
            "invalid": _("Datum und Uhrzeit angeben."),
            "required": _("Datum und Uhrzeit angeben."),
        },
    )


def _check_datum_free(user, datum, exclude_pk: int | None = None) -> None:
    taken = Trainingseinheit.objects.filter(user=user, datum=datum).exclude(pk=exclude_pk)
    if taken.exists():
        raise forms.ValidationError(DATUM_TAKEN, code="duplicate")


class WorkoutStartForm(forms.Form):
    """Start a workout now (or log a past one): empty, from a routine, with exercises."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("z. B. Push, Beine, Oberkörper A")}),
    )
    datum = _datum_field()
    routine = forms.ModelChoiceField(
        label=_("Routine"),
        queryset=Routine.objects.none(),
        required=False,
        empty_label=_("– ohne Routine –"),
        error_messages={"invalid_choice": _("Diese Routine gibt es nicht.")},
    )
    uebung = ExerciseNamesField(
        label=_("Übungen"),
        required=False,
        help_text=_("Optional: weitere Übungen kannst du im Training hinzufügen."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["routine"].queryset = Routine.objects.filter(user=user)
        if not self.is_bound:
            self.initial.setdefault("datum", timezone.localtime().replace(second=0, microsecond=0))

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        _check_datum_free(self.user, datum)
        return datum

    def clean_uebung(self) -> list[Uebung]:
        exercises, unknown = exercises_named(self.user, self.cleaned_data["uebung"])
        if unknown:
            raise unknown_error(unknown)
        return exercises

    def typed_names(self) -> list[str]:
        """The exercise names typed so far (shown again when the form has errors)."""
        if not self.is_bound:
            return []
        return [v for v in self["uebung"].value() or [] if str(v).strip()]

    def plan(self) -> list[PlannedExercise]:
        """The routine's exercises (with sets and reps) and then the picked ones."""
        routine = self.cleaned_data.get("routine")
        plan = plan_of_routine(routine) if routine else []
        plan += [PlannedExercise(u.pk) for u in self.cleaned_data.get("uebung", [])]
        return plan

    def workout_name(self) -> str:
        routine = self.cleaned_data.get("routine")
        return self.cleaned_data["name"] or (routine.name if routine else "")


class AddExerciseForm(forms.Form):
    """Add an exercise to the running workout: pick one by name, or name a new own one."""

    uebung = forms.ModelChoiceField(queryset=Uebung.objects.none(), required=False)
    uebung_name = ExerciseNameField(label=_("Übung"), required=False)
    neue_uebung = forms.CharField(
        label=_("oder neue Übung"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name der neuen Übung")}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["uebung"].queryset = Uebung.objects.visible_to(user)

    def clean(self):
        data = super().clean()
        if data.get("uebung"):
            return data
        typed = (data.get("uebung_name") or "").strip()
        name = " ".join((data.get("neue_uebung") or "").split())
        if typed:
            exercises, unknown = exercises_named(self.user, [typed])
            if unknown:
                self.add_error("uebung_name", unknown_error(unknown))
            else:
                data["uebung"] = exercises[0]
        elif fold_name(name):
            data["uebung"] = self._own_or_new(name)
        else:
            raise forms.ValidationError(
                _("Eine Übung wählen oder einen Namen eingeben."), code="required"
            )
        return data

    def _own_or_new(self, name: str) -> Uebung:
        """A name that already exists (case/umlauts aside) is that exercise, else a new one."""
        exercises, _unknown = exercises_named(self.user, [name])
        if exercises:
            return exercises[0]
        return Uebung(
            owner=self.user,
            name=name,
            equipment=guess_equipment(name),
            muscle_group=guess_muscle_group(name),
        )


class WorkoutEditForm(forms.ModelForm):
    """Rename a workout, move its start, note how long it took and what happened."""

    datum = _datum_field()
    dauer_minuten = forms.IntegerField(
        label=_("Dauer (Minuten)"),
        required=False,
        min_value=1,
        max_value=DURATION_MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Dauer als ganze Zahl Minuten eingeben."),
            "min_value": _("Die Dauer muss mindestens 1 Minute sein."),
            "max_value": _("Die Dauer darf höchstens 24 Stunden sein."),
        },
    )

    class Meta:
        model = Trainingseinheit
        fields = ["name", "datum", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].max_length = NOTES_MAX
        if not self.is_bound:
            self.initial["datum"] = timezone.localtime(self.instance.datum)
            if self.instance.duration is not None:
                self.initial["dauer_minuten"] = round(self.instance.duration.total_seconds() / 60)

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        _check_datum_free(self.instance.user, datum, exclude_pk=self.instance.pk)
        return datum

    def save(self, commit: bool = True) -> Trainingseinheit:
        minutes = self.cleaned_data.get("dauer_minuten")
        self.instance.duration = timedelta(minutes=minutes) if minutes else None
        return super().save(commit)


class ExerciseNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notiz zur Übung"),
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Höchstens %(limit_value)d Zeichen.")},
    )


class RoutineNameForm(forms.Form):
    """The name of a new routine (empty or from a workout); names are unique per lifter."""

    name = forms.CharField(
        label=_("Name der Routine"),
        max_length=200,
        error_messages={"required": _("Bitte einen Namen für die Routine eingeben.")},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if Routine.objects.filter(user=self.user, name=name).exists():
            raise forms.ValidationError(
                _("Du hast schon eine Routine „%(name)s“."), code="duplicate", params={"name": name}
            )
        return name


class RoutineForm(forms.ModelForm):
    """Name, notes and one more exercise of a routine; its exercises are the formset below."""

    neue_uebung = ExerciseNameField(label=_("Übung hinzufügen"), required=False)

    class Meta:
        model = Routine
        fields = ["name", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        taken = Routine.objects.filter(user=self.instance.user, name=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Du hast schon eine Routine „%(name)s“."), code="duplicate", params={"name": name}
            )
        return name

    def clean_neue_uebung(self) -> Uebung | None:
        typed = self.cleaned_data.get("neue_uebung", "")
        if not typed:
            return None
        exercises, unknown = exercises_named(self.instance.user, [typed])
        if unknown:
            raise unknown_error(unknown)
        return exercises[0]


class RoutineExerciseForm(forms.ModelForm):
    class Meta:
        model = RoutineExercise
        fields = ["position", "sets", "target_reps"]
        widgets = {
            "position": forms.NumberInput(attrs={"inputmode": "numeric", "size": 3}),
            "sets": forms.NumberInput(attrs={"inputmode": "numeric", "size": 3}),
            "target_reps": forms.NumberInput(attrs={"inputmode": "numeric", "size": 3}),
        }
        error_messages = {
            "sets": {
                "min_value": _("Mindestens 1 Satz."),
                "max_value": _("Höchstens %(limit_value)s Sätze."),
                "invalid": _("Sätze als ganze Zahl eingeben."),
                "required": _("Bitte die Zahl der Sätze eingeben."),
            },
            "target_reps": {
                "min_value": _("Mindestens 1 Wiederholung."),
                "max_value": _("Höchstens %(limit_value)s Wiederholungen."),
                "invalid": _("Wiederholungen als ganze Zahl eingeben."),
            },
            "position": {"invalid": _("Position als ganze Zahl eingeben.")},
        }


RoutineExerciseFormSet = forms.inlineformset_factory(
    Routine,
    RoutineExercise,
    form=RoutineExerciseForm,
    extra=0,
    can_delete=True,
    max_num=PLANNED_SETS_MAX * 5,
)
