"""Forms of the register pages. They validate; the actions in ``actions.py`` write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samspil.municipalities.models import Municipality
from samspil.register.actions import (
    ACTOR_FIELDS,
    COLLABORATION_FIELDS,
    CONTACT_FIELDS,
    REPORT_FIELDS,
)
from samspil.register.models import Collaboration, Contact, Organization, Party, ValueReport
from samspil.register.taxonomy import taxonomy

# An ISO value: a type=date input shows nothing when given the locale's format.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _semicolon_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


class ListField(forms.CharField):
    """A ``;``-separated list in one text box (target groups)."""

    def prepare_value(self, value: Any) -> Any:
        return "; ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return _semicolon_list(str(value or ""))


def area_field(required: bool = False) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Areas"),
        choices=taxonomy().choices("areas"),
        widget=forms.CheckboxSelectMultiple,
        required=required,
    )


def municipality_choices() -> list[tuple[int, str]]:
    """(code, name) of the 98 municipalities, read once per process (a data migration
    loads them; they do not change while the server runs)."""
    global _MUNICIPALITIES
    if not _MUNICIPALITIES:
        _MUNICIPALITIES = list(Municipality.objects.order_by("name").values_list("code", "name"))
    return _MUNICIPALITIES


_MUNICIPALITIES: list[tuple[int, str]] = []


class SearchForm(forms.Form):
    """Validates the public search; the page writes its two lists itself (``options``):
    Django's widget templates, and even setting a choice field's 98 municipalities on each
    form, took most of the page's time."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kommune = forms.IntegerField(label=_("Municipality"), required=False)
    omraade = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", ""), *taxonomy().choices("areas")]
    )

    def clean_kommune(self) -> int | None:
        code = self.cleaned_data.get("kommune")
        if code is not None and code not in dict(municipality_choices()):
            raise forms.ValidationError(_("Choose a municipality from the list."))
        return code

    def choices(self, name: str) -> list[tuple[Any, Any]]:
        if name == "kommune":
            return [("", _("All municipalities")), *municipality_choices()]
        return [("", _("All topics")), *taxonomy().choices("areas")]

    def options(self, name: str) -> str:
        """The <option> elements of a list, the submitted value selected."""
        chosen = str(self.data.get(name, "")) if self.is_bound else ""
        rendered = _options(name, get_language() or "", self.choices(name))
        return mark_safe(
            "".join(
                html.replace("<option ", "<option selected ", 1) if value == chosen else html
                for value, html in rendered
            )
        )


_OPTIONS: dict[tuple[str, str, int], list[tuple[str, str]]] = {}


def _options(name: str, language: str, choices: Any) -> list[tuple[str, str]]:
    """(value, escaped <option>) of a search list, made once per list and language: the
    municipalities and topics do not change while the server runs, and escaping 107
    options on every search was a fifth of the page's time."""
    key = (name, language, len(choices))  # (no municipalities yet: not the same list)
    if key not in _OPTIONS:
        _OPTIONS[key] = [
            (str(value), format_html('<option value="{}">{}</option>', value, label))
            for value, label in choices
        ]
    return _OPTIONS[key]


class ActorForm(forms.ModelForm):
    areas = area_field()
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        help_text=_("For example www.boldklubben.dk."),
    )
    target_groups = ListField(label=_("Target groups (separate with ;)"), required=False)

    class Meta:
        model = Organization
        fields = [f for f in ACTOR_FIELDS if f != "alternate_name"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"tax_id": _("The 8 digits of the CVR number, if the actor has one.")}


