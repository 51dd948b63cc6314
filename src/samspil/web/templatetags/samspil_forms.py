"""The one way the apps' forms look (issue 23, item 4): a Danish error summary at the
top linking to each field with a problem, each field's problem beside it, required
fields marked, hints tied to their fields. The register and the privacy pages load it
(``{% load samspil_forms %}``), so no app copies another's markup.

    {% error_summary form other_form formset %}   the summary (nothing when all is well)
    {% form_fields form %}                         every field of a form, in order
"""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


def _forms_of(item: Any) -> list[forms.BaseForm]:
    if isinstance(item, forms.BaseFormSet):
        return list(item.forms)
    return [item] if isinstance(item, forms.BaseForm) else []


def anchor(field: forms.BoundField) -> str:
    """The id the summary links to: the field's input, or the first of its options
    (checkboxes and radio buttons have no single input)."""
    return field.id_for_label or f"{field.auto_id}_0"


def _first_anchor(form: forms.BaseForm) -> str:
    visible = form.visible_fields()
    return anchor(visible[0]) if visible else ""


def error_items(*items: Any) -> list[dict[str, str]]:
    """(anchor, text) of every problem of the given forms and formsets, in page order: a
    field's problem links to the field; a problem of the whole form (or formset) to its
    first field."""
    found: list[dict[str, str]] = []
    for item in items:
        if item is None or item == "":
            continue
        if isinstance(item, list | tuple):
            found += error_items(*item)
            continue
        if isinstance(item, forms.BaseFormSet) and item.is_bound:
            first = _first_anchor(item.forms[0]) if item.forms else ""
            found += [{"anchor": first, "text": str(e)} for e in item.non_form_errors()]
        for form in _forms_of(item):
            if not form.is_bound:
                continue
            first = _first_anchor(form)
            found += [{"anchor": first, "text": str(e)} for e in form.non_field_errors()]
            for field in form:
                for error in field.errors:
                    found.append({"anchor": anchor(field), "text": _named(field, str(error))})
    return found


def _named(field: forms.BoundField, error: str) -> str:
    """'Label: problem' ('Label? problem' when the label is a question or a sentence)."""
    label = str(field.label or "").rstrip(":").strip()
    if not label:
        return error
    return f"{label} {error}" if label.endswith((".", "?", "!")) else f"{label}: {error}"


@register.inclusion_tag("samspil/forms/_error_summary.html")
def error_summary(*items: Any) -> dict[str, Any]:
    return {"errors": error_items(*items)}


def field_context(field: forms.BoundField) -> dict[str, Any]:
    """What ``_field.html`` needs: the hint's and the problem's ids, and the widget with
    ``aria-describedby`` naming them (on the fieldset instead for a group of options)."""
    help_id = f"{field.auto_id}-help" if field.help_text else ""
    error_id = f"{field.auto_id}-error" if field.errors else ""
    described = " ".join(i for i in (help_id, error_id) if i)
    grouped = field.use_fieldset
    attrs: dict[str, str | bool] = (
        {"aria-describedby": described} if described and not grouped else {}
    )
    return {
        "field": field,
        "widget": field.as_widget(attrs=attrs),
        "grouped": grouped,
        "checkbox": field.widget_type == "checkbox",
        "help_id": help_id,
        "error_id": error_id,
        "described": described,
        "label": str(field.label or "").rstrip(":"),
    }


@register.inclusion_tag("samspil/forms/_fields.html")
def form_fields(form: forms.BaseForm) -> dict[str, Any]:
    return {
        "form": form,
        "hidden": form.hidden_fields(),
        "fields": [field_context(f) for f in form.visible_fields()],
        "non_field_errors": form.non_field_errors() if form.is_bound else [],
        "first": _first_anchor(form),
    }
