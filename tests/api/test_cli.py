"""`samspil api token create|revoke|list`: the token printed once, listed without it,
revoked for good, each step in the audit log; bad input is exit code 2."""

from __future__ import annotations

import hashlib

import pytest

from samspil.cli import main
from samspil.web.models import ApiToken, AuditEvent
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)


def test_token_create_list_revoke(client, capsys, researcher, study):
    assert (
        main(
            ["api", "token", "create", "--user", "forsker", "--scope", "studies", "--name", "Stata"]
        )
        == 0
    )
    out, err = capsys.readouterr()
    raw = out.strip()
    assert raw.startswith("samspil_") and "not shown again" in err
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest() and token.name == "Stata"
    assert client.get("/api/v1/studies/", **bearer(raw)).status_code == 200

    assert main(["api", "token", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"{token.pk}\tforsker\tstudies\tStata" in listed and raw not in listed

    assert main(["api", "token", "revoke", str(token.pk)]) == 0
    assert "revoked" in capsys.readouterr().out
    assert client.get("/api/v1/studies/", **bearer(raw)).status_code == 401
    assert main(["api", "token", "revoke", str(token.pk)]) == 0
    assert "already revoked" in capsys.readouterr().out
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "actor"))
    assert [a for a, _ in actions] == ["api_token_create", "api_token_revoke"]
    assert all(actor.startswith("kommando:") for _, actor in actions)


def test_token_commands_refuse_bad_input_with_exit_code_2(capsys, researcher, django_user_model):
    django_user_model.objects.create_user("koder", password="hemmelig-000")
    cases = [
        (["create", "--user", "ingen", "--scope", "studies"], "--user ingen: no such account"),
        (["create", "--user", "koder", "--scope", "answers"], "not an active researcher"),
        (
            ["create", "--user", "forsker", "--scope", "studies", "--name", " "],
            "1 to 100 characters",
        ),
        (["revoke", "4711"], "TOKEN 4711: no such token"),
    ]
    for args, message in cases:
        assert main(["api", "token", *args]) == 2, args
        assert message in capsys.readouterr().err, args
    assert not ApiToken.objects.exists()
