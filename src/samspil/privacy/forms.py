from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.fieldwork.models import Study
from samspil.privacy.actions import PRIVACY_FIELDS


class PrivacyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Study
        fields = list(PRIVACY_FIELDS)
        widgets = {
            "privacy_purpose": forms.Textarea(attrs={"rows": 3}),
            "privacy_legal_basis": forms.Textarea(attrs={"rows": 2}),
            "retention_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "privacy_text": forms.Textarea(attrs={"rows": 16}),
        }

    def clean_retention_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("retention_date")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("The date has passed; choose today or a later date."))
        return value


class EmailSearchForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person"))


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."))
