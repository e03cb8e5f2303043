"""Forms of the pages. Weights are typed in the lifter's unit and cleaned to kg.

The limits mirror the database CheckConstraints so bad input becomes a form error, not a 500.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.models import (
    GEWICHT_MAX_KG,
    RPE_MAX,
    RPE_MIN,
    WIEDERHOLUNGEN_MAX,
    DisplayUnit,
    Satz,
)
from core.plausibility import CONFIRM_CODE, Implausible, check_weight
from core.validators import validate_half_step
from web.units import from_kg, human, human_weight, same_weight, to_kg


class CommaDecimalField(forms.DecimalField):
    """Accepts ``62,5`` as well as ``62.5``: German keyboards and phones type a comma."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


WEIGHT_ERRORS = {
    "invalid": _("Gewicht als Zahl eingeben, z. B. 62,5."),
    "max_digits": _("Gewicht als Zahl mit höchstens drei Nachkommastellen eingeben."),
    "max_decimal_places": _("Höchstens drei Nachkommastellen."),
    "max_whole_digits": _("Das Gewicht ist zu groß."),
}


class SatzForm(forms.Form):
    """One set row. ``gewicht`` is in the lifter's display unit; ``cleaned_data`` holds kg.

    A weight far outside the lifter's history (``core.plausibility``) is asked about once:
    the form is invalid with the question until it comes back with ``confirm`` (the
    "Ja, speichern" button), the typed values kept.
    """

    gewicht = CommaDecimalField(
        label=_("Gewicht"),
        max_digits=8,
        decimal_places=3,
        error_messages={
            "required": _("Bitte ein Gewicht eingeben (0 für ohne Zusatzgewicht)."),
            **WEIGHT_ERRORS,
        },
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6, "class": "in-weight"}
        ),
    )
    wiederholungen = forms.IntegerField(
        label=_("Wdh"),
        error_messages={
            "required": _("Bitte die Wiederholungen eingeben (mindestens 1)."),
            "invalid": _("Wiederholungen als ganze Zahl eingeben."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4, "class": "in-reps"}
        ),
    )
    rpe = CommaDecimalField(
        label=_("RPE"),
        required=False,
        max_digits=3,
        decimal_places=1,
        error_messages={
            "invalid": _("RPE als Zahl zwischen 1 und 10 eingeben, z. B. 8 oder 8,5."),
            "max_digits": _("RPE zwischen 1 und 10 in halben Schritten."),
            "max_decimal_places": _("RPE in halben Schritten angeben (z. B. 7 oder 7,5)."),
            "max_whole_digits": _("RPE zwischen 1 und 10 in halben Schritten."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "size": 3, "class": "in-rpe"}
        ),
    )
    set_type = forms.ChoiceField(
        label=_("Art"), choices=Satz.SetType.choices, initial=Satz.SetType.NORMAL
    )

    def __init__(
        self,
        *args,
        unit: str = DisplayUnit.KG,
        known_kg: Decimal | None = None,
        bodyweight: bool = False,
        best_kg: Decimal | None = None,
        accepted_kg: Decimal | None = None,
        **kwargs,
    ):
        """``known_kg``: the stored weight the form was prefilled with; typed back unchanged
        it is kept to the gram (135 lb stays 61.235 kg, not 61.25 kg). ``best_kg``: the
        lifter's best working set of the exercise so far, for the plausibility question;
        ``accepted_kg``: a weight not asked about again (the edited set's, already saved)."""
        self.unit = unit
        self.known_kg = known_kg
        self.best_kg = best_kg
        self.accepted_kg = accepted_kg
        self.implausible: Implausible | None = None
        super().__init__(*args, **kwargs)
        self.confirmed = bool(self.data.get("confirm")) if self.is_bound else False
        label = _("Zusatzgewicht (%(unit)s)") if bodyweight else _("Gewicht (%(unit)s)")
        self.fields["gewicht"].label = label % {"unit": unit}

    @classmethod
    def for_satz(cls, satz: Satz | None, unit: str, **kwargs) -> SatzForm:
        """A form showing a stored set in the lifter's unit: to edit it, or as the next set
        (the usual next set is the same again). ``None``: an empty form."""
        if satz is None:
            return cls(unit=unit, **kwargs)
        initial = {
            "gewicht": human_weight(satz.gewicht, unit),
            "wiederholungen": satz.wiederholungen,
            "rpe": human(satz.rpe) if satz.rpe is not None else "",
            "set_type": satz.set_type,
        }
        return cls(initial=initial, unit=unit, known_kg=satz.gewicht, **kwargs)

    def clean_gewicht(self) -> Decimal:
        value = self.cleaned_data["gewicht"]
        if same_weight(value, self.known_kg, self.unit):
            return self.known_kg
        max_display = from_kg(GEWICHT_MAX_KG, self.unit)
        if value < 0 or to_kg(value, self.unit) > GEWICHT_MAX_KG:
            raise forms.ValidationError(
                _("Das Gewicht muss zwischen 0 und %(max)s %(unit)s liegen."),
                code="range",
                params={"max": human(max_display), "unit": self.unit},
            )
        return to_kg(value, self.unit)

    def clean_wiederholungen(self) -> int:
        value = self.cleaned_data["wiederholungen"]
        if value == 0:
            raise forms.ValidationError(
                _("0 Wiederholungen sind kein Satz: mindestens 1 eingeben."),
                code="zero",
            )
        if not 1 <= value <= WIEDERHOLUNGEN_MAX:
            raise forms.ValidationError(
                _("Die Wiederholungen müssen zwischen 1 und %(max)s liegen."),
                code="range",
                params={"max": WIEDERHOLUNGEN_MAX},
            )
        return value

    def clean(self) -> dict:
        data = super().clean()
        weight = data.get("gewicht")
        if weight is None or self.confirmed or weight == self.accepted_kg:
            return data
        self.implausible = check_weight(weight, self.best_kg, data.get("set_type") or "normal")
        if self.implausible is not None:
            raise forms.ValidationError(self.implausible.question(self.unit), code=CONFIRM_CODE)
        return data

    @property
    def question(self) -> str:
        """The plausibility question to show next to "Ja, speichern" ("" when none)."""
        return self.implausible.question(self.unit) if self.implausible else ""

    def clean_rpe(self) -> Decimal | None:
        value = self.cleaned_data.get("rpe")
        if value is None:
            return None
        if not RPE_MIN <= value <= RPE_MAX:
            raise forms.ValidationError(
                _("RPE zwischen 1 und 10 in halben Schritten."), code="range"
            )
        validate_half_step(value)
        return value


