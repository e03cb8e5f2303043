"""The import preview's form: the weight unit (where the file leaves it open) and, per
exercise name of the file, the exercise it goes to (empty: create it as the lifter's own)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from web.exercise_forms import ExerciseNameField, exercises_by_name, unknown_error
from web.importing import Preview

UNIT_CHOICES = [("kg", _("Kilogramm (kg)")), ("lb", _("Pfund (lb)"))]


class ImportConfirmForm(forms.Form):
    einheit = forms.ChoiceField(
        label=_("Gewichtseinheit der Datei"),
        choices=UNIT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Einheit muss kg oder lb sein.")},
    )

    def __init__(self, *args, user, preview: Preview, **kwargs):
        self.user = user
        self.preview = preview
        super().__init__(*args, **kwargs)
        if preview.parsed.unit_changeable:
            self.initial.setdefault("einheit", preview.parsed.unit)
        for item in preview.rows:
            field = ExerciseNameField(label=item.row.name, required=False)
            field.widget.attrs["placeholder"] = _("neu anlegen")
            self.fields[f"ziel_{item.index}"] = field
            if item.row.match is not None:
                self.initial.setdefault(f"ziel_{item.index}", item.row.match.uebung_name)

    def target_field(self, index: int):
        return self[f"ziel_{index}"]

    def clean(self):
        data = super().clean()
        typed = {
            item.index: (data.get(f"ziel_{item.index}") or "").strip() for item in self.preview.rows
        }
        by_name = exercises_by_name(self.user, [t for t in typed.values() if t])
        for index, name in typed.items():
            if name and name not in by_name:
                self.add_error(f"ziel_{index}", unknown_error([name]))
        data["mapping"] = {
            item.row.name: by_name[typed[item.index]].pk if typed[item.index] else None
            for item in self.preview.rows
            if not typed[item.index] or typed[item.index] in by_name
        }
        return data

    def unit(self) -> str | None:
        return self.cleaned_data.get("einheit") or None
