"""Forms of the lifter's own settings: profile (units, language, plates, rest) and body weight.

Weights are typed in the lifter's unit with either decimal mark and cleaned to what is stored.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import (
    BAR_MAX,
    KOERPERGEWICHT_MAX_KG,
    KOERPERGEWICHT_MIN_KG,
    REST_MAX_SECONDS,
    DisplayUnit,
    UserProfile,
)
from core.plates import DEFAULT_PLATES, Plate
from web.forms import WEIGHT_ERRORS, CommaDecimalField
from web.units import from_kg, human, human_weight, same_weight, to_kg

PLATE_MAX = Decimal("100")
PLATE_COUNT_MAX = 100
PLATE_KINDS_MAX = 20
_PLATE = re.compile(r"(\d+(?:[.,]\d+)?)\s*[x×*]\s*(\d+)", re.IGNORECASE)
_PLATE_SEPARATORS = re.compile(r"[\s,;]*")


def parse_plates(text: str) -> list[Plate]:
    """``25×4 20×4 2,5×4`` → [(25, 4), (20, 4), (2.5, 4)]; anything else is a German error."""
    plates: dict[Decimal, int] = {}
    position = 0
    for match in _PLATE.finditer(text):
        if not _PLATE_SEPARATORS.fullmatch(text[position : match.start()]):
            raise forms.ValidationError(
                _("„%(part)s“ verstehe ich nicht: Scheiben als Gewicht×Anzahl angeben."),
                code="invalid",
                params={"part": text[position : match.start()].strip(" ,;")},
            )
        position = match.end()
        try:
            weight = Decimal(match.group(1).replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            raise forms.ValidationError(_("Ungültiges Scheibengewicht."), code="invalid") from None
        count = int(match.group(2))
        if not 0 < weight <= PLATE_MAX or not 0 < count <= PLATE_COUNT_MAX:
            raise forms.ValidationError(
                _("Scheiben zwischen 0 und 100 schwer, 1 bis 100 Stück: „%(part)s“."),
                code="range",
                params={"part": match.group(0)},
            )
        plates[weight] = plates.get(weight, 0) + count
    if not _PLATE_SEPARATORS.fullmatch(text[position:]):
        raise forms.ValidationError(
            _("„%(part)s“ verstehe ich nicht: Scheiben als Gewicht×Anzahl angeben."),
            code="invalid",
            params={"part": text[position:].strip(" ,;")},
        )
    if len(plates) > PLATE_KINDS_MAX:
        raise forms.ValidationError(_("Höchstens 20 Scheibensorten."), code="too_many")
    return sorted(plates.items(), reverse=True)


def format_plates(plates) -> str:
    """The stored plate list as the settings field shows it, in the active language."""
    return " ".join(f"{human(Decimal(str(w)))}×{n}" for w, n in plates)


def seconds_field(label, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=REST_MAX_SECONDS,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )


class ProfileForm(forms.ModelForm):
    """Units, language, rest times and the plate set; empty bar/plates mean the standard set."""

    bar_weight = CommaDecimalField(
        label=_("Stange"),
        required=False,
        max_digits=6,
        decimal_places=3,
        min_value=Decimal("0"),
        max_value=BAR_MAX,
        help_text=_("In der Einheit der Scheiben; leer: 20 kg bzw. 45 lb."),
        error_messages={"invalid": _("Stangengewicht als Zahl eingeben, z. B. 20 oder 15,5.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )
    plates_text = forms.CharField(
        label=_("Hantelscheiben (Gewicht×Anzahl)"),
        required=False,
        max_length=500,
        help_text=_("Alle Scheiben, die du hast, z. B. „20×4 10×2 2,5×4“; leer: Standardsatz."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    rest_seconds_barbell = seconds_field(
        _("Pause nach Langhantelsätzen (Sekunden)"),
        _("0 schaltet den Pausen-Timer für diese Übungen aus."),
    )
    rest_seconds_other = seconds_field(_("Pause nach anderen Sätzen (Sekunden)"))

    class Meta:
        model = UserProfile
        fields = [
            "display_unit",
            "language",
            "rest_seconds_barbell",
            "rest_seconds_other",
            "plate_unit",
            "bar_weight",
        ]
        widgets = {"display_unit": forms.RadioSelect, "plate_unit": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["plates_text"] = format_plates(self.instance.plates or [])
            if self.instance.bar_weight is not None:
                self.initial["bar_weight"] = human(self.instance.bar_weight)
        self.fields["plates_text"].widget.attrs["placeholder"] = format_plates(
            DEFAULT_PLATES[self.instance.plate_unit or DisplayUnit.KG]
        )

    def clean_plates_text(self) -> list[Plate]:
        return parse_plates(self.cleaned_data.get("plates_text") or "")

    def save(self, commit: bool = True) -> UserProfile:
        self.instance.plates = [[str(w), n] for w, n in self.cleaned_data["plates_text"]]
        return super().save(commit=commit)


class KoerpergewichtForm(forms.Form):
    """One body-weight reading, typed in the lifter's unit; ``cleaned_data['gewicht']`` is kg."""

    datum = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Bitte ein Datum angeben."),
            "invalid": _("Datum als TT.MM.JJJJ angeben."),
        },
    )
    gewicht = CommaDecimalField(
        label=_("Körpergewicht"),
        max_digits=7,
        decimal_places=3,
        error_messages={
            "required": _("Bitte dein Körpergewicht eingeben."),
            "invalid": _("Körpergewicht als Zahl eingeben, z. B. 81,4."),
            "max_digits": _("Körpergewicht als Zahl mit höchstens drei Nachkommastellen."),
            "max_decimal_places": _("Höchstens drei Nachkommastellen."),
            "max_whole_digits": _("Das Körpergewicht ist zu groß."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )

    def __init__(self, *args, unit: str = DisplayUnit.KG, known_kg: Decimal | None = None, **kw):
        self.unit = unit
        self.known_kg = known_kg
        super().__init__(*args, **kw)
        self.fields["gewicht"].label = _("Körpergewicht (%(unit)s)") % {"unit": unit}
        if not self.is_bound:
            self.initial.setdefault("datum", timezone.localdate())
            if known_kg is not None:
                self.initial.setdefault("gewicht", human_weight(known_kg, unit))

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        if datum > timezone.localdate():
            raise forms.ValidationError(_("Das Datum liegt in der Zukunft."), code="future")
        return datum

    def clean_gewicht(self) -> Decimal:
        value = self.cleaned_data["gewicht"]
        if same_weight(value, self.known_kg, self.unit):
            return self.known_kg
        kg = to_kg(value, self.unit)
        if not KOERPERGEWICHT_MIN_KG <= kg <= KOERPERGEWICHT_MAX_KG:
            raise forms.ValidationError(
                _("Das Körpergewicht muss zwischen %(min)s und %(max)s %(unit)s liegen."),
                code="range",
                params={
                    "min": human(from_kg(KOERPERGEWICHT_MIN_KG, self.unit)),
                    "max": human(from_kg(KOERPERGEWICHT_MAX_KG, self.unit)),
                    "unit": self.unit,
                },
            )
        return kg


class PlateQueryForm(forms.Form):
    """Any weight for the plate calculator, typed in the lifter's unit."""

    gewicht = CommaDecimalField(
        label=_("Gewicht"),
        max_digits=8,
        decimal_places=3,
        min_value=Decimal("0"),
        max_value=Decimal("2205"),
        error_messages={
            "required": _("Bitte ein Gewicht eingeben."),
            "min_value": _("Das Gewicht darf nicht negativ sein."),
            "max_value": _("Das Gewicht ist zu groß."),
            **WEIGHT_ERRORS,
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )
