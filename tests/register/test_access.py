"""Every rule of samspil.register.access, through the actions and through the pages,
the refusals included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied

from samspil.register import access, actions
from samspil.register.actions import Partner
from samspil.register.models import Contact, Membership, Organization, Party

pytestmark = pytest.mark.django_db


@pytest.fixture
def aarhus_contact(aarhus):  # type: ignore[no-untyped-def]
    return Contact.objects.create(municipality=aarhus, topic="Idræt", title="Idrætskonsulent")


@pytest.fixture
def report(collaboration, staff):  # type: ignore[no-untyped-def]
    return actions.save_report(
        staff,
        collaboration,
        {
            "period_start": dt.date(2025, 1, 1),
            "period_end": dt.date(2025, 12, 31),
            "participants": 40,
        },
    )


def _membership(collaboration, *, municipal: bool) -> Membership:
    return collaboration.memberships.get(municipality__isnull=not municipal)


# -- municipal staff ----------------------------------------------------------------------


def test_staff_edit_their_own_municipalitys_contact_points_and_units(staff, aarhus, aarhus_contact):
    actions.save_contact(staff, aarhus_contact, {"title": "Ny titel"})
    unit = actions.save_unit(staff, aarhus, "Kultur og Borgerservice")
    actions.save_contact(staff, aarhus_contact, {"unit": unit})
    aarhus_contact.refresh_from_db()
    assert aarhus_contact.title == "Ny titel" and aarhus_contact.unit == unit


def test_staff_cannot_edit_another_municipalitys_contact_points_or_units(
    odense_staff, aarhus, aarhus_contact
):
    with pytest.raises(PermissionDenied):
        actions.save_contact(odense_staff, aarhus_contact, {"title": "Kapret"})
    with pytest.raises(PermissionDenied):
        actions.save_unit(odense_staff, aarhus, "Fremmed enhed")
    with pytest.raises(PermissionDenied):
        actions.remove_personal_data(odense_staff, aarhus_contact)


def test_staff_cannot_put_a_contact_point_in_another_municipalitys_unit(
    staff, odense, aarhus_contact
):
    from samspil.municipalities.models import Unit

    foreign = Unit.objects.create(municipality=odense, name="Odense-enhed")
    with pytest.raises(PermissionDenied):
        actions.save_contact(staff, aarhus_contact, {"unit": foreign})


def test_staff_edit_collaborations_their_municipality_is_party_to(staff, collaboration):
    actions.update_collaboration(staff, collaboration, {"goals": "Flere ældre i bevægelse"})
    assert access.can_edit_collaboration(staff, collaboration)


def test_staff_of_another_municipality_cannot_edit_or_read_the_collaboration(
    odense_staff, collaboration, client
):
    with pytest.raises(PermissionDenied):
        actions.update_collaboration(odense_staff, collaboration, {"goals": "x"})
    client.force_login(odense_staff)
    assert client.get(f"/register/samarbejde/{collaboration.uuid}/").status_code == 403


def test_staff_cannot_edit_an_actor(staff, club):
    with pytest.raises(PermissionDenied):
        actions.update_actor(staff, club, {"name": "Kapret"})


# -- actor representatives ----------------------------------------------------------------


def test_representatives_edit_their_own_actor(rep, club, client):
    actions.update_actor(rep, club, {"description": "Fodbold for alle"})
    client.force_login(rep)
    response = client.post(
        f"/register/aktoer/{club.uuid}/ret/",
        {
            "name": "Boldklubben Øst",
            "actor_type": "lokale",
            "areas": ["kultur"],
            "target_groups": "børn; unge",
        },
    )
    assert response.status_code == 302
    club.refresh_from_db()
    assert club.target_groups == ["børn", "unge"]


def test_representatives_cannot_edit_another_actor(rep, odense_club, client):
    with pytest.raises(PermissionDenied):
        actions.update_actor(rep, odense_club, {"name": "Kapret"})
    client.force_login(rep)
    assert client.get(f"/register/aktoer/{odense_club.uuid}/ret/").status_code == 403


def test_representatives_edit_their_actors_contacts_but_not_municipal_contact_points(
    rep, club, aarhus_contact
):
    own = Contact.objects.create(organization=club, title="Formand")
    actions.save_contact(rep, own, {"name": "Ole Formand"})
    with pytest.raises(PermissionDenied):
        actions.save_contact(rep, aarhus_contact, {"title": "Kapret"})


def test_representatives_edit_collaborations_their_actor_is_party_to(rep, other_rep, collaboration):
    actions.update_collaboration(rep, collaboration, {"title": "Idræt for ældre i Øst"})
    with pytest.raises(PermissionDenied):
        actions.update_collaboration(other_rep, collaboration, {"title": "Kapret"})


def test_an_unconfirmed_representative_has_no_rights(django_user_model, club):
    user = django_user_model.objects.create_user("ubekraeftet", password="x-hemmelig-1")
    Party.objects.create(user=user, organization=club)
    with pytest.raises(PermissionDenied):
        actions.update_actor(user, club, {"name": "Kapret"})


def test_a_collaboration_must_include_a_party_the_user_acts_for(rep, odense_club, odense):
    values = {
        "title": "X",
        "form": "netvaerk",
        "initiative": "dialog",
        "organisation": "uformel",
        "character": "lejligheder",
    }
    with pytest.raises(PermissionDenied):
        actions.create_collaboration(
            rep,
            values,
            [Partner("lead", organization=odense_club), Partner("partner", municipality=odense)],
        )


# -- assessments and approval -------------------------------------------------------------


def test_each_side_writes_its_own_assessment(staff, rep, collaboration, report):
    actions.save_assessment(
        staff, report, _membership(collaboration, municipal=True), {"lytter": "1"}
    )
    actions.save_assessment(
        rep, report, _membership(collaboration, municipal=False), {"tidskraevende": "2"}
    )
    assert report.assessments.count() == 2


def test_nobody_writes_another_partys_assessment(staff, rep, collaboration, report):
    with pytest.raises(PermissionDenied):
        actions.save_assessment(
            staff, report, _membership(collaboration, municipal=False), {"lytter": "5"}
        )
    with pytest.raises(PermissionDenied):
        actions.save_assessment(
            rep, report, _membership(collaboration, municipal=True), {"lytter": "5"}
        )
    assert report.assessments.count() == 0


def test_the_assessment_page_refuses_another_partys_form(client, rep, collaboration, report):
    client.force_login(rep)
    municipal = _membership(collaboration, municipal=True)
    url = f"/register/samarbejde/{collaboration.uuid}/rapport/{report.pk}/vurdering/{municipal.pk}/"
    assert client.post(url, {f"m{municipal.pk}-lytter": "5"}).status_code == 403


def test_a_report_is_joint_only_when_both_sides_approve(staff, rep, report):
    report = actions.approve_report(staff, report)
    assert not report.is_joint and report.municipal_approved_at is not None
    report = actions.approve_report(staff, report)  # approving twice does not make it joint
    assert not report.is_joint
    report = actions.approve_report(rep, report)
    assert report.is_joint


def test_outsiders_and_other_parties_cannot_approve(outsider, other_rep, odense_staff, report):
    for user in (outsider, other_rep, odense_staff):
        with pytest.raises(PermissionDenied):
            actions.approve_report(user, report)


def test_an_edit_after_approval_reopens_the_report_and_history_is_kept(
    staff, rep, collaboration, report
):
    actions.approve_report(staff, report)
    report = actions.approve_report(rep, report)
    assert report.is_joint and report.version == 1
    report = actions.save_report(staff, collaboration, {"participants": 45}, report=report)
    assert not report.is_joint and report.version == 2
    assert report.municipal_approved_at is None and report.actor_approved_at is None
    events = list(report.history.values_list("event", flat=True))
    assert events == ["edited", "approved", "joint", "reopened", "edited"]
    joint = report.history.get(event="joint")
    assert joint.snapshot["participants"] == 40 and joint.snapshot["version"] == 1
    assert report.history.last().snapshot["participants"] == 45


def test_an_assessment_after_approval_reopens_the_report(staff, rep, collaboration, report):
    actions.approve_report(staff, report)
    actions.approve_report(rep, report)
    actions.save_assessment(
        rep, report, _membership(collaboration, municipal=False), {"inspirerende": "1"}
    )
    report.refresh_from_db()
    assert not report.is_joint and report.version == 2


# -- researchers and outsiders ------------------------------------------------------------


def test_researchers_read_every_collaboration_and_report_but_edit_nothing(
    register_researcher, collaboration, report, club, client
):
    client.force_login(register_researcher)
    assert client.get(f"/register/samarbejde/{collaboration.uuid}/").status_code == 200
    assert (
        client.get(f"/register/samarbejde/{collaboration.uuid}/rapport/{report.pk}/").status_code
        == 200
    )
    assert (
        client.get(
            f"/register/kommune/{collaboration.memberships.first().municipality.code}/overblik/"
        ).status_code
        == 200
    )
    with pytest.raises(PermissionDenied):
        actions.update_collaboration(register_researcher, collaboration, {"title": "x"})
    with pytest.raises(PermissionDenied):
        actions.update_actor(register_researcher, club, {"name": "x"})
    with pytest.raises(PermissionDenied):
        actions.approve_report(register_researcher, report)


def test_outsiders_get_no_collaboration_report_or_overview(
    outsider, collaboration, report, aarhus, client
):
    client.force_login(outsider)
    assert client.get(f"/register/samarbejde/{collaboration.uuid}/").status_code == 403
    assert (
        client.get(f"/register/samarbejde/{collaboration.uuid}/rapport/{report.pk}/").status_code
        == 403
    )
    assert client.get(f"/register/kommune/{aarhus.code}/overblik/").status_code == 403


def test_anonymous_visitors_are_sent_to_login_for_party_pages(client, collaboration, aarhus):
    for url in (
        f"/register/samarbejde/{collaboration.uuid}/",
        "/register/mine/",
        f"/register/kommune/{aarhus.code}/overblik/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_forms_need_csrf(rep, club):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(rep)
    response = strict.post(
        f"/register/aktoer/{club.uuid}/ret/", {"name": "x", "actor_type": "lokale"}
    )
    assert response.status_code == 403


# -- accounts -----------------------------------------------------------------------------


def test_self_registration_is_confirmed_by_email_before_it_gives_rights(client, aarhus, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(
        "/register/tilmeld/",
        {
            "name": "Strikkeklubben",
            "actor_type": "lokale",
            "municipality": aarhus.pk,
            "areas": ["kultur"],
            "your_name": "Sofie",
            "your_email": "sofie@example.org",
            "password": "langt-og-hemmeligt",
        },
    )
    assert response.status_code == 200 and len(mail.outbox) == 1
    actor = Organization.objects.get(name="Strikkeklubben")
    party = Party.objects.get(organization=actor)
    assert party.confirmed_at is None and not party.user.is_active
    assert not access.can_edit_actor(party.user, actor)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/register/bekraeft/" in line)
    assert client.get(link[link.index("/register/") :]).status_code == 302
    party.refresh_from_db()
    assert party.confirmed_at is not None and party.user.is_active
    assert access.can_edit_actor(party.user, actor)


def test_a_forged_confirmation_link_is_refused(client):
    assert client.get("/register/bekraeft/forfalsket/").status_code == 404
    token = signing.dumps({"party": 1}, salt="something-else")
    assert client.get(f"/register/bekraeft/{token}/").status_code == 404


def test_representatives_invite_by_email_and_the_invited_get_rights_after_choosing_a_password(
    rep, club, odense_club, client
):
    token = actions.invite_representative(rep, club, "ny@example.org")
    party = Party.objects.get(user__username="ny@example.org")
    assert not access.can_edit_actor(party.user, club)
    assert (
        client.post(f"/register/invitation/{token}/", {"password": "et-langt-kodeord"}).status_code
        == 302
    )
    assert access.can_edit_actor(party.user, club)
    assert client.login(username="ny@example.org", password="et-langt-kodeord")
    with pytest.raises(PermissionDenied):
        actions.invite_representative(rep, odense_club, "snyd@example.org")


def test_staff_invite_colleagues_only_to_their_own_municipality(staff, aarhus, odense):
    actions.invite_staff(staff, aarhus, "kollega@example.org")
    with pytest.raises(PermissionDenied):
        actions.invite_staff(staff, odense, "fremmed@example.org")


def test_adding_a_unit_does_not_redirect_off_site(client, staff, aarhus):
    client.force_login(staff)
    response = client.post(
        f"/register/kommune/{aarhus.code}/enhed/ny/",
        {"unit-name": "Ny enhed", "back": "https://evil.example/"},
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/register/kommune/{aarhus.code}/"
    )
    assert aarhus.units.filter(name="Ny enhed").exists()


def test_another_municipalitys_staff_cannot_add_a_unit_through_the_page(
    client, odense_staff, aarhus
):
    client.force_login(odense_staff)
    response = client.post(f"/register/kommune/{aarhus.code}/enhed/ny/", {"unit-name": "Fremmed"})
    assert response.status_code == 403


# -- links that set a password work once (issue 17, item 3) -------------------------------


def _signup(client, aarhus, settings) -> str:  # type: ignore[no-untyped-def]
    """Sign up an association through the page; the confirmation link's path."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(
        "/register/tilmeld/",
        {"name": "Strikkeklubben", "actor_type": "lokale", "municipality": aarhus.pk,
         "areas": ["kultur"], "your_name": "Sofie", "your_email": "sofie@example.org",
         "password": "langt-og-hemmeligt"},
    )  # fmt: skip
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/register/bekraeft/" in line)
    return link[link.index("/register/") :]


