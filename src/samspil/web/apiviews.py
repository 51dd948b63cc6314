"""The researcher's page of API tokens (/api-noegler/): make one (shown once), see and
revoke one's own (samspil.web.apitokens)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from samspil.web.access import is_researcher
from samspil.web.apitokens import create_token, revoke_token
from samspil.web.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. 'R script for the dashboard'."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices)


def _researcher(request: HttpRequest) -> None:
    if not is_researcher(request.user):
        raise PermissionDenied


@never_cache
@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    _researcher(request)
    new_token = ""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_token = create_token(
            request.user, form.cleaned_data["name"], form.cleaned_data["scope"]
        )
        form = TokenForm()
    request.samspil_private = True  # type: ignore[attr-defined]
    return render(
        request,
        "samspil/api_tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": ApiToken.objects.filter(user=request.user.pk),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    _researcher(request)
    token = ApiToken.objects.filter(pk=token_id, user=request.user.pk).first()
    if token is None:
        raise Http404
    if revoke_token(token, actor=request.user):
        messages.success(request, _("The token has been revoked."))
    return redirect("api_tokens")
