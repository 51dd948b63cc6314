"""``samspil api token create|revoke|list``: the read API's tokens from the command line
(samspil.web.apitokens; docs/api.md). ``create`` prints the token once, on standard
output; only its hash is kept."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from samspil.errors import DomainError

SCOPES = ("studies", "answers", "register")


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise DomainError(f"--user {username}: no such account")
    return user


def cmd_create(args: argparse.Namespace) -> int:
    from samspil.web.apitokens import create_token
    from samspil.web.audit import command_actor
    from samspil.web.cli import say

    token, raw = create_token(_user(args.user), args.name, args.scope, actor=command_actor())
    say(raw)
    say(
        f"token {token.pk} ({token.scope}) for {token.user.get_username()}: copy it now, "
        "it is not shown again",
        file=sys.stderr,
    )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from samspil.web.apitokens import revoke_token
    from samspil.web.audit import command_actor
    from samspil.web.cli import say
    from samspil.web.models import ApiToken

    token = ApiToken.objects.filter(pk=args.token).first()
    if token is None:
        raise DomainError(f"TOKEN {args.token}: no such token (see samspil api token list)")
    if revoke_token(token, actor=command_actor()):
        say(f"token {token.pk} revoked")
    else:
        say(f"token {token.pk} was already revoked; nothing to do")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from samspil.web.cli import say
    from samspil.web.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("pk")
    if args.user:
        tokens = tokens.filter(user=_user(args.user))
    say("id\tuser\tscope\tname\tcreated\tlast_used\trevoked")
    for t in tokens:
        times = [
            f"{moment:%Y-%m-%d %H:%M}" if moment else "-"
            for moment in (t.created_at, t.last_used_at, t.revoked_at)
        ]
        say("\t".join([str(t.pk), t.user.get_username(), t.scope, t.name, *times]))
    return 0


def register(subparsers: Any) -> None:
    from samspil.web.cli import handler as _handler

    api = subparsers.add_parser("api", help="the read API (docs/api.md)")
    sub = api.add_subparsers(dest="api_command", required=True, metavar="COMMAND")
    token = sub.add_parser("token", help="researchers' API tokens: create, revoke, list")
    tsub = token.add_subparsers(dest="token_command", required=True, metavar="COMMAND")

    p = tsub.add_parser("create", help="make a token and print it once")
    p.add_argument(
        "--user", required=True, help="the researcher's user name (no default: required)"
    )
    p.add_argument(
        "--scope",
        required=True,
        choices=SCOPES,
        help="studies (metadata and tables), answers (also the answers) or register "
        "(no default: required)",
    )
    p.add_argument(
        "--name",
        default="samspil api token create",
        help="what it is for (default: 'samspil api token create')",
    )
    p.set_defaults(func=_handler(cmd_create))

    p = tsub.add_parser("revoke", help="revoke a token for good")
    p.add_argument("token", metavar="TOKEN", type=int, help="the token's number (default: none)")
    p.set_defaults(func=_handler(cmd_revoke))

    p = tsub.add_parser("list", help="every token (never the token itself)")
    p.add_argument("--user", default="", help="only this researcher's (default: everyone's)")
    p.set_defaults(func=_handler(cmd_list))
