"""Forms around exercises: the searchable picker, own exercises, merging, catalogue filters.

The picker is a text input with a ``<datalist>``: the browser filters the names as the
lifter types (no JavaScript needed), and the typed name is resolved like an import's names:
case and umlauts aside, the lifter's own names first, English aliases too.
"""

from __future__ import annotations

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from core.aliases import resolve
from core.models import Uebung
from core.names import fold_name
from web.forms import CommaDecimalField
from web.units import human


def exercises_by_name(user, names: list[str]) -> dict[str, Uebung]:
    """Typed name → the exercise it means for the lifter (unknown names are left out)."""
    names = [n.strip() for n in names if n and n.strip()]
    found = resolve(user, names)
    by_id = Uebung.objects.visible_to(user).in_bulk([m.uebung_id for m in found.values()])
    return {name: by_id[m.uebung_id] for name, m in found.items() if m.uebung_id in by_id}


def exercises_named(user, names: list[str]) -> tuple[list[Uebung], list[str]]:
    """The exercises the typed names mean (in order, without repeats) and the unknown names."""
    names = [n.strip() for n in names if n and n.strip()]
    by_name = exercises_by_name(user, names)
    exercises: list[Uebung] = []
    unknown: list[str] = []
    for name in names:
        uebung = by_name.get(name)
        if uebung is None:
            unknown.append(name)
        elif uebung not in exercises:
            exercises.append(uebung)
    return exercises, unknown


def unknown_error(unknown: list[str]) -> forms.ValidationError:
    return forms.ValidationError(
        _("Übung nicht gefunden: %(names)s. Wähle einen Namen aus der Liste."),
        code="unknown",
        params={"names": ", ".join(f"„{n}“" for n in unknown)},
    )


class ExerciseNameField(forms.CharField):
    """One exercise, typed or picked from the datalist ``exercise-options``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"list": "exercise-options", "autocomplete": "off", "class": "picker"}
            ),
        )
        super().__init__(*args, **kwargs)


class ExerciseNamesWidget(forms.Widget):
    """Several picker inputs of one name; the template writes them (see _exercise_picker)."""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data


class ExerciseNamesField(forms.Field):
    """Zero or more typed exercise names; ``clean`` keeps the text, the form resolves it."""

    widget = ExerciseNamesWidget
    default_validators = [ProhibitNullCharactersValidator()]

    def run_validators(self, value) -> None:
        for name in value:
            super().run_validators(name)

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(v).strip()[:200] for v in value if str(v).strip()]


class OwnExerciseForm(forms.ModelForm):
    """Create or edit one of the lifter's own exercises (catalogue entries are read-only)."""

    class Meta:
        model = Uebung
        fields = ["name", "muscle_group", "equipment", "increment_kg", "is_bodyweight"]
        field_classes = {"increment_kg": CommaDecimalField}
        widgets = {"increment_kg": forms.TextInput(attrs={"inputmode": "decimal", "size": 6})}
        error_messages = {
            "increment_kg": {
                "invalid": _("Gewichtsschritt als Zahl eingeben, z. B. 2,5."),
                "min_value": _("Der Gewichtsschritt muss mindestens 0,1 kg sein."),
                "max_value": _("Der Gewichtsschritt darf höchstens 50 kg sein."),
                "max_digits": _("Gewichtsschritt mit höchstens drei Nachkommastellen."),
                "max_decimal_places": _("Höchstens drei Nachkommastellen."),
            },
            "name": {"required": _("Bitte einen Namen eingeben.")},
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["increment_kg"].label = _("Gewichtsschritt (kg)")
        if not self.is_bound:
            self.initial["increment_kg"] = human(self.initial.get("increment_kg", "2.5"))

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        key = fold_name(name)
        if not key:
            raise forms.ValidationError(_("Bitte einen Namen eingeben."), code="required")
        clash = [
            u
            for u in Uebung.objects.visible_to(self.user).only("id", "name", "owner")
            if fold_name(u.name) == key and u.pk != self.instance.pk
        ]
        if clash:
            raise forms.ValidationError(
                _("„%(name)s“ gibt es schon (%(where)s)."),
                code="duplicate",
                params={
                    "name": clash[0].name,
                    "where": _("Katalog") if clash[0].owner_id is None else _("eigene Übung"),
                },
            )
        return name

    def save(self, commit: bool = True) -> Uebung:
        self.instance.owner = self.user
        return super().save(commit)


class MergeForm(forms.Form):
    """Pick the exercise the sets move to."""

    ziel = ExerciseNameField(
        label=_("Zusammenführen mit"),
        error_messages={"required": _("Bitte die Übung wählen, in die zusammengeführt wird.")},
    )

    def __init__(self, *args, user, source: Uebung, **kwargs):
        self.user = user
        self.source = source
        super().__init__(*args, **kwargs)

    def clean_ziel(self) -> Uebung:
        exercises, unknown = exercises_named(self.user, [self.cleaned_data["ziel"]])
        if unknown:
            raise unknown_error(unknown)
        if exercises[0].pk == self.source.pk:
            raise forms.ValidationError(
                _("Bitte eine andere Übung wählen als die, die zusammengeführt wird."),
                code="same",
            )
        return exercises[0]


class CatalogueFilterForm(forms.Form):
    """Search and filters of /uebungen/ (GET); unknown filter values are a 400."""

    q = forms.CharField(label=_("Suche"), max_length=100, required=False)
    muskel = forms.ChoiceField(
        label=_("Muskelgruppe"),
        choices=[("", _("alle")), *Uebung.MuscleGroup.choices],
        required=False,
    )
    geraet = forms.ChoiceField(
        label=_("Ausrüstung"),
        choices=[("", _("alle")), *Uebung.Equipment.choices],
        required=False,
    )
    herkunft = forms.ChoiceField(
        label=_("Herkunft"),
        choices=[("", _("alle")), ("eigene", _("eigene")), ("katalog", _("Katalog"))],
        required=False,
    )
