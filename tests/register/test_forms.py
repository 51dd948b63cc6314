"""The register's forms and the shared form include (issue 23, item 4), without a browser:
password validators, the error summary's links, Danish numbers and history in words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from samspil.register import display, forms
from samspil.web.templatetags.samspil_forms import error_items

STRONG = "Solsikke-Marmelade-42"


def _signup(aarhus, password: str) -> forms.SignupForm:  # type: ignore[no-untyped-def]
    return forms.SignupForm(
        {
            "name": "Strikkeklubben",
            "actor_type": "lokale",
            "municipality": aarhus.pk,
            "your_name": "Grethe",
            "your_email": "grethe.garnnoegle@example.org",
            "password": password,
        }
    )


@pytest.mark.django_db
def test_signup_runs_djangos_password_validators(aarhus):
    common = _signup(aarhus, "1234567890")
    assert not common.is_valid()
    assert list(common.errors) == ["password"]
    like_the_address = _signup(aarhus, "grethe.garnnoegle")
    assert not like_the_address.is_valid() and "password" in like_the_address.errors
    assert _signup(aarhus, STRONG).is_valid()


@pytest.mark.django_db
def test_an_invited_persons_password_is_checked_against_their_account(django_user_model):
    user = django_user_model(username="kollega@example.org", email="kollega@example.org")
    assert not forms.PasswordForm({"password": "kollega@example.org"}, user=user).is_valid()
    assert not forms.PasswordForm({"password": "qwertyuiop"}, user=user).is_valid()
    assert forms.PasswordForm({"password": STRONG}, user=user).is_valid()


@pytest.mark.django_db
def test_the_error_summary_links_each_problem_to_its_field(aarhus):
    collaboration = forms.CollaborationForm({"title": ""})
    partners = forms.PartnerFormSet(
        {
            "partner-TOTAL_FORMS": "2",
            "partner-INITIAL_FORMS": "0",
            "partner-0-role": "partner",
            "partner-1-role": "partner",
        },
        prefix="partner",
    )
    assert not collaboration.is_valid() and not partners.is_valid()
    items = error_items(collaboration, None, partners)
    anchors = [i["anchor"] for i in items]
    assert anchors[0] == "id_title"
    assert "id_areas_0" in anchors  # a group of checkboxes: its first option
    assert items[-1]["anchor"] == "id_partner-0-actor"  # the formset's own problem
    assert all(": " in i["text"] for i in items[:-1])  # each named by its field
    assert error_items(forms.InviteForm()) == []  # an unbound form has no problems


def test_value_report_numbers_read_as_the_report_tables_print_them():
    assert display.amount(Decimal("45000")) == "45.000 kr."
    assert display.measure("municipal_costs", Decimal("45000")) == "45.000 kr."
    assert display.measure("participants", 1250) == "1.250"
    assert [display.number(Decimal(v)) for v in ("0.00", "50.00", "47.00")] == ["0", "50", "47"]
    assert display.number(Decimal("87.5")) == "87,5"
    assert display.measure("user_satisfaction", None) == ""
