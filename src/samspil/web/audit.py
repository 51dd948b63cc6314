"""The audit log's API: record who did what with personal data, and read it back.

Every place that shows or hands out personal data calls :func:`record_event`::

    from samspil.web.audit import record_event

    record_event(request.user, "export_answers", study=study, identifiers=True)
    record_event("kommando:alice", "register_export", target="register", detail="312 rows")

``user`` is a Django user, a string naming the actor (commands use :func:`command_actor`)
or ``None`` for samspil itself (the retention job). ``action`` is one of :data:`ACTIONS`;
another app adds its own with :func:`register_action` at import time (e.g. in its
``AppConfig.ready``). ``target`` names the object (``"coding project 3"``, a file name) and
``detail`` says how much (``"12 respondents"``); neither may hold personal data - no names,
e-mail addresses, tokens or answers - and both are refused when they contain an e-mail
address. ``identifiers=True`` marks an export or report that held names, e-mail addresses
or personal links.

The rows are append-only (see ``models.py``). :func:`events_for` gives the rows a user may
see: a study's events to its researchers, everything to superusers; :func:`events_csv`
writes them as CSV.
"""

from __future__ import annotations

import csv
import getpass
import io
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.web.models import AuditEvent

ACTIONS: dict[str, Any] = {
    "view_respondents": _("viewed the respondent list"),
    "export_answers": _("exported answers"),
    "export_links": _("exported personal links"),
    "export_status": _("exported the response table"),
    "make_report": _("made a report"),
    "download_report": _("downloaded a report file"),
    "download_coding": _("downloaded a coding file"),
    "register_export": _("exported from the register"),
    "anonymise": _("anonymised the study"),
    "find_person": _("searched for a person"),
    "access_export": _("exported a person's data (access request)"),
    "erase": _("erased a person (erasure request)"),
    "export_audit": _("exported the audit log"),
    "edit_privacy": _("changed the privacy notice or retention date"),
    "report_definition": _("uploaded or removed the study's report definition"),
    "report_weighting": _("changed the weighting of the study's report"),
    "report_front_matter": _("changed the foreword or summary of the study's report"),
    "previous_round": _("changed the study's previous round"),
}

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def register_action(code: str, label: Any) -> None:
    """Add an action (idempotent); for apps that log their own events, e.g. the register."""
    if len(code) > 40 or not re.fullmatch(r"[a-z_]+", code):
        raise ValueError(f"audit action {code!r}: use at most 40 letters a-z and _")
    ACTIONS.setdefault(code, label)


def command_actor() -> str:
    """The actor of a command-line run: ``kommando:<login name>``."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "?"
    return f"kommando:{name}"[:150]


def actor_of(user: Any) -> tuple[str, int | None]:
    """(name, user id) of an actor: a user, a string naming one, or None for samspil."""
    if user is None:
        return "samspil", None
    if isinstance(user, str):
        return user[:150], None
    return user.get_username()[:150], user.pk


def record_event(
    user: Any,
    action: str,
    *,
    study: Any = None,
    target: str = "",
    detail: str = "",
    identifiers: bool = False,
) -> AuditEvent:
    """Append one event to the audit log and return it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r} (see samspil.web.audit.ACTIONS)")
    for name, text in (("target", target), ("detail", detail)):
        if _EMAIL.search(text):
            raise ValueError(f"audit {name} must not contain an e-mail address")
    actor, user_id = actor_of(user)
    return AuditEvent.objects.create(
        at=timezone.now(),
        user_id=user_id,
        actor=actor[:150],
        action=action,
        study_id=study.pk if study is not None else None,
        study_name=(study.name if study is not None else "")[:200],
        target=target[:200],
        detail=detail[:500],
        identifiers=identifiers,
    )


def events_for(user: Any, study: Any = None) -> QuerySet[AuditEvent]:
    """The events ``user`` may see (of one study, or all): researchers see the events of the
    studies they are attached to, superusers see every event."""
    events = AuditEvent.objects.all()
    if study is not None:
        events = events.filter(study_id=study.pk)
    if not user.is_superuser:
        events = events.filter(study_id__in=list(user.studies.values_list("pk", flat=True)))
    return events.order_by("-at", "-pk")


CSV_COLUMNS = [
    "time",
    "actor",
    "action",
    "study_id",
    "study",
    "target",
    "identifiers",
    "detail",
]


def events_csv(events: Iterable[AuditEvent]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow(
            [
                e.at.isoformat(timespec="seconds"),
                e.actor,
                e.action,
                "" if e.study_id is None else e.study_id,
                e.study_name,
                e.target,
                "1" if e.identifiers else "0",
                e.detail,
            ]
        )
    return out.getvalue()


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))
