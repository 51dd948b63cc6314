from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.fieldwork.models import RAKE_CHOICES, Study
from samspil.instruments import InstrumentError, bundled_ids, load_bytes
from samspil.instruments.xlsform import XLSFORM_LIMITS
from samspil.web.uploads import check_table_upload, check_upload_size, check_xlsx_upload


class MailTextsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Study
        fields = ["mail_note", "mail_signature", "municipal_reports"]
        widgets = {
            "municipal_reports": forms.CheckboxInput(
                attrs={"aria-describedby": "id_municipal_reports-help"}
            ),
            "mail_note": forms.Textarea(attrs={"rows": 4, "aria-describedby": "id_mail_note-help"}),
            "mail_signature": forms.Textarea(
                attrs={"rows": 3, "aria-describedby": "id_mail_signature-help"}
            ),
        }


class StudyCreateForm(forms.Form):
    name = forms.CharField(label=_("Name of the study"), max_length=200)
    instrument = forms.ChoiceField(label=_("Questionnaire"), choices=(), required=False)
    questionnaire = forms.FileField(
        label=_("Or your own questionnaire (XLSForm .xlsx or YAML)"),
        required=False,
        help_text=_(
            "It is checked now and frozen when the study opens. See docs/instruments.md "
            "for how to write it."
        ),
    )

    def clean_questionnaire(self):  # type: ignore[no-untyped-def]
        """The uploaded questionnaire as (instrument, file name), or None."""
        upload = self.cleaned_data.get("questionnaire")
        if not upload:
            return None
        check_upload_size(upload)
        name = upload.name or "upload"
        if not name.lower().endswith((".xlsx", ".xlsm", ".xls", ".yaml", ".yml")):
            raise forms.ValidationError(_("Use an XLSForm (.xlsx) or YAML file."))
        cannot = str(_("The questionnaire cannot be used:"))
        try:
            check_xlsx_upload(upload, XLSFORM_LIMITS)  # before pyxform parses it
        except forms.ValidationError as exc:
            raise forms.ValidationError([cannot, *exc.messages]) from None
        try:
            instrument = load_bytes(upload.read(), name)
        except InstrumentError as exc:
            problems: list[str] = [cannot, *str(exc).splitlines()[:60]]
            raise forms.ValidationError(problems) from None
        return instrument, name

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        if not data.get("questionnaire") and not data.get("instrument"):
            raise forms.ValidationError(_("Choose a questionnaire or upload your own."))
        return data

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(i, i) for i in bundled_ids()]


class RespondentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Respondent list (CSV or XLSX)"),
        help_text=_("Columns: name, email, municipality; optional unit and any other columns."),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        return check_table_upload(self.cleaned_data["file"])


class TestLinkForm(forms.Form):
    email = forms.EmailField(label=_("Send a test link to"))


class SendRoundForm(forms.Form):
    """The next e-mail round: now, or from a date and time (local time)."""

    send_at = forms.DateTimeField(
        label=_("Send from (empty: now)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    # The round the button sends: a second click of the same button is refused instead of
    # starting the next round.
    round = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class PreviousRoundForm(forms.Form):
    """The previous round of the survey, among the studies the researcher may see."""

    previous = forms.ModelChoiceField(
        queryset=Study.objects.none(),
        required=False,
        label=_("Previous round"),
        empty_label=_("(none)"),
        help_text=_(
            "The report puts the previous round's figures beside this one's, question by "
            "question (matched by variable name), with the change and its significance."
        ),
    )

    def __init__(self, *args: Any, studies: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = studies  # type: ignore[attr-defined]


class RakeForm(forms.Form):
    """How the study's report is weighted (samspil.reports.population)."""

    rake = forms.ChoiceField(
        choices=RAKE_CHOICES,
        required=False,
        label=_("Weighting of the report"),
        help_text=_(
            "Raking weights give the respondents the same distribution over the regions as "
            "the country's 98 municipalities; the report's tables are then weighted and a "
            "table shows the weights."
        ),
    )


class FrontMatterForm(forms.Form):
    """The report's foreword and summary of main findings: Markdown files (checked like
    every upload: size, then UTF-8 text), either or both."""

    foreword = forms.FileField(
        label=_("Foreword (Markdown)"),
        required=False,
        help_text=_("Placed before the report's first chapter, under the heading “Forord”."),
    )
    summary = forms.FileField(
        label=_("Summary of main findings (Markdown)"),
        required=False,
        help_text=_(
            "Placed after the foreword, under the heading “Sammenfatning”. A heading "
            "at the top of the file (# Hovedresultater) becomes the chapter's title."
        ),
    )

    def _markdown(self, name: str) -> str | None:
        from samspil.reports.frontmatter import MAX_BYTES, FrontMatterError, markdown_text

        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        check_upload_size(upload)
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: a foreword or summary may be at most 100 kB.")
            )
        try:
            return markdown_text(upload.read(), upload.name or "upload")
        except FrontMatterError:
            raise forms.ValidationError(_("Save the file as UTF-8 text.")) from None

    def clean_foreword(self) -> str | None:
        return self._markdown("foreword")

    def clean_summary(self) -> str | None:
        return self._markdown("summary")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and cleaned.get("foreword") is None and cleaned.get("summary") is None:
            raise forms.ValidationError(_("Choose a foreword or a summary file."))
        return cleaned


class ReportDefinitionForm(forms.Form):
    """A report definition (YAML, as `samspil report-definition` writes it) for the study's
    questionnaire; every problem is listed on the page."""

    definition = forms.FileField(
        label=_("Report definition (YAML)"),
        help_text=_(
            "Made with “samspil report-definition”, then retitled, reordered or regrouped. "
            "Without one the study gets the default report of its questionnaire."
        ),
    )

    def __init__(self, *args: Any, instrument: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instrument = instrument

    def clean_definition(self):  # type: ignore[no-untyped-def]
        from samspil.reports.spec import SpecError, parse_spec, unknown_references

        upload = self.cleaned_data["definition"]
        check_upload_size(upload)
        name = upload.name or "upload"
        try:
            spec = parse_spec(upload.read().decode("utf-8"), name)
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Save the file as UTF-8 text.")) from None
        except SpecError as exc:
            raise forms.ValidationError(str(exc).splitlines()[:60]) from None
        problems = unknown_references(spec, self.instrument)
        if problems:
            raise forms.ValidationError(problems[:60])
        return spec
