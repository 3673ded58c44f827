from django import forms

from learningcity.forms import PortalForm

from .choices import KIND_HELP


class EmailPreferencesForm(PortalForm):
    """One checkbox per kind of notice the user receives: e-mail on or off."""

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label, help_text=KIND_HELP.get(kind, ""), required=False
            )
            self.fields[kind.value].widget.attrs["class"] = "form-check-input"