def test_an_invitation_link_sets_the_password_once_then_is_void(rep, club, client):
    token = actions.invite_representative(rep, club, "ny@example.org")
    url = f"/register/invitation/{token}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"password": "det-foerste-kodeord"}).status_code == 302
    # Anyone holding the e-mail later: the link is void, the password stays.
    assert client.get(url).status_code == 404
    response = client.post(url, {"password": "angriberens-kodeord"})
    assert response.status_code == 404 and "Linket er ikke gyldigt" in response.content.decode()
    assert client.login(username="ny@example.org", password="det-foerste-kodeord")
    assert not client.login(username="ny@example.org", password="angriberens-kodeord")
    with pytest.raises(LookupError):
        actions.accept_invitation(token, "et-tredje-kodeord")


def test_an_invitation_link_does_not_reactivate_a_deactivated_account(
    rep, club, client, django_user_model
):
    token = actions.invite_representative(rep, club, "ny@example.org")
    url = f"/register/invitation/{token}/"
    # Deactivated before the link is used: the link is void.
    django_user_model.objects.filter(username="ny@example.org").update(is_active=False)
    assert client.post(url, {"password": "et-langt-kodeord"}).status_code == 404
    user = django_user_model.objects.get(username="ny@example.org")
    assert not user.is_active and not user.has_usable_password()
    # Used, then deactivated by an administrator: opening it again changes nothing.
    django_user_model.objects.filter(pk=user.pk).update(is_active=True)
    token = actions.invite_representative(rep, club, "ny@example.org")
    url = f"/register/invitation/{token}/"
    assert client.post(url, {"password": "et-langt-kodeord"}).status_code == 302
    django_user_model.objects.filter(pk=user.pk).update(is_active=False)
    assert client.post(url, {"password": "angriberens-kodeord"}).status_code == 404
    user.refresh_from_db()
    assert not user.is_active and user.check_password("et-langt-kodeord")


