"""Log-in forms that throttle password guessing, per account and per client address.

Every failed log-in counts against the account (the user name, case-insensitive, whether
it exists or not) and against the client address (samspil.web.throttle). Once either has
reached its limit (SAMSPIL_LOGIN_LIMIT, SAMSPIL_LOGIN_ADDRESS_LIMIT) within
SAMSPIL_LOGIN_WINDOW seconds, the form answers with a Danish message and checks no
password, and a correct password is refused too, so the answer tells a guesser nothing.
A successful log-in forgets the account's failures (not the address's).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import ngettext

from samspil.web import throttle

ACCOUNT = "login-account"
ADDRESS = "login-address"
THROTTLED = "throttled"


class ThrottledLogin:
    """Mixin for an AuthenticationForm: the throttle around its ``clean``."""

    request: Any
    cleaned_data: dict[str, Any]

    def _subjects(self) -> tuple[str, str]:
        account = str(self.cleaned_data.get("username") or "").strip().casefold()
        address = throttle.client_ip(self.request) if self.request is not None else ""
        return account, address

    def _refuse_if_throttled(self, account: str, address: str) -> None:
        by_account = throttle.current(ACCOUNT, account)
        by_address = throttle.current(ADDRESS, address)
        waits = [
            count.seconds_left
            for count, limit in (
                (by_account, settings.LOGIN_FAILURE_LIMIT),
                (by_address, settings.LOGIN_ADDRESS_FAILURE_LIMIT),
            )
            if count.reached(limit)
        ]
        if waits:
            minutes = max(1, -(-max(waits) // 60))
            raise forms.ValidationError(
                ngettext(
                    "Too many failed log-in attempts. Try again in %(minutes)d minute.",
                    "Too many failed log-in attempts. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code=THROTTLED,
            )

    def clean(self) -> dict[str, Any]:
        account, address = self._subjects()
        self._refuse_if_throttled(account, address)
        try:
            data = super().clean()  # type: ignore[misc]
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                window = settings.LOGIN_FAILURE_WINDOW
                throttle.note_failure(ACCOUNT, account, window)
                throttle.note_failure(ADDRESS, address, window)
                self._refuse_if_throttled(account, address)
            raise
        # Failures counted in parallel with this attempt: refuse a correct guess as well.
        self._refuse_if_throttled(account, address)
        throttle.forget(ACCOUNT, account)
        return data  # type: ignore[no-any-return]


class ThrottledLoginForm(ThrottledLogin, AuthenticationForm):
    pass


class ThrottledAdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    pass


def is_throttled(form: forms.Form) -> bool:
    return any(e.code == THROTTLED for e in form.errors.as_data().get("__all__", []))
