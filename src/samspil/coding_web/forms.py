from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from samspil.coding import bundled_codebooks
from samspil.coding_web.models import CodingProject
from samspil.web.uploads import check_table_upload

SOURCE_STUDY = "study"
SOURCE_FILE = "file"


class ProjectCreateForm(forms.Form):
    name = forms.CharField(label=_("Name of the coding project"), max_length=200)
    codebook = forms.ChoiceField(label=_("Codebook"), choices=())
    source = forms.ChoiceField(
        label=_("Answers from"),
        choices=[(SOURCE_STUDY, _("a study in samspil")), (SOURCE_FILE, _("a data file"))],
        widget=forms.RadioSelect,
        initial=SOURCE_STUDY,
    )
    # The studies the user may see (samspil.web.response_sources: "study"), set in __init__.
    study: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Study"), queryset=None, required=False
    )
    file = forms.FileField(
        label=_("Answers file (CSV or XLSX)"),
        help_text=_(
            "Columns: respondent_id and one column per open question (variable name or "
            "question text); other questions of the questionnaire may be included."
        ),
        required=False,
    )
    coder_1: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Coder 1"), queryset=get_user_model().objects.none()
    )
    coder_2: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Coder 2"), queryset=get_user_model().objects.none()
    )

    def __init__(self, *args: Any, studies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codebook"].choices = [(c, c) for c in bundled_codebooks()]  # type: ignore[attr-defined]
        if studies is None:  # none to choose from
            model = CodingProject._meta.get_field("study").related_model
            studies = model._default_manager.none()  # type: ignore[union-attr]
        self.fields["study"].queryset = studies  # type: ignore[attr-defined]
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["coder_1"].queryset = users  # type: ignore[attr-defined]
        self.fields["coder_2"].queryset = users  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        return check_table_upload(upload)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == SOURCE_STUDY and not data.get("study"):
            self.add_error("study", _("Choose a study."))
        if data.get("source") == SOURCE_FILE and not data.get("file"):
            self.add_error("file", _("Choose a file."))
        first, second = data.get("coder_1"), data.get("coder_2")
        if first is not None and second is not None and first.pk == second.pk:
            self.add_error("coder_2", _("Choose two different coders."))
        return data


class ThresholdForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Pre-tick suggested codes from this probability (percent)"),
        min_value=50,
        max_value=99,
        help_text=_(
            "Higher: fewer pre-ticked codes, more often right. Applies when the suggestions "
            "are trained again."
        ),
        widget=forms.NumberInput(attrs={"aria-describedby": "id_threshold-help"}),
    )