def test_a_confirmation_link_works_once_and_does_not_reactivate_a_deactivated_account(
    client, aarhus, settings, django_user_model
):
    link = _signup(client, aarhus, settings)
    assert client.get(link).status_code == 302
    user = django_user_model.objects.get(username="sofie@example.org")
    assert user.is_active
    assert client.get(link).status_code == 404  # used: void
    django_user_model.objects.filter(pk=user.pk).update(is_active=False)  # an administrator
    response = client.get(link)
    assert response.status_code == 404 and "Linket er ikke gyldigt" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    assert not access.can_edit_actor(user, Organization.objects.get(name="Strikkeklubben"))


def test_a_link_of_one_kind_is_void_as_the_other(rep, club, client, aarhus, settings):
    invitation = actions.invite_representative(rep, club, "ny@example.org")
    assert client.get(f"/register/bekraeft/{invitation}/").status_code == 404
    confirmation = _signup(client, aarhus, settings).split("/")[-2]
    assert client.get(f"/register/invitation/{confirmation}/").status_code == 404


# -- approval needs two people (issue 17, item 5) -----------------------------------------


@pytest.fixture
def both_sides(django_user_model, aarhus, club):  # type: ignore[no-untyped-def]
    """One person who is both Aarhus staff and the club's representative."""
    from django.utils import timezone

    from tests.register.conftest import make_party

    user = make_party(django_user_model, "begge-sider", municipality=aarhus)
    Party.objects.create(user=user, organization=club, confirmed_at=timezone.now())
    return user


