"""The result lists of the public pages (contact points and persons, civil actors) as
HTML list items, made from plain values in Python.

Profiled on the public search under load, Django's template engine spent more time on
the 40 rows of a result page (a hundred variable lookups, an include per contact) than
the rest of the request; every value here is escaped with ``django.utils.html.escape``
before it is put into the markup. A person's name, e-mail and phone are read only where
:func:`samspil.register.access.can_see_person` would allow it: whose unconsented persons
the user sees is asked once per page (:func:`samspil.register.access.person_sight`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from samspil.register import access, freshness
from samspil.register.models import Contact
from samspil.register.taxonomy import taxonomy

CONTACT_VALUES = (
    "uuid", "title", "topic", "areas", "unit__name", "name", "email", "phone", "personal",
    "consent_at", "organization_id", "municipality_id", "verified_at",
)  # fmt: skip
ACTOR_VALUES = ("uuid", "name", "actor_type", "areas", "municipality__name", "verified_at")


def contact_items(
    user: Any,
    contacts: QuerySet[Contact],
    with_municipality: bool = False,
    can_edit: bool = False,
) -> list[dict[str, Any]]:
    """One ``{"areas": [...], "html": <li>}`` per contact, read as values (no model
    objects): heading (function, else topic), topic, unit, the municipality (search
    results), the person's details when public or the user may see them (their own
    municipality's or actor's contacts; researchers all), an edit link."""
    fields = (*CONTACT_VALUES, "municipality__name") if with_municipality else CONTACT_VALUES
    hidden = _("The person's details are shown only with their consent.")
    word = {"municipality": _("Municipality"), "edit": _("Edit")}
    items = []
    now = timezone.now()
    sight: access.PersonSight | None = None
    for c in contacts.values(*fields):
        shown = Contact.public_person(c["personal"], c["consent_at"])
        if not shown:
            sight = access.person_sight(user) if sight is None else sight
            shown = sight.sees(c["organization_id"], c["municipality_id"])
        heading = escape(c["title"] or c["topic"])
        html = [f"<strong>{heading}</strong>"]
        if c["title"] and c["topic"]:
            html.append(f": {escape(c['topic'])}")
        if freshness.is_unconfirmed(c["verified_at"], now):
            html.append(unconfirmed_mark())
        if c["unit__name"]:
            html.append(f"<br>{escape(c['unit__name'])}")
        if c.get("municipality__name"):
            html.append(f", {escape(c['municipality__name'])} {escape(word['municipality'])}")
        if shown:
            html.append(_person(c))
        else:
            html.append(f'<br><span class="help">{escape(hidden)}</span>')
        if can_edit:
            url = escape(reverse("register_contact_edit", args=[c["uuid"]]))
            html.append(
                f'<br><a href="{url}">{escape(word["edit"])}'
                f'<span class="visually-hidden"> {heading}</span></a>'
            )
        items.append(
            {"areas": c["areas"], "html": mark_safe(f'<li class="contact">{"".join(html)}</li>')}
        )
    return items


def _person(contact: Mapping[str, Any]) -> str:
    html = []
    if contact["name"]:
        html.append(f"<br>{escape(contact['name'])}")
    if contact["email"]:
        email = escape(contact["email"])
        html.append(f'<br><a href="mailto:{email}">{email}</a>')
    if contact["phone"]:
        tel = escape(contact["phone"].replace(" ", ""))
        html.append(f'<br><a href="tel:{tel}">{escape(contact["phone"])}</a>')
    return "".join(html)


def unconfirmed_mark() -> str:
    """The "ikke bekræftet" mark of a record unconfirmed for 12 months (freshness)."""
    title = escape(_("Not confirmed by the actor or the municipality for over 12 months."))
    return f' <span class="unconfirmed" title="{title}">({escape(_("not confirmed"))})</span>'


def actor_items(actors: Iterable[Mapping[str, Any]]) -> list[SafeString]:
    """One <li> per civil actor (values of ``ACTOR_VALUES``): its page, municipality, type
    and areas."""
    tax = taxonomy()
    placeholder = "00000000-0000-0000-0000-000000000000"
    url = reverse("register_actor", args=[placeholder])  # once, not once per actor
    items = []
    now = timezone.now()
    for a in actors:
        areas = ", ".join(tax.label("areas", code) for code in a["areas"])
        kind = ": ".join(p for p in (tax.label("actor_types", a["actor_type"]), areas) if p)
        href = escape(url.replace(placeholder, str(a["uuid"])))
        where = escape(a["municipality__name"])
        items.append(
            mark_safe(
                f'<li><a href="{href}">{escape(a["name"])}</a>, {where}'
                f"{unconfirmed_mark() if freshness.is_unconfirmed(a['verified_at'], now) else ''}"
                f'<br><span class="help">{escape(kind)}</span></li>'
            )
        )
    return items
