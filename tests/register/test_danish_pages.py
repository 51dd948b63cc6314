"""No English word on a Danish register page (issue 23, item 4).

Method: every URL pattern of the register app is requested (GET, following redirects) as
each role (the public, municipal staff, an actor's representative, a researcher, a
logged-in outsider), with data behind every page (an actor, contact points, a
collaboration with a value report, its indicators, assessment and history, a recorded
change, valid links from e-mails); each form page is also submitted empty, so its error
messages are rendered. The text a reader meets is taken from each HTML page: the text
nodes of the body (``<script>`` and ``<style>`` left out) and the attributes read aloud or
shown (``aria-label``, ``title``, ``alt``, ``placeholder``, and the value of buttons).
That text is searched, whole words and case-sensitive, for a list of English words the
pages used to show or that Django shows when a translation is missing (``ENGLISH``). A
list cannot prove a page Danish; it catches the regressions seen (half-English roles,
"True", "edited") and untranslated Django defaults. The test also fails when a URL
pattern has no page in the walk, so a new page cannot slip past it."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import URLPattern

from samspil.register import actions, confirmation
from samspil.register.models import ConfirmationDelivery, ConfirmationRound, ValueReport
from samspil.register.urls import urlpatterns

ENGLISH = (
    "lead",
    "funder",
    "edited",
    "reopened",
    "approved",
    "assessed",
    "joint",
    "True",
    "False",
    "None",
    "Submit",
    "Save",
    "Search",
    "Edit",
    "Delete",
    "Yes",
    "Unknown",
    "required",
    "This field",
    "Enter a valid",
    "Ensure this value",
    "Select a valid choice",
    "Please",
    "Choose",
    "version history",
    "January",
    "December",
)
WORDS = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")
READ_ALOUD = ("aria-label", "title", "alt", "placeholder")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.body = True
        if tag in ("script", "style"):
            self.skip += 1
        values = dict(attrs)
        for name in READ_ALOUD:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.body and not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_words(html: str) -> list[str]:
    return sorted(set(WORDS.findall(visible_text(html))))


def test_the_word_check_finds_english_and_passes_danish():
    assert english_words("<body><p>Ansvarlig (lead): True</p></body>") == ["True", "lead"]
    assert english_words('<body><button aria-label="Edit">x</button></body>') == ["Edit"]
    assert english_words("<body><script>var lead = 1</script><p>Ansvarlig</p></body>") == []
    assert english_words("<body><p>redigeret af Karen, leader-board</p></body>") == []


@pytest.fixture
def world(django_user_model, staff, rep, club, collaboration, contacts, aarhus):  # type: ignore[no-untyped-def]
    """Data behind every register page, and the values of each URL parameter."""
    from samspil.register.models import Contact

    consented = contacts[0]
    actions.update_actor(rep, club, {"website": "https://boldklubben.example"})
    actor_contact = Contact.objects.create(organization=club, title="Kasserer", name="Ib")
    report = actions.save_report(
        staff,
        collaboration,
        {
            "period_start": dt.date(2025, 1, 1),
            "period_end": dt.date(2025, 12, 31),
            "participants": 1250,
            "municipal_costs": 45000,
            "goals_met": False,
        },
        [{"goal": "Flere i bevægelse", "title": "Deltagere", "baseline": 0, "target": 50}],
    )
    membership = collaboration.memberships.get(municipality=aarhus)
    actions.save_assessment(staff, report, membership, {"inspirerende": "1"}, "Godt")
    actions.approve_report(staff, report, None)
    mail_round = ConfirmationRound.objects.create(municipality=aarhus, year=2026)
    delivery = ConfirmationDelivery.objects.create(mail_round=mail_round, organization=club)
    _party, confirm_token = actions.register_actor(
        "ny@example.org",
        "Solsikke-Marmelade-42",
        "Ny",
        {"name": "Ny forening", "actor_type": "lokale", "municipality": aarhus},
    )
    values = {
        "code": aarhus.code,
        "actor_id": club.uuid,
        "contact_id": consented.uuid,
        "collab_id": collaboration.uuid,
        "report_id": report.pk,
        "membership_id": membership.pk,
        "change_id": club.changes.first().pk,
        "token": {
            "register_confirm": confirm_token,
            "register_still_right": confirmation.token(delivery),
            "register_accept": actions.invite_staff(staff, aarhus, "kollega@example.org"),
        },
    }
    return values, actor_contact


def _path(pattern: URLPattern, values: dict[str, Any]) -> str:
    from django.urls import reverse

    kwargs = {}
    for name in pattern.pattern.converters:
        value = values[name]
        kwargs[name] = value[pattern.name] if isinstance(value, dict) else value
    return reverse(str(pattern.name), kwargs=kwargs)


def test_no_english_word_on_any_register_page_for_any_role(
    client, world, django_user_model, register_researcher, outsider
):
    values, actor_contact = world
    users = {
        "public": None,
        "staff": django_user_model.objects.get(username="medarbejder"),
        "representative": django_user_model.objects.get(username="formand"),
        "researcher": register_researcher,
        "outsider": outsider,
    }
    found: dict[str, list[str]] = {}
    pages = 0
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        paths = [_path(p, values) for p in urlpatterns if isinstance(p, URLPattern)]
        paths += [f"/register/aktoer/{values['actor_id']}/kontakt/ny/"]
        paths += [f"/register/kontakt/{actor_contact.uuid}/", "/register/?q=bold&kommune=751"]
        paths += ["/register/?kommune=1"]  # an error message
        for path in paths:
            if "bekraeft" in path and role != "public":
                continue  # the registration link works once
            response = client.get(path, follow=True)
            responses = [response]
            stack_form = '<form method="post" class="stack" novalidate>'
            if response.status_code == 200 and stack_form in response.text:
                responses.append(client.post(path, {}, follow=True))
            if path.endswith(("/enhed/ny/", "/samtykke/")):  # POST only: their problems
                responses.append(client.post(path, {}, follow=True))
            for r in responses:
                if r.status_code == 405 or "html" not in r.get("Content-Type", ""):
                    continue
                pages += 1
                words = english_words(r.content.decode())
                if words:
                    found[f"{role} {path} ({r.status_code})"] = words
    assert found == {}
    assert pages > 5 * len(urlpatterns) // 2
    assert ValueReport.objects.get().history.count() >= 3
