"""Register pages. Public pages (search, municipality, actor) need no login; the rest is
for municipal staff, actor representatives and researchers. Views are thin: forms
validate, ``access`` decides, ``actions`` write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db.models import Prefetch, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.municipalities.models import Municipality
from samspil.register import access, actions, display, forms, freshness, overview
from samspil.register.listing import ACTOR_VALUES, actor_items, contact_items
from samspil.register.models import (
    Change,
    Collaboration,
    Contact,
    Membership,
    Organization,
    ValueReport,
)
from samspil.register.search import filter_area, filter_text, first_by_name
from samspil.register.taxonomy import taxonomy

RESULTS = 20  # per list; a phone shows about this many
OVERVIEW_NUMBERS = (
    "collaborations",
    "joint_reports",
    "open_reports",
    "participants",
    "volunteer_hours",
    "municipal_costs",
    "goals_met",
)


# -- public -------------------------------------------------------------------------------


def search(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "searched": False,
        "kommune_options": form.options("kommune"),
        "omraade_options": form.options("omraade"),
    }
    if form.is_valid() and any(form.cleaned_data.values()):
        data = form.cleaned_data
        # Only the columns the page shows, as values (not the search text, the largest).
        contacts = Contact.objects.filter(municipality__isnull=False)
        everyone = Organization.objects.filter(confirmed=True)
        if not access.is_researcher(request.user):
            # Unconfirmed for 24 months: off the public search (freshness).
            contacts, everyone = freshness.public(contacts), freshness.public(everyone)
        actors = everyone.values(*ACTOR_VALUES)
        if data["kommune"]:
            # The municipality's key in the same query (the planner then uses the
            # municipality + name index rather than a join on the code).
            chosen = Subquery(Municipality.objects.filter(code=data["kommune"]).values("pk"))
            contacts = contacts.filter(municipality_id=chosen)
            actors = actors.filter(municipality_id=chosen)
        if data["omraade"]:
            contacts = filter_area(contacts, data["omraade"])
            actors = filter_area(actors, data["omraade"])
        if data["q"]:
            contacts = filter_text(contacts, data["q"])
        actors = first_by_name(actors, data["q"], RESULTS, narrowed=bool(data["kommune"]))
        context.update(
            searched=True,
            contacts=contact_items(
                request.user, contacts.order_by("topic", "pk")[:RESULTS], with_municipality=True
            ),
            actors=actor_items(actors),
            limit=RESULTS,
        )
    return render(request, "register/search.html", context)


def municipality_page(request: HttpRequest, code: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, code=code)
    contacts = municipality.contact_points.order_by("topic", "pk")  # type: ignore[attr-defined]
    can_edit = access.can_edit_municipality(request.user, municipality)
    actors = municipality.actors.filter(confirmed=True)  # type: ignore[attr-defined]
    if not (can_edit or access.is_researcher(request.user)):
        contacts, actors = freshness.public(contacts), freshness.public(actors)
    by_area: list[tuple[str, list[dict[str, Any]]]] = []
    rows = contact_items(request.user, contacts, can_edit=can_edit)
    for term in taxonomy().areas:
        found = [r for r in rows if term.code in r["areas"]]
        if found:
            by_area.append((term.label, found))
    other = [r for r in rows if not r["areas"]]
    if other:
        by_area.append((_("Other topics"), other))
    return render(
        request,
        "register/municipality.html",
        {
            "municipality": municipality,
            "by_area": by_area,
            "actor_count": actors.count(),
            "can_edit": can_edit,
            "can_see_overview": can_edit or access.is_researcher(request.user),
        },
    )


def actor_page(request: HttpRequest, actor_id: str) -> HttpResponse:
    actor = get_object_or_404(
        Organization.objects.select_related("municipality").prefetch_related("locations"),
        uuid=actor_id,
    )
    if not access.can_see_actor(request.user, actor):
        raise Http404
    collaborations = Collaboration.objects.filter(memberships__organization=actor).distinct()
    can_edit = access.can_edit_actor(request.user, actor)
    contacts = contact_items(request.user, actor.contacts.all(), can_edit=can_edit)  # type: ignore[attr-defined]
    return render(
        request,
        "register/actor.html",
        {
            "actor": actor,
            "location": next(iter(actor.locations.all()), None),
            "contacts": contacts,
            "collaborations": collaborations,
            "can_edit": can_edit,
            "unconfirmed": freshness.is_unconfirmed(actor.verified_at),
            "changes": changes(actor) if can_edit or access.is_researcher(request.user) else [],
            "can_restore": can_edit,
        },
    )


def changes(record: Any) -> list[dict[str, Any]]:
    """A record's history for its own people and researchers: when, who, and each changed
    field by its Danish name with the old and new value."""
    model = type(record)
    rows = []
    for change in record.changes.select_related("user")[:50]:
        fields = []
        for item in change.fields:
            try:
                label = str(model._meta.get_field(item["field"]).verbose_name)
            except Exception:  # a field since removed
                label = item["field"]
            fields.append({"label": label, **item})
        restorable = any("raw" in item for item in change.fields)
        rows.append(
            {
                "id": change.pk,
                "at": change.at,
                "user": change.user,
                "fields": fields,
                "restorable": restorable,
            }
        )
    return rows


@login_required
@require_POST
def change_restore(request: HttpRequest, change_id: int) -> HttpResponse:
    """Put a record back as it was before one of its changes (its own people only)."""
    change = get_object_or_404(Change, pk=change_id)
    actions.restore(request.user, change)
    messages.success(request, _("The earlier version is restored."))
    if change.organization is not None:
        return redirect("register_actor", actor_id=change.organization.uuid)
    if change.contact is not None:
        return redirect("register_contact_edit", contact_id=change.contact.uuid)
    return redirect("register_collaboration", collab_id=change.collaboration.uuid)  # type: ignore[union-attr]


# -- accounts -----------------------------------------------------------------------------


def _absolute(request: HttpRequest, name: str, token: str) -> str:
    from django.conf import settings

    path = reverse(name, args=[token])
    return f"{settings.BASE_URL}{path}" if settings.BASE_URL else request.build_absolute_uri(path)


def signup(request: HttpRequest) -> HttpResponse:
    """An association registers itself; the account works once the e-mailed link is opened."""
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _party, token = actions.register_actor(
                data["your_email"], data["password"], data["your_name"], data
            )
        except ValueError:
            form.add_error("your_email", _("This e-mail address already has an account."))
        else:
            link = _absolute(request, "register_confirm", token)
            send_mail(
                _("Confirm your registration"),
                _("Open this link to confirm your e-mail address:") + f"\n\n{link}\n",
                None,
                [data["your_email"]],
            )
            return render(
                request,
                "register/message.html",
                {
                    "title": _("Check your e-mail"),
                    "text": _("We have sent you a link. Open it to confirm your registration."),
                },
            )
    return render(
        request, "register/form.html", {"form": form, "title": _("Register your association")}
    )


def _void_link(request: HttpRequest) -> HttpResponse:
    """The one answer to a link that is not valid: forged, expired, used, or for a
    deactivated account (404, the same page for each)."""
    return render(
        request,
        "register/message.html",
        {
            "title": _("The link is not valid"),
            "text": _(
                "The link has been used, has expired or is not valid. A link works once. "
                "Log in, or ask for a new invitation."
            ),
        },
        status=404,
    )


def still_right(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation e-mail's link: the page asks once more and its button confirms (a
    GET changes nothing, so a mail filter that opens links does not confirm or use it up).
    The link works once."""
    from samspil.register import confirmation

    try:
        delivery = confirmation.delivery_for_token(token)
    except LookupError:
        return _void_link(request)
    record = delivery.record
    if request.method == "POST":
        try:
            confirmation.confirm_by_link(token)
        except LookupError:
            return _void_link(request)
        return render(
            request,
            "register/message.html",
            {
                "title": _("Thank you"),
                "text": _("The information is confirmed. We will ask again in a year."),
            },
        )
    edit = (
        reverse("register_actor_edit", args=[record.uuid])
        if isinstance(record, Organization)
        else reverse("register_contact_edit", args=[record.uuid])
    )
    return render(request, "register/still_right.html", {"record": record, "edit_url": edit})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        actions.confirm_registration(token)
    except LookupError:
        return _void_link(request)
    messages.success(request, _("Your e-mail address is confirmed. You can log in now."))
    return redirect(f"{reverse('login')}?next={reverse('register_mine')}")


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """An invited person chooses a password (once: the link is void afterwards)."""
    try:
        party = actions.party_for_token(token, actions.INVITE_SALT)
    except LookupError:
        return _void_link(request)
    form = forms.PasswordForm(request.POST or None, user=party.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.accept_invitation(token, form.cleaned_data["password"])
        except LookupError:
            return _void_link(request)
        messages.success(request, _("Your account is ready. Log in with your e-mail address."))
        return redirect(f"{reverse('login')}?next={reverse('register_mine')}")
    return render(
        request, "register/form.html", {"form": form, "title": _("Accept the invitation")}
    )


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    """Invite a colleague (municipal staff) or a fellow representative (actor)."""
    parties = list(access.parties(request.user).select_related("municipality", "organization"))
    if not parties:
        raise PermissionDenied
    party = parties[0]
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if party.organization is not None:
            token = actions.invite_representative(request.user, party.organization, email)
            where = party.organization.name
        else:
            token = actions.invite_staff(request.user, party.municipality, email)  # type: ignore[arg-type]
            where = str(party.municipality)
        send_mail(
            _("Invitation to the register"),
            _("You are invited to edit %(where)s in the register. Choose a password here:")
            % {"where": where}
            + f"\n\n{_absolute(request, 'register_accept', token)}\n",
            None,
            [email],
        )
        messages.success(request, _("The invitation has been sent."))
        return redirect("register_mine")
    return render(request, "register/form.html", {"form": form, "title": _("Invite a person")})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    parties = access.parties(request.user).select_related("municipality", "organization")
    return render(
        request,
        "register/mine.html",
        {
            "parties": parties,
            "collaborations": access.collaborations_for(request.user).order_by("title")[:200],
            "researcher": access.is_researcher(request.user),
        },
    )


# -- actors and contacts ------------------------------------------------------------------


@login_required
def actor_edit(request: HttpRequest, actor_id: str) -> HttpResponse:
    actor = get_object_or_404(Organization, uuid=actor_id)
    access.require(access.can_edit_actor(request.user, actor))
    return _edit_page(
        request,
        forms.ActorForm(request.POST or None, instance=actor),
        lambda data: actions.update_actor(request.user, actor, data),
        reverse("register_actor", args=[actor.uuid]),
        actor.name,
    )


def _edit_page(
    request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], object], done: str, title: str
) -> HttpResponse:
    """The one-form edit page: valid input is saved by ``save`` (an action), else shown."""
    if request.method == "POST" and form.is_valid():
        save(form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(done)
    return render(request, "register/form.html", {"form": form, "title": title})


@login_required
def contact_new(request: HttpRequest, code: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, code=code)
    access.require(access.can_edit_municipality(request.user, municipality))
    return _contact_form(request, Contact(municipality=municipality), municipality)


@login_required
def actor_contact_new(request: HttpRequest, actor_id: str) -> HttpResponse:
    actor = get_object_or_404(Organization, uuid=actor_id)
    access.require(access.can_edit_actor(request.user, actor))
    return _contact_form(request, Contact(organization=actor), None)


@login_required
def contact_edit(request: HttpRequest, contact_id: str) -> HttpResponse:
    contact = get_object_or_404(Contact.objects.select_related("municipality"), uuid=contact_id)
    access.require(access.can_edit_contact(request.user, contact))
    return _contact_form(request, contact, contact.municipality)


def _contact_form(
    request: HttpRequest, contact: Contact, municipality: Municipality | None
) -> HttpResponse:
    form = forms.ContactForm(request.POST or None, instance=contact, municipality=municipality)
    unit_form = forms.UnitForm(prefix="unit", initial={"back": request.path})
    consent = forms.ConsentForm(prefix="consent", initial={"consent_at": contact.consent_at})
    if request.method == "POST" and form.is_valid():
        actions.save_contact(request.user, contact, form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("register_contact_edit", contact_id=contact.uuid)
    return render(
        request,
        "register/contact_form.html",
        {
            "form": form,
            "contact": contact,
            "unit_form": unit_form,
            "consent": consent,
            "municipality": municipality,
            "changes": changes(contact) if contact.pk else [],
            "can_restore": True,  # the page is for those who may edit the contact
        },
    )


@login_required
@require_POST
def unit_new(request: HttpRequest, code: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, code=code)
    access.require(access.can_edit_municipality(request.user, municipality))
    form = forms.UnitForm(request.POST, prefix="unit")
    if not form.is_valid():  # shown again on its own page, with the problem
        return render(request, "register/form.html", {"form": form, "title": _("New unit")})
    actions.save_unit(request.user, municipality, form.cleaned_data["name"])
    messages.success(request, _("The unit has been added."))
    back = form.cleaned_data["back"]
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("register_municipality", args=[code])
    return redirect(back)


@login_required
@require_POST
def contact_consent(request: HttpRequest, contact_id: str) -> HttpResponse:
    contact = get_object_or_404(Contact, uuid=contact_id)
    access.require(access.can_edit_contact(request.user, contact))
    form = forms.ConsentForm(request.POST, prefix="consent")
    if not form.is_valid():  # shown again on its own page, with the problem
        return render(request, "register/form.html", {"form": form, "title": _("Record consent")})
    actions.record_consent(request.user, contact, form.cleaned_data["consent_at"])
    messages.success(request, _("The consent has been recorded."))
    return redirect("register_contact_edit", contact_id=contact.uuid)


@login_required
@require_POST
def contact_forget(request: HttpRequest, contact_id: str) -> HttpResponse:
    contact = get_object_or_404(Contact, uuid=contact_id)
    actions.remove_personal_data(request.user, contact)
    messages.success(request, _("Name, e-mail and phone have been deleted."))
    return redirect("register_contact_edit", contact_id=contact.uuid)


# -- collaborations and value reports -----------------------------------------------------


def _collaboration(request: HttpRequest, collab_id: str) -> Collaboration:
    collaboration = get_object_or_404(Collaboration, uuid=collab_id)
    access.require(access.can_read_collaboration(request.user, collaboration))
    return collaboration


def _partner(role: str, member: Organization | Municipality) -> actions.Partner:
    if isinstance(member, Organization):
        return actions.Partner(role, organization=member)
    return actions.Partner(role, municipality=member)


@login_required
def collaboration_new(request: HttpRequest) -> HttpResponse:
    """A collaboration with the user's own side and one or more partners, each with a role."""
    party = (
        access.parties(request.user)
        .select_related("municipality", "organization__municipality")
        .first()
    )
    access.require(party is not None)
    assert party is not None
    own_side: Organization | Municipality = party.organization or party.municipality  # type: ignore[assignment]
    form = forms.CollaborationForm(request.POST or None)
    own = forms.OwnRoleForm(request.POST or None, prefix="own")
    partners = forms.PartnerFormSet(
        request.POST or None,
        prefix="partner",
        form_kwargs={"actors": forms.partner_actors(party)},
        existing=[own_side],
    )
    if request.method == "POST" and all([form.is_valid(), own.is_valid(), partners.is_valid()]):
        members = [_partner(own.cleaned_data["role"], own_side)]
        members += [_partner(role, member) for role, member in partners.partners()]
        collaboration = actions.create_collaboration(request.user, form.cleaned_data, members)
        messages.success(request, _("The collaboration has been created."))
        return redirect("register_collaboration", collab_id=collaboration.uuid)
    return render(
        request,
        "register/collaboration_form.html",
        {"form": form, "own": own, "own_side": own_side, "partners": partners},
    )


@login_required
def collaboration_partner_new(request: HttpRequest, collab_id: str) -> HttpResponse:
    """Add a partner to a collaboration one is party to (as many times as needed)."""
    collaboration = _collaboration(request, collab_id)
    access.require(access.can_edit_collaboration(request.user, collaboration))
    mine = access.own_memberships(request.user, collaboration)[0]  # the side one acts for
    side = (
        {"organization_id": mine.organization_id}
        if mine.organization_id
        else {"municipality_id": mine.municipality_id}
    )
    party = access.parties(request.user).filter(**side)[0]
    memberships = collaboration.memberships.select_related("organization", "municipality")  # type: ignore[attr-defined]
    formset = forms.AddPartnerFormSet(
        request.POST or None,
        prefix="partner",
        form_kwargs={"actors": forms.partner_actors(party)},
        existing=[m.member for m in memberships],
    )
    if request.method == "POST" and formset.is_valid():
        for role, member in formset.partners():
            actions.add_partner(request.user, collaboration, _partner(role, member))
        messages.success(request, _("The partner has been added."))
        return redirect("register_collaboration", collab_id=collaboration.uuid)
    return render(
        request,
        "register/partner_form.html",
        {"collaboration": collaboration, "partners": formset},
    )


@login_required
def collaboration_page(request: HttpRequest, collab_id: str) -> HttpResponse:
    collaboration = _collaboration(request, collab_id)
    can_edit = access.can_edit_collaboration(request.user, collaboration)
    return render(
        request,
        "register/collaboration.html",
        {
            "collaboration": collaboration,
            "memberships": collaboration.memberships.select_related(
                "organization", "municipality", "unit"
            ),  # type: ignore[attr-defined]
            "reports": collaboration.reports.all(),  # type: ignore[attr-defined]
            "can_edit": can_edit,
            "changes": changes(collaboration)
            if can_edit or access.is_researcher(request.user)
            else [],
            "can_restore": can_edit,
        },
    )


@login_required
def collaboration_edit(request: HttpRequest, collab_id: str) -> HttpResponse:
    collaboration = _collaboration(request, collab_id)
    access.require(access.can_edit_collaboration(request.user, collaboration))
    return _edit_page(
        request,
        forms.CollaborationForm(request.POST or None, instance=collaboration),
        lambda data: actions.update_collaboration(request.user, collaboration, data),
        reverse("register_collaboration", args=[collaboration.uuid]),
        collaboration.title,
    )


@login_required
def report_edit(request: HttpRequest, collab_id: str, report_id: int | None = None) -> HttpResponse:
    collaboration = _collaboration(request, collab_id)
    access.require(access.can_edit_collaboration(request.user, collaboration))
    report = (
        get_object_or_404(ValueReport, pk=report_id, collaboration=collaboration)
        if report_id
        else None
    )
    initial = [
        {k: getattr(i, k) for k in ("goal", "title", "baseline", "target", "actual")}
        for i in (report.indicators.all() if report else [])  # type: ignore[attr-defined]
    ]
    form = forms.ReportForm(
        request.POST or None, instance=report or ValueReport(collaboration=collaboration)
    )
    indicators = forms.IndicatorFormSet(
        request.POST or None, initial=initial + [{}] * 2, prefix="goal"
    )
    if request.method == "POST" and form.is_valid() and indicators.is_valid():
        rows = [
            f.cleaned_data
            for f in indicators
            if f.cleaned_data.get("goal") or f.cleaned_data.get("title")
        ]
        for row in rows:
            row["title"] = row.get("title") or row["goal"]
            row["goal"] = row.get("goal") or row["title"]
        saved = actions.save_report(request.user, collaboration, form.cleaned_data, rows, report)
        messages.success(request, _("The value report has been saved."))
        return redirect("register_report", collab_id=collaboration.uuid, report_id=saved.pk)
    return render(
        request,
        "register/report_form.html",
        {"form": form, "indicators": indicators, "collaboration": collaboration, "report": report},
    )


@login_required
def report_page(request: HttpRequest, collab_id: str, report_id: int) -> HttpResponse:
    collaboration = _collaboration(request, collab_id)
    report = get_object_or_404(
        ValueReport.objects.prefetch_related(
            "indicators", Prefetch("assessments", to_attr="assessment_list"), "history__user"
        ),
        pk=report_id,
        collaboration=collaboration,
    )
    statements = taxonomy().assessment_statements
    scale = dict(taxonomy().choices("agreement_scale"))
    assessments = []
    for membership in collaboration.memberships.select_related("organization", "municipality"):  # type: ignore[attr-defined]
        found = next((a for a in report.assessment_list if a.membership_id == membership.pk), None)  # type: ignore[attr-defined]
        mine = access.can_write_assessment(request.user, membership)
        form = None
        if mine:
            initial = {
                **(found.answers if found else {}),
                "comment": found.comment if found else "",
            }
            form = forms.AssessmentForm(initial=initial, prefix=f"m{membership.pk}")
        answers = [
            (s.label, scale.get((found.answers if found else {}).get(s.code, ""), ""))
            for s in statements
        ]
        assessments.append(
            {"membership": membership, "assessment": found, "answers": answers, "form": form}
        )
    return render(
        request,
        "register/report.html",
        {
            "collaboration": collaboration,
            "report": report,
            "assessments": assessments,
            "sides": access.approval_sides(request.user, report),
            "choices": access.approval_choices(request.user, report),
            "measures": [
                (t.label, _measure(t.field, getattr(report, t.field)))
                for t in taxonomy().measures
                if t.field
            ],
            "indicators": [
                {
                    "goal": i.goal,
                    "title": i.title,
                    **{k: display.number(getattr(i, k)) for k in ("baseline", "target", "actual")},
                }
                for i in report.indicators.all()  # type: ignore[attr-defined]
            ],
            "history": history_lines(list(report.history.all())),  # type: ignore[attr-defined]
        },
    )


def _measure(field: str, value: object) -> str:
    """A measure in Danish: Ja/Nej, '45.000 kr.', '1.234', '87,5'; '-' when not given."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return display.measure(field, value) or "-"


def history_lines(entries: list[Any]) -> list[str]:
    """A value report's history in words: '7. december 2026 kl. 10:15: edited by Karen
    Jensen (version 2)', the first save as 'created'."""
    events = {
        "created": _("created"),
        "edited": _("edited"),
        "assessed": _("assessed"),
        "approved": _("approved by one side"),
        "joint": _("approved by both sides: joint"),
        "reopened": _("reopened: both sides must approve again"),
    }
    lines = []
    for number, entry in enumerate(entries):
        event = "created" if number == 0 and entry.event == "edited" else entry.event
        values = {
            "when": date_format(timezone.localtime(entry.at), "j. F Y \\k\\l. H:i"),
            "event": events.get(event, event),
            "version": entry.snapshot.get("version", ""),
        }
        if entry.user is not None:
            values["who"] = entry.user.get_full_name() or entry.user.get_username()
            lines.append(_("%(when)s: %(event)s by %(who)s (version %(version)s)") % values)
        else:
            lines.append(_("%(when)s: %(event)s (version %(version)s)") % values)
    return lines


@login_required
@require_POST
def report_approve(request: HttpRequest, collab_id: str, report_id: int) -> HttpResponse:
    collaboration = _collaboration(request, collab_id)
    report = get_object_or_404(ValueReport, pk=report_id, collaboration=collaboration)
    side = request.POST.get("side") or None
    choices = access.approval_choices(request.user, report)
    chosen = side in choices or (side is None and len(choices) == 1)
    if not chosen and access.approval_sides(request.user, report):  # else 403 below
        messages.error(
            request,
            _(
                "Nothing was approved: that side is approved already, or you approved "
                "the other side. The two sides are approved by two different people."
            ),
        )
        return redirect("register_report", collab_id=collab_id, report_id=report.pk)
    report = actions.approve_report(request.user, report, side)
    messages.success(
        request,
        _("The report is joint: both sides have approved it.")
        if report.is_joint
        else _("Your approval has been recorded."),
    )
    return redirect("register_report", collab_id=collab_id, report_id=report.pk)


@login_required
@require_POST
def report_assess(
    request: HttpRequest, collab_id: str, report_id: int, membership_id: int
) -> HttpResponse:
    collaboration = _collaboration(request, collab_id)
    report = get_object_or_404(ValueReport, pk=report_id, collaboration=collaboration)
    membership = get_object_or_404(Membership, pk=membership_id, collaboration=collaboration)
    form = forms.AssessmentForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        actions.save_assessment(
            request.user, report, membership, form.answers(), form.cleaned_data["comment"]
        )
        messages.success(request, _("Your assessment has been saved."))
    return redirect("register_report", collab_id=collab_id, report_id=report.pk)


@login_required
def overview_page(request: HttpRequest, code: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, code=code)
    access.require(
        access.can_edit_municipality(request.user, municipality)
        or access.is_researcher(request.user)
    )
    since = request.GET.get("fra")
    start = None
    if since:
        try:
            start = dt.date.fromisoformat(since)
        except ValueError:
            start = None
    return render(
        request,
        "register/overview.html",
        {
            "municipality": municipality,
            "rows": [
                {
                    "label": r.label,
                    **{k: display.number(getattr(r, k)) for k in OVERVIEW_NUMBERS},
                }
                for r in overview.by_area(municipality, since=start)
            ],
        },
    )
