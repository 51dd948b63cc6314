"""Access helpers: every view reaches coding projects, answers and codings through these.

Roles in a project:

* **manager**: a superuser or one of the project's researchers (the creator). Managers see
  agreement, adjudicate, export, train suggestions and make the report.
* **coder**: one of the project's two coders. A coder codes on the workbench and sees the
  agreement page and the codings export.

Someone who is neither gets 404 (the project does not exist for them); a member without
the needed role gets 403.

The independence rule: **a coder never sees the other coder's codes of an answer until
both have coded it.** :func:`_may_see` states the rule and :func:`visible_codings`
applies it; every page and export that shows codings goes through it. A manager who is
also a coder is held to the rule as a coder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from samspil.coding_web.models import CodingProject, CodingUnit, CodingVersion
from samspil.coding_web.state import UnitState


def projects_for_user(user: Any) -> QuerySet[CodingProject]:
    """The projects a user manages or codes."""
    projects = CodingProject.objects.all()
    if not user.is_superuser:
        projects = projects.filter(
            Q(researchers=user.pk) | Q(coder_1=user.pk) | Q(coder_2=user.pk)
        ).distinct()
    return projects.select_related("study", "coder_1", "coder_2")


def is_manager(project: CodingProject, user: Any) -> bool:
    if user.is_superuser:
        return True
    return project.researchers.filter(pk=user.pk).exists()


def is_coder(project: CodingProject, user: Any) -> bool:
    return user.pk in project.coder_ids


def _get_project_for_member(request: HttpRequest, project_id: int) -> CodingProject:
    """A project the user manages or codes; 404 otherwise."""
    try:
        return projects_for_user(request.user).get(pk=project_id)
    except CodingProject.DoesNotExist:
        raise Http404 from None


def _get_project_for_manager(request: HttpRequest, project_id: int) -> CodingProject:
    project = _get_project_for_member(request, project_id)
    if not is_manager(project, request.user):
        raise PermissionDenied
    return project


def _get_project_for_coder(request: HttpRequest, project_id: int) -> CodingProject:
    project = _get_project_for_member(request, project_id)
    if not is_coder(project, request.user):
        raise PermissionDenied
    return project


def _get_unit_for_coder(
    request: HttpRequest, project_id: int, unit_id: int
) -> tuple[CodingProject, CodingUnit]:
    project = _get_project_for_coder(request, project_id)
    try:
        return project, CodingUnit.objects.get(project=project, pk=unit_id)
    except CodingUnit.DoesNotExist:
        raise Http404 from None


def _get_unit_for_manager(
    request: HttpRequest, project_id: int, unit_id: int
) -> tuple[CodingProject, CodingUnit]:
    project = _get_project_for_manager(request, project_id)
    try:
        return project, CodingUnit.objects.get(project=project, pk=unit_id)
    except CodingUnit.DoesNotExist:
        raise Http404 from None


def _role(project: CodingProject, user: Any) -> str:
    if is_coder(project, user):
        return "coder"
    return "manager" if is_manager(project, user) else "none"


def _may_see(role: str, user: Any, state: UnitState, coder_id: int) -> bool:
    """May ``user`` (in ``role``) see ``coder_id``'s current codes of this answer?

    Their own: always. As one of the two coders, the other coder's: only once both have
    coded the answer. As a manager who is not a coder: all. Nobody else: nothing.
    """
    if coder_id == user.pk:
        return True
    if role == "coder":
        return state.both_coded
    return role == "manager"


def visible_codings(
    project: CodingProject, user: Any, states: Iterable[UnitState]
) -> Iterator[tuple[UnitState, int, CodingVersion]]:
    """``(state, coder id, current version)`` of every coding ``user`` may see."""
    role = _role(project, user)
    for state in states:
        for coder_id in project.coder_ids:
            version = state.codings.get(coder_id)
            if version is not None and _may_see(role, user, state, coder_id):
                yield state, coder_id, version