FORMAT_CHOICES = [
    ("auto", _("Automatisch erkennen")),
    ("strong", _("Strong (CSV-Export)")),
    ("hevy", _("Hevy (CSV-Export)")),
    ("normalized", _("HomeGym-Normalformat")),
]
UNIT_CHOICES = [
    ("", _("Aus der Datei (Standard)")),
    ("kg", _("Kilogramm")),
    ("lb", _("Pfund")),
]


class ImportForm(forms.Form):
    """Upload of an export file; the size limit is checked before anything is parsed."""

    datei = forms.FileField(
        label=_("Datei"),
        error_messages={
            "required": _("Bitte eine Datei auswählen."),
            "empty": _("Die Datei ist leer."),
        },
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")
    unit = forms.ChoiceField(
        label=_("Gewichtseinheit"),
        choices=UNIT_CHOICES,
        required=False,
        help_text=_("Nur nötig, wenn die Datei keine Einheit nennt."),
    )

    def clean_datei(self):
        datei = self.cleaned_data["datei"]
        limit = settings.IMPORT_MAX_BYTES
        if datei.size > limit:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (%(size)s MB, höchstens %(max)s MB)."),
                code="too_large",
                params={
                    "size": human(Decimal(datei.size) / 1024 / 1024),
                    "max": human(Decimal(limit) / 1024 / 1024),
                },
            )
        return datei
