from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.privacy.actions import PRIVACY_FIELDS
from samspil.privacy.models import PersonRequest
from samspil.privacy.persons import Identity, IdentityNotChecked
from samspil.web.personal_data import studies


class PrivacyFormBase(forms.ModelForm):  # type: ignore[type-arg]
    """A study's privacy fields; the study model is the registered one (:func:`privacy_form`)."""

    def clean_retention_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("retention_date")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("The date has passed; choose today or a later date."))
        return value


@functools.cache
def _privacy_form_class(model: Any) -> type[PrivacyFormBase]:
    form: type[PrivacyFormBase] = forms.modelform_factory(
        model,
        form=PrivacyFormBase,
        fields=list(PRIVACY_FIELDS),
        widgets={
            "privacy_purpose": forms.Textarea(attrs={"rows": 3}),
            "privacy_legal_basis": forms.Textarea(attrs={"rows": 2}),
            "retention_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "privacy_text": forms.Textarea(attrs={"rows": 16}),
        },
    )  # type: ignore[assignment]  # a subclass of ``form``, as the factory makes it
    return form


def privacy_form(*args: Any, **kwargs: Any) -> PrivacyFormBase:
    """The form of a study's privacy notice and retention date (a ModelForm of the study
    model the platform's registry names)."""
    model: Any = studies().model  # a model class is hashable; mypy's type[Any] is not
    return _privacy_form_class(model)(*args, **kwargs)


class EmailSearchForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args: Any, key: str = "", **kwargs: Any) -> None:
        # One per found person on a page: ``key`` keeps the field ids apart.
        kwargs.setdefault("auto_id", f"id_%s-{key}" if key else "id_%s")
        super().__init__(*args, **kwargs)


class IdentityForm(forms.Form):
    """How the requester's identity was checked: required to complete an access or an
    erasure request."""

    identity_check = forms.ChoiceField(
        label=_("How was the person's identity checked?"),
        choices=[("", "—"), *PersonRequest.IdentityCheck.choices],
        error_messages={
            "required": _("Say how the person's identity was checked before you go on."),
            "invalid_choice": _("Say how the person's identity was checked before you go on."),
        },
    )
    identity_note = forms.CharField(
        label=_("How (for other)"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Describe the check in at most 200 characters.")},
    )

    def __init__(self, *args: Any, key: str = "", **kwargs: Any) -> None:
        # One per form on a page (the access export, each found person): ``key`` keeps the
        # field ids apart.
        kwargs.setdefault("auto_id", f"id_%s-{key}" if key else "id_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, object] | None:
        data = super().clean() or {}
        method, note = data.get("identity_check"), data.get("identity_note", "")
        if method == PersonRequest.IdentityCheck.OTHER and not str(note).strip():
            self.add_error("identity_note", _("Describe how the identity was checked."))
        elif method and "@" in str(note):
            self.add_error(
                "identity_note", _("Leave e-mail addresses out of the note: it goes in the log.")
            )
        return data

    def identity(self) -> Identity:
        try:
            return Identity(
                self.cleaned_data["identity_check"], self.cleaned_data.get("identity_note", "")
            )
        except IdentityNotChecked:  # the form's own checks let nothing else through
            raise forms.ValidationError(
                _("Say how the person's identity was checked before you go on.")
            ) from None
