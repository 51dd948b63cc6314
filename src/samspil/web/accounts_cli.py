"""``samspil createresearcher``: a researcher account from the command line.

The first researcher of a new installation (docs/deploy.md, "The first researcher") and any
further one. A researcher is an active staff account (``samspil.web.access.is_researcher``);
``--admin`` also makes it a superuser (the admin pages). The password is never an argument
(it would show in the process list and the shell history): it is read from a prompt (twice)
or from ``--password-file`` (its first line; ``-`` reads standard input), and Django's
password validators (settings ``AUTH_PASSWORD_VALIDATORS``) must accept it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from samspil.errors import DomainError


class AccountError(DomainError):
    """An account that cannot be made; the command exits with code 2."""


def _setup_django() -> None:
    """Settings, apps and the database's tables (migrations), as ``samspil serve`` does."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.web.settings")
    import django
    from django.apps import apps
    from django.conf import settings

    from samspil.web.migrating import migrate_database

    if not apps.ready:
        django.setup()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        Path(str(database["NAME"])).expanduser().parent.mkdir(parents=True, exist_ok=True)
    migrate_database()  # not at the same time as a server starting


def read_password(password_file: str | None) -> str:
    """The password from the file's first line (``-``: standard input) or from a prompt."""
    if password_file is not None:
        try:
            if password_file == "-":
                text = sys.stdin.readline()
            else:
                with open(password_file, encoding="utf-8") as handle:
                    text = handle.readline()
        except (OSError, UnicodeDecodeError) as exc:
            raise AccountError(f"{password_file}: cannot read the password ({exc})") from None
        password = text.rstrip("\r\n")
        if not password:
            raise AccountError(f"{password_file}: the first line (the password) is empty")
        return password
    if not sys.stdin.isatty():
        raise AccountError("no terminal to ask for the password: use --password-file FILE (or -)")
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise AccountError("the two passwords differ")
    if not password:
        raise AccountError("the password is empty")
    return password


def create_researcher(username: str, email: str, password: str, *, admin: bool = False) -> Any:
    """Make the account (all checks first, nothing written on a refusal)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.db import transaction

    user_model = get_user_model()
    username = username.strip()
    if not username:
        raise AccountError("the username is empty")
    try:
        user_model._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        raise AccountError(f"username {username!r}: {' '.join(exc.messages)}") from None
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError(f"--email {email!r} is not an e-mail address") from None
    if user_model.objects.filter(username__iexact=username).exists():
        raise AccountError(f"an account named {username!r} exists already")
    user = user_model(username=username, email=email, is_staff=True, is_superuser=admin)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("password refused: " + " ".join(exc.messages)) from None
    user.set_password(password)
    with transaction.atomic():
        user.save()
    return user


def cmd_createresearcher(args: argparse.Namespace) -> int:
    password = read_password(args.password_file)  # before Django: a refusal answers at once
    _setup_django()
    user = create_researcher(args.username, args.email, password, admin=args.admin)
    role = "researcher and administrator" if args.admin else "researcher"
    sys.stdout.write(f"created {role} {user.username} <{user.email}>\n")
    return 0


def register(subparsers: Any) -> None:
    """``createresearcher``."""
    p = subparsers.add_parser(
        "createresearcher",
        help="create a researcher account (password from a prompt or --password-file)",
    )
    p.add_argument("username", help="the login name")
    p.add_argument("--email", required=True, help="the researcher's e-mail address")
    p.add_argument(
        "--password-file",
        metavar="FILE",
        help="read the password from the file's first line (- for standard input) "
        "(default: ask twice at a prompt); never give the password as an argument",
    )
    p.add_argument("--admin", action="store_true", help="also an administrator (the /admin/ pages)")
    p.set_defaults(func=cmd_createresearcher)