class SignupForm(ActorForm):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name")
    )
    your_name = forms.CharField(label=_("Your name"), max_length=150)
    your_email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("We send a link to confirm it. It is also your user name."),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        min_length=10,
        help_text=_("At least 10 characters; not a common password, nor close to your e-mail."),
    )

    class Meta(ActorForm.Meta):
        fields = ["name", "actor_type", "municipality", "areas", "email", "website"]

    def clean(self) -> dict[str, Any]:
        """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), with the
        account-to-be's e-mail and name for the similarity check."""
        data = super().clean() or {}
        password = data.get("password")
        if password:
            email = str(data.get("your_email") or "").strip().lower()
            user = get_user_model()(
                username=email, email=email, first_name=data.get("your_name") or ""
            )
            try:
                validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class ContactForm(forms.ModelForm):
    areas = area_field()

    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)
        help_texts = {"topic": _("What to ask about, for example: volunteers in elderly care.")}

    def __init__(self, *args: Any, municipality: Municipality | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipality is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = municipality.units.all()  # type: ignore[attr-defined]


class UnitForm(forms.Form):
    name = forms.CharField(label=_("New unit"), max_length=200)
    back = forms.CharField(widget=forms.HiddenInput, required=False)


class ConsentForm(forms.Form):
    consent_at = forms.DateField(label=_("Consent given on"), widget=DATE)


class CollaborationForm(forms.ModelForm):
    areas = area_field(required=True)
    target_groups = ListField(label=_("Target groups (separate with ;)"), required=False)

    class Meta:
        model = Collaboration
        fields = list(COLLABORATION_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "start_date": DATE,
            "end_date": DATE,
        }


class OwnRoleForm(forms.Form):
    """The role of the side the user acts for in a new collaboration."""

    role = forms.ChoiceField(label=_("Your role"), choices=taxonomy().choices("roles"))


def partner_actors(party: Party) -> QuerySet[Organization]:
    """The civil actors a party may name as partners: the confirmed ones of its
    municipality (staff), or of its actor's municipality (a representative)."""
    municipality_id = party.municipality_id or party.organization.municipality_id  # type: ignore[union-attr]
    return Organization.objects.filter(municipality_id=municipality_id, confirmed=True).order_by(
        "name", "pk"
    )


class PartnerForm(forms.Form):
    """One partner of a collaboration: a civil actor or a municipality, with its role
    (Popolo's membership). A row naming neither is left out."""

    actor = forms.ModelChoiceField(
        label=_("Civil actor"), queryset=Organization.objects.none(), required=False
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), required=False
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=taxonomy().choices("roles"), initial="partner"
    )

    def __init__(self, *args: Any, actors: QuerySet[Organization] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if actors is not None:
            self.fields["actor"].queryset = actors  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("actor") and data.get("municipality"):
            raise forms.ValidationError(_("Choose a civil actor or a municipality, not both."))
        return data

    @property
    def member(self) -> Organization | Municipality | None:
        data = getattr(self, "cleaned_data", {})
        return data.get("actor") or data.get("municipality")


def member_key(member: Organization | Municipality) -> tuple[str, int]:
    return ("actor" if isinstance(member, Organization) else "municipality", member.pk)


class BasePartnerFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The partners of a collaboration: at least one, none twice, and not the parties it
    has already (``existing``: the user's own side, or the present members)."""

    def __init__(
        self, *args: Any, existing: list[Organization | Municipality] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.existing = existing or []

    def clean(self) -> None:
        if any(self.errors):
            return
        seen = {member_key(m): str(m) for m in self.existing}
        members = [f.member for f in self.forms if f.member is not None]
        if not members:
            raise forms.ValidationError(_("Add at least one partner."))
        for member in members:
            if member_key(member) in seen:
                raise forms.ValidationError(_("%(name)s is already a partner.") % {"name": member})
            seen[member_key(member)] = str(member)

    def partners(self) -> list[tuple[str, Organization | Municipality]]:
        """(role, member) of each filled-in row."""
        return [(f.cleaned_data["role"], f.member) for f in self.forms if f.member is not None]


PartnerFormSet: type[BasePartnerFormSet] = forms.formset_factory(  # type: ignore[assignment]
    PartnerForm, formset=BasePartnerFormSet, extra=3, max_num=10, validate_max=True
)
AddPartnerFormSet: type[BasePartnerFormSet] = forms.formset_factory(  # type: ignore[assignment]
    PartnerForm, formset=BasePartnerFormSet, extra=1, max_num=1, validate_max=True
)


class ReportForm(forms.ModelForm):
    class Meta:
        model = ValueReport
        fields = list(REPORT_FIELDS)
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "goals_met": forms.NullBooleanSelect,
            "new_methods": forms.Textarea(attrs={"rows": 2}),
            "local_outcome": forms.Textarea(attrs={"rows": 2}),
            "other_measure": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "municipal_costs": _("In whole kroner."),
            "user_satisfaction": _("A number from 0 to 100, for example the share satisfied."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class IndicatorForm(forms.Form):
    goal = forms.CharField(label=_("Goal"), max_length=300, required=False)
    title = forms.CharField(label=_("Indicator"), max_length=300, required=False)
    baseline = forms.DecimalField(
        label=_("Baseline"), required=False, max_digits=14, decimal_places=2
    )
    target = forms.DecimalField(label=_("Target"), required=False, max_digits=14, decimal_places=2)
    actual = forms.DecimalField(label=_("Result"), required=False, max_digits=14, decimal_places=2)


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=0, max_num=10)


class AssessmentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scale = [("", "-"), *taxonomy().choices("agreement_scale")]
        for term in taxonomy().assessment_statements:
            self.fields[term.code] = forms.ChoiceField(
                label=term.label, choices=scale, required=False
            )

    def answers(self) -> dict[str, str]:
        return {
            t.code: self.cleaned_data[t.code]
            for t in taxonomy().assessment_statements
            if self.cleaned_data.get(t.code)
        }


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail of the person to invite"),
        help_text=_("The person gets a link to choose a password. It works once, for 14 days."),
    )


class PasswordForm(forms.Form):
    """An invited person's password, checked by Django's password validators against the
    invited account (``user``)."""

    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        min_length=10,
        help_text=_("At least 10 characters; not a common password, nor close to your e-mail."),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        validate_password(password, self.user)
        return password
