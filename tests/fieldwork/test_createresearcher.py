"""``samspil createresearcher`` (docs/deploy.md, "The first researcher")."""

from __future__ import annotations

import argparse
import io

import pytest

from samspil.cli import build_parser, main
from samspil.web.access import is_researcher

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = "en-lang-og-god-adgangskode-42"


def _password_file(tmp_path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "password"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return str(path)


def test_createresearcher_makes_a_researcher_who_can_log_in(tmp_path, client, capsys):
    from django.contrib.auth import get_user_model

    code = main(
        [
            "createresearcher",
            "lise",
            "--email",
            "lise@example.org",
            "--password-file",
            _password_file(tmp_path, GOOD + "\n"),
        ]
    )
    assert code == 0
    assert "created researcher lise <lise@example.org>" in capsys.readouterr().out
    user = get_user_model().objects.get(username="lise")
    assert is_researcher(user) and not user.is_superuser and user.email == "lise@example.org"
    assert client.login(username="lise", password=GOOD)
    from django.urls import reverse

    assert client.get(reverse("study_list")).status_code == 200


def test_createresearcher_admin_is_also_a_superuser(tmp_path, capsys):
    from django.contrib.auth import get_user_model

    file = _password_file(tmp_path, GOOD)
    args = ["createresearcher", "chef", "--email", "chef@example.org", "--password-file", file]
    assert main([*args, "--admin"]) == 0
    user = get_user_model().objects.get(username="chef")
    assert user.is_superuser and is_researcher(user)


def test_createresearcher_reads_the_password_from_standard_input(monkeypatch, capsys):
    from django.contrib.auth import get_user_model

    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    args = ["createresearcher", "per", "--email", "per@example.org", "--password-file", "-"]
    assert main(args) == 0
    assert get_user_model().objects.get(username="per").check_password(GOOD)


def test_createresearcher_runs_the_password_validators_and_writes_nothing(tmp_path, capsys):
    from django.contrib.auth import get_user_model

    for weak in ("kort", "password123", "lise@example.org"):
        file = _password_file(tmp_path, weak)
        args = ["createresearcher", "lise", "--email", "lise@example.org", "--password-file", file]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: password refused:") and "Traceback" not in err
    assert not get_user_model().objects.filter(username="lise").exists()


def test_createresearcher_refuses_a_taken_name_a_bad_address_and_a_missing_file(tmp_path, capsys):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("lise", password="x")
    file = _password_file(tmp_path, GOOD)
    assert (
        main(["createresearcher", "Lise", "--email", "l@example.org", "--password-file", file]) == 2
    )
    assert "an account named 'Lise' exists already" in capsys.readouterr().err
    assert (
        main(["createresearcher", "ny", "--email", "ikke-en-adresse", "--password-file", file]) == 2
    )
    assert "is not an e-mail address" in capsys.readouterr().err
    missing = str(tmp_path / "nope")
    assert (
        main(["createresearcher", "ny", "--email", "n@example.org", "--password-file", missing])
        == 2
    )
    assert "cannot read the password" in capsys.readouterr().err
    empty = _password_file(tmp_path, "\n")
    assert (
        main(["createresearcher", "ny", "--email", "n@example.org", "--password-file", empty]) == 2
    )
    assert "is empty" in capsys.readouterr().err
    assert not get_user_model().objects.filter(username="ny").exists()


def test_createresearcher_without_a_terminal_or_file_asks_for_the_file(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["createresearcher", "ny", "--email", "n@example.org"]) == 2
    assert "use --password-file" in capsys.readouterr().err


def test_createresearcher_has_no_password_argument():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options = sub.choices["createresearcher"]._option_string_actions
    assert "--password" not in options and "--password-file" in options


def test_createresearcher_prompts_twice_and_refuses_different_passwords(monkeypatch, capsys):
    from django.contrib.auth import get_user_model

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    answers = iter([GOOD, GOOD + "x", GOOD, GOOD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["createresearcher", "ny", "--email", "n@example.org"]) == 2
    assert "the two passwords differ" in capsys.readouterr().err
    assert main(["createresearcher", "ny", "--email", "n@example.org"]) == 0
    assert get_user_model().objects.get(username="ny").check_password(GOOD)