def test_one_person_on_both_sides_cannot_approve_a_report_for_both(both_sides, rep, report):
    assert access.approval_sides(both_sides, report) == {"municipal", "actor"}
    report = actions.approve_report(both_sides, report, "municipal")
    assert not report.is_joint
    report = actions.approve_report(both_sides, report)  # again: nothing changes
    assert not report.is_joint and report.actor_approved_at is None
    with pytest.raises(PermissionDenied):
        actions.approve_report(both_sides, report, "actor")
    report.refresh_from_db()
    assert not report.is_joint
    report = actions.approve_report(rep, report)  # another person, the other side
    assert report.is_joint
    assert report.municipal_approved_by == both_sides and report.actor_approved_by == rep


def test_a_person_on_both_sides_approves_one_side_through_the_page(
    both_sides, collaboration, report, client
):
    page = f"/register/samarbejde/{collaboration.uuid}/rapport/{report.pk}/"
    client.force_login(both_sides)
    text = client.get(page).content.decode()
    assert "Godkend for kommunen" in text and "Godkend for den civile aktør" in text
    client.post(f"{page}godkend/", {"side": "actor"})
    client.post(f"{page}godkend/", {"side": "municipal"})
    response = client.post(f"{page}godkend/", follow=True)
    report.refresh_from_db()
    assert report.actor_approved_by == both_sides and report.municipal_approved_at is None
    assert "to forskellige personer" in response.content.decode()
    assert "Godkend for kommunen" not in response.content.decode()


def test_the_database_refuses_one_person_approving_both_sides(staff, report):
    from django.db import IntegrityError, transaction

    from samspil.register.models import ValueReport

    with pytest.raises(IntegrityError), transaction.atomic():
        ValueReport.objects.filter(pk=report.pk).update(
            municipal_approved_by=staff, actor_approved_by=staff
        )
